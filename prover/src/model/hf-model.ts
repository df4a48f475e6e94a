/**
 * Hugging Face checkpoint (model.safetensors + config.json beside it) → FloatModel, for
 * model_type `llama` and `gemma3_text` (transformers LlamaConfig / Gemma3TextConfig).
 *
 * - Names: HF module paths → llama.cpp names. Note the llama/gemma3 difference: in Llama,
 *   `post_attention_layernorm` is the pre-FFN norm (ffn_norm); in Gemma 3 it is the norm
 *   applied to the attention output (post_attention_norm) and `pre_feedforward_layernorm`
 *   is ffn_norm.
 * - Gemma3RMSNorm multiplies by (1 + w): 1 is added here so norms hold the effective weight.
 * - HF applies rotary embeddings with rotate_half, and HF Q/K are not permuted → 'half'.
 * - Tokenizer: a 256- or 128-entry (ASCII) vocabulary without tokenizer.json is byte-level;
 *   anything else is refused with a clear error (tokenizer.json import is not implemented).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseSafetensors } from './safetensors.ts';
import { BYTE_VOCAB_SIZES, byteTokenizer } from './tokenizer-bytes.ts';
import type { FloatModel, ModelConfig, Tensor } from './types.ts';
import { checkModel } from './validate.ts';
import { ZkinferError } from '../errors.ts';

type Json = Record<string, unknown>;

function field(cfg: Json, file: string, key: string, fallback?: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ZkinferError('bad_model_file', `${file}: missing field ${key}`);
  }
  if (typeof v !== 'number') throw new ZkinferError('bad_model_file', `${file}: field ${key} = ${JSON.stringify(v)} is not a number`);
  return v;
}

function refuseIfSet(cfg: Json, file: string, key: string): void {
  if (cfg[key] !== undefined && cfg[key] !== null && cfg[key] !== false) {
    throw new ZkinferError('bad_model_file', `${file}: field ${key} = ${JSON.stringify(cfg[key])} is not supported`);
  }
}

/** Reads config.json into a ModelConfig. Exported for tests and tools. */
export function hfConfig(cfg: Json, file: string): ModelConfig {
  const type = cfg.model_type;
  if (type !== 'llama' && type !== 'gemma3_text') {
    throw new ZkinferError('bad_model_file', `${file}: unsupported architecture model_type = ${JSON.stringify(type)} (supported: llama, gemma3_text)`);
  }
  refuseIfSet(cfg, file, 'rope_scaling');
  refuseIfSet(cfg, file, 'attention_bias');
  refuseIfSet(cfg, file, 'mlp_bias');
  const dModel = field(cfg, file, 'hidden_size');
  const nHeads = field(cfg, file, 'num_attention_heads');
  const base = {
    vocabSize: field(cfg, file, 'vocab_size'),
    dModel,
    nLayers: field(cfg, file, 'num_hidden_layers'),
    nHeads,
    nKvHeads: field(cfg, file, 'num_key_value_heads', nHeads),
    headDim: field(cfg, file, 'head_dim', dModel / nHeads),
    ffnDim: field(cfg, file, 'intermediate_size'),
    contextLength: field(cfg, file, 'max_position_embeddings'),
    normEps: field(cfg, file, 'rms_norm_eps'),
    ropeStyle: 'half' as const,
  };
  if (type === 'llama') {
    const act = cfg.hidden_act ?? 'silu';
    if (act !== 'silu') throw new ZkinferError('bad_model_file', `${file}: field hidden_act = ${JSON.stringify(act)} is not supported for llama (silu)`);
    return { family: 'llama', ...base, ropeTheta: field(cfg, file, 'rope_theta', 10_000), tieEmbeddings: cfg.tie_word_embeddings === true };
  }
  refuseIfSet(cfg, file, 'final_logit_softcapping');
  refuseIfSet(cfg, file, 'attn_logit_softcapping');
  const act = cfg.hidden_activation ?? 'gelu_pytorch_tanh';
  if (act !== 'gelu_pytorch_tanh') throw new ZkinferError('bad_model_file', `${file}: field hidden_activation = ${JSON.stringify(act)} is not supported (gelu_pytorch_tanh)`);
  let pattern = field(cfg, file, 'sliding_window_pattern', 6);
  // Newer configs list layer_types explicitly; accept them when they follow a fixed pattern.
  if (Array.isArray(cfg.layer_types)) {
    const types = cfg.layer_types as unknown[];
    const firstGlobal = types.indexOf('full_attention');
    pattern = firstGlobal >= 0 ? firstGlobal + 1 : types.length + 1;
    types.forEach((t, l) => {
      const global = (l + 1) % pattern === 0;
      if (t !== (global ? 'full_attention' : 'sliding_attention')) {
        throw new ZkinferError('bad_model_file', `${file}: field layer_types[${l}] = ${JSON.stringify(t)} does not follow a sliding-window pattern of ${pattern}`);
      }
    });
  }
  return {
    family: 'gemma3',
    ...base,
    ropeTheta: field(cfg, file, 'rope_theta', 1_000_000),
    ropeLocalTheta: field(cfg, file, 'rope_local_base_freq', 10_000),
    slidingWindow: field(cfg, file, 'sliding_window'),
    slidingWindowPattern: pattern,
    queryPreAttnScalar: field(cfg, file, 'query_pre_attn_scalar', base.headDim),
    // Gemma3TextConfig defaults tie_word_embeddings to true.
    tieEmbeddings: cfg.tie_word_embeddings !== false,
  };
}

