/**
 * Constant-weight matrix-vector products and their rescale (infer/int-ops.ts `matAcc`,
 * `rescale`). Weights are constants, so acc = Σ W·x is a linear combination: zero
 * constraints (DESIGN.md "Arithmetic"); the requantization costs its range checks.
 */
import type { QMatrix, Rescale } from '../../quant/types.ts';
import { requantize, type Requantized } from '../gadgets/requant.ts';
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

/** acc[r] = Σ_c W[r][c]·x[c], with x ∈ xb entrywise. Zero constraints. */
export function matAcc(W: QMatrix, x: readonly LinearCombination[], xb: Bounds): BoundedVec {
  if (x.length !== W.cols) throw new RangeError(`matAcc: input has ${x.length} entries, the matrix ${W.cols} columns`);
  const lcs: LinearCombination[] = [];
  const bounds: Bounds[] = [];
  for (let r = 0; r < W.rows; r++) {
    const off = r * W.cols;
    lcs.push(LinearCombination.dot(x, Array.from(W.w.subarray(off, off + W.cols))));
    bounds.push(dotBounds(W.w, off, W.cols, xb));
  }
  return { lcs, bounds };
}

/** y_i = requantize(acc_i, m_i, s, bits) (int-ops `rescale`). Cost per entry: s + bits (+ saturation). */
export function rescale(cs: ConstraintSystem, acc: BoundedVec, r: Rescale): Requantized[] {
  return acc.lcs.map((a, i) => requantize(cs, a, acc.bounds[i], mAt(r, i), r.s, r.bits));
}
