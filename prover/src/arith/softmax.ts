import { roundShift } from './fixed.ts';
import { EXP_SPEC, expNegFixed, expOutFrac, type ExpSpec } from './exp.ts';
import { reciprocalFixed } from './roots.ts';

/** Fraction bits of softmax probabilities: p = 2^PROB_FRAC means 1.0. */
export const PROB_FRAC = 16;
/**
 * Fraction bits of the reciprocal of the exp sum. p_i = e_i·r / 2^(RECIP_FRAC − PROB_FRAC)
 * with r = ⌊2^RECIP_FRAC / S⌋ errs by less than e_i / 2^(RECIP_FRAC − PROB_FRAC) ≤
 * 2^(expOutFrac + PROB_FRAC − RECIP_FRAC) = 1/4 of p's unit (before its rounding) for the
 * default 32-bit exp; each further bit costs one constraint per score (p's remainder).
 */
export const RECIP_FRAC = 50;

/** ⌊z·m / 2^s⌋ for integers z·m ≥ 0 (exact; BigInt above 2^52). */
export function mulFloorShift(z: number, m: number, s: number): number {
  const p = z * m + 0;
  if (p <= 2 ** 52) return Math.floor(p / 2 ** s);
  return Number((BigInt(z) * BigInt(m)) >> BigInt(s));
}

/**
 * softmaxFixed(scores, m, s) — integer softmax over the integer scores s_i (any integer scale):
 *   mx  = max_i s_i                                  (circuit: mx equals some s_i)
 *   z_i = mx − s_i ≥ 0
 *   x_i = ⌊z_i·m / 2^s⌋                             (m ≥ 0 constant: score scale · 2^inFrac · 2^s;
 *                                                     circuit: its range checks also prove z_i ≥ 0)
 *   e_i = expNegFixed(x_i, spec) ∈ [0, 2^32)         (exact product of the digit tables: 32
 *                                                     fraction bits, ≈ exp(−(x_i + ½)/2^inFrac))
 *   S   = Σ e_i  ≥ expMax ≈ 2^32                     (the max contributes e(0) = expMax)
 *   r   = reciprocalFixed(S, RECIP_FRAC)  = ⌊2^50 / S⌋
 *   p_i = roundShift(e_i·r, RECIP_FRAC − PROB_FRAC)  ∈ [0, 2^PROB_FRAC]
 * Ranges: S ≤ n·2^32 ≤ 2^53 for n ≤ 2^21, r ≥ 1 for S ≤ 2^50 (n ≤ 2^18), and
 * e_i·r ≤ S·r ≤ 2^RECIP_FRAC (safe). Returns the probabilities p_i (Σ p_i ≈ 2^PROB_FRAC).
 */
export function softmaxFixed(scores: ArrayLike<number>, m: number, s: number, spec: ExpSpec = EXP_SPEC): number[] {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmaxFixed needs at least one score');
  if (n > 2 ** 18) throw new RangeError(`softmaxFixed: ${n} scores exceed 2^18`);
  if (!Number.isSafeInteger(m) || m < 0) throw new RangeError(`softmaxFixed multiplier must be a non-negative safe integer, got ${m}`);
  if (expOutFrac(spec) + PROB_FRAC > RECIP_FRAC + 2) throw new RangeError(`softmaxFixed: RECIP_FRAC ${RECIP_FRAC} too small for a ${expOutFrac(spec)}-bit exp`);
  let mx = scores[0];
  for (let i = 1; i < n; i++) if (scores[i] > mx) mx = scores[i];
  const e = new Array<number>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    e[i] = expNegFixed(mulFloorShift(mx - scores[i], m, s), spec);
    sum += e[i];
  }
  const r = reciprocalFixed(sum, RECIP_FRAC);
  const p = new Array<number>(n);
  for (let i = 0; i < n; i++) p[i] = roundShift(e[i] * r, RECIP_FRAC - PROB_FRAC);
  return p;
}

