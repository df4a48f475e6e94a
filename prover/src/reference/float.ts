/**
 * Float32 reference forward pass and greedy generation for Llama and Gemma 3 text models.
 * Activations are stored as float32; dot products accumulate in float64 (JS numbers).
 *
 * Llama (llama2.c run.c / HF LlamaModel): x = embed; per layer x += Wo·attn(rope(Wq·n(x)),
 * rope(Wk·n(x)), Wv·n(x)); x += Wdown·(silu(Wgate·n(x)) ⊙ Wup·n(x)); logits = Wout·n(x),
 * n = RMSNorm, scores scaled by headDim^-0.5, grouped-query attention.
 * Gemma 3 (HF Gemma3TextModel, Gemma 3 technical report): embed × √d; QK-norm (RMSNorm per
 * head before rope); post-attention and post-FFN norms on each branch before the residual
 * add; GeGLU with tanh-approximated GELU; scores scaled by queryPreAttnScalar^-0.5; local
 * layers attend to the last `slidingWindow` positions with base ropeLocalTheta, global
 * layers (every slidingWindowPattern-th) attend causally with base ropeTheta.
 *
 * An optional FloatObserver sees every intermediate value (calibration records its maxima,
 * quant/calibrate.ts; the accuracy bench injects one site's quantization error through it).
 */
import { CANONICAL, isGlobalLayer, type FloatModel, type Tensor } from '../model/types.ts';
import { archProfile, ropeBase } from './profile.ts';
import { applyRope, ropeAngles } from './rope.ts';

function matvec(w: Tensor, x: Float32Array): Float32Array {
  const [rows, cols] = w.shape;
  const out = new Float32Array(rows);
  const d = w.data;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const off = r * cols;
    for (let c = 0; c < cols; c++) s += d[off + c] * x[c];
    out[r] = s;
  }
  return out;
}

/** y = x / sqrt(mean(x²) + eps) ⊙ w over each `size` slice of x (w holds the effective multiplier). */
export function rmsNorm(x: Float32Array, w: Float32Array, eps: number, size = w.length): Float32Array {
  const out = new Float32Array(x.length);
  for (let off = 0; off < x.length; off += size) {
    let ss = 0;
    for (let i = 0; i < size; i++) ss += x[off + i] * x[off + i];
    const inv = 1 / Math.sqrt(ss / size + eps);
    for (let i = 0; i < size; i++) out[off + i] = x[off + i] * inv * w[i];
  }
  return out;
}

export const silu = (x: number): number => x / (1 + Math.exp(-x));
/** GELU, tanh approximation (PyTorch gelu(approximate='tanh'), Gemma's gelu_pytorch_tanh). */
export const geluTanh = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

/**
 * Sites of the float pass, in the order they are produced at each position (per layer l):
 * embed (x after the embedding, layer −1); attnIn (attention norm output), q, k, v (projections),
 * qn, kn (Gemma 3 QK-norm outputs), qr, kr (after RoPE), scores (scaled q·k of one head over the
 * visible keys), probs (that head's softmax), attn (Σ p·v, all heads), o (Wo output), oNorm
 * (Gemma 3 post-attention norm), attnRes (x after the attention residual add), ffnIn, gate, up,
 * act (activation of gate, float64), hidden (act·up), down (Wdown output), downNorm (Gemma 3
 * post-FFN norm), ffnRes (x after the FFN residual add); then finalIn (output norm) and logits
 * (layer −1).
 */
export type FloatSite =
  | 'embed' | 'attnIn' | 'q' | 'k' | 'v' | 'qn' | 'kn' | 'qr' | 'kr' | 'scores' | 'probs' | 'attn' | 'o' | 'oNorm' | 'attnRes'
  | 'ffnIn' | 'gate' | 'up' | 'act' | 'hidden' | 'down' | 'downNorm' | 'ffnRes' | 'finalIn' | 'logits';

/**
 * Called with the live array of each site (layer −1 for embed, finalIn and logits; `head` only
 * for scores and probs). The pass goes on with that same array, so an observer that writes
 * into it changes what follows (the accuracy bench's error injection); calibration only reads.
 * Keep a copy if you need the values after the call: some arrays are updated in place later.
 */
