/**
 * Site-by-site quantization error (issue 17): the float reference with the rounding and
 * saturation of chosen integer sites injected through its observer (reference/float.ts), at the
 * scales quantizeModel chose (quantizeModelWithSites). Quantizing one site group alone shows
 * the error that site adds by itself; quantizing all groups but one shows what making that
 * site exact would buy. The weights are modelled apart (withQuantizedWeights). Not modelled: the
 * integer rsqrt and softmax tables, fixed-point multipliers' own rounding (the "all sites" row
 * against the true integer path shows how much of the divergence those leave).
 */
import { PROB_FRAC } from '@zkinfer/prover/arith/softmax.ts';
import type { FloatObserver, FloatSite } from '@zkinfer/prover/reference/float.ts';
import type { FloatModel } from '@zkinfer/prover/model/types.ts';
import type { SiteScale } from '@zkinfer/prover/quant/builders.ts';
import { quantizeRows } from '@zkinfer/prover/quant/weights.ts';

/** A row of the site table: the float sites it covers and the quantization key they map to. */
export interface SiteGroup {
  name: string;
  /** Float site → key prefix in the site-scale map ("res" has no layer suffix). */
  sites: Partial<Record<FloatSite, string>>;
}

export const SITE_GROUPS: readonly SiteGroup[] = [
  { name: 'residual stream (int16)', sites: { embed: 'res', attnRes: 'res', ffnRes: 'res' } },
  { name: 'attention norm output', sites: { attnIn: 'attnIn' } },
  { name: 'q, k projections (Gemma int16)', sites: { q: 'q', k: 'k' } },
  { name: 'q, k after RoPE', sites: { qr: 'qr', kr: 'kr' } },
  { name: 'v', sites: { v: 'v' } },
  { name: 'softmax probabilities', sites: { probs: 'probs' } },
  { name: 'attention output Σp·v', sites: { attn: 'attn' } },
  { name: 'Wo output (Gemma int16)', sites: { o: 'o' } },
  { name: 'FFN norm output', sites: { ffnIn: 'ffnIn' } },
  { name: 'FFN gate', sites: { gate: 'gate' } },
  { name: 'FFN up', sites: { up: 'up' } },
  { name: 'activation table output', sites: { act: 'act' } },
  { name: 'FFN hidden act·up', sites: { hidden: 'hidden' } },
  { name: 'Wdown output (Gemma int16)', sites: { down: 'down' } },
  { name: 'final norm output', sites: { finalIn: 'finalIn' } },
];

/** Rounds to the nearest multiple of scale and saturates to a signed `bits`-bit integer, in place. */
function fakeQuantize(v: Float32Array | Float64Array, { scale, bits }: SiteScale): void {
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  for (let i = 0; i < v.length; i++) v[i] = Math.min(max, Math.max(min, Math.round(v[i] / scale))) * scale;
}

/** The groups of `groups` whose sites exist for this model (at least one scale recorded). */
export function presentGroups(sites: Map<string, SiteScale>, groups: readonly SiteGroup[] = SITE_GROUPS): SiteGroup[] {
  return groups.filter((g) => Object.values(g.sites).some((key) => key === 'probs' || key === 'res' || sites.has(`${key}.0`) || sites.has(key!)));
}

/**
 * An observer that quantizes every site of `groups` with the recorded scales, in every layer or
 * only at layer `only` (model-level sites, layer −1, then stay float); probabilities go to the
 * 2^−PROB_FRAC grid of the integer softmax.
 */
export function injectQuantization(sites: Map<string, SiteScale>, groups: readonly SiteGroup[], only?: number): FloatObserver {
  const byFloat = new Map<FloatSite, string>();
  for (const g of groups) for (const [f, key] of Object.entries(g.sites)) byFloat.set(f as FloatSite, key);
  return (site, l, values) => {
    const key = byFloat.get(site);
    if (key === undefined || (only !== undefined && l !== only)) return;
    if (key === 'probs') {
      for (let i = 0; i < values.length; i++) values[i] = Math.round(values[i] * 2 ** PROB_FRAC) / 2 ** PROB_FRAC;
      return;
    }
    const s = sites.get(key === 'res' || key === 'finalIn' ? key : `${key}.${l}`);
    if (s) fakeQuantize(values, s);
  };
}

/**
 * The float model with every weight matrix (2-D tensor) rounded as quantizeRows rounds it:
 * symmetric per output row to `bits` bits (quant/weights.ts), dequantized back to float. Run
 * through the float pass, it isolates the error of the weights alone (norm weights stay float:
 * the integer path folds them into multipliers).
 */
export function withQuantizedWeights(model: FloatModel, bits: number): FloatModel {
  const tensors = new Map(model.tensors);
  for (const [name, t] of model.tensors) {
    if (t.shape.length !== 2) continue;
    const q = quantizeRows(t, bits);
    const data = new Float32Array(t.data.length);
    for (let r = 0; r < q.rows; r++) for (let c = 0; c < q.cols; c++) data[r * q.cols + c] = q.w[r * q.cols + c] * q.scale[r];
    tensors.set(name, { ...t, data });
  }
  return { ...model, tensors };
}
