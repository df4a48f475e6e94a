/**
 * Calibration: runs the float model (same math as reference/float.ts, instrumented) over sample
 * sequences and records max |value| at every activation site the integer path quantizes.
 * Static scales derive from these maxima (quantize.ts). Sites, per layer l ("name.l"):
 *   res (residual stream, all layers, one key), attnIn, q, k, qn, kn (Gemma QK-norm outputs),
 *   qr, kr (after RoPE), v, attn (softmax·V), o (Wo output), ffnIn, gate, up, act, hidden
 *   (act·up), down (Wdown output), finalIn, logits.
 */
import { CANONICAL, isGlobalLayer, type FloatModel, type Tensor } from '../model/types.ts';
import { geluTanh, rmsNorm, silu } from '../reference/float.ts';
import { applyRope, ropeAngles } from '../reference/rope.ts';

export type SiteMax = Map<string, number>;

function matvec(w: Tensor, x: Float32Array): Float32Array {
  const [rows, cols] = w.shape;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const off = r * cols;
    for (let c = 0; c < cols; c++) s += w.data[off + c] * x[c];
    out[r] = s;
  }
  return out;
}

function note(stats: SiteMax, key: string, v: ArrayLike<number>): void {
  let mx = stats.get(key) ?? 0;
  for (let i = 0; i < v.length; i++) mx = Math.max(mx, Math.abs(v[i]));
  stats.set(key, mx);
}

/** Runs every sequence through the float model, returns the per-site maxima and the logits. */
export function calibrate(model: FloatModel, sequences: number[][]): { stats: SiteMax; logits: Float32Array[][] } {
  const stats: SiteMax = new Map();
  const logits = sequences.map((ids) => runSequence(model, ids, stats));
  return { stats, logits };
}

function runSequence(model: FloatModel, ids: number[], stats: SiteMax): Float32Array[] {
  const c = model.config;
  const t = (name: string): Tensor => {
    const x = model.tensors.get(name);
    if (!x) throw new TypeError(`${model.source.path}: missing tensor ${name}`);
    return x;
  };
  const gemma = c.family === 'gemma3';
  const hd = c.headDim;
  const group = c.nHeads / c.nKvHeads;
  const scale = 1 / Math.sqrt(gemma ? (c.queryPreAttnScalar ?? hd) : hd);
  const embd = t(CANONICAL.tokenEmbd);
  const outW = c.tieEmbeddings ? embd : t(CANONICAL.output);
  const embScale = gemma ? Math.fround(Math.sqrt(c.dModel)) : 1;
  const keys: Float32Array[][] = Array.from({ length: c.nLayers }, () => []);
  const values: Float32Array[][] = Array.from({ length: c.nLayers }, () => []);
  const out: Float32Array[] = [];
  for (let pos = 0; pos < ids.length; pos++) {
    const x = new Float32Array(c.dModel);
    for (let i = 0; i < c.dModel; i++) x[i] = embd.data[ids[pos] * c.dModel + i] * embScale;
    note(stats, 'res', x);
    for (let l = 0; l < c.nLayers; l++) {
      const global = isGlobalLayer(c, l);
      const angles = ropeAngles(pos, hd, gemma && !global ? (c.ropeLocalTheta ?? c.ropeTheta) : c.ropeTheta);
      const xn = rmsNorm(x, t(CANONICAL.attnNorm(l)).data, c.normEps);
      note(stats, `attnIn.${l}`, xn);
      let q = matvec(t(CANONICAL.attnQ(l)), xn);
      let k = matvec(t(CANONICAL.attnK(l)), xn);
      const v = matvec(t(CANONICAL.attnV(l)), xn);
      note(stats, `q.${l}`, q);
      note(stats, `k.${l}`, k);
      note(stats, `v.${l}`, v);
      if (gemma) {
        q = rmsNorm(q, t(CANONICAL.attnQNorm(l)).data, c.normEps, hd);
        k = rmsNorm(k, t(CANONICAL.attnKNorm(l)).data, c.normEps, hd);
        note(stats, `qn.${l}`, q);
        note(stats, `kn.${l}`, k);
      }
      applyRope(q, c.nHeads, hd, c.ropeStyle, angles);
      applyRope(k, c.nKvHeads, hd, c.ropeStyle, angles);
      note(stats, `qr.${l}`, q);
      note(stats, `kr.${l}`, k);
      keys[l].push(k);
      values[l].push(v);
      const first = global ? 0 : Math.max(0, pos - (c.slidingWindow ?? Infinity) + 1);
      const att = new Float32Array(c.nHeads * hd);
      const sc = new Float64Array(pos + 1);
      for (let h = 0; h < c.nHeads; h++) {
        const kvOff = Math.floor(h / group) * hd;
        let max = -Infinity;
        for (let j = first; j <= pos; j++) {
          let s = 0;
          for (let i = 0; i < hd; i++) s += q[h * hd + i] * keys[l][j][kvOff + i];
          sc[j] = s * scale;
          if (sc[j] > max) max = sc[j];
        }
        let sum = 0;
        for (let j = first; j <= pos; j++) sum += (sc[j] = Math.exp(sc[j] - max));
        for (let j = first; j <= pos; j++) {
          const p = sc[j] / sum;
          for (let i = 0; i < hd; i++) att[h * hd + i] += p * values[l][j][kvOff + i];
        }
      }
      note(stats, `attn.${l}`, att);
      let a = matvec(t(CANONICAL.attnOutput(l)), att);
      note(stats, `o.${l}`, a);
      if (gemma) a = rmsNorm(a, t(CANONICAL.postAttentionNorm(l)).data, c.normEps);
      for (let i = 0; i < c.dModel; i++) x[i] += a[i];
      note(stats, 'res', x);
      const fn = rmsNorm(x, t(CANONICAL.ffnNorm(l)).data, c.normEps);
      note(stats, `ffnIn.${l}`, fn);
      const gate = matvec(t(CANONICAL.ffnGate(l)), fn);
      const up = matvec(t(CANONICAL.ffnUp(l)), fn);
      note(stats, `gate.${l}`, gate);
      note(stats, `up.${l}`, up);
      const act = gemma ? geluTanh : silu;
      const actV = Float64Array.from(gate, act); // float64 like the reference's act(g)·up
      note(stats, `act.${l}`, actV);
      for (let i = 0; i < gate.length; i++) gate[i] = actV[i] * up[i];
      note(stats, `hidden.${l}`, gate);
      let f = matvec(t(CANONICAL.ffnDown(l)), gate);
      note(stats, `down.${l}`, f);
      if (gemma) f = rmsNorm(f, t(CANONICAL.postFfwNorm(l)).data, c.normEps);
      for (let i = 0; i < c.dModel; i++) x[i] += f[i];
      note(stats, 'res', x);
    }
    const fin = rmsNorm(x, t(CANONICAL.outputNorm).data, c.normEps);
    note(stats, 'finalIn', fin);
    const lg = matvec(outW, fin);
    note(stats, 'logits', lg);
    out.push(lg);
  }
  return out;
}
