/**
 * GGUF → FloatModel for the `llama` and `gemma3` architectures (metadata keys as written
 * by llama.cpp's convert_hf_to_gguf.py and gguf-py constants: `{arch}.embedding_length`,
 * `{arch}.attention.head_count_kv`, `{arch}.rope.freq_base`, …).
 *
 * Layout facts this relies on (llama.cpp):
 * - llama: the converter permutes HF Q/K rows so that rope is applied to adjacent pairs
 *   (LLAMA_ROPE_TYPE_NORM); llama2.c exports are adjacent-pair too → ropeStyle 'interleaved'.
 * - gemma3: no permutation, rope is NEOX (rotate_half) → 'half'; norm weights were written
 *   as (1 + w) by the converter (Gemma3Model.modify_tensors, norm_shift), so they are
 *   already the effective multiplier; local layers use freq base 10000 and a
 *   sliding-window pattern of 6 unless the file says otherwise (llama-model.cpp, LLM_ARCH_GEMMA3).
 */
import { ggmlTypeName, parseGguf, readGgufTensor, type GgufFile, type GgufValue } from './gguf.ts';
import { bpeTokenizer } from './tokenizer-bpe.ts';
import { BYTE_VOCAB_SIZES, byteTokenizer } from './tokenizer-bytes.ts';
import { spmTokenizer } from './tokenizer-spm.ts';
import type { Family, FloatModel, ModelConfig, Tensor, Tokenizer } from './types.ts';
import { checkModel } from './validate.ts';
import { ZkinferError } from '../errors.ts';

function meta(g: GgufFile, key: string): GgufValue | undefined {
  return g.metadata.get(key);
}

function num(g: GgufFile, key: string, fallback?: number): number {
  const v = meta(g, key);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ZkinferError('bad_model_file', `${g.file}: missing metadata ${key}`);
  }
  if (typeof v !== 'number') throw new ZkinferError('bad_model_file', `${g.file}: metadata ${key} = ${JSON.stringify(String(v))} is not a number`);
  return v;
}

function optNum(g: GgufFile, key: string): number | undefined {
  return meta(g, key) === undefined ? undefined : num(g, key);
}

