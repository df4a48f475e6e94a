import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '@zkinfer/prover/model/bytes.ts';
import { forwardFloat } from '@zkinfer/prover/reference/float.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { parseSafetensors } from '@zkinfer/prover/model/safetensors.ts';
import type { ModelConfig, Tensor } from '@zkinfer/prover/model/types.ts';
import { GEMMA3_TINY, has } from './helpers/shared.ts';
import { modelGguf, randomTensors, rng, tinyLlamaConfig } from './helpers/synthetic.ts';
import { writeSafetensors, type StTensor } from './helpers/write-safetensors.ts';

const root = mkdtempSync(join(tmpdir(), 'zkinfer-st-'));
let n = 0;
/** Writes model.safetensors (+ config.json unless null) into a fresh directory; returns the model path. */
function writeHf(bytes: Uint8Array, config: object | null): string {
  const dir = join(root, `m${n++}`);
  mkdirSync(dir);
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'model.safetensors'), bytes);
  return join(dir, 'model.safetensors');
}

const llamaHfConfig = (c: ModelConfig) => ({
  model_type: 'llama', vocab_size: c.vocabSize, hidden_size: c.dModel, num_hidden_layers: c.nLayers,
  num_attention_heads: c.nHeads, num_key_value_heads: c.nKvHeads, intermediate_size: c.ffnDim,
  max_position_embeddings: c.contextLength, rms_norm_eps: c.normEps, rope_theta: c.ropeTheta, tie_word_embeddings: false,
});

/** HF rows of a Q/K matrix from llama.cpp's interleaved rows (inverse of convert_hf_to_gguf.py `permute`). */
function unpermute(t: Tensor, heads: number, hd: number): Float32Array {
  const cols = t.shape[1];
  const out = new Float32Array(t.data.length);
  for (let h = 0; h < heads; h++)
    for (let a = 0; a < 2; a++)
      for (let p = 0; p < hd / 2; p++) {
        const hfRow = h * hd + a * (hd / 2) + p;
        const ggufRow = h * hd + 2 * p + a;
        out.set(t.data.subarray(ggufRow * cols, ggufRow * cols + cols), hfRow * cols);
      }
  return out;
}

/** Canonical llama tensors → HF names (and HF Q/K layout). */
function llamaToHf(c: ModelConfig, tensors: Map<string, Tensor>, dtype: StTensor['dtype']): StTensor[] {
  const names: Record<string, string> = {
    attn_norm: 'input_layernorm', ffn_norm: 'post_attention_layernorm', attn_q: 'self_attn.q_proj', attn_k: 'self_attn.k_proj',
    attn_v: 'self_attn.v_proj', attn_output: 'self_attn.o_proj', ffn_gate: 'mlp.gate_proj', ffn_up: 'mlp.up_proj', ffn_down: 'mlp.down_proj',
  };
  return [...tensors.values()].map((t) => {
    let name = t.name;
    let data: ArrayLike<number> = t.data;
    const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(t.name);
    if (m) {
      name = `model.layers.${m[1]}.${names[m[2]]}.weight`;
      if (m[2] === 'attn_q') data = unpermute(t, c.nHeads, c.headDim);
      if (m[2] === 'attn_k') data = unpermute(t, c.nKvHeads, c.headDim);
    } else name = { 'token_embd.weight': 'model.embed_tokens.weight', 'output_norm.weight': 'model.norm.weight', 'output.weight': 'lm_head.weight' }[t.name]!;
    return { name, shape: t.shape, data, dtype };
  });
}

describe('safetensors container', () => {
  it('reads F32, F16 and BF16 tensors', () => {
    const r = rng(11);
    const v = Array.from({ length: 12 }, () => r() * 10);
    const bytes = writeSafetensors([
      { name: 'a', shape: [3, 4], data: v, dtype: 'F32' },
      { name: 'b', shape: [12], data: v, dtype: 'F16' },
      { name: 'c', shape: [2, 6], data: v, dtype: 'BF16' },
    ], { format: 'pt' });
    const st = parseSafetensors(bytes, 'x.safetensors');
    expect(st.metadata).toEqual({ format: 'pt' });
    expect(st.tensors.get('a')!.shape).toEqual([3, 4]);
    expect(Array.from(st.tensors.get('a')!.data)).toEqual(v.map(Math.fround));
    expect(Array.from(st.tensors.get('b')!.data)).toEqual(v.map((x) => f16ToF32(f32ToF16(x))));
    expect(Array.from(st.tensors.get('c')!.data)).toEqual(v.map((x) => bf16ToF32(f32ToBf16(x))));
    expect(st.dtypes.get('c')).toBe('BF16');
  });

  it('rejects bad files with the file and field named', () => {
    const ok = writeSafetensors([{ name: 'w', shape: [4], data: [1, 2, 3, 4], dtype: 'F32' }]);
    expect(() => parseSafetensors(ok.slice(0, ok.length - 3), 't.safetensors')).toThrow(/t\.safetensors: truncated file: tensor w ends/);
    expect(() => parseSafetensors(ok.slice(0, 5), 't.safetensors')).toThrow(/t\.safetensors: truncated file: reading header length/);
    const i8 = new TextEncoder().encode(JSON.stringify({ w: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }));
    const bad = new Uint8Array(8 + i8.length + 4);
    new DataView(bad.buffer).setBigUint64(0, BigInt(i8.length), true);
    bad.set(i8, 8);
    expect(() => parseSafetensors(bad, 'i8.safetensors')).toThrow(/i8\.safetensors: tensor w: unsupported dtype I8/);
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setBigUint64(0, 8n, true);
    expect(() => parseSafetensors(junk, 'j.safetensors')).toThrow(/j\.safetensors: safetensors header is not valid JSON/);
  });
});

