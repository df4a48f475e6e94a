/**
 * Fixed-point multipliers: a real factor M becomes m/2^s with integer m (the circuit's
 * rescale is x·m + 2^(s−1) = q·2^s + r, docs/architecture.md "Arithmetic"). Float math is used here only
 * to derive constants at quantization time.
 */
import type { Rescale } from './types.ts';

/**
 * One shift s for a vector of factors, chosen so that the largest |M_i|·2^s lies in
 * [2^(p−1), 2^p); m_i = round(M_i·2^s). s is clamped to [0, 62]; a factor too large for
 * |m| < 2^31 at s = 0 is a RangeError (the site's scales are inconsistent).
 */
export function fixedMultipliers(factors: ArrayLike<number>, bits: number, precision: number, what: string): Rescale {
  let maxAbs = 0;
  for (let i = 0; i < factors.length; i++) {
    const f = factors[i];
    if (!Number.isFinite(f)) throw new RangeError(`${what}: multiplier ${f} at channel ${i} is not finite`);
    maxAbs = Math.max(maxAbs, Math.abs(f));
  }
  const m = new Int32Array(factors.length);
  if (maxAbs === 0) return { m, s: 0, bits };
  let s = precision - 1 - Math.floor(Math.log2(maxAbs));
  s = Math.min(62, Math.max(0, s));
  for (let i = 0; i < factors.length; i++) {
    const v = Math.round(factors[i] * 2 ** s);
    if (Math.abs(v) >= 2 ** 31) throw new RangeError(`${what}: multiplier ${factors[i]} does not fit 31 bits at shift ${s}`);
    m[i] = v;
  }
  return { m, s, bits };
}

/** A single (broadcast) multiplier. */
export function fixedMultiplier(factor: number, bits: number, precision: number, what: string): Rescale {
  return fixedMultipliers([factor], bits, precision, what);
}

/** Scale of a symmetric signed `bits`-bit site whose values reach ±maxAbs (times headroom). */
export function siteScale(maxAbs: number, bits: number, headroom = 1): number {
  const qmax = 2 ** (bits - 1) - 1;
  return maxAbs > 0 && Number.isFinite(maxAbs) ? (maxAbs * headroom) / qmax : 1 / qmax;
}

/** e with 2^(p−1) ≤ x/2^e < 2^p (x > 0): the exponent that leaves x a p-bit mantissa. */
function mantissaExp(x: number, p: number): number {
  let e = Math.floor(Math.log2(x)) - (p - 1);
  if (x / 2 ** e >= 2 ** p) e++; // log2 rounding at the edges
  if (x / 2 ** e < 2 ** (p - 1)) e--;
  return e;
}

/**
 * The smallest y ≥ x of the form k·2^e with k < 2^p, i.e. with at most p significant bits (x > 0);
 * with `integer` the exponent is kept ≥ 0, so y is an integer. A short multiplier m ends in
 * zero bits that the circuit's requantization does not check (gadgets/requant.ts).
 */
export function roundUpShort(x: number, p: number, integer = false): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`roundUpShort: ${x} is not a positive finite number`);
  if (!Number.isInteger(p) || p < 1 || p > 52) throw new RangeError(`roundUpShort: precision ${p} not an integer in [1, 52]`);
  const e = integer ? Math.max(0, mantissaExp(x, p)) : mantissaExp(x, p);
  return Math.ceil(x / 2 ** e) * 2 ** e;
}

/** The largest y ≤ x with at most p significant bits (x > 0). */
export function roundDownShort(x: number, p: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`roundDownShort: ${x} is not a positive finite number`);
  if (!Number.isInteger(p) || p < 1 || p > 52) throw new RangeError(`roundDownShort: precision ${p} not an integer in [1, 52]`);
  const e = mantissaExp(x, p);
  return Math.floor(x / 2 ** e) * 2 ** e;
}
