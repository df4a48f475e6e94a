/**
 * In-memory model format shared by import (gguf.ts, safetensors.ts), float reference
 * inference (reference/float.ts) and quantization (quant/). Every importer produces exactly
 * this shape, so downstream code never looks at file formats.
 *
 * Conventions:
 * - Tensor names are llama.cpp's GGUF names (see CANONICAL below), whatever the source.
 * - Matrices are row-major [out, in]: y = W x with y[o] = sum_i W[o*in + i] * x[i].
 * - Norm weights hold the EFFECTIVE multiplier: y = x / rms(x) * w. HF Gemma stores w-1
 *   (applies (1 + w)); the safetensors importer adds 1. llama.cpp's Gemma converter
 *   already adds 1 when writing GGUF (convert_hf_to_gguf.py, Gemma3Model.modify_tensors),
 *   so the GGUF importer takes norm weights as they are.
 * - Q/K rows are in the layout that matches `ropeStyle`.
 */
export type Family = 'llama' | 'gemma3';

export interface ModelConfig {
  family: Family;
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  ffnDim: number;
  contextLength: number;
  normEps: number;
  /** llama: all layers; gemma3: global layers. */
  ropeTheta: number;
  /** gemma3 sliding-window (local) layers. */
  ropeLocalTheta?: number;
  /**
   * Rotary pairs: 'interleaved' rotates (2i, 2i+1) as llama.cpp LLAMA rope / llama2.c;
   * 'half' rotates (i, i + hd/2) as HF rotate_half / llama.cpp NEOX.
   */
  ropeStyle: 'interleaved' | 'half';
  /** gemma3: window size of local layers (a query at t sees keys t-window+1..t). */
  slidingWindow?: number;
  /** gemma3: layer l is global iff (l + 1) % pattern === 0. */
  slidingWindowPattern?: number;
  /** gemma3: scores scaled by queryPreAttnScalar^-0.5 (llama: headDim^-0.5). */
  queryPreAttnScalar?: number;
  /** true when output.weight is absent and token_embd.weight is the output matrix. */
  tieEmbeddings: boolean;
}

/** Row-major float tensor; matrices are [out, in]. */
export interface Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface Tokenizer {
  kind: 'sentencepiece' | 'bpe' | 'bytes';
  vocabSize: number;
  bos?: number;
  eos?: number;
  /** Token ids for `text`; `bos: true` prepends the BOS id (when the tokenizer has one). */
  encode(text: string, opts?: { bos?: boolean }): number[];
  /** Text of a sequence of ids (byte pieces are joined into UTF-8 before decoding). */
  decode(ids: number[]): string;
  /** The piece string of every id, index = id. */
  pieces(): string[];
}

export interface FloatModel {
  config: ModelConfig;
  tensors: Map<string, Tensor>;
  tokenizer: Tokenizer;
  /** Where the model came from; tensorTypes maps canonical names to the stored type (F32, BF16, Q8_0, …). */
  source: { path: string; format: 'gguf' | 'safetensors'; tensorTypes?: Record<string, string> };
}

/**
 * Canonical tensor names and shapes for layer l (llama.cpp GGUF naming).
 * gemma3 additionally has attn_q_norm, attn_k_norm, post_attention_norm, post_ffw_norm.
 */
export const CANONICAL = {
  tokenEmbd: 'token_embd.weight', // [vocab, d]
  outputNorm: 'output_norm.weight', // [d]
  output: 'output.weight', // [vocab, d], absent when tied
  attnNorm: (l: number) => `blk.${l}.attn_norm.weight`, // [d]
  attnQ: (l: number) => `blk.${l}.attn_q.weight`, // [nHeads*hd, d]
  attnK: (l: number) => `blk.${l}.attn_k.weight`, // [nKv*hd, d]
  attnV: (l: number) => `blk.${l}.attn_v.weight`, // [nKv*hd, d]
  attnOutput: (l: number) => `blk.${l}.attn_output.weight`, // [d, nHeads*hd]
  attnQNorm: (l: number) => `blk.${l}.attn_q_norm.weight`, // [hd] gemma3
  attnKNorm: (l: number) => `blk.${l}.attn_k_norm.weight`, // [hd] gemma3
  postAttentionNorm: (l: number) => `blk.${l}.post_attention_norm.weight`, // [d] gemma3
  ffnNorm: (l: number) => `blk.${l}.ffn_norm.weight`, // [d] pre-FFN norm
  postFfwNorm: (l: number) => `blk.${l}.post_ffw_norm.weight`, // [d] gemma3
  ffnGate: (l: number) => `blk.${l}.ffn_gate.weight`, // [ffn, d]
  ffnUp: (l: number) => `blk.${l}.ffn_up.weight`, // [ffn, d]
  ffnDown: (l: number) => `blk.${l}.ffn_down.weight`, // [d, ffn]
} as const;

/** Whether gemma3 layer l is a global (full-attention) layer; llama layers are all global. */
export function isGlobalLayer(config: ModelConfig, l: number): boolean {
  if (config.family !== 'gemma3' || !config.slidingWindowPattern) return true;
  return (l + 1) % config.slidingWindowPattern === 0;
}
