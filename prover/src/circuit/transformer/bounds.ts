/**
 * Integer intervals of intermediate values (the `Bounds` precondition of the requantization
 * gadgets). Every bound here is a theorem about values the constraints already force (range
 * checks of the operands, constant weights), never an assumption about the witness: the
 * gadgets size their saturation and remainder checks from them.
 */
import type { Bounds } from '../gadgets/requant.ts';
import { signedBounds } from '../gadgets/requant.ts';

export type { Bounds };
export { signedBounds };

/** Bounds of k·x for a constant k. */
export function scaleBounds(b: Bounds, k: bigint | number): Bounds {
  const c = BigInt(k);
  return c >= 0n ? { min: b.min * c, max: b.max * c } : { min: b.max * c, max: b.min * c };
}

/** Bounds of a·b for a ∈ A, b ∈ B (the extremes are products of endpoints). */
export function mulBounds(a: Bounds, b: Bounds): Bounds {
  const p = [a.min * b.min, a.min * b.max, a.max * b.min, a.max * b.max];
  return { min: p.reduce((x, y) => (y < x ? y : x)), max: p.reduce((x, y) => (y > x ? y : x)) };
}

/** Bounds of Σ_c w[off + c]·x_c for constant weights and every x_c ∈ x. */
export function dotBounds(w: ArrayLike<number>, off: number, n: number, x: Bounds): Bounds {
  let min = 0n;
  let max = 0n;
  for (let c = 0; c < n; c++) {
    const k = BigInt(w[off + c]);
    if (k >= 0n) {
      min += k * x.min;
      max += k * x.max;
    } else {
      min += k * x.max;
      max += k * x.min;
    }
  }
  return { min, max };
}

/** Bit length of a non-negative bigint (0 → 0). */
export function bitLength(v: bigint): number {
  return v <= 0n ? 0 : v.toString(2).length;
}

/** Width n with |a − b| < 2^n for all a, b ∈ B (the comparison gadgets' precondition). */
export function diffWidth(b: Bounds): number {
  return Math.max(1, bitLength(b.max - b.min));
}

/** Smallest and largest entry of an integer table, as Bounds. */
export function tableBounds(table: ArrayLike<number>): Bounds {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < table.length; i++) {
    if (table[i] < min) min = table[i];
    if (table[i] > max) max = table[i];
  }
  return { min: BigInt(min), max: BigInt(max) };
}
