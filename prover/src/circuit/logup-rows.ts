import { clampTableRows } from './clamp-table.ts';
import { poseidonCost } from './poseidon.ts';

/**
 * Rows of the LogUp range backend (circuit/logup-ranges.ts) at limb width b: what the chunk
 * planner charges and the limb-width cost model (limb-cost.ts) prices.
 */

/** Queries of a k-bit check at limb width b: one per limb (a short top limb of r bits in the table of 2^r). */
export function logUpQueries(k: number, b: number): number {
  return Math.ceil(k / b);
}

/** Entries of the short-limb tables {0 … 2^r − 1}, r = 1 … b − 1, that every LogUp circuit holds. */
export function shortTableEntries(b: number): number {
  return 2 ** b - 2;
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
 * its sum, the blinding, the short-limb tables (2^r rows and a sum each, r = 1 … b − 1) and
 * β = Poseidon(c), the value tables' second challenge; with `clampBits` W, the clamp table's 2^W
 * rows and its sum (clamp-table.ts).
 */
export function logUpFixedRows(b: number, clampBits?: number): number {
  return 2 ** b + 2 + shortTableEntries(b) + (b - 1) + BETA_ROWS + (clampBits === undefined ? 0 : clampTableRows(clampBits));
}

/** Rows of β = Poseidon(c) (one input). */
export const BETA_ROWS = poseidonCost(1);
