import { toSigned } from '../field.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import { booleanHint, toBits } from './bits.ts';
import { assertSigned, knownSigned, type SignedBits } from './range.ts';
import { clampCovers } from '../clamp-table.ts';

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
  /** The int`bits` result y, range-checked (y ∈ [−2^(bits−1), 2^(bits−1))). */
  y: LinearCombination;
}

export interface RequantizedBits extends Requantized {
  /** y's own range-check bits (a table input or a sign for the next op). */
  yBits: SignedBits;
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const bitLength = (v: bigint): number => (v <= 0n ? 0 : v.toString(2).length);

/**
 * roundShiftSaturate(v, vBounds, s, bits) = saturate(⌊(v + 2^(s−1)) / 2^s⌋, bits) (round half up;
 * v itself for s = 0). Precondition: v ∈ vBounds (|v| < 2^250), not checked here. The result's
 * bits are not returned: when saturation is possible one range check covers both the in-range
 * result and the overshoot (below). roundShiftSaturateBits also returns y's bits.
 *
 * Known-zero low bits are not checked: when 2^k divides every coefficient of v (k ≤ s; e.g. the
 * multiplier of a requantization ends in k zero bits), ⌊(v + 2^(s−1))/2^s⌋ = ⌊(v' + 2^(s−k−1))/2^(s−k)⌋
 * for v' = v/2^k (exact; for k = s it is v'), so the gadget runs on v' with shift s − k and its
 * remainder has s − k bits. v' is the LC with every coefficient divided by 2^k; should v ever not be
 * a multiple of 2^k, v' is not a small integer and no witness passes (never a wrong output).
 *
 * With the circuit's clamp table (cs.ranges.clampTable; LogUp circuits, clamp-table.ts), an
 * int8 result that may saturate, s > 0 and a quotient window inside the table's: u = q + 2^(W−1)
 * is the hint, rem checked as below, and y is the pair (u, y + 128) looked up in the table of
 * (i, clamp(i − 2^(W−1)) + 128). The lookup proves u ∈ [0, 2^W), so q = u − 2^(W−1) is a small
 * integer and the remainder equation makes it the true quotient (as below); it proves y =
 * clamp(q) ∈ [−128, 127], so y needs no check. Cost (s − k) + 2.
 *
 * Constraints: q hinted with v + 2^(s−1) = q·2^s + rem, rem range-checked to s bits (rem is
 * a linear combination, not a wire). If the bounds keep q inside the output range, y = q is
 * range-checked to `bits` bits signed: cost (s − k) + bits. Otherwise (saturateWindow) flags
 * lo, hi and the products lo·q, hi·q select y = q + lo·(min − q) + hi·(max − q), and ONE range
 * check of W = max(bits, overshoot width) bits on the window value
 *   z = (1 − lo − hi)·(q − min) + lo·(min − 1 − q) + hi·(q − max − 1)
 * proves the case the flags claim: q ∈ [min, max], q < min, or q > max. Cost (s − k) + bits + 4
 * when W = bits, (s − k) + W + 6 when W > bits (two more constraints, see saturateWindow).
 */
export function roundShiftSaturate(cs: ConstraintSystem, v: LinearCombination, vBounds: Bounds, s: number, bits: number): Requantized {
  return roundShiftSaturateWith(cs, v, vBounds, s, bits, false);
}

/**
 * roundShiftSaturate that also returns y's `bits`-bit signed decomposition (a table input):
 * when saturation is possible it checks y and the overshoot separately, as in
 * (s − k) + bits + tBits + 4 constraints, tBits the overshoot width.
 */
export function roundShiftSaturateBits(cs: ConstraintSystem, v: LinearCombination, vBounds: Bounds, s: number, bits: number): RequantizedBits {
  return roundShiftSaturateWith(cs, v, vBounds, s, bits, true);
}

function roundShiftSaturateWith(cs: ConstraintSystem, v: LinearCombination, vBounds: Bounds, s: number, bits: number, withBits: true): RequantizedBits;
function roundShiftSaturateWith(cs: ConstraintSystem, v: LinearCombination, vBounds: Bounds, s: number, bits: number, withBits: boolean): Requantized;
function roundShiftSaturateWith(cs: ConstraintSystem, v: LinearCombination, vBounds: Bounds, s: number, bits: number, withBits: boolean): Requantized {
  if (!Number.isInteger(s) || s < 0 || s > 200) throw new RangeError(`roundShiftSaturate: shift ${s} not an integer in [0, 200]`);
  if (!Number.isInteger(bits) || bits < 2 || bits > 200) throw new RangeError(`roundShiftSaturate: output width ${bits} not an integer in [2, 200]`);
  if (vBounds.min > vBounds.max) throw new RangeError(`roundShiftSaturate: empty bounds [${vBounds.min}, ${vBounds.max}]`);
  // Read from a witness-only system's deferred terms without flattening them (lc.ts lowZeroBits).
  const k = v.lowZeroBits(s);
  if (k > 0) {
    const d = 1n << BigInt(k);
    const v2 = v.shiftedDown(k);
    const ceilDiv = (a: bigint): bigint => -floorDiv(-a, d);
    return roundShiftSaturateWith(cs, v2, { min: ceilDiv(vBounds.min), max: floorDiv(vBounds.max, d) }, s - k, bits, withBits);
  }
  return cs.scope('requant', () => {
    const scale = 1n << BigInt(s);
    const half = s === 0 ? 0n : 1n << BigInt(s - 1);
    const out = signedBounds(bits);
    const qMin = floorDiv(vBounds.min + half, scale);
    const qMax = floorDiv(vBounds.max + half, scale);
    const saturates = qMin < out.min || qMax > out.max;
    // The clamp table needs q's index as one committed hint, so only where q is hinted (s > 0).
    const table = cs.ranges.clampTable;
    const byTable = saturates && s > 0 && table !== undefined && clampCovers(table, qMin, qMax, out) ? table : undefined;
    // With the table the hint is u = q + offset ≥ 0 (a small committed scalar rather than a negative q).
    const offset = byTable?.offset ?? 0n;
    const hinted = s === 0 ? undefined : cs.hint(byTable ? 'u' : 'q', () => floorDiv(toSigned(cs.valueOf(v)) + half, scale) + offset);
    const q = !hinted ? v : byTable ? hinted.sub(offset) : hinted;
    if (hinted) cs.ranges.check(v.add(half).sub(q.scale(scale)), s); // remainder ∈ [0, 2^s)
    if (!saturates) return { y: q, yBits: assertSigned(cs, q, bits) };
    if (byTable && hinted) {
      const y = byTable.lookup(hinted);
      return withBits ? { y, yBits: knownSigned(cs, y, bits) } : { y };
    }
    const tBits = Math.max(1, bitLength(out.min - 1n - qMin), bitLength(qMax - out.max - 1n));
    return withBits ? saturateChecked(cs, q, out, tBits) : saturateWindow(cs, q, out, tBits);
  });
}

/** The width of a signed output interval [−2^(b−1), 2^(b−1) − 1]: b. */
const widthOf = (out: Bounds): number => bitLength(out.max - out.min);

/** The clamp flags of q against `out` and y = q + lo·(min − q) + hi·(max − q). Cost 4. */
function clampFlags(cs: ConstraintSystem, q: LinearCombination, out: Bounds) {
  const qValue = (): bigint => toSigned(cs.valueOf(q));
  const lo = booleanHint(cs, 'lo', () => qValue() < out.min);
  const hi = booleanHint(cs, 'hi', () => qValue() > out.max);
  const loQ = cs.mul(lo, q, 'loQ');
  const hiQ = cs.mul(hi, q, 'hiQ');
  const y = q.add(lo.scale(out.min)).add(hi.scale(out.max)).sub(loQ).sub(hiQ);
  return { lo, hi, loQ, hiQ, y };
}

/**
 * Saturation with y's bits: y range-checked to `bits` bits, and t = lo·(min − 1 − q) +
 * hi·(q − max − 1) ≥ 0 (tBits bits). t forces lo (hi) exactly when q < min (q > max);
 * lo = hi = 1 makes t = min − max − 2 < 0; and in every case q is pinned to a small integer
 * window, so the remainder equation fixes q to the true quotient. Cost bits + tBits + 4.
 */
function saturateChecked(cs: ConstraintSystem, q: LinearCombination, out: Bounds, tBits: number): RequantizedBits {
  const { lo, hi, loQ, hiQ, y } = clampFlags(cs, q, out);
  const t = hiQ.sub(loQ).add(lo.scale(out.min - 1n)).sub(hi.scale(out.max + 1n));
  cs.scope('overshoot', () => cs.ranges.check(t, tBits));
  return { y, yBits: assertSigned(cs, y, widthOf(out)) };
}

/**
 * Saturation by one window check: z = (1 − lo − hi)·(q − min) + lo·(min − 1 − q) + hi·(q − max − 1)
 * = q − min − 2·lo·q + lo·(2·min − 1) + hi·(min − max − 1) (hi·q cancels), range-checked to
 * W = max(bits, tBits) bits. Per flag pattern:
 * - lo = hi = 0: z = q − min ∈ [0, 2^bits) (with W > bits the high bits of z are 0 by
 *   (1 − lo − hi)·high = 0), so q ∈ [min, max] and y = q;
 * - lo = 1: z = min − 1 − q ≥ 0, so q < min and y = min; hi = 1: z = q − max − 1 ≥ 0, q > max, y = max;
 * - lo = hi = 1: z = 2·min − max − 2 − q ≥ 0 puts q below min − 2^bits. With W = bits no true
 *   quotient lies there (qMin > min − 1 − 2^tBits ≥ min − 1 − 2^bits = 2·min − max − 2), and with
 *   W > bits lo·hi = 0 is asserted.
 * In every case z ∈ [0, 2^W) pins q to an integer window far below r, so the remainder equation
 * fixes q to the true quotient (the case analysis above then holds for it). Cost W + 4 (+ 2 when W > bits).
 */
function saturateWindow(cs: ConstraintSystem, q: LinearCombination, out: Bounds, tBits: number): Requantized {
  const n = widthOf(out);
  const { lo, hi, loQ, y } = clampFlags(cs, q, out);
  const z = q.sub(out.min).sub(loQ.scale(2n)).add(lo.scale(2n * out.min - 1n)).add(hi.scale(out.min - out.max - 1n));
  const W = Math.max(n, tBits);
  const high = cs.scope('window', () => cs.ranges.highPart(z, W, n));
  if (W > n) {
    cs.assertR1(LinearCombination.constant(1).sub(lo).sub(hi), high, LinearCombination.constant(0), 'inRangeHigh');
    cs.assertR1(lo, hi, LinearCombination.constant(0), 'loHi');
  }
  return { y };
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

/** requantize that also returns y's range-check bits (roundShiftSaturateBits). */
export function requantizeBits(cs: ConstraintSystem, x: LinearCombination, xBounds: Bounds, m: number, s: number, bits: number): RequantizedBits {
  checkMultiplier(m);
  return roundShiftSaturateBits(cs, x.scale(m), scaleBounds(xBounds, BigInt(m)), s, bits);
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
