/**
 * Integer softmax of one query row (arith/softmax.ts `softmaxFixed`), bit for bit:
 *   mx  = max s_i          proven (maximum gadget: mx − s_i range-checked, Π(mx − s_i) = 0)
 *   x_i = roundShift((mx − s_i)·m, sh) ≥ 0, its quotient range-checked unsigned to the width
 *         its bounds need (no saturation, no sign bit)
 *   e_i = expNeg(x_i)      digit tables on x_i's range-check bits (arith/exp.ts); bits above
 *         the tables' 12 make it 0 (one isZero on the high part)
 *   S   = Σ e_i, r = ⌊2^40/S⌋ (reciprocal gadget), p_i = roundShift(e_i·r, 24)
 * The inputs are the raw integer scores Σ q·k; `scoreBounds` bounds every one of them.
 */
import { EXP_SPEC } from '../../arith/exp.ts';
import { PROB_FRAC, RECIP_FRAC } from '../../arith/softmax.ts';
import { toBits } from '../gadgets/bits.ts';
import { maskedMaximum, maximum } from '../gadgets/max.ts';
import { expNeg } from '../gadgets/nonlinear.ts';
import { reciprocal } from '../gadgets/reciprocal.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { bitLength, diffWidth, type Bounds } from './bounds.ts';

const EXP_WIDTH = EXP_SPEC.digitBits * EXP_SPEC.nDigits;
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

/**
 * The bits of q = ⌊(v + 2^(s−1))/2^s⌋ for an integer v ∈ [0, vMax] (arith roundShift): q hinted,
 * v + 2^(s−1) − q·2^s ∈ [0, 2^s) and q ∈ [0, 2^w) with w the width of q's largest value. Both
 * are small against r, so the equation holds over the integers and q is the true quotient.
 * Cost: s + w constraints.
 */
export function roundShiftUnsigned(cs: ConstraintSystem, v: LinearCombination, vMax: bigint, s: number): { q: LinearCombination; bits: LinearCombination[] } {
  const half = s === 0 ? 0n : 1n << BigInt(s - 1);
  const w = Math.max(1, bitLength((vMax + half) >> BigInt(s)));
  return cs.scope('rshift', () => {
    if (s === 0) return { q: v, bits: toBits(cs, v, w) };
    const q = cs.hint('q', () => (cs.valueOf(v) + half) >> BigInt(s));
    toBits(cs, v.add(half).sub(q.scale(1n << BigInt(s))), s);
    return { q, bits: toBits(cs, q, w) };
  });
}

/**
 * `visible` (optional, position chunks): 0/1 per score (precondition: boolean, at least one 1);
 * hidden scores get p = 0 and do not enter the max or the sum, so the visible p are bit for
 * bit softmaxFixed over the visible scores alone. The maximum then costs one product per slot
 * (maskedMaximum), and each exp output one more (e·visible).
 */
export function softmax(cs: ConstraintSystem, scores: readonly LinearCombination[], scoreBounds: Bounds, m: number, sh: number, visible?: readonly LinearCombination[]): SoftmaxResult {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmax: no scores');
  if (!Number.isSafeInteger(m) || m < 0 || m >= 2 ** 31) throw new RangeError(`softmax: multiplier ${m} must be an integer in [0, 2^31)`);
  if (EXP_SPEC.outFrac !== PROB_FRAC) throw new RangeError('softmax: exp output and probability fractions differ');
  if (visible && visible.length !== n) throw new RangeError(`softmax: ${visible.length} mask entries for ${n} scores`);
  return cs.scope('softmax', () => {
    const width = diffWidth(scoreBounds);
    let max: LinearCombination;
    let diffs: LinearCombination[];
    if (visible) {
      const mm = maskedMaximum(cs, scores, visible, width);
      max = mm.max;
      diffs = mm.diffs; // visible·(max − s): 0 where hidden, so exp(0) below, masked after
    } else {
      max = maximum(cs, scores, width).max;
      diffs = scores.map((s) => max.sub(s));
    }
    // ⌊(d·m + 2^(sh−1))/2^sh⌋ = ⌊(d·m' + 2^(sh−k−1))/2^(sh−k)⌋ for m = m'·2^k, k ≤ sh: a short
    // multiplier's zero bits are remainder bits left unchecked (as in gadgets/requant.ts).
    let k = 0;
    while (k < sh && m !== 0 && (m / 2 ** k) % 2 === 0) k++;
    const mk = m / 2 ** k;
    const zMax = (scoreBounds.max - scoreBounds.min) * BigInt(mk);
    const e = diffs.map((d, i) =>
      cs.scope(`e${i}`, () => {
        const xBits = roundShiftUnsigned(cs, d.scale(mk), zMax, sh - k).bits;
        const zero = LinearCombination.constant(0);
        while (xBits.length < EXP_WIDTH) xBits.push(zero); // a narrow x: its missing high bits are 0
        const ei = expNeg(cs, xBits);
        return visible ? cs.mul(ei, visible[i], 'masked') : ei;
      }),
    );
    const sum = LinearCombination.sum(e);
    const r = reciprocal(cs, sum, bitLength(BigInt(n) * ONE), RECIP_FRAC).y;
    const total = 1n << BigInt(RECIP_FRAC);
    const p = e.map((ei, i) =>
      cs.scope(`p${i}`, () => roundShiftUnsigned(cs, cs.mul(ei, r, 'er'), total, RECIP_FRAC - PROB_FRAC).q),
    );
    return { p, max };
  });
}
