/**
 * The value of a dot product Σ k·lc.value (mod r) as lc.ts's combinations compute it in
 * witness mode, with a float fast path for the small integers most witness values are.
 */
import { mod, R } from './field.ts';
import type { LinearCombination, Scalar } from './lc.ts';

const SMALL = 1n << 53n;
// Hoisted: a bigint expression allocates every time it is evaluated (these run per term).
const NEG_SMALL = -SMALL;
const R_MINUS_SMALL = R - SMALL;
/** k as a number when |k| < 2^53 (exact), else null. */
export function safeNumber(k: bigint): number | null {
  return k > NEG_SMALL && k < SMALL ? Number(k) : null;
}

/** v ∈ [0, r) as a signed integer when its magnitude is below 2^53, else null. */
export function smallSigned(v: bigint): number | null {
  return v < SMALL ? Number(v) : v > R_MINUS_SMALL ? -Number(R - v) : null;
}

const EXACT = 2 ** 53;
const FLUSH = 2 ** 52;

/**
 * Σ k·value over a dot's parts, mod r. Witness values are mostly small signed integers
 * (activations, bits) stored as field elements, a negative one as r − |v| (254 bits), and
 * weights are small: a product of two such integers below 2^53 is exact in a double, so it is
 * summed in a float and folded into a bigint before the float sum could reach 2^53. Any
 * other term takes the bigint product. The result is the same field element either way; the
 * float path only spares the 254-bit multiplications that dominated witness building
 * (docs/decisions.md 25).
 */
export class ValueSum {
  private big: bigint | undefined = 0n;
  private float = 0;

  /** Adds k·lc.value; `kBig` is k as a bigint when the caller has it already. */
  add(k: Scalar, kBig: bigint | undefined, lc: LinearCombination): void {
    if (this.big === undefined) return;
    if (lc.value === undefined) {
      this.big = undefined;
      return;
    }
    const kn = typeof k === 'number' ? k : safeNumber(k);
    if (kn !== null) {
      const v = lc.smallValue;
      if (v !== null) {
        const p = kn * v;
        if (p < EXACT && p > -EXACT) {
          this.float += p;
          if (this.float >= FLUSH || this.float <= -FLUSH) {
            this.big += BigInt(this.float);
            this.float = 0;
          }
          return;
        }
      }
    }
    this.big += (kBig ?? BigInt(k)) * lc.value;
  }

  result(): bigint | undefined {
    return this.big === undefined ? undefined : mod(this.big + BigInt(this.float));
  }
}
