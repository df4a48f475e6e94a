import { inv, mod, toSigned } from '../field.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { booleanHint, toBits } from './bits.ts';
import { assertSigned, type SignedBits } from './range.ts';

/**
 * Requantization by a constant fixed-point multiplier m/2^s with round-half-up and
 * saturation: exactly `requantize` / `residualAdd` / `roundShift` + `saturate` of
 * prover/src/arith/fixed.ts (the tests compare bit for bit).
 */

/** Integer interval [min, max] a linear combination is known to lie in (a precondition). */
export interface Bounds {
  min: bigint;
  max: bigint;
}

/** The interval of a signed `bits`-bit integer. */
export function signedBounds(bits: number): Bounds {
  const half = 1n << BigInt(bits - 1);
  return { min: -half, max: half - 1n };
}

export interface Requantized {
  /** The int`bits` result y. */
  y: LinearCombination;
  /** y's range check (reuse: sign, table input of the next op). */
  yBits: SignedBits;
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const bitLength = (v: bigint): number => (v <= 0n ? 0 : v.toString(2).length);

/**
 * The largest k ≤ s such that 2^k divides every coefficient of v (constant term included), and
 * so v itself: v is an integer combination of integer wires.
 */
function commonTwos(v: LinearCombination, s: number): number {
  let t = s;
  for (const c of v.coeffs) {
    if (t === 0) break;
    const a = signedCoeff(c);
    if (a === 0n) continue;
    let z = 0;
    for (let b = a < 0n ? -a : a; (b & 1n) === 0n && z < t; b >>= 1n) z++;
    t = z;
  }
  return t;
}

/** A coefficient as the signed integer it stands for (coefficients may be stored reduced mod r). */
const signedCoeff = (c: bigint): bigint => toSigned(mod(c));

/**
 * roundShiftSaturate(v, vBounds, s, bits) = saturate(⌊(v + 2^(s−1)) / 2^s⌋, bits) (round half up;
 * v itself for s = 0). Precondition: v ∈ vBounds (|v| < 2^250), not checked here.
 *
 * Known-zero low bits are not checked: when 2^k divides every coefficient of v (k ≤ s; e.g. the
 * multiplier of a requantization ends in k zero bits), ⌊(v + 2^(s−1))/2^s⌋ = ⌊(v' + 2^(s−k−1))/2^(s−k)⌋
 * for v' = v/2^k (exact; for k = s it is v'), so the gadget runs on v' with shift s − k and its
 * remainder has s − k bits. v' is the LC with every coefficient divided by 2^k; should v ever not be
 * a multiple of 2^k, v' is not a small integer and no witness passes (never a wrong output).
 *
 * Constraints: q hinted with v + 2^(s−1) = q·2^s + rem, rem range-checked to s bits (rem is
 * a linear combination, not a wire), and y range-checked to `bits` bits signed. If the bounds
 * allow q outside the output range, saturation adds flags lo, hi (boolean), the products
 * lo·q and hi·q, y = q + lo·(min − q) + hi·(max − q), and one range check on
 * t = lo·(min − 1 − q) + hi·(q − max − 1) ≥ 0 (tBits bits). t forces lo (hi) exactly when
 * q < min (q > max); lo = hi = 1 makes t = min − max − 2 < 0; and in every case q is pinned to
 * a small integer window, so the remainder equation fixes q to the true quotient.
 * Cost: (s − k) + bits constraints, plus tBits + 4 when saturation is possible, where tBits is the
 * width of the largest overshoot max(min − 1 − qMin, qMax − max − 1).
 */
export function roundShiftSaturate(cs: ConstraintSystem, v: LinearCombination, vBounds: Bounds, s: number, bits: number): Requantized {
  if (!Number.isInteger(s) || s < 0 || s > 200) throw new RangeError(`roundShiftSaturate: shift ${s} not an integer in [0, 200]`);
  if (!Number.isInteger(bits) || bits < 2 || bits > 200) throw new RangeError(`roundShiftSaturate: output width ${bits} not an integer in [2, 200]`);
  if (vBounds.min > vBounds.max) throw new RangeError(`roundShiftSaturate: empty bounds [${vBounds.min}, ${vBounds.max}]`);
  const k = commonTwos(v, s);
  if (k > 0) {
    const d = 1n << BigInt(k);
    const v2 = new LinearCombination(v.vars, v.coeffs.map((c) => signedCoeff(c) / d), v.value === undefined ? undefined : mod(v.value * inv(d)));
    const ceilDiv = (a: bigint): bigint => -floorDiv(-a, d);
    return roundShiftSaturate(cs, v2, { min: ceilDiv(vBounds.min), max: floorDiv(vBounds.max, d) }, s - k, bits);
  }
  return cs.scope('requant', () => {
    const scale = 1n << BigInt(s);
    const half = s === 0 ? 0n : 1n << BigInt(s - 1);
    let q: LinearCombination;
    if (s === 0) {
      q = v;
    } else {
      q = cs.hint('q', () => floorDiv(toSigned(cs.valueOf(v)) + half, scale));
      toBits(cs, v.add(half).sub(q.scale(scale)), s); // remainder ∈ [0, 2^s)
    }
    const out = signedBounds(bits);
    const qMin = floorDiv(vBounds.min + half, scale);
    const qMax = floorDiv(vBounds.max + half, scale);
    if (qMin >= out.min && qMax <= out.max) return { y: q, yBits: assertSigned(cs, q, bits) };

    const qValue = (): bigint => toSigned(cs.valueOf(q));
    const lo = booleanHint(cs, 'lo', () => qValue() < out.min);
    const hi = booleanHint(cs, 'hi', () => qValue() > out.max);
    const loQ = cs.mul(lo, q, 'loQ');
    const hiQ = cs.mul(hi, q, 'hiQ');
    const y = q.add(lo.scale(out.min)).add(hi.scale(out.max)).sub(loQ).sub(hiQ);
    const t = hiQ.sub(loQ).add(lo.scale(out.min - 1n)).sub(hi.scale(out.max + 1n));
    const tBits = Math.max(1, bitLength(out.min - 1n - qMin), bitLength(qMax - out.max - 1n));
    cs.scope('overshoot', () => toBits(cs, t, tBits));
    return { y, yBits: assertSigned(cs, y, bits) };
  });
}

/** Bounds of k·x for x ∈ b. */
function scaleBounds(b: Bounds, k: bigint): Bounds {
  return k >= 0n ? { min: b.min * k, max: b.max * k } : { min: b.max * k, max: b.min * k };
}

function checkMultiplier(m: number): void {
  if (!Number.isSafeInteger(m) || Math.abs(m) >= 2 ** 31) throw new RangeError(`requantize: multiplier ${m} must be an integer with |m| < 2^31`);
}

/**
 * requantize(x, xBounds, m, s, bits) = saturate(⌊(x·m + 2^(s−1)) / 2^s⌋, bits), arith
 * `requantize`. m is a constant, so x·m is linear. Cost: see roundShiftSaturate.
 */
export function requantize(cs: ConstraintSystem, x: LinearCombination, xBounds: Bounds, m: number, s: number, bits: number): Requantized {
  checkMultiplier(m);
  return roundShiftSaturate(cs, x.scale(m), scaleBounds(xBounds, BigInt(m)), s, bits);
}

/**
 * residualAdd(x, y, …) = saturate(x + ⌊(y·m + 2^(s−1)) / 2^s⌋, bits), arith `residualAdd`:
 * the same as roundShiftSaturate of x·2^s + y·m (adding an integer commutes with the floor).
 */
export function residualAdd(
  cs: ConstraintSystem,
  x: LinearCombination,
  xBounds: Bounds,
  y: LinearCombination,
  yBounds: Bounds,
  m: number,
  s: number,
  bits: number,
): Requantized {
  checkMultiplier(m);
  const scale = 1n << BigInt(s);
  const xs = scaleBounds(xBounds, scale);
  const ym = scaleBounds(yBounds, BigInt(m));
  return roundShiftSaturate(cs, x.scale(scale).add(y.scale(m)), { min: xs.min + ym.min, max: xs.max + ym.max }, s, bits);
}
