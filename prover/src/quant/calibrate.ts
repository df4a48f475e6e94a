/**
 * Calibration: runs the float reference (reference/float.ts) over sample sequences and records,
 * through its observer, max |value| at every activation site the integer path quantizes. Static
 * scales derive from these maxima (quantize.ts). Sites, per layer l ("name.l"):
 *   res (residual stream: the embedding and every residual add of all layers, one key), attnIn,
 *   q, k, qn, kn (Gemma QK-norm outputs), qr, kr (after RoPE), v, attn (softmax·V), o (Wo output),
 *   ffnIn, gate, up, act, hidden (act·up), down (Wdown output), finalIn, logits.
 * Sequences run whole even past the model's context length (up to calibrationIds' 128 tokens):
 * the default quantization has always been measured so, and model ids depend on it.
 */
import type { FloatModel } from '../model/types.ts';
import { createFloatSession, type FloatObserver, type FloatSite } from '../reference/float.ts';

export type SiteMax = Map<string, number>;
/** Per site key, copies of |value| of everything calibration saw (only when asked: MSE calibration). */
export type SiteSamples = Map<string, Float32Array[]>;

/** The float sites calibration records, with their statistic's key (null: not recorded). */
const KEY: Record<FloatSite, 'res' | 'layer' | 'model' | null> = {
  embed: 'res', attnRes: 'res', ffnRes: 'res',
  attnIn: 'layer', q: 'layer', k: 'layer', v: 'layer', qn: 'layer', kn: 'layer', qr: 'layer', kr: 'layer', attn: 'layer', o: 'layer',
  ffnIn: 'layer', gate: 'layer', up: 'layer', act: 'layer', hidden: 'layer', down: 'layer',
  finalIn: 'model', logits: 'model',
  scores: null, probs: null, oNorm: null, downNorm: null,
};

/**
 * Runs every sequence through the float model, returns the per-site maxima and the logits, and
 * with `keepSamples` the absolute values themselves (for quant/clip.ts; logits not kept).
 */
export function calibrate(model: FloatModel, sequences: number[][], keepSamples = false): { stats: SiteMax; logits: Float32Array[][]; samples: SiteSamples } {
  const stats: SiteMax = new Map();
  const samples: SiteSamples = new Map();
  const observe: FloatObserver = (site, layer, v) => {
    const kind = KEY[site];
    if (kind === null) return;
    const key = kind === 'res' ? 'res' : kind === 'model' ? site : `${site}.${layer}`;
    let mx = stats.get(key) ?? 0;
    for (let i = 0; i < v.length; i++) mx = Math.max(mx, Math.abs(v[i]));
    stats.set(key, mx);
    if (keepSamples && site !== 'logits') {
      const list = samples.get(key) ?? [];
      list.push(Float32Array.from(v, Math.abs));
      samples.set(key, list);
    }
  };
  const logits = sequences.map((ids) => {
    const session = createFloatSession(model, { observe, pastContext: true });
    return ids.map((id) => session.step(id));
  });
  return { stats, logits, samples };
}
