import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';

/**
 * Reciprocal and inverse square root as hints checked by range checks — exactly
 * arith/roots.ts `reciprocalFixed` and `rsqrtFixed` (the unique integers satisfying the
 * stated inequalities).
 *
 * Note: besides the two range checks on the inequalities that roots.ts names, the hinted
 * result itself must be range-checked: without it a prover can choose any remainder in range
 * and a non-integer field element q = (2^f − e)/d that still satisfies both inequalities.
 */

const bitLength = (v: bigint): number => (v <= 0n ? 1 : v.toString(2).length);

export interface FixedResult {
  /** The result (a hint wire). */
  y: LinearCombination;
  /** Its range-check bits (unsigned, little-endian). */
  yBits: LinearCombination[];
}

/**
 * reciprocal(d, dBits, f) = q = ⌊2^f / d⌋ for d ∈ [1, 2^dBits) (precondition: d range-checked
 * to dBits bits by its producer; d = 0 fails). Constraints: q range-checked to f + 1 bits,
 * p = q·d, e = 2^f − p ≥ 0 and d − 1 − e ≥ 0 (both dBits bits).
 * `yBits` (default f + 1, every q ≤ 2^f) may be narrower when the caller knows d ≥ dMin for
 * every honest witness (2^yBits > 2^f/dMin): a narrower check only rejects more, and q·d stays
 * far below r. Cost: yBits + 1 + 2·dBits constraints.
 */
export function reciprocal(cs: ConstraintSystem, d: LinearCombination, dBits: number, f: number, yBits = f + 1): FixedResult {
  if (!Number.isInteger(f) || f < 0 || f > 52) throw new RangeError(`reciprocal: fraction bits ${f} not in [0, 52]`);
  if (!Number.isInteger(yBits) || yBits < 1 || yBits > f + 1) throw new RangeError(`reciprocal: result width ${yBits} not in [1, ${f + 1}]`);
  return cs.scope('reciprocal', () => {
    const pow = 1n << BigInt(f);
    const y = cs.hint('q', () => {
      const dv = cs.valueOf(d);
      return dv === 0n || dv > pow ? 0n : pow / dv; // out-of-domain: any value, the checks fail
    });
    const yBitsOut = cs.ranges.checkWithBits(y, yBits);
    const e = LinearCombination.constant(pow).sub(cs.mul(y, d, 'qd'));
    cs.ranges.check(e, dBits);
    cs.ranges.check(d.sub(1).sub(e), dBits);
    return { y, get yBits() {
      return yBitsOut();
    } };
  });
}

/** ⌊√n⌋ of a non-negative bigint. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/**
 * rsqrt(v, vBits, f) = y = ⌊2^f / √v⌋ for v ∈ [1, 2^vBits) (precondition as above; v = 0 fails):
 * the unique y with y²·v ≤ 2^(2f) < (y+1)²·v. Constraints: y range-checked to f + 1 bits,
 * y² and P = y²·v and D = (2y + 1)·v (3 products), e = 2^(2f) − P ≥ 0 and D − 1 − e ≥ 0
 * (= (y+1)²·v − 2^(2f) − 1), both eBits wide where 2^eBits > max D = (2^(f+1)·√v + v).
 * Cost: f + 1 + 3 + 2·eBits constraints.
 */
export function rsqrt(cs: ConstraintSystem, v: LinearCombination, vBits: number, f: number): FixedResult {
  if (!Number.isInteger(f) || f < 0 || f > 40) throw new RangeError(`rsqrt: fraction bits ${f} not in [0, 40]`);
  if (!Number.isInteger(vBits) || vBits < 1 || vBits > 64) throw new RangeError(`rsqrt: input width ${vBits} not in [1, 64]`);
  return cs.scope('rsqrt', () => {
    const pow2 = 1n << BigInt(2 * f);
    const y = cs.hint('y', () => {
      const vv = cs.valueOf(v);
      return vv === 0n || vv >= 1n << BigInt(vBits) ? 0n : isqrt(pow2 / vv);
    });
    const yBits = cs.ranges.checkWithBits(y, f + 1);
    const y2 = cs.mul(y, y, 'y2');
    const p = cs.mul(y2, v, 'y2v');
    const dd = cs.mul(y.scale(2).add(1), v, '2y+1v');
    const vMax = (1n << BigInt(vBits)) - 1n;
    const eBits = bitLength((1n << BigInt(f + 1)) * (isqrt(vMax) + 1n) + vMax);
    const e = LinearCombination.constant(pow2).sub(p);
    cs.ranges.check(e, eBits);
    cs.ranges.check(dd.sub(1).sub(e), eBits);
    return { y, get yBits() {
      return yBits();
    } };
  });
}
