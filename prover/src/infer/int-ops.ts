/**
 * Integer building blocks of the quantized forward pass (infer/int.ts). Every value is an
 * integer; the rounding/saturation semantics are arith/'s. Accumulators of constant-weight
 * mat-vecs are exact in float64 (|acc| ≤ 2^15·2^15·cols < 2^53 for weights of up to 16 bits).
 */
import { requantize, residualAdd } from '../arith/fixed.ts';
import { rsqrtFixed } from '../arith/roots.ts';
import { attendNormalised, softmaxExps } from '../arith/softmax.ts';
import { tableLookup } from '../arith/activation.ts';
import { ropeMultiplier, ropePair, ropePairCoefs, rotateRequantize } from '../arith/rope.ts';
import type { NormFactor, QMatrix, QNorm, Rescale, RopeRescale, RopeTable } from '../quant/types.ts';

const mAt = (r: Rescale, i: number): number => (r.m.length === 1 ? r.m[0] : r.m[i]);

/** acc[r] = Σ_c W[r][c]·x[c] (int8 constant weights: free in the circuit). */
export function matAcc(W: QMatrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(W.rows);
  const w = W.w;
  const cols = W.cols;
  for (let r = 0; r < W.rows; r++) {
    let s = 0;
    const off = r * cols;
    for (let c = 0; c < cols; c++) s += w[off + c] * x[c];
    out[r] = s;
  }
  return out;
}

