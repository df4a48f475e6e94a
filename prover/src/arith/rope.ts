/**
 * RoPE fused into the rescale that precedes it (docs/quantization.md step 4).
 *
 * RoPE is linear with constant coefficients at a fixed position, so it can act on the exact
 * values before their only rounding: for a pair (x_a, x_b) of integer inputs whose channels
 * have the fixed-point multipliers m_a, m_b (per W_q row for llama, per QK-norm weight for
 * Gemma 3) and the position's constants C, S (ropeFrac fraction bits), the rotated outputs are
 *   a' = saturate(roundShift(x_a·K(m_a, C) + x_b·K(m_b, −S), s), bits)
 *   b' = saturate(roundShift(x_a·K(m_a, S) + x_b·K(m_b,  C), s), bits)
 * with K(m, c) = roundShift(m·c, d) (`ropeCoef`; d = the rescale's coefShift drops the low bits
 * of the product that precision does not need, so the one remainder check is d bits narrower).
 * One rounding instead of the former two (int16 q_pre, then the rotation's int8 requantize).
 * The coefficients are constants of the circuit, so both sums are linear combinations.
 */
import { mulRoundShift, roundShift, saturate } from './fixed.ts';

/** Channels (i, j) of pair p in the head starting at `base`: (2p, 2p+1) `interleaved` (llama.cpp), (p, p + hd/2) `half` (HF / Gemma 3). */
export function ropePair(style: 'interleaved' | 'half', base: number, p: number, half: number): [number, number] {
  return style === 'interleaved' ? [base + 2 * p, base + 2 * p + 1] : [base + p, base + p + half];
}

/** The multiplier of channel i: m[i mod m.length] (one per W row, or one per head dimension). */
export function ropeMultiplier(m: ArrayLike<number>, i: number): number {
  return m[i % m.length];
}

/** The fused coefficient K(m, c) = roundShift(m·c, d) (round half up; note K(m, −c) ≠ −K(m, c) on halves). */
export function ropeCoef(m: number, c: number, d: number): number {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(c)) throw new RangeError(`ropeCoef: m = ${m} and c = ${c} must be safe integers`);
  return mulRoundShift(m, c, d);
}

/** The four coefficients of one pair: a' = aa·x_a + ab·x_b, b' = ba·x_a + bb·x_b (before the rounding). */
export interface RopePairCoefs {
  aa: number;
  ab: number;
  ba: number;
  bb: number;
}

/** Coefficients of the rotation [[C, −S], [S, C]] with column a scaled by m_a and column b by m_b. */
export function ropePairCoefs(ma: number, mb: number, C: number, S: number, d: number): RopePairCoefs {
  return { aa: ropeCoef(ma, C, d), ab: ropeCoef(mb, -S, d), ba: ropeCoef(ma, S, d), bb: ropeCoef(mb, C, d) };
}

/**
 * saturate(roundShift(xa·ka + xb·kb, s), bits), exact for safe-integer inputs (BigInt when the
 * sum may leave the range where float64 is exact).
 */
export function rotateRequantize(xa: number, ka: number, xb: number, kb: number, s: number, bits: number): number {
  if (!Number.isInteger(s) || s < 0 || s > 62) throw new RangeError(`rotateRequantize: shift s must be an integer in [0, 62], got ${s}`);
  const pa = xa * ka + 0; // + 0 turns −0 into 0
  const pb = xb * kb + 0;
  if (Math.abs(pa) + Math.abs(pb) <= 2 ** 52) return saturate(roundShift(pa + pb, s), bits);
  for (const v of [xa, ka, xb, kb]) if (!Number.isSafeInteger(v)) throw new RangeError(`rotateRequantize needs safe integers, got ${v}`);
  const v = BigInt(xa) * BigInt(ka) + BigInt(xb) * BigInt(kb);
  const half = s === 0 ? 0n : 1n << BigInt(s - 1);
  // BigInt >> floors, like roundShift; Number() may round only beyond 2^53, where saturate
  // (bits ≤ 52) clamps anyway.
  return saturate(Number((v + half) >> BigInt(s)), bits);
}
