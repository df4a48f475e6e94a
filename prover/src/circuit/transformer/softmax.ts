/**
 * Unnormalised integer softmax of one query row (arith/softmax.ts `softmaxExps`), bit for bit,
 * with (a, k, spec) = softmaxSpec(m, sh) (constants of the layer; a < 8):
 *   mx  = max s_i          hinted, proven equal to some (visible) s_i (maximumUnchecked)
 *   x_i = ⌊(mx − s_i)·a / 2^k⌋ ≥ 0: quotient and remainder range-checked unsigned — the
 *         range check of z_i·a for z_i = mx − s_i, which also proves z_i ≥ 0 (below), so mx is
 *         the maximum without a second decomposition of the same quantity
 *   e_i = expNeg(x_i)      exact product of two 6-bit digit tables on x_i's digits (cs.ranges.lookupDigits:
 *                         bits and split muxes, or LogUp digit pairs)
 *         (arith/exp.ts, 32 fraction bits, no rounding); bits above the tables' 12 make it 0
 *   S   = Σ e_i, r = ⌊2^50/S⌋ (reciprocal gadget)
 * The probabilities p_i ≈ e_i·r/2^34 are not formed: attention multiplies Σ e_j·v_j by r once
 * per output (attention.ts, arith `attendNormalised`); `probabilities` below rounds them for
 * tests and other callers.
 * The inputs are the raw integer scores Σ q·k; `scoreBounds` bounds every one of them.
 * Why mx − s_i ≥ 0 follows: mx equals a score, so z_i = mx − s_i is an integer with
 * |z_i| ≤ scoreBounds.max − scoreBounds.min, and z_i·a = x_i·2^k + rem_i with x_i, rem_i
 * range-checked (so far below the field size r): the equation holds over the integers and
 * z_i·a ≥ 0, so z_i ≥ 0 (a ≥ 1).
 */
import { expMax } from '../../arith/exp.ts';
import { PROB_FRAC, RECIP_FRAC, softmaxSpec } from '../../arith/softmax.ts';
import { toBits } from '../gadgets/bits.ts';
import { maximumUnchecked } from '../gadgets/max.ts';
import { expNegOf } from '../gadgets/nonlinear.ts';
import { reciprocal } from '../gadgets/reciprocal.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { bitLength, type Bounds } from './bounds.ts';

export interface SoftmaxResult {
  /** e_i ∈ [0, 2^32): exact, 0 where hidden. */
  e: LinearCombination[];
  /** r = ⌊2^RECIP_FRAC / Σ e_i⌋ (range-checked). */
  r: LinearCombination;
  /** The proven maximum (for tamper tests). */
  max: LinearCombination;
}

/**
 * Bounds of u·r for u = Σ_j e_j·v_j with v_j ∈ vb (e_j ≥ 0): Σ_j e_j·r ≤ S·r ≤ 2^RECIP_FRAC, so
 * u·r ∈ [2^RECIP_FRAC·min(vb.min, 0), 2^RECIP_FRAC·max(vb.max, 0)].
 */
export function normalisedSumBounds(vb: Bounds): Bounds {
  const total = 1n << BigInt(RECIP_FRAC);
  return { min: (vb.min < 0n ? vb.min : 0n) * total, max: (vb.max > 0n ? vb.max : 0n) * total };
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
    cs.ranges.check(v.add(half).sub(q.scale(1n << BigInt(s))), s);
    return { q, bits: toBits(cs, q, w) };
  });
}

/**
 * q = ⌊v/2^s⌋ for an integer v ∈ [0, vMax], hinted, with v − q·2^s ∈ [0, 2^s) checked; q's own
 * range, [0, 2^width) with width that of vMax >> s, is the caller's to check (softmax: the exp
 * digits' lookup does). With both checked the equation holds over the integers (see below).
 * s = 0: q = v, nothing checked.
 */
