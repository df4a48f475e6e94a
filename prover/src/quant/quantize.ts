/**
 * quantizeModel(floatModel, calibrationIds) → QuantModel: int8 per-channel weights, static
 * activation scales from calibration maxima, and every rescale as a fixed-point multiplier.
 * Float math appears only here (deriving constants); docs/quantization.md is the contract.
 */
import { CANONICAL, isGlobalLayer, type FloatModel, type Tensor } from '../model/types.ts';
import { activationFloat, activationTable } from '../arith/activation.ts';
import { PROB_FRAC, SOFTMAX_MUL_FRAC } from '../arith/softmax.ts';
import { calibrate, type SiteMax } from './calibrate.ts';
import { fixedMultiplier, fixedMultipliers, siteScale } from './multiplier.ts';
import { ropeTable } from './rope.ts';
import { DEFAULT_QUANT_OPTIONS, type LogitMultipliers, type NormFactor, type QLayer, type QMatrix, type QNorm, type QuantModel, type QuantOptions, type Rescale, type RopeRescale } from './types.ts';
import { quantizeRows } from './weights.ts';

/** Bits of the activation-table outputs (a table's outputs are constants: no range check). */
export const ACT_TABLE_BITS = 16;

/**
 * Bits the fused RoPE coefficients K(m, C) keep beyond the multiplier's precision: their
 * rounding then adds at most 2^−2 of the multiplier's own rounding error, for 2 more
 * remainder bits per q/k element (docs/quantization.md step 4).
 */
export const ROPE_GUARD_BITS = 2;

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

  /** The rsqrt factor of an RMSNorm over n values at scale sIn (eps folded into epsInt). */
  const normFactor = (n: number, sIn: number): NormFactor =>
    ({ n, epsInt: Math.max(1, Math.round((c.normEps * n) / (sIn * sIn))), rsqrtFrac: o.rsqrtFrac });
  /** Real factors from x_i·r to a site of scale sOut: y = x·√n/√(Σx² + eps·n/sIn²)·w ≈ x·r·√n·w / 2^f. */
  const normGains = (w: Float32Array, n: number, sOut: number): number[] => Array.from(w, (wi) => (wi * Math.sqrt(n)) / (2 ** o.rsqrtFrac * sOut));
  /** RMSNorm whose output is a quantized site of scale sOut (`weight` folded into m). */
  const norm = (w: Float32Array, n: number, sIn: number, sOut: number, bits: number, what: string): QNorm =>
    ({ ...normFactor(n, sIn), out: fixedMultipliers(normGains(w, n, sOut), bits, P, what) });
  /**
   * RoPE fused into the rescale with real factors f_i (input → rotated site): multipliers m_i as
   * usual, coefficients K(m, C) = roundShift(m·C, d) keeping ROPE_GUARD_BITS more than m's
   * precision, and the remaining shift s + ropeFrac − d on the rotated sum (arith/rope.ts).
   */
  const ropeRescale = (factors: number[], what: string): RopeRescale => {
    const r = fixedMultipliers(factors, o.attnBits, P, what);
    const d = Math.max(0, o.ropeFrac - ROPE_GUARD_BITS);
    const s = r.s + o.ropeFrac - d;
    if (s > 62) throw new RangeError(`${what}: fused RoPE shift ${s} exceeds 62 (the multipliers are too small)`);
    return { m: r.m, s, bits: r.bits, coefShift: d };
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
    const sV = siteScale(get(`v.${l}`), o.attnBits);
    const sQr = siteScale(get(`qr.${l}`), o.attnBits);
    const sKr = siteScale(get(`kr.${l}`), o.attnBits);
    // q/k: one rounding, RoPE fused (arith/rope.ts). Llama: from the exact accumulators, per
    // W row. Gemma 3: from the QK-norm products x·r of the int16 projections, per norm weight.
    let qProj: Rescale | undefined;
    let kProj: Rescale | undefined;
    let qNorm: NormFactor | undefined;
    let kNorm: NormFactor | undefined;
    let qRope: RopeRescale;
    let kRope: RopeRescale;
    if (gemma) {
      const sQ = siteScale(get(`q.${l}`), 16, o.headroom);
      const sK = siteScale(get(`k.${l}`), 16, o.headroom);
      qProj = proj(wq, sAttnIn, sQ, 16, `layer ${l} Wq`);
      kProj = proj(wk, sAttnIn, sK, 16, `layer ${l} Wk`);
      qNorm = normFactor(hd, sQ);
      kNorm = normFactor(hd, sK);
      qRope = ropeRescale(normGains(t(CANONICAL.attnQNorm(l)).data, hd, sQr), `layer ${l} q-norm + rope`);
      kRope = ropeRescale(normGains(t(CANONICAL.attnKNorm(l)).data, hd, sKr), `layer ${l} k-norm + rope`);
    } else {
      qRope = ropeRescale(Array.from(wq.scale, (sw) => (sAttnIn * sw) / sQr), `layer ${l} Wq + rope`);
      kRope = ropeRescale(Array.from(wk.scale, (sw) => (sAttnIn * sw) / sKr), `layer ${l} Wk + rope`);
    }
    const attnScale = 1 / Math.sqrt(gemma ? (c.queryPreAttnScalar ?? hd) : hd);
    const sm = fixedMultiplier(sQr * sKr * attnScale * 2 ** SOFTMAX_MUL_FRAC, 62, P, `layer ${l} softmax`);
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
      qProj, kProj,
      vProj: proj(wv, sAttnIn, sV, o.attnBits, `layer ${l} Wv`),
      qNorm, kNorm, qRope, kRope,
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
