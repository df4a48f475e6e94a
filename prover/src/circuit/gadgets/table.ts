import type { LinearCombination, Scalar } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';

/**
 * Lookup of a constant table T[0 … 2^b − 1] at an index given by its b boolean bits (e.g. a
 * range check's), through the range-check seam (circuit/ranges.ts). Today's backend is the
 * split mux of circuit/table-lookup.ts (its cost: lookupCost).
 */
export { lookupCost } from '../table-lookup.ts';

/** T[index] with index = Σ bits[i]·2^i; the bits must be boolean (precondition). */
export function lookup(cs: ConstraintSystem, bits: readonly LinearCombination[], table: ArrayLike<Scalar>): LinearCombination {
  return cs.ranges.lookup(bits, table);
}
