import { poseidonCost } from './poseidon.ts';

/**
 * Rows of the LogUp range backend (circuit/logup-ranges.ts) at limb width b: what the chunk
 * planner charges and the limb-width cost model (limb-cost.ts) prices.
 */

/** Queries of a k-bit check at limb width b: one per limb, one more for a short top limb. */
export function logUpQueries(k: number, b: number): number {
  const limbs = Math.ceil(k / b);
  return limbs + (k - (limbs - 1) * b < b ? 1 : 0);
}

/** True when a k-bit check is cheaper (or no dearer in rows) as a decomposition than as limbs. */
export function decomposesAt(k: number, b: number): boolean {
  return k <= 1 + logUpQueries(k, b);
}

/** Rows a k-bit check costs with limb width b: its recomposition and one inverse per query. */
export function logUpCheckRows(k: number, b: number): number {
  return decomposesAt(k, b) ? k : 1 + logUpQueries(k, b);
}

/**
 * Rows `resolve` adds once per circuit besides the per-query inverses: the range table's 2^b,
 * its sum, the blinding, and β = Poseidon(c), the value tables' second challenge.
 */
export function logUpFixedRows(b: number): number {
  return 2 ** b + 2 + BETA_ROWS;
}

/** Rows of β = Poseidon(c) (one input). */
export const BETA_ROWS = poseidonCost(1);
