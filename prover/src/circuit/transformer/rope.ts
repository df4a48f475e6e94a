/**
 * RoPE fused into the rescale before it (infer/int-ops.ts `ropeRescale`, arith/rope.ts): for each
 * pair (a, b) — (2p, 2p+1) for `interleaved` (llama.cpp), (p, p + hd/2) for `half` (HF / Gemma 3)
 * — a' = roundShiftSaturate(x_a·K(m_a, C) + x_b·K(m_b, −S), s, bits) and
 * b' = roundShiftSaturate(x_a·K(m_a, S) + x_b·K(m_b, C), s, bits), the K constants of the
 * position: linear in (x_a, x_b), so one remainder check and one output check per element.
 */
import { ropeMultiplier, ropePair, ropePairCoefs } from '../../arith/rope.ts';
import { isqrtBig } from '../../arith/roots.ts';
import type { QMatrix, RopeRescale, RopeTable } from '../../quant/types.ts';
import { roundShiftSaturate, type Requantized } from '../gadgets/requant.ts';
import { LinearCombination } from '../lc.ts';
import type { ConstraintSystem } from '../system.ts';
import type { Bounds } from './bounds.ts';
import { rowBounds } from './linear.ts';

/**
 * Bounds of ka·x_i + kb·x_j for constants ka, kb: a theorem about the inputs (e.g. both
 * are rows of one constant-weight mat-vec, or both lie in one QK-norm slice).
 */
export type PairBounds = (i: number, j: number, ka: number, kb: number) => Bounds;

/**
 * Pair bounds for rows i, j of one constant-weight mat-vec acc = W·x (x ∈ xb, ‖x‖₂ ≤ xNorm when
 * given): ka·acc_i + kb·acc_j = (ka·W_i + kb·W_j)·x is one row, bounded as a whole (linear.ts
 * rowBounds), not as the sum of two separately bounded rows.
 */
export function matPairBounds(W: QMatrix, xb: Bounds, xNorm?: number): PairBounds {
  // Memoized per matrix: every position chunk of a layer asks the same T pairs of coefficients
  // (ropeFusedAt's union), and each answer was a float row of W.cols and its bounds (≈ 1 CPU s
  // of stories260K's 64 position witnesses). The Bounds returned are shared: callers only read them.
  let memo = pairBoundsMemo.get(W);
  if (!memo) pairBoundsMemo.set(W, (memo = new Map()));
  const known = memo;
  const prefix = `${xb.min},${xb.max},${xNorm}`;
  return (i, j, ka, kb) => {
    const key = `${prefix},${i},${j},${ka},${kb}`;
    let b = known.get(key);
    if (b === undefined) {
      const row = new Float64Array(W.cols);
      for (let c = 0; c < W.cols; c++) row[c] = ka * W.w[i * W.cols + c] + kb * W.w[j * W.cols + c];
      known.set(key, (b = rowBounds(row, 0, W.cols, xb, xNorm)));
    }
    return b;
  };
}

const pairBoundsMemo = new WeakMap<QMatrix, Map<string, Bounds>>();

/**
 * Pair bounds for z_i, z_j in one QK-norm slice (norm.ts normProducts): z_i² + z_j² ≤ ‖z‖₂² ≤
 * 2^(2f), so by Cauchy–Schwarz |ka·z_i + kb·z_j| ≤ ⌈√((ka² + kb²)·2^(2f))⌉ (exact integers).
 */
export function normPairBounds(f: number): PairBounds {
  return (_i, _j, ka, kb) => {
    const n = (BigInt(ka) ** 2n + BigInt(kb) ** 2n) << BigInt(2 * f);
    const root = isqrtBig(n);
    const b = root * root === n ? root : root + 1n;
    return { min: -b, max: b };
  };
}

