/**
 * quantizeModel(floatModel, calibrationIds) → QuantModel: int8 per-channel weights, static
 * activation scales from calibration maxima, and every rescale as a fixed-point multiplier.
 * Float math appears only in quant/ (deriving constants); docs/quantization.md is the contract.
 * The parts: the embedding and the final norm / logits (here), each layer's attention block
 * (quantize-attention.ts) and FFN block (quantize-ffn.ts); the Llama / Gemma 3 differences are
 * the architecture profile's (reference/profile.ts); shared builders are in builders.ts.
 */
import { CANONICAL, isGlobalLayer, type FloatModel } from '../model/types.ts';
import { archProfile, usesLocalRope, type ArchProfile } from '../reference/profile.ts';
import { norm, quantContext, site, type QuantContext, type SiteScale } from './builders.ts';
import { calibrate } from './calibrate.ts';
import { fixedMultipliers } from './multiplier.ts';
import { quantizeAttention } from './quantize-attention.ts';
import { quantizeFfn } from './quantize-ffn.ts';
import { ropeTable } from './rope.ts';
import { resolveOptions, siteBits, weightBits } from './options.ts';
import { type LogitMultipliers, type QLayer, type QMatrix, type QuantModel, type QuantOptions, type Rescale } from './types.ts';
import { quantizeRows } from './weights.ts';

export function quantizeModel(model: FloatModel, calibrationIds: number[][], opts: Partial<QuantOptions> = {}): QuantModel {
  return quantizeModelWithSites(model, calibrationIds, opts).model;
}

/**
 * quantizeModel, also returning the scale and bits chosen for every activation site
 * ("name.l" per layer as in calibrate.ts, plus "res" and "finalIn"): metadata for reports
 * (bench/accuracy.ts injects one site's rounding into the float pass with them).
 */
export function quantizeModelWithSites(model: FloatModel, calibrationIds: number[][], opts: Partial<QuantOptions> = {}): { model: QuantModel; sites: Map<string, SiteScale> } {
  const c = model.config;
  const o: QuantOptions = resolveOptions(opts, c.nLayers);
  if (calibrationIds.length === 0 || calibrationIds.every((s) => s.length === 0)) throw new RangeError('quantizeModel: calibrationIds holds no tokens');
  const cal = calibrate(model, calibrationIds, o.calibration === 'mse');
  const ctx = quantContext(model, cal.stats, o, cal.samples);
  const arch = archProfile(c);
  const sRes = site(ctx, 'res', o.resBits, o.headroom);
  const { embed, embedOut } = quantizeEmbedding(ctx, arch, sRes);
  const layers: QLayer[] = [];
  for (let l = 0; l < c.nLayers; l++) layers.push(quantizeLayer(ctx, arch, l, sRes));
  const finalBits = siteBits(o, 'finalIn');
  const sFinal = site(ctx, 'finalIn', finalBits);
  const finalNorm = norm(ctx, ctx.tensor(CANONICAL.outputNorm).data, c.dModel, sRes, sFinal, finalBits, 'output norm');
  const output = arch.tiedEmbeddings ? null : quantizeRows(ctx.tensor(CANONICAL.output), weightBits(o));
  const logitOut = logitMultipliers(output ?? embed, sFinal, finalNorm.out.bits, o.logitMultiplierBits, model.source.path);
  const positions = c.contextLength;
  const tok = model.tokenizer;
  const q: QuantModel = {
    config: c,
    options: o,
    embed,
    embedOut,
    layers,
    finalNorm,
    output,
    logitOut,
    rope: {
      global: ropeTable(positions, c.headDim, c.ropeTheta, o.ropeFrac),
      local: arch.localRope ? ropeTable(positions, c.headDim, c.ropeLocalTheta ?? c.ropeTheta, o.ropeFrac) : null,
    },
    scales: { residual: sRes, logits: 2 ** -logitOut.s },
    tokenizer: { kind: tok.kind, bos: tok.bos ?? null, eos: tok.eos ?? null, pieces: tok.pieces() },
  };
  return { model: q, sites: ctx.sites };
}

/** int8 embedding rows and their per-token rescale into the residual stream (embedScale folded in). */
function quantizeEmbedding(ctx: QuantContext, arch: ArchProfile, sRes: number): { embed: QMatrix; embedOut: Rescale } {
  const embed = quantizeRows(ctx.tensor(CANONICAL.tokenEmbd), weightBits(ctx.o));
  const embedOut = fixedMultipliers(Array.from(embed.scale, (s) => (s * arch.embedScale) / sRes), ctx.o.resBits, ctx.o.multiplierBits, 'embedding');
  return { embed, embedOut };
}

/** Layer l: its attention window and RoPE table, then the attention and FFN blocks (key order is the serialized order). */
function quantizeLayer(ctx: QuantContext, arch: ArchProfile, l: number, sRes: number): QLayer {
  const c = ctx.config;
  const global = isGlobalLayer(c, l);
  const a = quantizeAttention(ctx, arch, l, sRes);
  const f = quantizeFfn(ctx, arch, l, sRes);
  return {
    global,
    window: global ? Infinity : (c.slidingWindow ?? Infinity),
    rope: usesLocalRope(arch, c, l) ? 'local' : 'global',
    attnNorm: a.attnNorm,
    wq: a.wq, wk: a.wk, wv: a.wv,
    qProj: a.qProj, kProj: a.kProj,
    vProj: a.vProj,
    qNorm: a.qNorm, kNorm: a.kNorm, qRope: a.qRope, kRope: a.kRope,
    softmax: a.softmax,
    attnOut: a.attnOut,
    wo: a.wo, oProj: a.oProj, postAttnNorm: a.postAttnNorm,
    ffnNorm: f.ffnNorm,
    wGate: f.wGate, wUp: f.wUp,
    gateProj: f.gateProj,
    upProj: f.upProj,
    actTable: f.actTable,
    hidden: f.hidden,
    wDown: f.wDown, downProj: f.downProj, postFfwNorm: f.postFfwNorm,
  };
}

/**
 * Multipliers of the integer logits L_j = acc_j·m_j (types.ts `LogitMultipliers`):
 * m_j/2^s ≈ sIn·scale_j, the real logit per unit of acc_j (its input h at scale sIn, row j of W
 * at W.scale[j]). No output site, so no calibration: the order is all greedy decoding needs.
 * Throws a RangeError when |L_j| could reach 2^53 (|h_c| ≤ 2^(hBits−1), the range the final
 * norm's output is checked to), since the logits must be exact JavaScript numbers.
 */
export function logitMultipliers(W: QMatrix, sIn: number, hBits: number, precision: number, what: string): LogitMultipliers {
  const { m, s } = fixedMultipliers(Array.from(W.scale, (sw) => sIn * sw), 0, precision, `${what}: output logits`);
  let bound = 0;
  for (let r = 0; r < W.rows; r++) {
    let l1 = 0;
    for (let c = 0; c < W.cols; c++) l1 += Math.abs(W.w[r * W.cols + c]);
    bound = Math.max(bound, Math.abs(m[r]) * l1 * 2 ** (hBits - 1));
  }
  if (bound >= 2 ** 53) throw new RangeError(`${what}: output logits acc·m can reach ${bound} ≥ 2^53 (lower logitMultiplierBits or the final norm's bits)`);
  return { m, s };
}
