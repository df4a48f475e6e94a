/**
 * Integer inference of a QuantModel: the ground truth the circuits prove bit for bit.
 * - forwardInt(q, ids): the full-sequence pass (layer by layer over all positions, as the
 *   circuit is laid out), integer logits at every position.
 * - createIntSession / generateInt: token by token with a KV cache (greedy generation);
 *   causal attention makes its logits equal to forwardInt's (tested).
 * Integer logits (exact integers in Float64Arrays, |L| < 2^53) are at scale q.scales.logits;
 * greedy picks argmaxLowest.
 */
import { argmaxLowest } from '../arith/argmax.ts';
import { requantize } from '../arith/fixed.ts';
import type { NormFactor, QLayer, QMatrix, QuantModel, Rescale, RopeRescale } from '../quant/types.ts';
import { attendInt, gatedHidden, matAcc, normInt, normProducts, normResidualAdd, rescale, residualAddVec, ropeRescale, type AttentionShape } from './int-ops.ts';

function checkToken(q: QuantModel, token: number): void {
  if (!Number.isInteger(token) || token < 0 || token >= q.config.vocabSize) throw new RangeError(`token id ${token} outside 0..${q.config.vocabSize - 1}`);
}

/** The residual stream after the embedding: requantize(E[t][i], m_t, s, resBits). */
function embedInt(q: QuantModel, token: number): Int32Array {
  checkToken(q, token);
  const d = q.config.dModel;
  const x = new Int32Array(d);
  const m = q.embedOut.m[token];
  for (let i = 0; i < d; i++) x[i] = requantize(q.embed.w[token * d + i], m, q.embedOut.s, q.embedOut.bits);
  return x;
}

/**
 * q, k (rotated) and v of one position for layer L. RoPE is fused into q's and k's only
 * rounding (ropeRescale): llama rotates the exact accumulators; Gemma 3 the QK-norm products of
 * the int16 projections.
 */
function qkv(q: QuantModel, L: QLayer, x: Int32Array, pos: number): { qv: Int32Array; k: Int32Array; v: Int32Array } {
  const c = q.config;
  const table = L.rope === 'local' && q.rope.local ? q.rope.local : q.rope.global;
  const h = normInt(x, L.attnNorm);
  const rotate = (W: QMatrix, proj: Rescale | undefined, norm: NormFactor | undefined, r: RopeRescale, nHeads: number): Int32Array => {
    const acc = matAcc(W, h);
    if ((proj === undefined) !== (norm === undefined)) throw new TypeError('qkv: a QK-norm needs its int16 projection and vice versa');
    const x = proj && norm ? normProducts(rescale(acc, proj), norm) : acc;
    return ropeRescale(x, nHeads, c.headDim, c.ropeStyle, pos, table, r);
  };
  return {
    qv: rotate(L.wq, L.qProj, L.qNorm, L.qRope, c.nHeads),
    k: rotate(L.wk, L.kProj, L.kNorm, L.kRope, c.nKvHeads),
    v: rescale(matAcc(L.wv, h), L.vProj),
  };
}

/** Adds the attention branch (Wo, Gemma post-norm) of one position to x in place. */
function attnResidual(L: QLayer, x: Int32Array, att: Int32Array): void {
  const acc = matAcc(L.wo, att);
  if (L.postAttnNorm) normResidualAdd(x, rescale(acc, L.oProj), L.postAttnNorm);
  else residualAddVec(x, acc, L.oProj);
}

/** Adds the FFN branch of one position to x in place. */
function ffnResidual(L: QLayer, x: Int32Array): void {
  const h = normInt(x, L.ffnNorm);
  const gate = rescale(matAcc(L.wGate, h), L.gateProj);
  const up = rescale(matAcc(L.wUp, h), L.upProj);
  const acc = matAcc(L.wDown, gatedHidden(gate, up, L.actTable, L.hidden));
  if (L.postFfwNorm) normResidualAdd(x, rescale(acc, L.downProj), L.postFfwNorm);
  else residualAddVec(x, acc, L.downProj);
}

/**
 * L_j = acc_j·m_j exactly (quant/types.ts `LogitMultipliers`): no rounding, only the order
 * matters. quantizeModel bounds |L_j| < 2^53; the check here guards hand-made models, since a
 * rounded product would silently differ from the circuit's.
 */