export type FloatObserver = (site: FloatSite, layer: number, values: Float32Array | Float64Array, head?: number) => void;

export interface FloatPassOptions {
  observe?: FloatObserver;
  /**
   * Run positions at or past the context length too (RoPE angles extend naturally). Only
   * calibration asks for it: its built-in texts run up to 128 tokens on every model, and cutting
   * them at a shorter context would change the default quantization (and every model id).
   */
  pastContext?: boolean;
}

/** Incremental decoder: feed one token per call, get that position's logits. */
export interface FloatSession {
  /** Number of positions consumed so far. */
  readonly pos: number;
  step(token: number): Float32Array;
}

export function createFloatSession(model: FloatModel, opts: FloatPassOptions = {}): FloatSession {
  const observe = opts.observe;
  const c = model.config;
  const t = (name: string): Tensor => {
    const x = model.tensors.get(name);
    if (!x) throw new TypeError(`${model.source.path}: missing tensor ${name}`);
    return x;
  };
  const arch = archProfile(c);
  const hd = c.headDim;
  const kvDim = c.nKvHeads * hd;
  const group = c.nHeads / c.nKvHeads;
  const scale = arch.attnScale;
  const embd = t(CANONICAL.tokenEmbd);
  const out = arch.tiedEmbeddings ? embd : t(CANONICAL.output);
  const embScale = arch.embedScale;
  const keys: Float32Array[][] = Array.from({ length: c.nLayers }, () => []);
  const values: Float32Array[][] = Array.from({ length: c.nLayers }, () => []);
  let pos = 0;

  function attention(l: number, q: Float32Array, global: boolean): Float32Array {
    const res = new Float32Array(c.nHeads * hd);
    const first = global ? 0 : Math.max(0, pos - (c.slidingWindow ?? Infinity) + 1);
    const scores = new Float64Array(pos + 1);
    const visible = scores.subarray(first);
    const probs = observe ? new Float64Array(visible.length) : null;
    for (let h = 0; h < c.nHeads; h++) {
      const kvOff = Math.floor(h / group) * hd;
      for (let j = first; j <= pos; j++) {
        const k = keys[l][j];
        let s = 0;
        for (let i = 0; i < hd; i++) s += q[h * hd + i] * k[kvOff + i];
        scores[j] = s * scale;
      }
      observe?.('scores', l, visible, h);
      let max = -Infinity;
      for (let j = first; j <= pos; j++) if (scores[j] > max) max = scores[j];
      let sum = 0;
      for (let j = first; j <= pos; j++) sum += (scores[j] = Math.exp(scores[j] - max));
      if (probs) {
        for (let j = first; j <= pos; j++) probs[j - first] = scores[j] / sum;
        observe?.('probs', l, probs, h);
      }
      for (let j = first; j <= pos; j++) {
        const p = probs ? probs[j - first] : scores[j] / sum;
        const v = values[l][j];
        for (let i = 0; i < hd; i++) res[h * hd + i] += p * v[kvOff + i];
      }
    }
    return res;
  }

  function step(token: number): Float32Array {
    if (!Number.isInteger(token) || token < 0 || token >= c.vocabSize) throw new RangeError(`token id ${token} outside 0..${c.vocabSize - 1}`);
    if (pos >= c.contextLength && !opts.pastContext) throw new RangeError(`position ${pos} exceeds the context length ${c.contextLength}`);
    const x = new Float32Array(c.dModel);
    for (let i = 0; i < c.dModel; i++) x[i] = embd.data[token * c.dModel + i] * embScale;
    observe?.('embed', -1, x);
    for (let l = 0; l < c.nLayers; l++) {
      const global = isGlobalLayer(c, l);
      const angles = ropeAngles(pos, hd, ropeBase(arch, c, l));
      const xn = rmsNorm(x, t(CANONICAL.attnNorm(l)).data, c.normEps);
      observe?.('attnIn', l, xn);
      let q = matvec(t(CANONICAL.attnQ(l)), xn);
      let k = matvec(t(CANONICAL.attnK(l)), xn);
      const v = matvec(t(CANONICAL.attnV(l)), xn);
      observe?.('q', l, q);
      observe?.('k', l, k);
      observe?.('v', l, v);
      if (arch.qkNorm) {
        q = rmsNorm(q, t(CANONICAL.attnQNorm(l)).data, c.normEps, hd);
        k = rmsNorm(k, t(CANONICAL.attnKNorm(l)).data, c.normEps, hd);
        observe?.('qn', l, q);
        observe?.('kn', l, k);
      }
      applyRope(q, c.nHeads, hd, c.ropeStyle, angles);
      applyRope(k, c.nKvHeads, hd, c.ropeStyle, angles);
      observe?.('qr', l, q);
      observe?.('kr', l, k);
      keys[l].push(k.length === kvDim ? k : k.slice(0, kvDim));
      values[l].push(v);
      const att = attention(l, q, global);
      observe?.('attn', l, att);
      let a = matvec(t(CANONICAL.attnOutput(l)), att);
      observe?.('o', l, a);
      if (arch.postNorms) {
        a = rmsNorm(a, t(CANONICAL.postAttentionNorm(l)).data, c.normEps);
        observe?.('oNorm', l, a);
      }
      for (let i = 0; i < c.dModel; i++) x[i] += a[i];
      observe?.('attnRes', l, x);
      const fn = rmsNorm(x, t(CANONICAL.ffnNorm(l)).data, c.normEps);
      observe?.('ffnIn', l, fn);
      const gate = matvec(t(CANONICAL.ffnGate(l)), fn);
      const up = matvec(t(CANONICAL.ffnUp(l)), fn);
      observe?.('gate', l, gate);
      observe?.('up', l, up);
      const actFn = arch.activation === 'gelu_tanh' ? geluTanh : silu;
      const act = Float64Array.from(gate, actFn); // float64, as act(g)·up is computed
      observe?.('act', l, act);
      for (let i = 0; i < gate.length; i++) gate[i] = act[i] * up[i];
      observe?.('hidden', l, gate);
      let f = matvec(t(CANONICAL.ffnDown(l)), gate);
      observe?.('down', l, f);
      if (arch.postNorms) {
        f = rmsNorm(f, t(CANONICAL.postFfwNorm(l)).data, c.normEps);
        observe?.('downNorm', l, f);
      }
      for (let i = 0; i < c.dModel; i++) x[i] += f[i];
      observe?.('ffnRes', l, x);
    }
    pos++;
    const fin = rmsNorm(x, t(CANONICAL.outputNorm).data, c.normEps);
    observe?.('finalIn', -1, fin);
    const logits = matvec(out, fin);
    observe?.('logits', -1, logits);
    return logits;
  }

  return { get pos() { return pos; }, step };
}

