import type { LinearCombination } from './lc.ts';

/**
 * The clamp table of a LogUp circuit (docs/decisions.md 32). Saturating an int8 output, y =
 * clamp(q, −128, 127), costs a requantization four rows of flags and products and a window
 * check (gadgets/requant.ts); with pair lookups (decisions 31) it is one lookup of
 * (q + 2^(W−1), y + 128) in the table of pairs (i, clamp(i − 2^(W−1)) + 128), i ∈ [0, 2^W): two
 * rows (β·value and an inverse), and the table bounds y, so y needs no check of its own. The
 * table's 2^W + 1 rows are paid once per circuit (logup-rows.ts), used or not, so that every
 * stage's count is its own and the chunk planner's sums stay exact.
 *
 * W = 10 covers the requantizations of both models we ship: every int8 site's quotient window
 * lies in [−512, 511] for 3,650 of stories260K's 3,767 saturating int8 sites per position (the
 * others keep the flags), and a wider table costs more rows than the sites it would add save.
 */

/** The default W: a table of 1,024 pairs. */
export const DEFAULT_CLAMP_BITS = 10;

/** The output interval the table clamps to: int8. */
export const CLAMP_OUT = { min: -128n, max: 127n } as const;

/** A circuit's clamp table as a gadget sees it (cs.ranges.clampTable). */
export interface ClampTable {
  /** W: indices 0 … 2^W − 1. */
  readonly bits: number;
  /** 2^(W−1): the index of q is q + offset, so q ∈ [−offset, offset). */
  readonly offset: bigint;
  /**
   * y = clamp(index − offset, −128, 127) for an index whose wires are fixed before the
   * challenges (a committed hint): the pair (index, y + 128) is looked up, which also proves
   * index ∈ [0, 2^W) and y ∈ [−128, 127]. Two rows.
   */
  lookup(index: LinearCombination): LinearCombination;
}

/** The table's values clamp(i − 2^(W−1)) + 128 for i ∈ [0, 2^W) (non-negative: a committed value is then a small scalar). */
export function clampTableValues(bits: number): bigint[] {
  if (!Number.isInteger(bits) || bits < 8 || bits > 16) throw new RangeError(`clamp table: width ${bits} not an integer in 8..16`);
  const offset = 1n << BigInt(bits - 1);
  return Array.from({ length: 2 ** bits }, (_, i) => {
    const q = BigInt(i) - offset;
    const y = q < CLAMP_OUT.min ? CLAMP_OUT.min : q > CLAMP_OUT.max ? CLAMP_OUT.max : q;
    return y - CLAMP_OUT.min;
  });
}

/** Rows the table adds to a circuit: one per entry and its sum. */
export function clampTableRows(bits: number): number {
  return 2 ** bits + 1;
}

/** True when the table covers quotients in [qMin, qMax] clamped to [min, max]. */
export function clampCovers(table: ClampTable, qMin: bigint, qMax: bigint, out: { min: bigint; max: bigint }): boolean {
  return out.min === CLAMP_OUT.min && out.max === CLAMP_OUT.max && qMin >= -table.offset && qMax < table.offset;
}