function str(g: GgufFile, key: string): string | undefined {
  const v = meta(g, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ZkinferError('bad_model_file', `${g.file}: metadata ${key} is not a string`);
  return v;
}

function arr<T extends GgufValue>(g: GgufFile, key: string, check: (x: GgufValue) => x is T): T[] | undefined {
  const v = meta(g, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every(check)) throw new ZkinferError('bad_model_file', `${g.file}: metadata ${key} is not an array of the expected type`);
  return v as T[];
}

const isString = (x: GgufValue): x is string => typeof x === 'string';
const isNumber = (x: GgufValue): x is number => typeof x === 'number';

function ggufConfig(g: GgufFile, vocabFromEmbd: number): ModelConfig {
  const arch = str(g, 'general.architecture');
  if (arch !== 'llama' && arch !== 'gemma3') {
    throw new ZkinferError('bad_model_file', `${g.file}: unsupported architecture general.architecture = ${JSON.stringify(arch)} (supported: llama, gemma3)`);
  }
  const family: Family = arch;
  const a = (k: string) => `${arch}.${k}`;
  const dModel = num(g, a('embedding_length'));
  const nHeads = num(g, a('attention.head_count'));
  const headDim = num(g, a('attention.key_length'), dModel / nHeads);
  const valueDim = num(g, a('attention.value_length'), headDim);
  if (valueDim !== headDim) throw new ZkinferError('bad_model_file', `${g.file}: ${a('attention.value_length')} ${valueDim} differs from key_length ${headDim} (unsupported)`);
  const ropeDims = num(g, a('rope.dimension_count'), headDim);
  if (ropeDims !== headDim) throw new ZkinferError('bad_model_file', `${g.file}: ${a('rope.dimension_count')} = ${ropeDims} differs from head dim ${headDim} (partial rotary unsupported)`);
  const scaling = str(g, a('rope.scaling.type'));
  if (scaling !== undefined && scaling !== 'none') throw new ZkinferError('bad_model_file', `${g.file}: ${a('rope.scaling.type')} = ${scaling} is not supported`);
  const config: ModelConfig = {
    family,
    vocabSize: num(g, a('vocab_size'), vocabFromEmbd),
    dModel,
    nLayers: num(g, a('block_count')),
    nHeads,
    nKvHeads: num(g, a('attention.head_count_kv'), nHeads),
    headDim,
    ffnDim: num(g, a('feed_forward_length')),
    contextLength: num(g, a('context_length')),
    normEps: num(g, a('attention.layer_norm_rms_epsilon')),
    ropeTheta: num(g, a('rope.freq_base'), family === 'gemma3' ? 1_000_000 : 10_000),
    ropeStyle: family === 'gemma3' ? 'half' : 'interleaved',
    tieEmbeddings: !g.tensors.some((t) => t.name === 'output.weight'),
  };
  if (family === 'gemma3') {
    config.ropeLocalTheta = num(g, a('rope.freq_base_swa'), 10_000);
    config.slidingWindow = num(g, a('attention.sliding_window'));
    config.slidingWindowPattern = num(g, a('attention.sliding_window_pattern'), 6);
    config.queryPreAttnScalar = optNum(g, a('attention.query_pre_attn_scalar')) ?? headDim;
  }
  return config;
}

function ggufTokenizer(g: GgufFile, vocabSize: number): Tokenizer {
  const model = str(g, 'tokenizer.ggml.model');
  const pieces = arr(g, 'tokenizer.ggml.tokens', isString);
  const bos = optNum(g, 'tokenizer.ggml.bos_token_id');
  const eos = optNum(g, 'tokenizer.ggml.eos_token_id');
  const types = arr(g, 'tokenizer.ggml.token_type', isNumber);
  if ((model === undefined || model === 'none') && BYTE_VOCAB_SIZES.includes(vocabSize)) return byteTokenizer(vocabSize);
  if (!pieces) throw new ZkinferError('bad_model_file', `${g.file}: missing metadata tokenizer.ggml.tokens (tokenizer.ggml.model = ${JSON.stringify(model)})`);
  if (model === 'llama') {
    const scores = arr(g, 'tokenizer.ggml.scores', isNumber) ?? pieces.map(() => 0);
    if (scores.length !== pieces.length) throw new ZkinferError('bad_model_file', `${g.file}: tokenizer.ggml.scores has ${scores.length} entries, tokens has ${pieces.length}`);
    const asp = meta(g, 'tokenizer.ggml.add_space_prefix');
    return spmTokenizer({
      pieces, scores, types, bos, eos,
      unk: optNum(g, 'tokenizer.ggml.unknown_token_id'),
      addSpacePrefix: asp === undefined ? true : asp === true,
    });
  }
  if (model === 'gpt2') {
    const merges = arr(g, 'tokenizer.ggml.merges', isString);
    if (!merges) throw new ZkinferError('bad_model_file', `${g.file}: missing metadata tokenizer.ggml.merges for a gpt2 tokenizer`);
    return bpeTokenizer({ pieces, merges, types, bos, eos, pre: str(g, 'tokenizer.ggml.pre') }, g.file);
  }
  throw new ZkinferError('bad_model_file', `${g.file}: unsupported tokenizer.ggml.model = ${JSON.stringify(model)} (supported: llama, gpt2)`);
}

/** Reads a whole GGUF file's bytes into a validated FloatModel. */
export function ggufToModel(bytes: Uint8Array, path: string): FloatModel {
  const g = parseGguf(bytes, path);
  const tensors = new Map<string, Tensor>();
  const tensorTypes: Record<string, string> = {};
  for (const info of g.tensors) {
    tensorTypes[info.name] = ggmlTypeName(info.type);
    if (tensors.has(info.name)) throw new ZkinferError('bad_model_file', `${path}: duplicate tensor ${info.name}`);
    // GGUF lists dims innermost first; our shapes are outermost first ([out, in]).
    tensors.set(info.name, { name: info.name, shape: info.dims.slice().reverse(), data: readGgufTensor(g, info) });
  }
  const embd = tensors.get('token_embd.weight');
  if (!embd) throw new ZkinferError('bad_model_file', `${path}: missing tensor token_embd.weight`);
  const config = ggufConfig(g, embd.shape[0]);
  const model: FloatModel = { config, tensors, tokenizer: ggufTokenizer(g, config.vocabSize), source: { path, format: 'gguf', tensorTypes } };
  checkModel(model);
  return model;
}
