/**
 * Fixed-point multipliers: a real factor M becomes m/2^s with integer m (the circuit's
 * rescale is x·m + 2^(s−1) = q·2^s + r, DESIGN.md "Arithmetic"). Float math is used here only
 * to derive constants at quantization time.
 */
import type { Rescale } from './types.ts';

/**
 * One shift s for a vector of factors, chosen so that the largest |M_i|·2^s lies in
 * [2^(p−1), 2^p); m_i = round(M_i·2^s). s is clamped to [0, 62]; a factor too large for
 * |m| < 2^31 at s = 0 is a RangeError (the site's scales are inconsistent).
 */
export function fixedMultipliers(factors: ArrayLike<number>, bits: number, precision: number, what: string): Rescale {
  let maxAbs = 0;
  for (let i = 0; i < factors.length; i++) {
    const f = factors[i];
    if (!Number.isFinite(f)) throw new RangeError(`${what}: multiplier ${f} at channel ${i} is not finite`);
    maxAbs = Math.max(maxAbs, Math.abs(f));
  }
  const m = new Int32Array(factors.length);
  if (maxAbs === 0) return { m, s: 0, bits };
  let s = precision - 1 - Math.floor(Math.log2(maxAbs));
  s = Math.min(62, Math.max(0, s));
  for (let i = 0; i < factors.length; i++) {
    const v = Math.round(factors[i] * 2 ** s);
    if (Math.abs(v) >= 2 ** 31) throw new RangeError(`${what}: multiplier ${factors[i]} does not fit 31 bits at shift ${s}`);
    m[i] = v;
  }
  return { m, s, bits };
}

/** A single (broadcast) multiplier. */
export function fixedMultiplier(factor: number, bits: number, precision: number, what: string): Rescale {
  return fixedMultipliers([factor], bits, precision, what);
}

/** Scale of a symmetric signed `bits`-bit site whose values reach ±maxAbs (times headroom). */
export function siteScale(maxAbs: number, bits: number, headroom = 1): number {
  const qmax = 2 ** (bits - 1) - 1;
  return maxAbs > 0 && Number.isFinite(maxAbs) ? (maxAbs * headroom) / qmax : 1 / qmax;
}
