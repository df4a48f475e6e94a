import { roundShift } from './fixed.ts';
import { EXP_SPEC, expNegFixed, expOutFrac, type ExpSpec } from './exp.ts';
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

/** ⌊z·m / 2^s⌋ for integers z·m ≥ 0 (exact; BigInt above 2^52). */
export function mulFloorShift(z: number, m: number, s: number): number {
  const p = z * m + 0;
  if (p <= 2 ** 52) return Math.floor(p / 2 ** s);
  return Number((BigInt(z) * BigInt(m)) >> BigInt(s));
}

export interface SoftmaxExps {
  /** e_i = expNegFixed(x_i) ∈ [0, 2^32), 0 nowhere near the max. */
  e: number[];
  /** r = ⌊2^RECIP_FRAC / Σ e_i⌋. */
  r: number;
}

/**
 * softmaxExps(scores, m, s) — the unnormalised integer softmax over the integer scores s_i
 * (any integer scale); p_i ≈ e_i·r / 2^(RECIP_FRAC − PROB_FRAC):
 *   mx  = max_i s_i                                  (circuit: mx equals some s_i)
 *   z_i = mx − s_i ≥ 0
 *   x_i = ⌊z_i·m / 2^s⌋                             (m ≥ 0 constant: score scale · 2^inFrac · 2^s;
 *                                                     circuit: its range checks also prove z_i ≥ 0)
 *   e_i = expNegFixed(x_i, spec) ∈ [0, 2^32)         (exact product of the digit tables: 32
 *                                                     fraction bits, ≈ exp(−(x_i + ½)/2^inFrac))
 *   S   = Σ e_i  ≥ expMax ≈ 2^32                     (the max contributes e(0) = expMax)
 *   r   = reciprocalFixed(S, RECIP_FRAC)  = ⌊2^50 / S⌋
 * Ranges: S ≤ n·2^32 ≤ 2^50 for n ≤ 2^18 (so r ≥ 1); e_i·r ≤ S·r ≤ 2^RECIP_FRAC.
 */
export function softmaxExps(scores: ArrayLike<number>, m: number, s: number, spec: ExpSpec = EXP_SPEC): SoftmaxExps {
  const n = scores.length;
  if (n === 0) throw new RangeError('softmaxExps needs at least one score');
  if (n > 2 ** 18) throw new RangeError(`softmaxExps: ${n} scores exceed 2^18`);
  if (!Number.isSafeInteger(m) || m < 0) throw new RangeError(`softmaxExps multiplier must be a non-negative safe integer, got ${m}`);
  if (expOutFrac(spec) + PROB_FRAC > RECIP_FRAC + 2) throw new RangeError(`softmaxExps: RECIP_FRAC ${RECIP_FRAC} too small for a ${expOutFrac(spec)}-bit exp`);
  let mx = scores[0];
  for (let i = 1; i < n; i++) if (scores[i] > mx) mx = scores[i];
  const e = new Array<number>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    e[i] = expNegFixed(mulFloorShift(mx - scores[i], m, s), spec);
    sum += e[i];
  }
  return { e, r: reciprocalFixed(sum, RECIP_FRAC) };
}

/**
 * softmaxFixed(scores, m, s) = p_i = roundShift(e_i·r, RECIP_FRAC − PROB_FRAC) ∈ [0, 2^PROB_FRAC]
 * (Σ p_i ≈ 2^PROB_FRAC): the probabilities themselves, for reference and tests — attention
 * does not round them (attendNormalised).
 */
export function softmaxFixed(scores: ArrayLike<number>, m: number, s: number, spec: ExpSpec = EXP_SPEC): number[] {
  const { e, r } = softmaxExps(scores, m, s, spec);
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
  const hi = (1n << BigInt(bits - 1)) - 1n;
  const lo = -hi - 1n;
  return Number(q < lo ? lo : q > hi ? hi : q);
}
