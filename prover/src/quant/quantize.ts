/**
 * quantizeModel(floatModel, calibrationIds) → QuantModel: int8 per-channel weights, static
 * activation scales from calibration maxima, and every rescale as a fixed-point multiplier.
 * Float math appears only here (deriving constants); docs/quantization.md is the contract.
 */
import { CANONICAL, isGlobalLayer, type FloatModel, type Tensor } from '../model/types.ts';
import { activationFloat, activationTable } from '../arith/activation.ts';
import { PROB_FRAC, SOFTMAX_MUL_FRAC } from '../arith/softmax.ts';
import { calibrate, type SiteMax } from './calibrate.ts';
import { fixedMultiplier, fixedMultipliers, roundDownShort, roundUpShort, siteScale } from './multiplier.ts';
import { ropeTable } from './rope.ts';
import { DEFAULT_QUANT_OPTIONS, type LogitMultipliers, type NormFactor, type QLayer, type QMatrix, type QNorm, type QuantModel, type QuantOptions, type Rescale, type RopeRescale } from './types.ts';
import { quantizeRows, quantizeRowsAt, rowScales } from './weights.ts';

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
  const p = o.shortMultiplierBits;
  const pAct = o.shortSiteMultiplierBits;
  /**
   * A constant-weight mat-vec W·x (x at sIn) and its rescale to a site of scale sOut, with short
   * multipliers: the shift s is the usual P-bit one, and each row's factor sIn·scale_r/sOut·2^s is
   * rounded UP to an integer m_r of p significant bits, the row then quantized at the scale that
   * makes m_r exact (≥ its max/127, so nothing clips; the row gives up at most a factor 1 + 2^(1−p)
   * of its int8 range). m_r's trailing zeros are remainder bits the circuit does not check.
   */
  const shortProj = (w: Tensor, sIn: number, sOut: number, bits: number, what: string): { W: QMatrix; r: Rescale } => {
    const k = sIn / sOut;
    const base = rowScales(w);
    const { s } = fixedMultipliers(Array.from(base, (sw) => k * sw), bits, P, what);
    const m = new Int32Array(base.length);
    const scale = new Float64Array(base.length);
    for (let r = 0; r < base.length; r++) {
      const mr = roundUpShort(k * base[r] * 2 ** s, p, true);
      if (mr >= 2 ** 31) throw new RangeError(`${what}: multiplier ${mr} of row ${r} does not fit 31 bits at shift ${s}`);
      m[r] = mr;
      scale[r] = mr / (2 ** s * k);
    }
    return { W: quantizeRowsAt(w, scale), r: { m, s, bits } };
  };
  /**
   * RMSNorm feeding mat-vecs only (attention / FFN input): its per-channel multipliers m_i (norm
   * weight folded in) are rounded DOWN in magnitude to pAct significant bits, and the lost factor
   * c_i = exact/m_i ≥ 1 is folded into column i of every following matrix (scaleColumns): an
   * exact float transformation, and the norm's int8 site never grows, so nothing new saturates.
   */
  const shortNorm = (w: Float32Array, n: number, sIn: number, sOut: number, bits: number, what: string): { norm: QNorm; cols: Float64Array } => {
    const gains = normGains(w, n, sOut);
    const exact = fixedMultipliers(gains, bits, P, what);
    const m = new Int32Array(n);
    const cols = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      const x = Math.abs(gains[i]) * 2 ** exact.s;
      if (x === 0) continue;
      const mi = x < 2 ** pAct ? Math.max(1, Math.floor(x)) : roundDownShort(x, pAct);
      m[i] = Math.sign(gains[i]) * mi;
      cols[i] = x / mi;
    }
    return { norm: { ...normFactor(n, sIn), out: { m, s: exact.s, bits } }, cols };
  };

  const embed = quantizeRows(t(CANONICAL.tokenEmbd));
  const embScale = gemma ? Math.fround(Math.sqrt(c.dModel)) : 1;
  const embedOut = fixedMultipliers(Array.from(embed.scale, (s) => (s * embScale) / sRes), o.resBits, P, 'embedding');

  const layers: QLayer[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const global = isGlobalLayer(c, l);
    const sAttnIn = siteScale(get(`attnIn.${l}`), o.actBits);
    const attnNorm = shortNorm(t(CANONICAL.attnNorm(l)).data, c.dModel, sRes, sAttnIn, o.actBits, `layer ${l} attention norm`);
    const sV = siteScale(get(`v.${l}`), o.attnBits);
    const v = shortProj(scaleColumns(t(CANONICAL.attnV(l)), attnNorm.cols), sAttnIn, sV, o.attnBits, `layer ${l} Wv`);
    const wv = v.W;
    const sQr = siteScale(get(`qr.${l}`), o.attnBits);
    const attnScale = 1 / Math.sqrt(gemma ? (c.queryPreAttnScalar ?? hd) : hd);
    const sKr = siteScale(get(`kr.${l}`), o.attnBits);
    // q/k: one rounding, RoPE fused (arith/rope.ts). Llama: from the exact accumulators, per
    // W row. Gemma 3: from the QK-norm products x·r of the int16 projections, per norm weight.
    let qProj: Rescale | undefined;
    let kProj: Rescale | undefined;
    let qNorm: NormFactor | undefined;
    let kNorm: NormFactor | undefined;
    let qRope: RopeRescale;
    let kRope: RopeRescale;
    let wq: QMatrix;
    let wk: QMatrix;
    if (gemma) {
      const sQ = siteScale(get(`q.${l}`), 16, o.headroom);
      const sK = siteScale(get(`k.${l}`), 16, o.headroom);
      const q = shortProj(scaleColumns(t(CANONICAL.attnQ(l)), attnNorm.cols), sAttnIn, sQ, 16, `layer ${l} Wq`);
      const k = shortProj(scaleColumns(t(CANONICAL.attnK(l)), attnNorm.cols), sAttnIn, sK, 16, `layer ${l} Wk`);
      wq = q.W;
      wk = k.W;
      qProj = q.r;
      kProj = k.r;
      qNorm = normFactor(hd, sQ);
      kNorm = normFactor(hd, sK);
      qRope = ropeRescale(normGains(t(CANONICAL.attnQNorm(l)).data, hd, sQr), `layer ${l} q-norm + rope`);
      kRope = ropeRescale(normGains(t(CANONICAL.attnKNorm(l)).data, hd, sKr), `layer ${l} k-norm + rope`);
    } else {
      wq = quantizeRows(scaleColumns(t(CANONICAL.attnQ(l)), attnNorm.cols));
      wk = quantizeRows(scaleColumns(t(CANONICAL.attnK(l)), attnNorm.cols));
      qRope = ropeRescale(Array.from(wq.scale, (sw) => (sAttnIn * sw) / sQr), `layer ${l} Wq + rope`);
      kRope = ropeRescale(Array.from(wk.scale, (sw) => (sAttnIn * sw) / sKr), `layer ${l} Wk + rope`);
    }
    // The softmax's exponent step m/2^s keeps P bits: arith/softmax.ts softmaxSpec splits it into
    // a 3-bit input multiplier and per-layer exp tables, so no scale is widened for it.
    const sm = fixedMultiplier(sQr * sKr * attnScale * 2 ** SOFTMAX_MUL_FRAC, 62, P, `layer ${l} softmax`);
    // The attention output factor sV/(2^PROB_FRAC·sAttn) rounded down to pAct bits by widening sAttn.
    const attnOutFactor = roundDownShort(sV / (2 ** PROB_FRAC * siteScale(get(`attn.${l}`), o.actBits)), pAct);
    const sAttn = sV / (2 ** PROB_FRAC * attnOutFactor);
    let wo: { W: QMatrix; r: Rescale };
    let postAttnNorm: QNorm | undefined;
    if (gemma) {
      const sO = siteScale(get(`o.${l}`), 16, o.headroom);
      wo = shortProj(t(CANONICAL.attnOutput(l)), sAttn, sO, 16, `layer ${l} Wo`);
      postAttnNorm = norm(t(CANONICAL.postAttentionNorm(l)).data, c.dModel, sO, sRes, o.resBits, `layer ${l} post-attention norm`);
    } else {
      wo = shortProj(t(CANONICAL.attnOutput(l)), sAttn, sRes, o.resBits, `layer ${l} Wo`);
    }
    const sFfnIn = siteScale(get(`ffnIn.${l}`), o.actBits);
    const ffnNorm = shortNorm(t(CANONICAL.ffnNorm(l)).data, c.dModel, sRes, sFfnIn, o.actBits, `layer ${l} FFN norm`);
    const sGate = siteScale(get(`gate.${l}`), 8);
    const sUp = siteScale(get(`up.${l}`), o.attnBits);
    const gate = shortProj(scaleColumns(t(CANONICAL.ffnGate(l)), ffnNorm.cols), sFfnIn, sGate, 8, `layer ${l} Wgate`);
    const up = shortProj(scaleColumns(t(CANONICAL.ffnUp(l)), ffnNorm.cols), sFfnIn, sUp, o.attnBits, `layer ${l} Wup`);
    const kind = gemma ? 'gelu_tanh' : 'silu';
    let actMax = 0;
    for (let qv = -128; qv < 128; qv++) actMax = Math.max(actMax, Math.abs(activationFloat(kind, qv * sGate)));
    const sAct = siteScale(actMax, ACT_TABLE_BITS);
    // The FFN hidden factor sAct·sUp/sHidden rounded down to pAct bits by widening sHidden.
    const hiddenFactor = roundDownShort((sAct * sUp) / siteScale(get(`hidden.${l}`), o.actBits), pAct);
    const sHidden = (sAct * sUp) / hiddenFactor;
    let down: { W: QMatrix; r: Rescale };
    let postFfwNorm: QNorm | undefined;
    if (gemma) {
      const sD = siteScale(get(`down.${l}`), 16, o.headroom);
      down = shortProj(t(CANONICAL.ffnDown(l)), sHidden, sD, 16, `layer ${l} Wdown`);
      postFfwNorm = norm(t(CANONICAL.postFfwNorm(l)).data, c.dModel, sD, sRes, o.resBits, `layer ${l} post-FFN norm`);
    } else {
      down = shortProj(t(CANONICAL.ffnDown(l)), sHidden, sRes, o.resBits, `layer ${l} Wdown`);
    }
    layers.push({
      global,
      window: global ? Infinity : (c.slidingWindow ?? Infinity),
      rope: gemma && !global ? 'local' : 'global',
      attnNorm: attnNorm.norm,
      wq, wk, wv,
      qProj, kProj,
      vProj: v.r,
      qNorm, kNorm, qRope, kRope,
      softmax: { m: sm.m[0], s: sm.s },
      attnOut: fixedMultiplier(attnOutFactor, o.actBits, P, `layer ${l} attention output`),
      wo: wo.W, oProj: wo.r, postAttnNorm,
      ffnNorm: ffnNorm.norm,
      wGate: gate.W, wUp: up.W,
      gateProj: gate.r,
      upProj: up.r,
      actTable: activationTable(kind, sGate, sAct, ACT_TABLE_BITS),
      hidden: fixedMultiplier(hiddenFactor, o.actBits, P, `layer ${l} FFN hidden`),
      wDown: down.W, downProj: down.r, postFfwNorm,
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

/** W with column c multiplied by cols[c] (folding a per-input-channel factor into the matrix). */
function scaleColumns(w: Tensor, cols: Float64Array): Tensor {
  const [rows, n] = w.shape;
  if (w.shape.length !== 2 || n !== cols.length) throw new RangeError(`${w.name}: shape [${w.shape.join(', ')}] does not take ${cols.length} column factors`);
  const data = new Float32Array(w.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < n; c++) data[r * n + c] = w.data[r * n + c] * cols[c];
  return { name: w.name, shape: w.shape, data };
}

export type { SiteMax };
