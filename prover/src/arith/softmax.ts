import { mulRoundShift, roundShift } from './fixed.ts';
import { EXP_SPEC, expNegFixed, type ExpSpec } from './exp.ts';
import { reciprocalFixed } from './roots.ts';

/** Fraction bits of softmax probabilities: p = 2^PROB_FRAC means 1.0. */
export const PROB_FRAC = 16;
/** Fraction bits of the reciprocal of the exp sum. */
export const RECIP_FRAC = 40;

/**
 * softmaxFixed(scores, m, s) — integer softmax over the integer scores s_i (any integer scale):
 *   mx  = max_i s_i                                  (circuit: proven max, mx ≥ s_i, mx = some s_i)
 *   z_i = mx − s_i ≥ 0
 *   x_i = roundShift(z_i·m, s)                       (m ≥ 0 constant: score scale · 2^inFrac · 2^s)
 *   e_i = expNegFixed(x_i, spec)  ∈ [0, 2^outFrac]   (e = 2^outFrac at the max)
 *   S   = Σ e_i  ≥ 2^outFrac
 *   r   = reciprocalFixed(S, RECIP_FRAC)  = ⌊2^40 / S⌋
 *   p_i = roundShift(e_i·r, RECIP_FRAC − PROB_FRAC)  ∈ [0, 2^PROB_FRAC]
 * Ranges: S ≤ n·2^outFrac ≤ 2^RECIP_FRAC (n ≤ 2^24 with the default spec), so r ≥ 1 and
 * e_i·r ≤ S·r ≤ 2^RECIP_FRAC (safe). Returns the probabilities p_i (Σ p_i ≈ 2^PROB_FRAC).
 */
export function softmaxFixed(scores: ArrayLike<number>, m: number, s: number, spec: ExpSpec = EXP_SPEC): number[] {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmaxFixed needs at least one score');
  if (!Number.isSafeInteger(m) || m < 0) throw new RangeError(`softmaxFixed multiplier must be a non-negative safe integer, got ${m}`);
  let mx = scores[0];
  for (let i = 1; i < n; i++) if (scores[i] > mx) mx = scores[i];
  const e = new Array<number>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    e[i] = expNegFixed(mulRoundShift(mx - scores[i], m, s), spec);
    sum += e[i];
  }
  const r = reciprocalFixed(sum, RECIP_FRAC);
  const p = new Array<number>(n);
  for (let i = 0; i < n; i++) p[i] = roundShift(e[i] * r, RECIP_FRAC - PROB_FRAC);
  return p;
}
