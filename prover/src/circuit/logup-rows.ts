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

/**
 * Rows of a k-bit limb check: one inverse per query, plus the recomposition row that ties x to
 * its committed limbs. A one-limb check of a `soleWire` x = c·w + d (w private) needs no limb:
 * w itself is committed and x is the query (docs/decisions.md 34).
 */
function limbCheckRows(k: number, b: number, soleWire: boolean): number {
  const queries = logUpQueries(k, b);
  return (soleWire && queries === 1 ? 0 : 1) + queries;
}

/** True when a k-bit check is cheaper (or no dearer in rows) as a decomposition than as limbs. */
export function decomposesAt(k: number, b: number, soleWire = false): boolean {
  return k <= limbCheckRows(k, b, soleWire);
}

/** Rows a k-bit check costs with limb width b (`soleWire`: x is c·w + d with w a private wire). */
export function logUpCheckRows(k: number, b: number, soleWire = false): number {
  return decomposesAt(k, b, soleWire) ? k : limbCheckRows(k, b, soleWire);
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
