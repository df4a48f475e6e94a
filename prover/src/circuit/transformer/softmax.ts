/**
 * Integer softmax of one query row (arith/softmax.ts `softmaxFixed`), bit for bit:
 *   mx  = max s_i          proven (maximum gadget: mx − s_i range-checked, Π(mx − s_i) = 0)
 *   x_i = roundShift((mx − s_i)·m, sh), saturated to X_BITS: expNeg is 0 for every x ≥ 2^12,
 *         so a saturated x (≥ 2^(X_BITS−1) − 1 ≥ 2^12) gives the same e_i
 *   e_i = expNeg(x_i)      digit tables on x_i's range-check bits (arith/exp.ts)
 *   S   = Σ e_i, r = ⌊2^40/S⌋ (reciprocal gadget), p_i = roundShift(e_i·r, 24)
 * The inputs are the raw integer scores Σ q·k; `scoreBounds` bounds every one of them.
 */
import { EXP_SPEC } from '../../arith/exp.ts';
import { PROB_FRAC, RECIP_FRAC } from '../../arith/softmax.ts';
import { maximum } from '../gadgets/max.ts';
import { expNeg } from '../gadgets/nonlinear.ts';
import { reciprocal } from '../gadgets/reciprocal.ts';
import { roundShiftSaturate } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { bitLength, diffWidth, type Bounds } from './bounds.ts';

/** Width of the saturated exp input: one bit above the exp tables' reach, plus the sign. */
const EXP_WIDTH = EXP_SPEC.digitBits * EXP_SPEC.nDigits;
const X_BITS = EXP_WIDTH + 2;
const ONE = 1n << BigInt(EXP_SPEC.outFrac);

export interface SoftmaxResult {
  /** p_i ∈ [0, 2^PROB_FRAC]. */
  p: LinearCombination[];
  /** The proven maximum (for tamper tests). */
  max: LinearCombination;
}

/** Bounds of Σ_j p_j·v_j over n keys with v_j ∈ vb: Σ p_j ≤ 2^PROB_FRAC + n/2 since Σ e_j·r ≤ 2^RECIP_FRAC. */
export function weightedSumBounds(n: number, vb: Bounds): Bounds {
  const total = (1n << BigInt(PROB_FRAC)) + BigInt(n);
  const absMax = -vb.min > vb.max ? -vb.min : vb.max;
  return { min: -total * absMax, max: total * absMax };
}

export function softmax(cs: ConstraintSystem, scores: readonly LinearCombination[], scoreBounds: Bounds, m: number, sh: number): SoftmaxResult {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmax: no scores');
  if (!Number.isSafeInteger(m) || m < 0 || m >= 2 ** 31) throw new RangeError(`softmax: multiplier ${m} must be an integer in [0, 2^31)`);
  if (EXP_SPEC.outFrac !== PROB_FRAC) throw new RangeError('softmax: exp output and probability fractions differ');
  return cs.scope('softmax', () => {
    const width = diffWidth(scoreBounds);
    const { max } = maximum(cs, scores, width);
    const zMax = (scoreBounds.max - scoreBounds.min) * BigInt(m);
    const e = scores.map((s, i) =>
      cs.scope(`e${i}`, () => {
        const x = roundShiftSaturate(cs, max.sub(s).scale(m), { min: 0n, max: zMax }, sh, X_BITS);
        // x ≥ 0, so the offset bits of x + 2^(X_BITS−1) below the top one are x's bits.
        return expNeg(cs, x.yBits.offsetBits.slice(0, X_BITS - 1));
      }),
    );
    const sum = LinearCombination.sum(e);
    const r = reciprocal(cs, sum, bitLength(BigInt(n) * ONE), RECIP_FRAC).y;
    const total = 1n << BigInt(RECIP_FRAC);
    const p = e.map((ei, i) =>
      cs.scope(`p${i}`, () => roundShiftSaturate(cs, cs.mul(ei, r, 'er'), { min: 0n, max: total }, RECIP_FRAC - PROB_FRAC, PROB_FRAC + 2).y),
    );
    return { p, max };
  });
}