/** Index of the largest value, lowest index on ties (the greedy rule the proofs check). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** Logits at every position of `ids` (causal: row t depends only on ids[0..t]). */
export function forwardFloat(model: FloatModel, ids: number[], opts: FloatPassOptions = {}): Float32Array[] {
  const s = createFloatSession(model, opts);
  return ids.map((id) => s.step(id));
}

/**
 * Greedy generation: feeds `promptIds` (include BOS yourself if the model wants it), then
 * appends argmax tokens. Returns only the `n` generated ids; never stops early.
 */
export function generateFloat(model: FloatModel, promptIds: number[], n: number): number[] {
  if (promptIds.length === 0) throw new RangeError('generateFloat: promptIds is empty (need at least one token, e.g. BOS)');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`generateFloat: n = ${n} must be a non-negative integer`);
  if (promptIds.length + n - 1 > model.config.contextLength) {
    throw new RangeError(`generateFloat: ${promptIds.length} prompt + ${n} generated tokens exceed the context length ${model.config.contextLength}`);
  }
  const s = createFloatSession(model);
  let logits: Float32Array = new Float32Array(0);
  for (const id of promptIds) logits = s.step(id);
  const outIds: number[] = [];
  for (let i = 0; i < n; i++) {
    const next = argmax(logits);
    outIds.push(next);
    if (i + 1 < n) logits = s.step(next);
  }
  return outIds;
}
