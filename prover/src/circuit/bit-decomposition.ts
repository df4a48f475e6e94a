import { LinearCombination } from './lc.ts';
import type { ConstraintSystem } from './system.ts';

/**
 * Bit decomposition: the range-check backend in use today (ranges.ts). Gadgets do not call it;
 * they ask `cs.ranges` for a range check or for bits (docs/decisions.md 14).
 */

/** Largest width with a unique decomposition: 2^253 < r < 2^254, so n ≤ 253 cannot wrap. */
export const MAX_BITS = 253;

export function checkWidth(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_BITS) throw new RangeError(`${name}: bit width ${n} not an integer in [1, ${MAX_BITS}]`);
}

/** The low n bits of the field value v, little-endian (a hint: out-of-range v just fails later). */
export function bitsOfValue(v: bigint, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push((v >> BigInt(i)) & 1n);
  return out;
}

/**
 * decomposeBits(x, n) = [b_0 … b_{n−1}] (little-endian) with x = Σ b_i·2^i and every b_i ∈ {0, 1};
 * fails (unsatisfied) unless x ∈ [0, 2^n) as an integer.
 *
 * Cost: exactly n constraints and n − 1 hint wires. Bits 1..n−1 are hinted and made boolean
 * (b·(b − 1) = 0); bit 0 is not a wire but the linear combination x − Σ_{i≥1} b_i·2^i, made
 * boolean the same way — this folds the recomposition equation into bit 0's constraint, which
 * is what circom's linear-substitution optimizer does to circomlib's Num2Bits (n constraints).
 * n ≤ 253 keeps the decomposition unique in F_r.
 */
export function decomposeBits(cs: ConstraintSystem, x: LinearCombination, n: number): LinearCombination[] {
  checkWidth('toBits', n);
  return cs.scope(`toBits${n}`, () => {
    const high = n === 1 ? [] : cs.hints('bit', n - 1, () => bitsOfValue(cs.valueOf(x), n).slice(1));
    const bit0 = x.sub(LinearCombination.dot(high, high.map((_, i) => 1n << BigInt(i + 1))));
    const bits = [bit0, ...high];
    for (let i = 0; i < n; i++) cs.assertR1(bits[i], bits[i].sub(1), LinearCombination.constant(0), `bool${i}`);
    return bits;
  });
}
