/**
 * 2-adic valuations of coefficients for LinearCombination.lowZeroBits (lc.ts): ν2(k) and a bound
 * on k's bit length, packed into one number so that walking millions of terms allocates nothing
 * (every bigint operation allocates; a stories260K chunk reads this per deferred node).
 */
import { HALF_R, toSigned } from './field.ts';
import type { Scalar } from './lc.ts';
import { safeNumber } from './value-sum.ts';

/** Valuations are capped here (callers ask for shifts of at most 200); also the valuation of 0. */
export const NO_ZEROS = 256;
/** Products of coefficients below 2^251 in magnitude stay below r/2 (r > 2^253), so they are their own signed values. */
export const EXACT_BITS = 251;
const NEG_HALF_R = -HALF_R; // hoisted, as every constant here: a bigint expression allocates when evaluated

/** ν2(k) (NO_ZEROS for 0) in the low 9 bits, an upper bound on k's bit length (0 for 0) above. */
export function scalarTwos(k: Scalar): number {
  if (k === 0 || k === 0n) return NO_ZEROS;
  if (typeof k === 'bigint') {
    const small = safeNumber(k);
    if (small === null) return bigTwos(k);
    k = small;
  }
  let a = Math.abs(k);
  let z = 0;
  while (a % 2 === 0) { a /= 2; z++; }
  return z + 512 * (z + (a < 2 ** 31 ? 32 - Math.clz32(a) : Math.floor(Math.log2(a)) + 2));
}

function bigTwos(k: bigint): number {
  let x = k < 0n ? -k : k;
  let z = 0;
  while ((x & 0xffffn) === 0n) { x >>= 16n; z += 16; }
  while ((x & 1n) === 0n) { x >>= 1n; z++; }
  return z + 512 * (z + x.toString(16).length * 4);
}

export const zerosOf = (packed: number): number => packed % 512;
export const bitsOf = (packed: number): number => Math.floor(packed / 512);

/** A stored coefficient as the signed integer it stands for, in (−r/2, r/2] (a multiple of r is 0). */
export function signedCoefficient(c: bigint): bigint {
  return c >= NEG_HALF_R && c <= HALF_R ? c : toSigned(c);
}
