/**
 * What every per-part quantizer (quantize-*.ts) shares: the calibration statistics, the chosen
 * site scales (recorded for reports such as the accuracy bench's error injection), and the
 * builders of norms, RoPE-fused rescales and short-multiplier projections. Float math only
 * derives constants; docs/quantization.md is the contract.
 */
import type { FloatModel, ModelConfig, Tensor } from '../model/types.ts';
import type { ArchProfile } from '../reference/profile.ts';
import type { SiteMax, SiteSamples } from './calibrate.ts';
import { mseClip } from './clip.ts';
import { fixedMultipliers, roundDownShort, roundUpShort, siteScale } from './multiplier.ts';
import { weightBits } from './options.ts';
import type { NormFactor, QMatrix, QNorm, QuantOptions, Rescale, RopeRescale } from './types.ts';
import { quantizeRowsAt, rowScales } from './weights.ts';

/**
 * Bits the fused RoPE coefficients K(m, C) keep beyond the multiplier's precision: their
 * rounding then adds at most 2^−2 of the multiplier's own rounding error, for 2 more
 * remainder bits per q/k element (docs/quantization.md step 4).
 */
export const ROPE_GUARD_BITS = 2;

/** A quantized activation site: real value ≈ integer · scale, integers of `bits` signed bits. */
export interface SiteScale {
  scale: number;
  bits: number;
}

export interface QuantContext {
  config: ModelConfig;
  o: QuantOptions;
  /** Scales chosen per site ("name.l" or "name"), in the order they were chosen. */
  sites: Map<string, SiteScale>;
  stat(key: string): number;
  /** The clip of a `bits`-bit site: its maximum, or under calibration 'mse' for ≤ 8 bits the MSE-optimal clip. */
  clip(key: string, bits: number): number;
  tensor(name: string): Tensor;
}

export function quantContext(model: FloatModel, stats: SiteMax, o: QuantOptions, samples: SiteSamples = new Map()): QuantContext {
  return {
    config: model.config,
    o,
    sites: new Map(),
    stat(key) {
      const v = stats.get(key);
      if (v === undefined) throw new TypeError(`quantizeModel: no calibration statistic for site ${key}`);
      return v;
    },
    clip(key, bits) {
      const max = this.stat(key);
      const values = samples.get(key);
      return o.calibration === 'mse' && bits <= 8 && values ? mseClip(values, max, bits) : max;
    },
    tensor(name) {
      const x = model.tensors.get(name);
      if (!x) throw new TypeError(`${model.source.path}: missing tensor ${name}`);
      return x;
    },
  };
}

/** The scale of site `key` from its calibrated clip (siteScale; ctx.clip), recorded under `name` (default: key). */
export function site(ctx: QuantContext, key: string, bits: number, headroom = 1, name = key): number {
  const scale = siteScale(ctx.clip(key, bits), bits, headroom);
  ctx.sites.set(name, { scale, bits });
  return scale;
}

/** Records a scale derived rather than calibrated (e.g. widened so a multiplier is short). */
export function record(ctx: QuantContext, name: string, scale: number, bits: number): number {
  ctx.sites.set(name, { scale, bits });
  return scale;
}

/** The rsqrt factor of an RMSNorm over n values at scale sIn (eps folded into epsInt). */
export function normFactor(ctx: QuantContext, n: number, sIn: number): NormFactor {
  return { n, epsInt: Math.max(1, Math.round((ctx.config.normEps * n) / (sIn * sIn))), rsqrtFrac: ctx.o.rsqrtFrac };
}

/** Real factors from x_i·r to a site of scale sOut: y = x·√n/√(Σx² + eps·n/sIn²)·w ≈ x·r·√n·w / 2^f. */
export function normGains(ctx: QuantContext, w: Float32Array, n: number, sOut: number): number[] {
  return Array.from(w, (wi) => (wi * Math.sqrt(n)) / (2 ** ctx.o.rsqrtFrac * sOut));
}

/** RMSNorm whose output is a quantized site of scale sOut (`weight` folded into m). */
export function norm(ctx: QuantContext, w: Float32Array, n: number, sIn: number, sOut: number, bits: number, what: string): QNorm {
  return { ...normFactor(ctx, n, sIn), out: fixedMultipliers(normGains(ctx, w, n, sOut), bits, ctx.o.multiplierBits, what) };
}

/**
 * RoPE fused into the rescale with real factors f_i (input → rotated site of `bits` bits): multipliers m_i as
 * usual, coefficients K(m, C) = roundShift(m·C, d) keeping ROPE_GUARD_BITS more than m's
 * precision, and the remaining shift s + ropeFrac − d on the rotated sum (arith/rope.ts).
 */
