/**
 * Constant-weight matrix-vector products and their rescale (infer/int-ops.ts `matAcc`,
 * `rescale`). Weights are constants, so acc = Σ W·x is a linear combination: zero
 * constraints (docs/architecture.md "Arithmetic"); the requantization costs its range checks.
 */
import type { QMatrix, Rescale } from '../../quant/types.ts';
import { requantize, requantizeBits, type Requantized, type RequantizedBits } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { dotBounds, type Bounds } from './bounds.ts';

/** A vector of linear combinations with the bounds of each entry. */
export interface BoundedVec {
  lcs: LinearCombination[];
  bounds: Bounds[];
}

/** The multiplier of channel i (one per channel, or one broadcast). */
export const mAt = (r: Rescale, i: number): number => (r.m.length === 1 ? r.m[0] : r.m[i]);

/**
 * acc[r] = Σ_c W[r][c]·x[c], with x ∈ xb entrywise and, when given, ‖x‖₂ ≤ xNorm (an RMSNorm
 * output: see norm.ts normOutputL2). Zero constraints. Each row's bounds are the entrywise
 * ones intersected with Cauchy–Schwarz |acc_r| ≤ ‖W_r‖₂·‖x‖₂: much tighter after a norm, which
 * spares the requantization its saturation checks where saturation cannot happen.
 */
export function matAcc(W: QMatrix, x: readonly LinearCombination[], xb: Bounds, xNorm?: number): BoundedVec {
  if (x.length !== W.cols) throw new RangeError(`matAcc: input has ${x.length} entries, the matrix ${W.cols} columns`);
  const lcs: LinearCombination[] = [];
  const bounds: Bounds[] = [];
  for (let r = 0; r < W.rows; r++) {
    const off = r * W.cols;
    lcs.push(LinearCombination.dot(x, Array.from(W.w.subarray(off, off + W.cols))));
    bounds.push(rowBounds(W.w, off, W.cols, xb, xNorm));
  }
  return { lcs, bounds };
}

/**
 * Bounds of Σ_c w[off + c]·x_c for constant integer weights (|w| < 2^26), x ∈ xb entrywise
 * and, when given, ‖x‖₂ ≤ xNorm: the entrywise bounds intersected with Cauchy–Schwarz
 * |Σ w·x| ≤ ‖w‖₂·‖x‖₂.
 */
export function rowBounds(w: ArrayLike<number>, off: number, n: number, xb: Bounds, xNorm?: number): Bounds {
  const b = dotBounds(w, off, n, xb);
  if (xNorm === undefined) return b;
  let sq = 0;
  for (let c = 0; c < n; c++) sq += w[off + c] * w[off + c]; // each square < 2^52: exact; the sum's float error is far below the margin
  // Float product rounded up with a relative margin far above float64's error, plus 1.
  const cs = BigInt(Math.ceil(Math.sqrt(sq) * xNorm * (1 + 1e-9)) + 1);
  return { min: b.min > -cs ? b.min : -cs, max: b.max < cs ? b.max : cs };
}

/** y_i = requantize(acc_i, m_i, s, bits) (int-ops `rescale`). Cost per entry: s + bits (+ saturation). */
export function rescale(cs: ConstraintSystem, acc: BoundedVec, r: Rescale): Requantized[] {
  return acc.lcs.map((a, i) => requantize(cs, a, acc.bounds[i], mAt(r, i), r.s, r.bits));
}

/** rescale with each y's range-check bits (a table input); costs more when saturation is possible. */
export function rescaleBits(cs: ConstraintSystem, acc: BoundedVec, r: Rescale): RequantizedBits[] {
  return acc.lcs.map((a, i) => requantizeBits(cs, a, acc.bounds[i], mAt(r, i), r.s, r.bits));
}
