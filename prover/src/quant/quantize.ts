/**
 * quantizeModel(floatModel, calibrationIds) → QuantModel: int8 per-channel weights, static
 * activation scales from calibration maxima, and every rescale as a fixed-point multiplier.
 * Float math appears only here (deriving constants); docs/quantization.md is the contract.
 */
import { CANONICAL, isGlobalLayer, type FloatModel, type Tensor } from '../model/types.ts';
import { activationFloat, activationTable } from '../arith/activation.ts';
import { EXP_SPEC } from '../arith/exp.ts';
import { PROB_FRAC } from '../arith/softmax.ts';
import { calibrate, type SiteMax } from './calibrate.ts';
import { fixedMultiplier, fixedMultipliers, siteScale } from './multiplier.ts';
import { ropeTable } from './rope.ts';
import { DEFAULT_QUANT_OPTIONS, type QLayer, type QMatrix, type QNorm, type QuantModel, type LogitMultipliers, type QuantOptions, type Rescale } from './types.ts';
import { quantizeRows } from './weights.ts';

/** Bits of the activation-table outputs (a table's outputs are constants: no range check). */
export const ACT_TABLE_BITS = 16;

export function quantizeModel(model: FloatModel, calibrationIds: number[][], opts: Partial<QuantOptions> = {}): QuantModel {
  const o: QuantOptions = { ...DEFAULT_QUANT_OPTIONS, ...opts };
  const c = model.config;
  if (calibrationIds.length === 0 || calibrationIds.every((s) => s.length === 0)) throw new RangeError('quantizeModel: calibrationIds holds no tokens');
  const { stats } = calibrate(model, calibrationIds);
  const get = (key: string): number => {
    const v = stats.get(key);
    if (v === undefined) throw new TypeError(`quantizeModel: no calibration statistic for site ${key}`);
    return v;
  };
  const t = (name: string): Tensor => {
    const x = model.tensors.get(name);
    if (!x) throw new TypeError(`${model.source.path}: missing tensor ${name}`);
    return x;
  };
  const P = o.multiplierBits;
  const gemma = c.family === 'gemma3';
  const hd = c.headDim;
  const sRes = siteScale(get('res'), o.resBits, o.headroom);

  /** RMSNorm whose output is a quantized site of scale sOut (`weight` folded into m). */
  const norm = (w: Float32Array, n: number, sIn: number, sOut: number, bits: number, what: string): QNorm => {
    // y = x·√n/√(Σx² + eps·n/sIn²)·w ≈ x·r·√n·w / 2^f, quantized by sOut.
    const epsInt = Math.max(1, Math.round((c.normEps * n) / (sIn * sIn)));
    const f = Array.from(w, (wi) => (wi * Math.sqrt(n)) / (2 ** o.rsqrtFrac * sOut));
    return { n, epsInt, rsqrtFrac: o.rsqrtFrac, out: fixedMultipliers(f, bits, P, what) };
  };
  /** Rescale of a W·x accumulator (x at sIn, rows of W at W.scale) to a site of scale sOut. */
  const proj = (W: QMatrix, sIn: number, sOut: number, bits: number, what: string): Rescale =>
    fixedMultipliers(Array.from(W.scale, (sw) => (sIn * sw) / sOut), bits, P, what);

  const embed = quantizeRows(t(CANONICAL.tokenEmbd));
  const embScale = gemma ? Math.fround(Math.sqrt(c.dModel)) : 1;
  const embedOut = fixedMultipliers(Array.from(embed.scale, (s) => (s * embScale) / sRes), o.resBits, P, 'embedding');

  const layers: QLayer[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const global = isGlobalLayer(c, l);
    const sAttnIn = siteScale(get(`attnIn.${l}`), o.actBits);
    const wq = quantizeRows(t(CANONICAL.attnQ(l)));
    const wk = quantizeRows(t(CANONICAL.attnK(l)));
    const wv = quantizeRows(t(CANONICAL.attnV(l)));
    const sQ = siteScale(get(`q.${l}`), 16, o.headroom);
    const sK = siteScale(get(`k.${l}`), 16, o.headroom);
    const sV = siteScale(get(`v.${l}`), o.attnBits);
    const sQr = siteScale(get(`qr.${l}`), o.attnBits);
    const sKr = siteScale(get(`kr.${l}`), o.attnBits);
    let sQpre = sQ;
    let sKpre = sK;
    let qNorm: QNorm | undefined;
    let kNorm: QNorm | undefined;
    if (gemma) {
      sQpre = siteScale(get(`qn.${l}`), 16, o.headroom);
      sKpre = siteScale(get(`kn.${l}`), 16, o.headroom);
      qNorm = norm(t(CANONICAL.attnQNorm(l)).data, hd, sQ, sQpre, 16, `layer ${l} q-norm`);
      kNorm = norm(t(CANONICAL.attnKNorm(l)).data, hd, sK, sKpre, 16, `layer ${l} k-norm`);
    }
    const attnScale = 1 / Math.sqrt(gemma ? (c.queryPreAttnScalar ?? hd) : hd);
    const sm = fixedMultiplier(sQr * sKr * attnScale * 2 ** EXP_SPEC.inFrac, 62, P, `layer ${l} softmax`);
    const sAttn = siteScale(get(`attn.${l}`), o.actBits);
    const wo = quantizeRows(t(CANONICAL.attnOutput(l)));
    let oProj: Rescale;
    let postAttnNorm: QNorm | undefined;
    if (gemma) {
      const sO = siteScale(get(`o.${l}`), 16, o.headroom);
      oProj = proj(wo, sAttn, sO, 16, `layer ${l} Wo`);
      postAttnNorm = norm(t(CANONICAL.postAttentionNorm(l)).data, c.dModel, sO, sRes, o.resBits, `layer ${l} post-attention norm`);
    } else {
      oProj = proj(wo, sAttn, sRes, o.resBits, `layer ${l} Wo`);
    }
    const sFfnIn = siteScale(get(`ffnIn.${l}`), o.actBits);
    const wGate = quantizeRows(t(CANONICAL.ffnGate(l)));
    const wUp = quantizeRows(t(CANONICAL.ffnUp(l)));
    const sGate = siteScale(get(`gate.${l}`), 8);
    const sUp = siteScale(get(`up.${l}`), o.attnBits);
    const kind = gemma ? 'gelu_tanh' : 'silu';
    let actMax = 0;
    for (let qv = -128; qv < 128; qv++) actMax = Math.max(actMax, Math.abs(activationFloat(kind, qv * sGate)));
    const sAct = siteScale(actMax, ACT_TABLE_BITS);
    const sHidden = siteScale(get(`hidden.${l}`), o.actBits);
    const wDown = quantizeRows(t(CANONICAL.ffnDown(l)));
    let downProj: Rescale;
    let postFfwNorm: QNorm | undefined;
    if (gemma) {
      const sD = siteScale(get(`down.${l}`), 16, o.headroom);
      downProj = proj(wDown, sHidden, sD, 16, `layer ${l} Wdown`);
      postFfwNorm = norm(t(CANONICAL.postFfwNorm(l)).data, c.dModel, sD, sRes, o.resBits, `layer ${l} post-FFN norm`);
    } else {
      downProj = proj(wDown, sHidden, sRes, o.resBits, `layer ${l} Wdown`);
    }
    layers.push({
      global,
      window: global ? Infinity : (c.slidingWindow ?? Infinity),
      rope: gemma && !global ? 'local' : 'global',
      attnNorm: norm(t(CANONICAL.attnNorm(l)).data, c.dModel, sRes, sAttnIn, o.actBits, `layer ${l} attention norm`),
      wq, wk, wv,
      qProj: proj(wq, sAttnIn, sQ, 16, `layer ${l} Wq`),
      kProj: proj(wk, sAttnIn, sK, 16, `layer ${l} Wk`),
      vProj: proj(wv, sAttnIn, sV, o.attnBits, `layer ${l} Wv`),
      qNorm, kNorm,
      qRope: fixedMultiplier(sQpre / (2 ** o.ropeFrac * sQr), o.attnBits, P, `layer ${l} q rope`),
      kRope: fixedMultiplier(sKpre / (2 ** o.ropeFrac * sKr), o.attnBits, P, `layer ${l} k rope`),
      softmax: { m: sm.m[0], s: sm.s },
      attnOut: fixedMultiplier(sV / (2 ** PROB_FRAC * sAttn), o.actBits, P, `layer ${l} attention output`),
      wo, oProj, postAttnNorm,
      ffnNorm: norm(t(CANONICAL.ffnNorm(l)).data, c.dModel, sRes, sFfnIn, o.actBits, `layer ${l} FFN norm`),
      wGate, wUp,
      gateProj: proj(wGate, sFfnIn, sGate, 8, `layer ${l} Wgate`),
      upProj: proj(wUp, sFfnIn, sUp, o.attnBits, `layer ${l} Wup`),
      actTable: activationTable(kind, sGate, sAct, ACT_TABLE_BITS),
      hidden: fixedMultiplier((sAct * sUp) / sHidden, o.actBits, P, `layer ${l} FFN hidden`),
      wDown, downProj, postFfwNorm,
    });
  }
  const sFinal = siteScale(get('finalIn'), o.actBits);
  const finalNorm = norm(t(CANONICAL.outputNorm).data, c.dModel, sRes, sFinal, o.actBits, 'output norm');
  const output = c.tieEmbeddings ? null : quantizeRows(t(CANONICAL.output));
  const logitOut = logitMultipliers(output ?? embed, sFinal, finalNorm.out.bits, o.logitMultiplierBits, model.source.path);
  const positions = c.contextLength;
  const tok = model.tokenizer;
  return {
    config: c,
    options: o,
    embed,
    embedOut,
    layers,
    finalNorm,
    output,
    logitOut,
    rope: {
      global: ropeTable(positions, hd, c.ropeTheta, o.ropeFrac),
      local: gemma ? ropeTable(positions, hd, c.ropeLocalTheta ?? c.ropeTheta, o.ropeFrac) : null,
    },
    scales: { residual: sRes, logits: 2 ** -logitOut.s },
    tokenizer: { kind: tok.kind, bos: tok.bos ?? null, eos: tok.eos ?? null, pieces: tok.pieces() },
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

export type { SiteMax };