export function ropeFused(
  cs: ConstraintSystem, x: readonly LinearCombination[], bounds: PairBounds, nHeads: number, hd: number,
  style: 'interleaved' | 'half', pos: number, table: RopeTable, r: RopeRescale,
): Requantized[] {
  if (x.length !== nHeads * hd) throw new RangeError(`rope: vector of ${x.length} entries for ${nHeads} heads of ${hd}`);
  if (x.length % r.m.length !== 0) throw new RangeError(`rope: ${r.m.length} multipliers do not tile ${x.length} channels`);
  const half = hd / 2;
  if (!Number.isInteger(pos) || pos < 0 || (pos + 1) * half > table.cos.length) throw new RangeError(`rope: position ${pos} outside the RoPE table (${table.cos.length / half} positions)`);
  const out: Requantized[] = new Array(x.length);
  return cs.scope('rope', () => {
    for (let h = 0; h < nHeads; h++) {
      for (let p = 0; p < half; p++) {
        const [i, j] = ropePair(style, h * hd, p, half);
        const k = ropePairCoefs(ropeMultiplier(r.m, i), ropeMultiplier(r.m, j), table.cos[pos * half + p], table.sin[pos * half + p], r.coefShift);
        out[i] = roundShiftSaturate(cs, x[i].scale(k.aa).add(x[j].scale(k.ab)), bounds(i, j, k.aa, k.ab), r.s, r.bits);
        out[j] = roundShiftSaturate(cs, x[i].scale(k.ba).add(x[j].scale(k.bb)), bounds(i, j, k.ba, k.bb), r.s, r.bits);
      }
    }
    return out;
  });
}

/**
 * ropeFused at a position known only through a constrained one-hot `at` over the table's first
 * at.length positions (position chunks, chunks/position.ts): each coefficient
 * K = Σ_t at_t·K_t is a linear combination of the one-hot, so x_i·K costs one product (4 per
 * pair) and the rounding is ropeFused's at the selected position, bit for bit. Bounds are the
 * worst case (union) over the positions' coefficients.
 */
export function ropeFusedAt(
  cs: ConstraintSystem, x: readonly LinearCombination[], bounds: PairBounds, nHeads: number, hd: number,
  style: 'interleaved' | 'half', at: readonly LinearCombination[], table: RopeTable, r: RopeRescale,
): Requantized[] {
  if (x.length !== nHeads * hd) throw new RangeError(`ropeFusedAt: vector of ${x.length} entries for ${nHeads} heads of ${hd}`);
  if (x.length % r.m.length !== 0) throw new RangeError(`ropeFusedAt: ${r.m.length} multipliers do not tile ${x.length} channels`);
  const half = hd / 2;
  const T = at.length;
  if (T < 1 || T * half > table.cos.length) throw new RangeError(`ropeFusedAt: ${T} positions outside the RoPE table (${table.cos.length / half} positions)`);
  const out: Requantized[] = new Array(x.length);
  const pick = (ks: readonly number[]): LinearCombination => LinearCombination.sum(at.map((b, t) => b.scale(ks[t])));
  const union = (bs: Bounds[]): Bounds => ({ min: bs.reduce((a, b) => (b.min < a ? b.min : a), bs[0].min), max: bs.reduce((a, b) => (b.max > a ? b.max : a), bs[0].max) });
  return cs.scope('rope', () => {
    for (let h = 0; h < nHeads; h++) {
      for (let p = 0; p < half; p++) {
        const [i, j] = ropePair(style, h * hd, p, half);
        const ks = Array.from({ length: T }, (_, t) => ropePairCoefs(ropeMultiplier(r.m, i), ropeMultiplier(r.m, j), table.cos[t * half + p], table.sin[t * half + p], r.coefShift));
        const aa = cs.mul(x[i], pick(ks.map((k) => k.aa)), 'xK');
        const ab = cs.mul(x[j], pick(ks.map((k) => k.ab)), 'xK');
        const ba = cs.mul(x[i], pick(ks.map((k) => k.ba)), 'xK');
        const bb = cs.mul(x[j], pick(ks.map((k) => k.bb)), 'xK');
        out[i] = roundShiftSaturate(cs, aa.add(ab), union(ks.map((k) => bounds(i, j, k.aa, k.ab))), r.s, r.bits);
        out[j] = roundShiftSaturate(cs, ba.add(bb), union(ks.map((k) => bounds(i, j, k.ba, k.bb))), r.s, r.bits);
      }
    }
    return out;
  });
}
