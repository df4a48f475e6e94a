/** Small random models written as GGUF by the tests themselves. */
import { GGML_TYPE } from '@zkinfer/prover/model/gguf.ts';
import type { ModelConfig, Tensor } from '@zkinfer/prover/model/types.ts';
import { expectedShapes } from '@zkinfer/prover/model/validate.ts';
import { encodeTensor, writeGguf, type GgufTensorSpec, type MetaValue } from './write-gguf.ts';

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export const tinyLlamaConfig: ModelConfig = {
  family: 'llama', vocabSize: 256, dModel: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 8, ffnDim: 64,
  contextLength: 64, normEps: 1e-5, ropeTheta: 10000, ropeStyle: 'interleaved', tieEmbeddings: false,
};

/** Random tensors with the shapes a config implies (norm weights near 1). */
export function randomTensors(c: ModelConfig, seed = 1): Map<string, Tensor> {
  const r = rng(seed);
  const m = new Map<string, Tensor>();
  for (const [name, shape] of expectedShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const isNorm = name.endsWith('norm.weight');
    for (let i = 0; i < n; i++) data[i] = isNorm ? 1 + 0.2 * r() : 0.5 * r();
    m.set(name, { name, shape, data });
  }
  return m;
}

/** GGUF metadata for a config, keyed by architecture as llama.cpp writes it. */
export function configMeta(c: ModelConfig): [string, MetaValue][] {
  const arch = c.family;
  const u32 = (value: number): MetaValue => ({ type: 'u32', value });
  const f32 = (value: number): MetaValue => ({ type: 'f32', value });
  const meta: [string, MetaValue][] = [
    ['general.architecture', { type: 'string', value: arch }],
    [`${arch}.context_length`, u32(c.contextLength)],
    [`${arch}.embedding_length`, u32(c.dModel)],
    [`${arch}.block_count`, u32(c.nLayers)],
    [`${arch}.feed_forward_length`, u32(c.ffnDim)],
    [`${arch}.attention.head_count`, u32(c.nHeads)],
    [`${arch}.attention.head_count_kv`, u32(c.nKvHeads)],
    [`${arch}.attention.key_length`, u32(c.headDim)],
    [`${arch}.attention.layer_norm_rms_epsilon`, f32(c.normEps)],
    [`${arch}.rope.freq_base`, f32(c.ropeTheta)],
  ];
  if (c.family === 'gemma3') {
    meta.push([`${arch}.attention.sliding_window`, u32(c.slidingWindow!)]);
    meta.push([`${arch}.attention.sliding_window_pattern`, u32(c.slidingWindowPattern!)]);
    meta.push([`${arch}.rope.freq_base_swa`, f32(c.ropeLocalTheta!)]);
    meta.push([`${arch}.attention.query_pre_attn_scalar`, u32(c.queryPreAttnScalar!)]);
  }
  return meta;
}

/** Writes canonical tensors as GGUF (dims reversed: GGUF lists the innermost dimension first). */
export function modelGguf(c: ModelConfig, tensors: Map<string, Tensor>, type: (name: string) => number = () => GGML_TYPE.F32, extraMeta: [string, MetaValue][] = []): Uint8Array {
  const specs: GgufTensorSpec[] = [...tensors.values()].map((t) => ({
    name: t.name, dims: t.shape.slice().reverse(), type: type(t.name), bytes: encodeTensor(t.data, type(t.name)),
  }));
  return writeGguf([...configMeta(c), ...extraMeta], specs);
}