export function ropeRescale(ctx: QuantContext, factors: number[], bits: number, what: string): RopeRescale {
  const { o } = ctx;
  const r = fixedMultipliers(factors, bits, o.multiplierBits, what);
  const d = Math.max(0, o.ropeFrac - ROPE_GUARD_BITS);
  const s = r.s + o.ropeFrac - d;
  if (s > 62) throw new RangeError(`${what}: fused RoPE shift ${s} exceeds 62 (the multipliers are too small)`);
  return { m: r.m, s, bits: r.bits, coefShift: d };
}

/**
 * A constant-weight mat-vec W·x (x at sIn) and its rescale to a site of scale sOut, with short
 * multipliers: the shift s is the usual P-bit one, and each row's factor sIn·scale_r/sOut·2^s is
 * rounded UP to an integer m_r of p significant bits, the row then quantized at the scale that
 * makes m_r exact (≥ its max/Q for Q = 2^(weightBits−1) − 1, so nothing clips; the row gives up at
 * most a factor 1 + 2^(1−p) of its weight range). m_r's trailing zeros are remainder bits the circuit does not check.
 */
export function shortProj(ctx: QuantContext, w: Tensor, sIn: number, sOut: number, bits: number, what: string): { W: QMatrix; r: Rescale } {
  const k = sIn / sOut;
  const wb = weightBits(ctx.o);
  const base = rowScales(w, wb);
  const { s } = fixedMultipliers(Array.from(base, (sw) => k * sw), bits, ctx.o.multiplierBits, what);
  const m = new Int32Array(base.length);
  const scale = new Float64Array(base.length);
  for (let r = 0; r < base.length; r++) {
    const mr = roundUpShort(k * base[r] * 2 ** s, ctx.o.shortMultiplierBits, true);
    if (mr >= 2 ** 31) throw new RangeError(`${what}: multiplier ${mr} of row ${r} does not fit 31 bits at shift ${s}`);
    m[r] = mr;
    scale[r] = mr / (2 ** s * k);
  }
  return { W: quantizeRowsAt(w, scale, wb), r: { m, s, bits } };
}

/**
 * RMSNorm feeding mat-vecs only (attention / FFN input): its per-channel multipliers m_i (norm
 * weight folded in) are rounded DOWN in magnitude to pAct significant bits, and the lost factor
 * c_i = exact/m_i ≥ 1 is folded into column i of every following matrix (scaleColumns): an
 * exact float transformation, and the norm's int8 site never grows, so nothing new saturates.
 */
export function shortNorm(ctx: QuantContext, w: Float32Array, n: number, sIn: number, sOut: number, bits: number, what: string): { norm: QNorm; cols: Float64Array } {
  const pAct = ctx.o.shortSiteMultiplierBits;
  const gains = normGains(ctx, w, n, sOut);
  const exact = fixedMultipliers(gains, bits, ctx.o.multiplierBits, what);
  const m = new Int32Array(n);
  const cols = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const x = Math.abs(gains[i]) * 2 ** exact.s;
    if (x === 0) continue;
    const mi = x < 2 ** pAct ? Math.max(1, Math.floor(x)) : roundDownShort(x, pAct);
    m[i] = Math.sign(gains[i]) * mi;
    cols[i] = x / mi;
  }
  return { norm: { ...normFactor(ctx, n, sIn), out: { m, s: exact.s, bits } }, cols };
}

/**
 * A branch's output matrix (W_o, W_down) and what carries it into the residual stream at sRes:
 * with post-norms (Gemma 3) an int16 site `post.key` (calibrated, with headroom) then the
 * post-norm, whose multiplier is a residual add; otherwise the accumulator's own residual-add
 * rescale (Llama). `post.weight` is read only when the profile has post-norms.
 */
export function branchOutput(
  ctx: QuantContext, arch: ArchProfile, w: Tensor, sIn: number, sRes: number, what: string,
  post: { key: string; weight: () => Float32Array; what: string },
): { W: QMatrix; r: Rescale; postNorm: QNorm | undefined } {
  const { config: c, o } = ctx;
  if (!arch.postNorms) {
    const p = shortProj(ctx, w, sIn, sRes, o.resBits, what);
    return { W: p.W, r: p.r, postNorm: undefined };
  }
  const sOut = site(ctx, post.key, 16, o.headroom);
  const p = shortProj(ctx, w, sIn, sOut, 16, what);
  return { W: p.W, r: p.r, postNorm: norm(ctx, post.weight(), c.dModel, sOut, sRes, o.resBits, post.what) };
}

/** W with column c multiplied by cols[c] (folding a per-input-channel factor into the matrix). */
export function scaleColumns(w: Tensor, cols: Float64Array): Tensor {
  const [rows, n] = w.shape;
  if (w.shape.length !== 2 || n !== cols.length) throw new RangeError(`${w.name}: shape [${w.shape.join(', ')}] does not take ${cols.length} column factors`);
  const data = new Float32Array(w.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < n; c++) data[r * n + c] = w.data[r * n + c] * cols[c];
  return { name: w.name, shape: w.shape, data };
}
