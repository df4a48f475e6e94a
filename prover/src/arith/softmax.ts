import { roundShift, saturate } from './fixed.ts';
import { EXP_DIGITS, expNegFixed, expOutFrac, type ExpSpec } from './exp.ts';
import { reciprocalFixed } from './roots.ts';

/**
 * Fraction bits of softmax probabilities: p = 2^PROB_FRAC means 1.0. Attention never rounds
 * p itself (`attendNormalised` below); PROB_FRAC only fixes the unit of Σ p·v that the
 * attention-output multiplier (quant `attnOut`) is stated in.
 */
export const PROB_FRAC = 16;
/**
 * Fraction bits of the reciprocal of the exp sum, r = ⌊2^RECIP_FRAC / S⌋ (S ≤ n·2^32). r's
 * truncation (by < 1) changes a normalised value u·r by less than |u|, i.e. relatively by less
 * than S / 2^RECIP_FRAC ≤ n·2^−18: under 1/64 of a unit for a 127-unit attention output at n = 32.
 */
export const RECIP_FRAC = 50;

/**
 * Fraction bits of the softmax multiplier's exponent: m/2^s = c·2^SOFTMAX_MUL_FRAC where c is
 * the real exponent per unit of score difference (quant: s_q·s_k·attention scale).
 */
export const SOFTMAX_MUL_FRAC = 8;
/** Exponent the exp tables must reach before they end (exp(−16) < 2^−23: below every unit). */
export const EXP_REACH = 16;

/** Bits of the small exp-input multiplier `mul` (softmaxSpec): x = ⌊z·mul / 2^shift⌋, mul < 2^3. */
export const SOFTMAX_STEP_BITS = 3;

/** The exp input of one layer: x = ⌊z·mul / 2^shift⌋ of the score difference z, read by `spec`. */
export interface SoftmaxSpec {
  mul: number;
  shift: number;
  spec: ExpSpec;
}

const specCache = new Map<string, SoftmaxSpec>();

/**
 * softmaxSpec(m, s): with c = m / 2^(s + SOFTMAX_MUL_FRAC) the exponent per score unit, the
 * exp input x = ⌊z·mul / 2^shift⌋ whose step unit = c·2^shift/mul is the smallest one ≥ 2^−8
 * (so the 2^12 table inputs reach EXP_REACH = 16) over shift ≥ 0 and mul ∈ [1, 2^SOFTMAX_STEP_BITS),
 * and the exp spec with that unit and offset (unit − c)/2 (the middle of the integers z that
 * share an x: the floor has no bias). The score differences feed the tables nearly directly —
 * z·mul with a 3-bit mul instead of the layer's 12-bit multiplier m, so 9 fewer bits to
 * range-check per score (arith/exp.ts; circuit softmax.ts).
 * Resolution: coarse scores (c ≥ 2^−8, e.g. stories260K's int8 q·k): mul = 1, shift = 0,
 * x = z, the exponent c·z exactly (no offset). Finer scores: a step in [2^−8, 1.25·2^−8].
 */
export function softmaxSpec(m: number, s: number): SoftmaxSpec {
  if (!Number.isSafeInteger(m) || m < 1 || m >= 2 ** 31) throw new RangeError(`softmax multiplier must be an integer in [1, 2^31), got ${m}`);
  if (!Number.isInteger(s) || s < 0 || s > 62) throw new RangeError(`softmax shift must be an integer in [0, 62], got ${s}`);
  const key = `${m}/${s}`;
  let r = specCache.get(key);
  if (!r) {
    const c = m / 2 ** (s + SOFTMAX_MUL_FRAC);
    const minUnit = EXP_REACH / 2 ** (EXP_DIGITS.digitBits * EXP_DIGITS.nDigits);
    let best = { mul: 1, shift: 0, unit: c };
    if (c < minUnit) {
      best = { mul: 1, shift: 0, unit: Infinity };
      for (let shift = 1; shift <= 62; shift++) {
        for (let mul = 1; mul < 2 ** SOFTMAX_STEP_BITS; mul++) {
          const unit = (c * 2 ** shift) / mul;
          if (unit >= minUnit && unit < best.unit) best = { mul, shift, unit };
        }
        if (c * 2 ** shift >= 2 * minUnit * 2 ** SOFTMAX_STEP_BITS) break; // larger shifts only coarsen
      }
    }
    r = { mul: best.mul, shift: best.shift, spec: { unit: best.unit, offset: (best.unit - c) / 2, ...EXP_DIGITS } };
    specCache.set(key, r);
  }
  return r;
}