/** y_i = requantize(acc_i, m_i, s, bits). */
export function rescale(acc: ArrayLike<number>, r: Rescale): Int32Array {
  const out = new Int32Array(acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = requantize(acc[i], mAt(r, i), r.s, r.bits);
  return out;
}

/** The rsqrt hint of one slice: rsqrtFixed(Σ x_i² + epsInt, rsqrtFrac). */
export function normFactor(x: ArrayLike<number>, off: number, norm: NormFactor): number {
  let ss = 0;
  for (let i = 0; i < norm.n; i++) ss += x[off + i] * x[off + i];
  return rsqrtFixed(ss + norm.epsInt, norm.rsqrtFrac);
}

/** The QK-norm products z_i = x_i·r of every n-slice (|z_i| ≤ 2^rsqrtFrac), before the fused RoPE rescale. */
export function normProducts(x: ArrayLike<number>, norm: NormFactor): Float64Array {
  const out = new Float64Array(x.length);
  for (let off = 0; off < x.length; off += norm.n) {
    const r = normFactor(x, off, norm);
    for (let i = 0; i < norm.n; i++) out[off + i] = x[off + i] * r;
  }
  return out;
}

/** RMSNorm of every n-slice of x to its quantized output site (QNorm contract). */
export function normInt(x: ArrayLike<number>, norm: QNorm): Int32Array {
  const out = new Int32Array(x.length);
  for (let off = 0; off < x.length; off += norm.n) {
    const r = normFactor(x, off, norm);
    for (let i = 0; i < norm.n; i++) out[off + i] = requantize(x[off + i] * r, mAt(norm.out, i), norm.out.s, norm.out.bits);
  }
  return out;
}

/** Gemma post-norm feeding the residual: x_i ← residualAdd(x_i, y_i·r, m_i, s, bits). */
export function normResidualAdd(x: Int32Array, y: ArrayLike<number>, norm: QNorm): void {
  const r = normFactor(y, 0, norm);
  for (let i = 0; i < x.length; i++) x[i] = residualAdd(x[i], y[i] * r, mAt(norm.out, i), norm.out.s, norm.out.bits);
}

/** Llama residual: x_i ← residualAdd(x_i, acc_i, m_i, s, bits). */
export function residualAddVec(x: Int32Array, acc: ArrayLike<number>, r: Rescale): void {
  for (let i = 0; i < x.length; i++) x[i] = residualAdd(x[i], acc[i], mAt(r, i), r.s, r.bits);
}

/**
 * RoPE fused into the rescale (arith/rope.ts) at position `pos`: for each pair (a, b) (layout by
 * `style`), a' = rotateRequantize(x_a, K(m_a, C), x_b, K(m_b, −S)), b' = rotateRequantize(x_a,
 * K(m_a, S), x_b, K(m_b, C)), channel i's multiplier m[i mod m.length]. x: the exact W_q/W_k
 * accumulators (llama) or the QK-norm products x·r (Gemma 3).
 */
export function ropeRescale(
  x: ArrayLike<number>, nHeads: number, hd: number, style: 'interleaved' | 'half', pos: number, table: RopeTable, r: RopeRescale,
): Int32Array {
  const half = hd / 2;
  const out = new Int32Array(x.length);
  for (let h = 0; h < nHeads; h++) {
    const base = h * hd;
    for (let p = 0; p < half; p++) {
      const [i, j] = ropePair(style, base, p, half);
      const k = ropePairCoefs(ropeMultiplier(r.m, i), ropeMultiplier(r.m, j), table.cos[pos * half + p], table.sin[pos * half + p], r.coefShift);
      out[i] = rotateRequantize(x[i], k.aa, x[j], k.ab, r.s, r.bits);
      out[j] = rotateRequantize(x[i], k.ba, x[j], k.bb, r.s, r.bits);
    }
  }
  return out;
}

export interface AttentionShape {
  nHeads: number;
  nKvHeads: number;
  hd: number;
}

/**
 * Attention of one query position over key/value positions first..last (inclusive):
 * per head, scores_j = Σ q·k_j (integer), (e, r) = softmaxExps(scores, m, s) and
 * out_i = attendNormalised(Σ_j e_j·v_{j,i}, r, attnOut) — Σ_j p_j·v_j requantized, with the
 * normalisation by r = ⌊2^50/Σe⌋ applied once per output instead of once per probability.
 * Query head h reads kv head ⌊h / (nHeads/nKvHeads)⌋ (grouped-query attention).
 */
export function attendInt(
  q: Int32Array, keys: Int32Array[], values: Int32Array[], first: number, last: number,
  shape: AttentionShape, softmax: { m: number; s: number }, outR: Rescale,
): Int32Array {
  const { nHeads, nKvHeads, hd } = shape;
  const group = nHeads / nKvHeads;
  const out = new Int32Array(nHeads * hd);
  const n = last - first + 1;
  const scores = new Float64Array(n);
  for (let h = 0; h < nHeads; h++) {
    const kvOff = Math.floor(h / group) * hd;
    for (let j = 0; j < n; j++) {
      const k = keys[first + j];
      let s = 0;
      for (let i = 0; i < hd; i++) s += q[h * hd + i] * k[kvOff + i];
      scores[j] = s;
    }
    const { e, r } = softmaxExps(scores, softmax.m, softmax.s);
    for (let i = 0; i < hd; i++) out[h * hd + i] = attendNormalised(weightedSum(e, values, first, kvOff + i), r, mAt(outR, 0), outR.s, outR.bits);
  }
  return out;
}

/** Σ_j e_j·values[first + j][col], exact: in doubles while Σ|terms| stays below 2^52, else BigInt. */
function weightedSum(e: readonly number[], values: Int32Array[], first: number, col: number): number | bigint {
  let acc = 0;
  let abs = 0;
  for (let j = 0; j < e.length; j++) {
    const t = e[j] * values[first + j][col]; // exact: e < 2^32 and |v| ≤ 2^15
    acc += t;
    abs += Math.abs(t);
  }
  if (abs < 2 ** 52) return acc;
  let big = 0n;
  for (let j = 0; j < e.length; j++) big += BigInt(e[j]) * BigInt(values[first + j][col]);
  return big;
}

/** FFN hidden: y_i = requantize(table[gate_i]·up_i, m, s, bits) (one private product each). */
export function gatedHidden(gate: Int32Array, up: Int32Array, table: Int32Array, r: Rescale): Int32Array {
  const out = new Int32Array(gate.length);
  for (let i = 0; i < gate.length; i++) out[i] = requantize(tableLookup(table, gate[i]) * up[i], mAt(r, i), r.s, r.bits);
  return out;
}