export function floorShift(cs: ConstraintSystem, v: LinearCombination, vMax: bigint, s: number): { q: LinearCombination; width: number } {
  const width = Math.max(1, bitLength(vMax >> BigInt(s)));
  return cs.scope('rshift', () => {
    if (s === 0) return { q: v, width };
    const q = cs.hint('q', () => cs.valueOf(v) >> BigInt(s));
    cs.ranges.check(v.sub(q.scale(1n << BigInt(s))), s);
    return { q, width };
  });
}

/**
 * The bits of q = ⌊v/2^s⌋ for an integer v ∈ [0, vMax]: q hinted, v − q·2^s ∈ [0, 2^s) and
 * q ∈ [0, 2^w) with w the width of vMax >> s. Both are small against r, so (for v known to be
 * a small integer, positive or not) the equation holds over the integers: v ≥ 0 and q is the
 * true quotient. Cost: s + w constraints.
 */
export function floorShiftUnsigned(cs: ConstraintSystem, v: LinearCombination, vMax: bigint, s: number): { q: LinearCombination; bits: LinearCombination[] } {
  const { q, width } = floorShift(cs, v, vMax, s);
  return { q, bits: cs.scope('rshift', () => toBits(cs, q, width)) };
}

/**
 * `visible` (optional, position chunks): 0/1 per score (precondition: boolean, at least one 1);
 * hidden scores get e = 0 and do not enter the max or the sum, so the visible e and r are bit
 * for bit softmaxExps over the visible scores alone. The maximum then costs one product per slot
 * (visible·(mx − s_i), 0 where hidden, so x = 0 there), and each exp output one more (e·visible).
 */
export function softmax(cs: ConstraintSystem, scores: readonly LinearCombination[], scoreBounds: Bounds, m: number, sh: number, visible?: readonly LinearCombination[]): SoftmaxResult {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmax: no scores');
  if (n > 2 ** 18) throw new RangeError(`softmax: ${n} scores exceed 2^18`);
  const { mul, shift, spec } = softmaxSpec(m, sh); // checks m ∈ [1, 2^31), sh ∈ [0, 62]
  if (visible && visible.length !== n) throw new RangeError(`softmax: ${visible.length} mask entries for ${n} scores`);
  return cs.scope('softmax', () => {
    const { max, diffs } = maximumUnchecked(cs, scores, visible);
    const zMax = (scoreBounds.max - scoreBounds.min) * BigInt(mul);
    const e = diffs.map((d, i) =>
      cs.scope(`e${i}`, () => {
        const { q, width: w } = floorShift(cs, d.scale(mul), zMax, shift);
        const ei = expNegOf(cs, q, w, spec);
        return visible ? cs.mul(ei, visible[i], 'masked') : ei;
      }),
    );
    const sum = LinearCombination.sum(e);
    // Every e_i ∈ [0, eMax], eMax = e(0) reached at the max: S ∈ [eMax, n·eMax] for every
    // honest witness, so r ≤ 2^RECIP_FRAC / eMax.
    const eMax = BigInt(expMax(spec));
    const rBits = bitLength((1n << BigInt(RECIP_FRAC)) / eMax);
    const r = reciprocal(cs, sum, bitLength(BigInt(n) * eMax), RECIP_FRAC, rBits).y;
    return { e, r, max };
  });
}

/**
 * p_i = roundShift(e_i·r, RECIP_FRAC − PROB_FRAC) ∈ [0, 2^PROB_FRAC] (arith `softmaxFixed`).
 * Cost per score: 1 product + (RECIP_FRAC − PROB_FRAC) remainder + PROB_FRAC + 1 quotient bits.
 */
export function probabilities(cs: ConstraintSystem, sm: SoftmaxResult): LinearCombination[] {
  const total = 1n << BigInt(RECIP_FRAC);
  return sm.e.map((ei, i) =>
    cs.scope(`p${i}`, () => roundShiftUnsigned(cs, cs.mul(ei, sm.r, 'er'), total, RECIP_FRAC - PROB_FRAC).q),
  );
}