describe('HF checkpoint import', () => {
  const c = tinyLlamaConfig;
  const tensors = randomTensors(c, 5);

  it('a llama checkpoint computes the same logits as its GGUF conversion (rope half vs interleaved)', () => {
    const hf = loadModel(writeHf(writeSafetensors(llamaToHf(c, tensors, 'F32')), llamaHfConfig(c)));
    expect(hf.config.ropeStyle).toBe('half');
    expect(hf.tensors.get('blk.1.ffn_norm.weight')!.data).toEqual(tensors.get('blk.1.ffn_norm.weight')!.data);
    const ggufPath = join(root, 'same.gguf');
    writeFileSync(ggufPath, modelGguf(c, tensors));
    const gg = loadModel(ggufPath);
    const ids = [3, 200, 17, 17, 90, 4];
    const a = forwardFloat(hf, ids);
    const b = forwardFloat(gg, ids);
    for (let t = 0; t < ids.length; t++) for (let v = 0; v < c.vocabSize; v++) expect(a[t][v]).toBeCloseTo(b[t][v], 4);
    // and the layouts really differ: reading the HF rows as interleaved changes the logits
    const wrong = { ...hf, config: { ...hf.config, ropeStyle: 'interleaved' as const } };
    expect(Math.max(...forwardFloat(wrong, ids)[5].map((x, v) => Math.abs(x - b[5][v])))).toBeGreaterThan(1e-3);
  });

  it('reads F16 and BF16 checkpoints', () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      const m = loadModel(writeHf(writeSafetensors(llamaToHf(c, tensors, dtype)), llamaHfConfig(c)));
      expect(m.source.tensorTypes!['blk.0.attn_v.weight']).toBe(dtype);
      const want = tensors.get('blk.0.attn_v.weight')!.data;
      const got = m.tensors.get('blk.0.attn_v.weight')!.data;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(dtype === 'F16' ? 1e-3 : 4e-3);
    }
  });

  it('errors: missing config.json, unsupported model_type, shape mismatch, unexpected and missing tensors, no tokenizer', () => {
    const st = writeSafetensors(llamaToHf(c, tensors, 'F32'));
    expect(() => loadModel(writeHf(st, null))).toThrow(/model\.safetensors: no config\.json beside/);
    expect(() => loadModel(writeHf(st, { ...llamaHfConfig(c), model_type: 'mistral' }))).toThrow(/config\.json: unsupported architecture model_type = "mistral"/);
    expect(() => loadModel(writeHf(st, { ...llamaHfConfig(c), intermediate_size: 48 }))).toThrow(/model\.safetensors: tensor blk\.0\.ffn_gate\.weight has shape \[64,32\], config implies \[48,32\]/);
    const extra = writeSafetensors([...llamaToHf(c, tensors, 'F32'), { name: 'model.layers.0.self_attn.q_proj.bias', shape: [32], data: new Float32Array(32), dtype: 'F32' }]);
    expect(() => loadModel(writeHf(extra, llamaHfConfig(c)))).toThrow(/unexpected tensor model\.layers\.0\.self_attn\.q_proj\.bias/);
    const missing = writeSafetensors(llamaToHf(c, tensors, 'F32').filter((t) => t.name !== 'model.norm.weight'));
    expect(() => loadModel(writeHf(missing, llamaHfConfig(c)))).toThrow(/model\.safetensors: missing tensor output_norm\.weight/);
    expect(() => loadModel(writeHf(st, { ...llamaHfConfig(c), vocab_size: 300 }))).toThrow(/no usable tokenizer: vocab_size 300/);
    expect(() => loadModel(writeHf(st, { ...llamaHfConfig(c), rope_scaling: { type: 'linear', factor: 2 } }))).toThrow(/field rope_scaling .* is not supported/);
  });
});

describe.skipIf(!has(GEMMA3_TINY))('tiny-gemma3-random safetensors (needs ../shared/models)', () => {
  it('maps gemma3_text config and names; norm weights become 1 + w', () => {
    const m = loadModel(GEMMA3_TINY);
    expect(m.config).toMatchObject({
      family: 'gemma3', vocabSize: 256, dModel: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 16, ffnDim: 128,
      ropeTheta: 1_000_000, ropeLocalTheta: 10_000, slidingWindow: 4, slidingWindowPattern: 2, queryPreAttnScalar: 64,
      tieEmbeddings: true, ropeStyle: 'half',
    });
    expect(m.tensors.has('output.weight')).toBe(false);
    expect(m.tensors.size).toBe(28);
    const raw = parseSafetensors(new Uint8Array(readFileSync(GEMMA3_TINY)), GEMMA3_TINY);
    const hfNorm = raw.tensors.get('model.layers.1.pre_feedforward_layernorm.weight')!.data;
    const ours = m.tensors.get('blk.1.ffn_norm.weight')!.data;
    for (let i = 0; i < hfNorm.length; i++) expect(ours[i]).toBe(Math.fround(1 + hfNorm[i]));
    const hfQ = raw.tensors.get('model.layers.0.self_attn.q_norm.weight')!.data;
    expect(m.tensors.get('blk.0.attn_q_norm.weight')!.data[3]).toBe(Math.fround(1 + hfQ[3]));
    expect(m.tokenizer.kind).toBe('bytes');
  });
});