export interface SoftmaxExps {
  /** e_i = expNegFixed(x_i) ∈ [0, 2^32], 0 far below the max. */
  e: number[];
  /** r = ⌊2^RECIP_FRAC / Σ e_i⌋. */
  r: number;
}

/**
 * softmaxExps(scores, m, s) — the unnormalised integer softmax over the integer scores s_i
 * (any integer scale); p_i ≈ e_i·r / 2^(RECIP_FRAC − PROB_FRAC). With (a, k, spec) = softmaxSpec(m, s):
 *   mx  = max_i s_i                                  (circuit: mx equals some s_i)
 *   z_i = mx − s_i ≥ 0
 *   x_i = ⌊z_i·a / 2^k⌋                             (circuit: the range check of z_i·a, which
 *                                                     also proves z_i ≥ 0)
 *   e_i = expNegFixed(x_i, spec) ∈ [0, 2^32]         (exact product of two digit tables: 32
 *                                                     fraction bits, ≈ exp(−c·z_i))
 *   S   = Σ e_i  ≥ expMax(spec)                      (the max contributes e(0))
 *   r   = reciprocalFixed(S, RECIP_FRAC)  = ⌊2^50 / S⌋
 * Ranges: S ≤ n·2^32 ≤ 2^50 for n ≤ 2^18 (so r ≥ 1); e_i·r ≤ S·r ≤ 2^RECIP_FRAC.
 */
export function softmaxExps(scores: ArrayLike<number>, m: number, s: number): SoftmaxExps {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmaxExps needs at least one score');
  if (n > 2 ** 18) throw new RangeError(`softmaxExps: ${n} scores exceed 2^18`);
  const { mul, shift, spec } = softmaxSpec(m, s);
  if (expOutFrac(spec) + PROB_FRAC > RECIP_FRAC + 2) throw new RangeError(`softmaxExps: RECIP_FRAC ${RECIP_FRAC} too small for a ${expOutFrac(spec)}-bit exp`);
  let mx = scores[0];
  for (let i = 1; i < n; i++) if (scores[i] > mx) mx = scores[i];
  const e = new Array<number>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    e[i] = expNegFixed(Math.floor(((mx - scores[i]) * mul) / 2 ** shift), spec);
    sum += e[i];
  }
  return { e, r: reciprocalFixed(sum, RECIP_FRAC) };
}

/**
 * softmaxFixed(scores, m, s) = p_i = roundShift(e_i·r, RECIP_FRAC − PROB_FRAC) ∈ [0, 2^PROB_FRAC]
 * (Σ p_i ≈ 2^PROB_FRAC): the probabilities themselves, for reference and tests — attention
 * does not round them (attendNormalised).
 */
export function softmaxFixed(scores: ArrayLike<number>, m: number, s: number): number[] {
  const { e, r } = softmaxExps(scores, m, s);
  return e.map((ei) => roundShift(ei * r, RECIP_FRAC - PROB_FRAC));
}

/**
 * attendNormalised(u, r, m, s, bits) = saturate(⌊(u·r·m + 2^(t−1)) / 2^t⌋, bits) with
 * t = s + RECIP_FRAC − PROB_FRAC: one attention output o = requantize(Σ_j p_j·v_j, m, s, bits)
 * with the normalisation deferred — u = Σ_j e_j·v_j (exact integer) times r is Σ_j p_j·v_j
 * before p's rounding, scaled by 2^(RECIP_FRAC − PROB_FRAC). One rounding per output instead
 * of one per probability (a circuit pays a remainder range check for each rounding, and there
 * are n probabilities per query row but only headDim outputs per head). Exact (BigInt).
 */
export function attendNormalised(u: number | bigint, r: number, m: number, s: number, bits: number): number {
  const t = BigInt(s + RECIP_FRAC - PROB_FRAC);
  const q = (BigInt(u) * BigInt(r) * BigInt(m) + (1n << (t - 1n))) >> t; // >> floors, like the circuit
  // Number(q) is exact inside the output range; beyond it saturation gives the same bound.
  return saturate(Number(q), bits);
}
