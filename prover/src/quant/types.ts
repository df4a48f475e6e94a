/**
 * The quantized model: everything the integer inference (infer/int.ts) and the circuits use,
 * as integers. Float fields (`scale`, `scales`) are metadata for dequantization and reports;
 * no integer computation reads them. Contract per op: docs/quantization.md.
 */
import type { ModelConfig, Tokenizer } from '../model/types.ts';

/**
 * Weight matrix, row-major [rows, cols], symmetric per output row (channel): int8 by default,
 * int16 storage when QuantOptions.weightBits > 8.
 */
export interface QMatrix {
  rows: number;
  cols: number;
  /** q[r*cols + c] ∈ [−(2^(b−1) − 1), 2^(b−1) − 1] for b = weightBits (int8: [−127, 127]). */
  w: Int8Array | Int16Array;
  /** Float scale of each row: W[r][c] ≈ q[r][c]·scale[r] (metadata). */
  scale: Float64Array;
}

/**
 * A constant fixed-point rescale y_i = requantize(x_i, m_i, s, bits) (arith/fixed.ts);
 * `m` has one entry per channel, or a single entry used for every channel.
 */
export interface Rescale {
  m: Int32Array;
  s: number;
  bits: number;
}

/** The rsqrt factor of an RMSNorm over slices of length n: r = rsqrtFixed(Σ x_i² + epsInt, rsqrtFrac). */
export interface NormFactor {
  n: number;
  epsInt: number;
  rsqrtFrac: number;
}

/**
 * The integer logits are L_j = acc_j·m_j, exactly: no shift, rounding or saturation. Greedy
 * decoding needs only their order, and m_j/2^s ≈ (real logit per unit of acc_j) makes that the
 * float order up to the multipliers' precision; in a circuit acc_j·m_j is a linear combination
 * (m_j is a constant), so the logits themselves cost no constraint. `s` is metadata: real
 * logit ≈ L_j·2^−s (= scales.logits); no integer computation reads it. quantizeModel checks
 * that |L_j| stays below 2^53 so the values are exact JavaScript numbers.
 */
export interface LogitMultipliers {
  m: Int32Array;
  s: number;
}

/**
 * RMSNorm over slices of length n: v = Σ x_i² + epsInt, r = rsqrtFixed(v, rsqrtFrac),
 * y_i = requantize(x_i·r, out.m_i, out.s, out.bits); out.m folds the norm weight w_i, √n and
 * the output scale (the input scale cancels). For norms feeding the residual stream the
 * same multiplier is applied with residualAdd instead.
 */
export interface QNorm extends NormFactor {
  out: Rescale;
}

/**
 * RoPE fused into the preceding rescale (arith/rope.ts): for a pair (x_a, x_b),
 * a' = saturate(roundShift(x_a·K(m_a, C) + x_b·K(m_b, −S), s), bits),
 * b' = saturate(roundShift(x_a·K(m_a, S) + x_b·K(m_b, C), s), bits), K(m, c) = roundShift(m·c, coefShift).
 * Channel i uses m[i mod m.length]: one entry per W_q/W_k row (llama, x = the exact accumulator)
 * or per head dimension (Gemma 3, x = the QK-norm product x·r, m folding the norm weight).
 */
export interface RopeRescale extends Rescale {
  coefShift: number;
}

export interface QLayer {
  global: boolean;
  /** Keys visible to a query at t: t − window + 1 .. t (Infinity for global layers). */
  window: number;
  /** Which RoPE table (QuantModel.rope) this layer uses. */
  rope: 'global' | 'local';
  attnNorm: QNorm;
  wq: QMatrix;
  wk: QMatrix;
  wv: QMatrix;
  /**
   * Gemma 3 only: acc → int16, the QK-norm's input. Llama has none: its RoPE (qRope) reads the
   * exact accumulators.
   */
  qProj?: Rescale;
  kProj?: Rescale;
  /** acc → attention operand v. */
  vProj: Rescale;
  /** Gemma 3 QK-norm factor (per head, n = headDim); its output rescale is fused into qRope/kRope. */
  qNorm?: NormFactor;
  kNorm?: NormFactor;
  /** RoPE fused with the rescale before it → attention operands q, k (RopeRescale). */
  qRope: RopeRescale;
  kRope: RopeRescale;
  /** softmax exponent per score unit × 2^SOFTMAX_MUL_FRAC, as m/2^s (arith/softmax.ts softmaxSpec). */
  softmax: { m: number; s: number };
  /** Σ p·v (p with PROB_FRAC bits) → Wo input. */
  attnOut: Rescale;
  wo: QMatrix;
  /** llama: residual-add multiplier of Wo's accumulator; gemma: acc → int16 before the post-norm. */
  oProj: Rescale;
  /** Gemma 3: post-attention norm, its out multiplier is a residual add. */
  postAttnNorm?: QNorm;
  ffnNorm: QNorm;
  wGate: QMatrix;
  wUp: QMatrix;
  /** acc → int8 (table input). */
  gateProj: Rescale;
  upProj: Rescale;
  /** SiLU / tanh-GELU table (arith/activation.ts), gateProj.bits in (2^bits entries), ACT_TABLE_BITS out. */
  actTable: Int32Array;
  /** act·up → Wdown input. */
  hidden: Rescale;
  wDown: QMatrix;
  /** llama: residual-add multiplier; gemma: acc → int16 before the post-FFN norm. */
  downProj: Rescale;
  postFfwNorm?: QNorm;
}

