/**
 * One layer's attention block: input norm, W_q/W_k/W_v with the RoPE-fused q/k rescales (and the
 * Gemma 3 QK-norm between), the softmax step, the attention output rescale, W_o and (Gemma 3) the
 * post-attention norm. docs/quantization.md steps 3–6.
 */
import { CANONICAL } from '../model/types.ts';
import { PROB_FRAC, SOFTMAX_MUL_FRAC } from '../arith/softmax.ts';
import type { ArchProfile } from '../reference/profile.ts';
import { branchOutput, normFactor, normGains, record, ropeRescale, scaleColumns, shortNorm, shortProj, site, type QuantContext } from './builders.ts';
import { fixedMultiplier, roundDownShort } from './multiplier.ts';
import { siteBits, weightBits } from './options.ts';
import type { QLayer } from './types.ts';
import { quantizeRows } from './weights.ts';

export type AttentionFields = Pick<QLayer,
  'attnNorm' | 'wq' | 'wk' | 'wv' | 'qProj' | 'kProj' | 'vProj' | 'qNorm' | 'kNorm' | 'qRope' | 'kRope' | 'softmax' | 'attnOut' | 'wo' | 'oProj' | 'postAttnNorm'>;

type QkFields = Pick<QLayer, 'wq' | 'wk' | 'qProj' | 'kProj' | 'qNorm' | 'kNorm' | 'qRope' | 'kRope'>;

/** The attention block of layer l, reading the residual stream at scale sRes and adding back to it. */
export function quantizeAttention(ctx: QuantContext, arch: ArchProfile, l: number, sRes: number): AttentionFields {
  const { config: c, o } = ctx;
  const bits = { attnIn: siteBits(o, 'attnIn', l), qk: siteBits(o, 'qk', l), v: siteBits(o, 'v', l), attn: siteBits(o, 'attn', l) };
  const sAttnIn = site(ctx, `attnIn.${l}`, bits.attnIn);
  const attnNorm = shortNorm(ctx, ctx.tensor(CANONICAL.attnNorm(l)).data, c.dModel, sRes, sAttnIn, bits.attnIn, `layer ${l} attention norm`);
  const sV = site(ctx, `v.${l}`, bits.v);
  const v = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.attnV(l)), attnNorm.cols), sAttnIn, sV, bits.v, `layer ${l} Wv`);
  const sQr = site(ctx, `qr.${l}`, bits.qk);
  const sKr = site(ctx, `kr.${l}`, bits.qk);
  const qk = (arch.qkNorm ? qkWithNorm : qkDirect)(ctx, l, attnNorm.cols, sAttnIn, sQr, sKr, bits.qk);
  // The softmax's exponent step m/2^s keeps P bits: arith/softmax.ts softmaxSpec splits it into
  // a 3-bit input multiplier and per-layer exp tables, so no scale is widened for it.
  const sm = fixedMultiplier(sQr * sKr * arch.attnScale * 2 ** SOFTMAX_MUL_FRAC, 62, o.multiplierBits, `layer ${l} softmax`);
  // The attention output factor sV/(2^PROB_FRAC·sAttn) rounded down to pAct bits by widening sAttn.
  const attnOutFactor = roundDownShort(sV / (2 ** PROB_FRAC * site(ctx, `attn.${l}`, bits.attn)), o.shortSiteMultiplierBits);
  const sAttn = record(ctx, `attn.${l}`, sV / (2 ** PROB_FRAC * attnOutFactor), bits.attn);
  const wo = branchOutput(ctx, arch, ctx.tensor(CANONICAL.attnOutput(l)), sAttn, sRes, `layer ${l} Wo`,
    { key: `o.${l}`, weight: () => ctx.tensor(CANONICAL.postAttentionNorm(l)).data, what: `layer ${l} post-attention norm` });
  return {
    attnNorm: attnNorm.norm,
    wq: qk.wq, wk: qk.wk, wv: v.W,
    qProj: qk.qProj, kProj: qk.kProj,
    vProj: v.r,
    qNorm: qk.qNorm, kNorm: qk.kNorm, qRope: qk.qRope, kRope: qk.kRope,
    softmax: { m: sm.m[0], s: sm.s },
    attnOut: fixedMultiplier(attnOutFactor, bits.attn, o.multiplierBits, `layer ${l} attention output`),
    wo: wo.W, oProj: wo.r, postAttnNorm: wo.postNorm,
  };
}

/** Llama: one rounding from the exact accumulators per W row, RoPE fused (arith/rope.ts). */
function qkDirect(ctx: QuantContext, l: number, cols: Float64Array, sAttnIn: number, sQr: number, sKr: number, bits: number): QkFields {
  const wq = quantizeRows(scaleColumns(ctx.tensor(CANONICAL.attnQ(l)), cols), weightBits(ctx.o));
  const wk = quantizeRows(scaleColumns(ctx.tensor(CANONICAL.attnK(l)), cols), weightBits(ctx.o));
  return {
    wq, wk, qProj: undefined, kProj: undefined, qNorm: undefined, kNorm: undefined,
    qRope: ropeRescale(ctx, Array.from(wq.scale, (sw) => (sAttnIn * sw) / sQr), bits, `layer ${l} Wq + rope`),
    kRope: ropeRescale(ctx, Array.from(wk.scale, (sw) => (sAttnIn * sw) / sKr), bits, `layer ${l} Wk + rope`),
  };
}

/** Gemma 3: int16 projections, QK-norm, then one rounding per norm weight with RoPE fused. */
function qkWithNorm(ctx: QuantContext, l: number, cols: Float64Array, sAttnIn: number, sQr: number, sKr: number, bits: number): QkFields {
  const { config: c, o } = ctx;
  const hd = c.headDim;
  const sQ = site(ctx, `q.${l}`, 16, o.headroom);
  const sK = site(ctx, `k.${l}`, 16, o.headroom);
  const q = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.attnQ(l)), cols), sAttnIn, sQ, 16, `layer ${l} Wq`);
  const k = shortProj(ctx, scaleColumns(ctx.tensor(CANONICAL.attnK(l)), cols), sAttnIn, sK, 16, `layer ${l} Wk`);
  return {
    wq: q.W, wk: k.W, qProj: q.r, kProj: k.r,
    qNorm: normFactor(ctx, hd, sQ),
    kNorm: normFactor(ctx, hd, sK),
    qRope: ropeRescale(ctx, normGains(ctx, ctx.tensor(CANONICAL.attnQNorm(l)).data, hd, sQr), bits, `layer ${l} q-norm + rope`),
    kRope: ropeRescale(ctx, normGains(ctx, ctx.tensor(CANONICAL.attnKNorm(l)).data, hd, sKr), bits, `layer ${l} k-norm + rope`),
  };
}