const LAYER_NAMES: Record<string, Record<string, string>> = {
  llama: {
    'input_layernorm.weight': 'attn_norm.weight',
    'post_attention_layernorm.weight': 'ffn_norm.weight',
  },
  gemma3: {
    'input_layernorm.weight': 'attn_norm.weight',
    'post_attention_layernorm.weight': 'post_attention_norm.weight',
    'pre_feedforward_layernorm.weight': 'ffn_norm.weight',
    'post_feedforward_layernorm.weight': 'post_ffw_norm.weight',
    'self_attn.q_norm.weight': 'attn_q_norm.weight',
    'self_attn.k_norm.weight': 'attn_k_norm.weight',
  },
};
const COMMON_LAYER_NAMES: Record<string, string> = {
  'self_attn.q_proj.weight': 'attn_q.weight',
  'self_attn.k_proj.weight': 'attn_k.weight',
  'self_attn.v_proj.weight': 'attn_v.weight',
  'self_attn.o_proj.weight': 'attn_output.weight',
  'mlp.gate_proj.weight': 'ffn_gate.weight',
  'mlp.up_proj.weight': 'ffn_up.weight',
  'mlp.down_proj.weight': 'ffn_down.weight',
};

/** HF tensor name → canonical name, or undefined for buffers to drop (rotary inv_freq). */
function canonicalName(hf: string, family: 'llama' | 'gemma3', file: string): string | undefined {
  const name = hf.replace(/^(language_model\.)?model\./, 'model.');
  if (name.endsWith('rotary_emb.inv_freq')) return undefined;
  if (name === 'model.embed_tokens.weight') return 'token_embd.weight';
  if (name === 'model.norm.weight') return 'output_norm.weight';
  if (name === 'lm_head.weight' || name === 'language_model.lm_head.weight') return 'output.weight';
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(name);
  const rest = m && (LAYER_NAMES[family][m[2]] ?? COMMON_LAYER_NAMES[m[2]]);
  if (!m || !rest) throw new ZkinferError('bad_model_file', `${file}: unexpected tensor ${hf} for a ${family} model`);
  return `blk.${m[1]}.${rest}`;
}

/** Reads model.safetensors bytes plus the config.json beside `path` into a validated FloatModel. */
export function safetensorsToModel(bytes: Uint8Array, path: string): FloatModel {
  const configPath = join(dirname(path), 'config.json');
  if (!existsSync(configPath)) throw new ZkinferError('bad_model_file', `${path}: no config.json beside the safetensors file (looked for ${configPath})`);
  let cfg: Json;
  try {
    cfg = JSON.parse(readFileSync(configPath, 'utf8')) as Json;
  } catch {
    throw new ZkinferError('bad_model_file', `${configPath}: not valid JSON`);
  }
  const config = hfConfig(cfg, configPath);
  const st = parseSafetensors(bytes, path);
  const tensors = new Map<string, Tensor>();
  const tensorTypes: Record<string, string> = {};
  for (const t of st.tensors.values()) {
    const name = canonicalName(t.name, config.family, path);
    if (name === undefined) continue;
    tensorTypes[name] = st.dtypes.get(t.name) ?? 'F32';
    if (tensors.has(name)) throw new ZkinferError('bad_model_file', `${path}: tensor ${t.name} duplicates ${name}`);
    tensors.set(name, { name, shape: t.shape, data: t.data });
  }
  // A checkpoint may carry lm_head even when tied; it is then the same matrix.
  if (config.tieEmbeddings) {
    tensors.delete('output.weight');
    delete tensorTypes['output.weight'];
  }
  if (config.family === 'gemma3') {
    for (const t of tensors.values()) if (t.name.endsWith('norm.weight')) for (let i = 0; i < t.data.length; i++) t.data[i] += 1;
  }
  const byteLevel = BYTE_VOCAB_SIZES.includes(config.vocabSize);
  if (existsSync(join(dirname(path), 'tokenizer.json')) && !byteLevel) {
    throw new ZkinferError('bad_model_file', `${path}: tokenizer.json import is not implemented (only byte-level vocabularies of ${BYTE_VOCAB_SIZES.join(' or ')})`);
  }
  if (!byteLevel) {
    throw new ZkinferError('bad_model_file', `${path}: no usable tokenizer: vocab_size ${config.vocabSize} is not byte-level (${BYTE_VOCAB_SIZES.join(' or ')}) and tokenizer.json import is not implemented`);
  }
  const model: FloatModel = { config, tensors, tokenizer: byteTokenizer(config.vocabSize), source: { path, format: 'safetensors', tensorTypes } };
  checkModel(model);
  return model;
}
