import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';

/**
 * Bits and booleans (docs/architecture.md "Arithmetic": one range check per value, its bits
 * reused for signs, comparisons and table inputs). Range checks go through `cs.ranges`
 * (circuit/ranges.ts).
 */

export { MAX_BITS, bitsOfValue, checkWidth } from '../bit-decomposition.ts';

/**
 * toBits(x, n) = [b_0 … b_{n−1}] (little-endian), x = Σ b_i·2^i, every b_i ∈ {0, 1}; fails
 * (unsatisfied) unless x ∈ [0, 2^n). For gadgets that compute with the bits: it asks the
 * range-check seam for them (`cs.ranges.bits`); a gadget that needs only the range calls
 * `cs.ranges.check`. Cost with today's backend: n constraints (bit-decomposition.ts).
 */
export function toBits(cs: ConstraintSystem, x: LinearCombination, n: number): LinearCombination[] {
  return cs.ranges.bits(x, n);
}

/** Σ b_i·2^i (little-endian). Zero constraints; the caller guarantees the b_i are boolean. */
export function fromBits(bits: readonly LinearCombination[]): LinearCombination {
  return LinearCombination.dot(bits, bits.map((_, i) => 1n << BigInt(i)));
}

/** b·(b − 1) = 0, i.e. b ∈ {0, 1}. One constraint. */
export function assertBoolean(cs: ConstraintSystem, b: LinearCombination, label = 'bool'): void {
  cs.assertR1(b, b.sub(1), LinearCombination.constant(0), label);
}

/** A new boolean hint wire b = compute() with its boolean constraint. One constraint. */
export function booleanHint(cs: ConstraintSystem, name: string, compute: () => boolean): LinearCombination {
  const b = cs.hint(name, () => (compute() ? 1n : 0n));
  assertBoolean(cs, b, `${name}:bool`);
  return b;
}
