/**
 * Fixed-point primitives shared by integer inference (infer/int.ts) and the circuit gadgets.
 * These functions ARE the semantics the circuits prove, bit for bit.
 *
 * All values are JavaScript numbers holding integers. Inputs must be safe integers
 * (|v| ≤ 2^53 − 1); products that would leave the safe range are computed exactly with
 * BigInt, so results never depend on float rounding.
 */

/** Smallest and largest value of a signed `bits`-bit integer: [−2^(bits−1), 2^(bits−1) − 1]. */
export function signedRange(bits: number): { min: number; max: number } {
  if (!Number.isInteger(bits) || bits < 2 || bits > 52) throw new RangeError(`bits must be an integer in [2, 52], got ${bits}`);
  const half = 2 ** (bits - 1);
  return { min: -half, max: half - 1 };
}

/**
 * saturate(x, bits) = min(max(x, −2^(bits−1)), 2^(bits−1) − 1).
 * Circuit: the output is range-checked to `bits` bits; saturation is decided by comparing
 * the unsaturated value against the two bounds (its range-check bits give the sign).
 */
export function saturate(x: number, bits: number): number {
  const { min, max } = signedRange(bits);
  return x < min ? min : x > max ? max : x;
}

/**
 * roundShift(v, s) = ⌊(v + 2^(s−1)) / 2^s⌋ for s ≥ 1 (round half up, i.e. towards +∞ on
 * exact halves, also for negative v), and v for s = 0. `v` must be a safe integer.
 * Circuit: v + 2^(s−1) = q·2^s + r with 0 ≤ r < 2^s (one linear equation, r range-checked
 * to s bits).
 */
export function roundShift(v: number, s: number): number {
  if (!Number.isInteger(s) || s < 0 || s > 62) throw new RangeError(`shift s must be an integer in [0, 62], got ${s}`);
  if (s === 0) return v;
  const half = 2 ** (s - 1);
  if (Math.abs(v) + half <= Number.MAX_SAFE_INTEGER) return Math.floor((v + half) / 2 ** s);
  return Number((BigInt(v) + BigInt(half)) >> BigInt(s)); // BigInt >> floors, like the circuit
}

/** roundShift(x·m, s) computed exactly (x·m may exceed 2^53; BigInt then). */
export function mulRoundShift(x: number, m: number, s: number): number {
  const p = x * m + 0; // + 0 turns −0 (0 times a negative m) into 0
  if (Math.abs(p) <= 2 ** 52) return roundShift(p, s);
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(m)) throw new RangeError(`mulRoundShift needs safe integers, got x=${x}, m=${m}`);
  const half = s === 0 ? 0n : 1n << BigInt(s - 1);
  return Number((BigInt(x) * BigInt(m) + half) >> BigInt(s));
}

/**
 * requantize(x, m, s, bits) = saturate(⌊(x·m + 2^(s−1)) / 2^s⌋, bits): multiplies the integer
 * accumulator x by the constant real multiplier m/2^s, rounds half up and saturates to a
 * signed `bits`-bit integer. m is a signed integer constant (|m| < 2^31), s ∈ [0, 62].
 * The result (before saturation) must fit a safe integer.
 * Circuit: x·m + 2^(s−1) = q·2^s + r, r ∈ [0, 2^s) (m is a constant, so this is linear),
 * then y = saturate(q, bits) with y range-checked to `bits` bits.
 */
export function requantize(x: number, m: number, s: number, bits: number): number {
  return saturate(mulRoundShift(x, m, s), bits);
}

/**
 * residualAdd(x, y, m, s, bits) = saturate(x + ⌊(y·m + 2^(s−1)) / 2^s⌋, bits): adds the
 * rescaled y to the residual-stream value x (already at the output scale).
 * Circuit: x·2^s + y·m + 2^(s−1) = q·2^s + r, r ∈ [0, 2^s), then saturate q.
 */
export function residualAdd(x: number, y: number, m: number, s: number, bits: number): number {
  return saturate(x + mulRoundShift(y, m, s), bits);
}
