import { BETA_ROWS, decomposesAt, logUpCheckRows, logUpFixedRows, logUpQueries, shortTableEntries } from './logup-rows.ts';

/**
 * Choosing LogUp's limb width b by predicted proving time, not by constraint count
 * (docs/lookups-design.md "Choosing b"): a decomposition's bit wires are almost free in the
 * prover's multi-exponentiations, while every LogUp query adds a full 254-bit inverse wire,
 * and the table adds 2^b rows and 2^b full-width wires once per circuit.
 *
 * Costs of the native prover (one thread), from BENCHMARKS.md:
 * - a row: ≈ 29 µs per domain row (docs/decisions.md 15: NTTs and the H multi-exponentiation
 *   run over the domain; a fit over stories260K's four chunk kinds). The planner packs chunks
 *   to their power, so a row saved is, on average, domain saved.
 * - a full-width wire: the wire MSMs of stories260K's chunk 3 took 1.74 s for 243,534 wires of
 *   which 8 % full-width and 18.8 % ±1 (prover-vs-snarkjs). Charging the ±1 wires one addition
 *   per MSM (3 G1 × 0.745 µs + 1 G2 × 3.305 µs) leaves ≈ 76 µs per full-width wire over the four
 *   MSMs, ≈ 10 µs per G1 MSM. An inverse wire is stated in A (assertR1Ordered) and is private:
 *   2 G1 MSMs (A and L), ≈ 20 µs.
 * - a small wire (a bit, a limb < 2^b, a multiplicity): about one addition per MSM it enters:
 *   a bit of a decomposition enters A, B (G1 and G2) and L, one addition each when it is 1
 *   (half of them): ≈ 2.8 µs; a limb enters B (G1, G2) and L: ≈ 4.8 µs.
 */
export const PROVER_COSTS_US = { row: 29, fullWireInA: 20, bitWire: 2.8, limbWire: 4.8 } as const;

/** The limb widths considered (the design's set). */
export const LIMB_CANDIDATES = [8, 10, 12, 14, 16] as const;

/** Predicted prover µs of one k-bit range check at limb width b. */
export function checkCostUs(k: number, b: number): number {
  const c = PROVER_COSTS_US;
  if (decomposesAt(k, b)) return k * c.row + (k - 1) * c.bitWire;
  const limbs = Math.ceil(k / b);
  return logUpCheckRows(k, b) * c.row + logUpQueries(k, b) * c.fullWireInA + limbs * c.limbWire;
}

/** Predicted prover µs of the tables, once per circuit: 2^b and the short limbs' 2^b − 2 entries, a row, an inverse wire and a multiplicity each. */
export function tableCostUs(b: number): number {
  const c = PROVER_COSTS_US;
  const entries = 2 ** b + shortTableEntries(b);
  return (logUpFixedRows(b) - BETA_ROWS) * c.row + entries * (c.fullWireInA + c.limbWire);
}

/** Predicted prover µs of range-checking `widths` (k ↦ how many k-bit checks) in `circuits` circuits, at limb width b. */
export function predictedCostUs(widths: ReadonlyMap<number, number>, circuits: number, b: number): number {
  let us = circuits * tableCostUs(b);
  for (const [k, n] of widths) us += n * checkCostUs(k, b);
  return us;
}

/** Predicted µs of the same checks as plain decompositions (the baseline). */
export function plainCostUs(widths: ReadonlyMap<number, number>): number {
  let us = 0;
  for (const [k, n] of widths) us += n * (k * PROVER_COSTS_US.row + (k - 1) * PROVER_COSTS_US.bitWire);
  return us;
}

/** The candidate b of least predicted time for these checks over `circuits` circuits (ties: the smaller table). */
export function chooseLimbBits(widths: ReadonlyMap<number, number>, circuits: number, candidates: readonly number[] = LIMB_CANDIDATES): number {
  let best = candidates[0];
  for (const b of candidates) if (predictedCostUs(widths, circuits, b) < predictedCostUs(widths, circuits, best)) best = b;
  return best;
}