/**
 * The activation sites whose bits can be chosen one by one (QuantOptions.siteBits):
 * attnIn / ffnIn / finalIn the RMSNorm outputs, qk the rotated q and k, v, attn the attention
 * output Σp·v, gate the FFN gate (the activation table's input: its table has 2^bits entries),
 * up the FFN up projection, hidden the FFN act·up.
 */
export const ACT_SITES = ['attnIn', 'qk', 'v', 'attn', 'ffnIn', 'gate', 'up', 'hidden', 'finalIn'] as const;
export type ActSite = (typeof ACT_SITES)[number];

export interface QuantOptions {
  /** Bits of matrix-multiplication inputs (norm outputs, attention output, FFN hidden). */
  actBits: number;
  /** Bits of the attention operands q, k, v. */
  attnBits: number;
  /** Bits of the residual stream. */
  resBits: number;
  /**
   * Precision of the logit multipliers (largest |m_j| in [2^(p−1), 2^p)). Greedy decoding needs
   * only the logits' order, and every bit widens each vocabulary entry's argmax check by one
   * constraint (see `LogitMultipliers`).
   */
  logitMultiplierBits: number;
  /** Fraction bits of the rsqrt hint. */
  rsqrtFrac: number;
  /** Fraction bits of the RoPE cos/sin constants. */
  ropeFrac: number;
  /** Precision of derived multipliers: the largest |m| of a rescale is in [2^(p−1), 2^p). */
  multiplierBits: number;
  /** Headroom factor over the calibrated max for 16-bit sites (residual, pre-rope q/k, Gemma branch outputs). */
  headroom: number;
  /**
   * Significant bits of mat-vec rescale multipliers (docs/quantization.md "Short multipliers"):
   * each row's scale absorbs the rounding, so its multiplier k·2^e (k < 2^p) ends in e zero bits
   * that the circuit does not range-check. Costs the row at most a factor 1 + 2^(1−p) of int8 range.
   */
  shortMultiplierBits: number;
  /**
   * The same for rescales whose rounding an activation absorbs: RMSNorm outputs feeding mat-vecs
   * (per channel, the rest folded into the matrices' columns) and the attention output and FFN
   * hidden rescales (by widening their site scale by at most 1 + 2^(1−p)). The softmax's step
   * keeps multiplierBits: arith/softmax.ts softmaxSpec turns it into tables, not a remainder.
   */
  shortSiteMultiplierBits: number;
  /**
   * Bits of every weight matrix (symmetric per output row; absent = 8). Weights are circuit
   * constants, so wider ones cost no product, only the wider accumulators' rounding remainders
   * (one bit per extra weight bit per mat-vec output) and wider logits in the argmax check.
   */
  weightBits?: number;
  /**
   * Bits per activation site, overriding actBits / attnBits (and the gate's 8): one number for
   * every layer or one per layer (finalIn: one number). Absent sites keep the defaults. The
   * gate accepts 8–12 bits (a table of 2^bits entries). Absent from the default options, so the
   * serialized options, and the model ids, of option sets without it do not change.
   */
  siteBits?: Partial<Record<ActSite, number | readonly number[]>>;
  /**
   * How int8-or-narrower sites' scales are calibrated: 'max' (absent; the calibrated maximum)
   * or 'mse' (the clip that minimises the squared rounding-plus-clipping error over the
   * calibration values, quant/clip.ts). Sites wider than 8 bits always use the maximum.
   */
  calibration?: 'max' | 'mse';
}

export interface RopeTable {
  /** cos[pos*half + p] = round(cos(pos·θ^(−2p/hd))·2^ropeFrac), same for sin. */
  cos: Int32Array;
  sin: Int32Array;
}

export interface QuantModel {
  config: ModelConfig;
  options: QuantOptions;
  /** Token embedding [vocab, d] (also the output matrix when tied). */
  embed: QMatrix;
  /** x0_i = requantize(E[t][i], embedOut.m[t], s, resBits). */
  embedOut: Rescale;
  layers: QLayer[];
  finalNorm: QNorm;
  /** Output matrix; null when tied to `embed`. */
  output: QMatrix | null;
  /** acc → integer logits L_j = acc_j·m_j (per vocabulary row; see `LogitMultipliers`). */
  logitOut: LogitMultipliers;
  rope: { global: RopeTable; local: RopeTable | null };
  /** Float scales of the main sites (metadata): real value ≈ integer · scale. */
  scales: { residual: number; logits: number };
  tokenizer: { kind: string; bos: number | null; eos: number | null; pieces: string[] };
}

export const DEFAULT_QUANT_OPTIONS: QuantOptions = {
  actBits: 8,
  attnBits: 8,
  resBits: 16,
  logitMultiplierBits: 12,
  rsqrtFrac: 32,
  ropeFrac: 14,
  multiplierBits: 12,
  headroom: 1.5,
  shortMultiplierBits: 2,
  shortSiteMultiplierBits: 5,
};

/** Attached at quantization so the CLI can encode/decode text; not serialized. */
export type QuantModelWithTokenizer = QuantModel & { textTokenizer?: Tokenizer };