function logitsInt(q: QuantModel, x: Int32Array): Float64Array {
  const acc = matAcc(q.output ?? q.embed, normInt(x, q.finalNorm));
  const m = q.logitOut.m;
  if (m.length !== acc.length) throw new RangeError(`logitOut has ${m.length} multipliers for ${acc.length} vocabulary rows`);
  const out = new Float64Array(acc.length);
  for (let j = 0; j < acc.length; j++) {
    const v = acc[j] * m[j];
    if (!Number.isSafeInteger(v)) throw new RangeError(`logit ${j}: acc·m = ${acc[j]}·${m[j]} is not a safe integer`);
    out[j] = v;
  }
  return out;
}

const shapeOf = (q: QuantModel): AttentionShape => ({ nHeads: q.config.nHeads, nKvHeads: q.config.nKvHeads, hd: q.config.headDim });
const firstKey = (L: QLayer, pos: number): number => (Number.isFinite(L.window) ? Math.max(0, pos - L.window + 1) : 0);

/** Integer logits at every position of `ids` (row t depends only on ids[0..t]). */
export function forwardInt(q: QuantModel, ids: number[]): Float64Array[] {
  if (ids.length > q.config.contextLength) throw new RangeError(`forwardInt: ${ids.length} tokens exceed the context length ${q.config.contextLength}`);
  const xs = ids.map((t) => embedInt(q, t));
  const shape = shapeOf(q);
  for (const L of q.layers) {
    const proj = xs.map((x, pos) => qkv(q, L, x, pos));
    const keys = proj.map((p) => p.k);
    const values = proj.map((p) => p.v);
    xs.forEach((x, pos) => {
      attnResidual(L, x, attendInt(proj[pos].qv, keys, values, firstKey(L, pos), pos, shape, L.softmax, L.attnOut));
      ffnResidual(L, x);
    });
  }
  return xs.map((x) => logitsInt(q, x));
}

/** Incremental integer decoder with a KV cache: one token per step, that position's logits. */
export interface IntSession {
  readonly pos: number;
  step(token: number): Float64Array;
}

export function createIntSession(q: QuantModel): IntSession {
  const keys: Int32Array[][] = q.layers.map(() => []);
  const values: Int32Array[][] = q.layers.map(() => []);
  const shape = shapeOf(q);
  let pos = 0;
  return {
    get pos() {
      return pos;
    },
    step(token: number): Float64Array {
      if (pos >= q.config.contextLength) throw new RangeError(`position ${pos} exceeds the context length ${q.config.contextLength}`);
      const x = embedInt(q, token);
      q.layers.forEach((L, l) => {
        const p = qkv(q, L, x, pos);
        keys[l].push(p.k);
        values[l].push(p.v);
        attnResidual(L, x, attendInt(p.qv, keys[l], values[l], firstKey(L, pos), pos, shape, L.softmax, L.attnOut));
        ffnResidual(L, x);
      });
      pos++;
      return logitsInt(q, x);
    },
  };
}

/**
 * Greedy integer generation: feeds `promptIds`, then appends argmaxLowest tokens; returns the
 * `n` generated ids (never stops early, like generateFloat).
 */
export function generateInt(q: QuantModel, promptIds: number[], n: number): number[] {
  if (promptIds.length === 0) throw new RangeError('generateInt: promptIds is empty (need at least one token, e.g. BOS)');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`generateInt: n = ${n} must be a non-negative integer`);
  if (promptIds.length + n - 1 > q.config.contextLength) {
    throw new RangeError(`generateInt: ${promptIds.length} prompt + ${n} generated tokens exceed the context length ${q.config.contextLength}`);
  }
  const s = createIntSession(q);
  let logits: Float64Array = new Float64Array(0);
  for (const id of promptIds) logits = s.step(id);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const next = argmaxLowest(logits);
    out.push(next);
    if (i + 1 < n) logits = s.step(next);
  }
  return out;
}

/** Dequantized logits (float, for accuracy reports only). */
export function dequantizeLogits(q: QuantModel, logits: Float64Array): Float64Array {
  return Float64Array.from(logits, (v) => v * q.scales.logits);
}
