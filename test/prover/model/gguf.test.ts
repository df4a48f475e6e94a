import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '@zkinfer/prover/model/bytes.ts';
import { GGML_TYPE, parseGguf, readGgufTensor } from '@zkinfer/prover/model/gguf.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { LLAMA2_TINY, STORIES, has } from './helpers/shared.ts';
import { modelGguf, randomTensors, rng, tinyLlamaConfig } from './helpers/synthetic.ts';
import { encodeTensor, writeGguf } from './helpers/write-gguf.ts';
import { ZkinferError } from '@zkinfer/prover/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-gguf-'));
function writeTmp(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('half-precision conversions', () => {
  it('decodes known binary16 and bfloat16 bit patterns', () => {
    expect(f16ToF32(0x3c00)).toBe(1);
    expect(f16ToF32(0xc000)).toBe(-2);
    expect(f16ToF32(0x7bff)).toBe(65504);
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(bf16ToF32(0x3f80)).toBe(1);
    expect(bf16ToF32(0xc0a0)).toBe(-5);
  });
  it('round-trips through the encoders', () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const x = r() * 100;
      expect(Math.abs(f16ToF32(f32ToF16(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
      expect(Math.abs(bf16ToF32(f32ToBf16(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8);
    }
  });
});

describe('GGUF container', () => {
  it('reads every metadata value type', () => {
    const bytes = writeGguf([
      ['a.u8', { type: 'u8', value: 250 }],
      ['a.i8', { type: 'i8', value: -5 }],
      ['a.u16', { type: 'u16', value: 65000 }],
      ['a.i16', { type: 'i16', value: -30000 }],
      ['a.u32', { type: 'u32', value: 4_000_000_000 }],
      ['a.i32', { type: 'i32', value: -2_000_000_000 }],
      ['a.f32', { type: 'f32', value: 0.5 }],
      ['a.f64', { type: 'f64', value: 0.1 }],
      ['a.u64', { type: 'u64', value: 2n ** 60n }],
      ['a.u64small', { type: 'u64', value: 12n }],
      ['a.i64', { type: 'i64', value: -(2n ** 62n) }],
      ['a.bool', { type: 'bool', value: true }],
      ['a.str', { type: 'string', value: 'héllo ▁' }],
      ['a.arr', { type: 'array', itemType: 'string', value: ['x', 'yz'] }],
      ['a.arrf', { type: 'array', itemType: 'f32', value: [1.5, -2] }],
    ], []);
    const g = parseGguf(bytes, 'meta.gguf');
    expect(g.version).toBe(3);
    expect(Object.fromEntries(g.metadata)).toEqual({
      'a.u8': 250, 'a.i8': -5, 'a.u16': 65000, 'a.i16': -30000, 'a.u32': 4_000_000_000, 'a.i32': -2_000_000_000,
      'a.f32': 0.5, 'a.f64': 0.1, 'a.u64': 2n ** 60n, 'a.u64small': 12, 'a.i64': -(2n ** 62n), 'a.bool': true,
      'a.str': 'héllo ▁', 'a.arr': ['x', 'yz'], 'a.arrf': [1.5, -2],
    });
  });

  it('dequantizes F32, F16, BF16 and Q8_0 tensors', () => {
    const r = rng(3);
    const values = Float32Array.from({ length: 64 }, () => r() * 3);
    const types = [GGML_TYPE.F32, GGML_TYPE.F16, GGML_TYPE.BF16, GGML_TYPE.Q8_0];
    const bytes = writeGguf([], types.map((type, i) => ({ name: `t${i}`, dims: [32, 2], type, bytes: encodeTensor(values, type) })));
    const g = parseGguf(bytes, 'types.gguf');
    const [f32, f16, bf16, q8] = g.tensors.map((t) => readGgufTensor(g, t));
    expect(Array.from(f32)).toEqual(Array.from(values));
    expect(Array.from(f16)).toEqual(Array.from(values, (x) => f16ToF32(f32ToF16(x))));
    expect(Array.from(bf16)).toEqual(Array.from(values, (x) => bf16ToF32(f32ToBf16(x))));
    for (let blk = 0; blk < 2; blk++) {
      const slice = values.subarray(blk * 32, blk * 32 + 32);
      const d = f16ToF32(f32ToF16(Math.max(...Array.from(slice, Math.abs)) / 127));
      for (let j = 0; j < 32; j++) {
        const got = q8[blk * 32 + j];
        expect(Math.abs(got - slice[j])).toBeLessThanOrEqual(d * 0.51 + 1e-3);
        expect(Number.isInteger(Math.round(got / d)) && Math.abs(got / d - Math.round(got / d)) < 1e-6).toBe(true);
      }
    }
  });

  it('reads a hand-built Q8_0 block as d × q', () => {
    const block = new Uint8Array(34);
    const dv = new DataView(block.buffer);
    dv.setUint16(0, 0x3800, true); // d = 0.5
    for (let j = 0; j < 32; j++) dv.setInt8(2 + j, j * 8 - 128);
    const g = parseGguf(writeGguf([], [{ name: 'q', dims: [32], type: GGML_TYPE.Q8_0, bytes: block }]), 'q.gguf');
    expect(Array.from(readGgufTensor(g, g.tensors[0]))).toEqual(Array.from({ length: 32 }, (_, j) => 0.5 * (j * 8 - 128)));
  });

  it('honours general.alignment', () => {
    const vals = Float32Array.from([1, 2, 3]);
    const bytes = writeGguf([['general.alignment', { type: 'u32', value: 64 }]],
      [{ name: 'a', dims: [3], type: GGML_TYPE.F32, bytes: encodeTensor(vals, GGML_TYPE.F32) },
        { name: 'b', dims: [3], type: GGML_TYPE.F32, bytes: encodeTensor(vals.map((x) => -x), GGML_TYPE.F32) }],
      { alignment: 64 });
    const g = parseGguf(bytes, 'align.gguf');
    expect(g.alignment).toBe(64);
    expect(g.dataOffset % 64).toBe(0);
    expect(g.tensors[1].offset).toBe(64);
    expect(Array.from(readGgufTensor(g, g.tensors[1]))).toEqual([-1, -2, -3]);
  });
});

describe('GGUF model import errors name the file and field', () => {
  const c = tinyLlamaConfig;
  const good = modelGguf(c, randomTensors(c));

  it('loads the well-formed synthetic model', () => {
    const m = loadModel(writeTmp('good.gguf', good));
    expect(m.config).toMatchObject({ family: 'llama', dModel: 32, nLayers: 2, nKvHeads: 2, ropeStyle: 'interleaved', tieEmbeddings: false });
    expect(m.tokenizer.kind).toBe('bytes');
  });
  it('bad magic', () => {
    const bad = good.slice();
    bad[0] = 0x58;
    expect(() => loadModel(writeTmp('magic.gguf', bad))).toThrow(/magic\.gguf: bad magic/);
  });
  it('unsupported version', () => {
    expect(() => parseGguf(writeGguf([], [], { version: 4 }), 'v4.gguf')).toThrow(/v4\.gguf: unsupported GGUF version 4/);
  });
  it('truncated header and truncated tensor data', () => {
    const p1 = writeTmp('trunc-head.gguf', good.slice(0, 100));
    expect(() => loadModel(p1)).toThrow(ZkinferError);
    expect(() => loadModel(p1)).toThrow(/trunc-head\.gguf: truncated file/);
    expect(() => loadModel(writeTmp('trunc-data.gguf', good.slice(0, good.length - 10)))).toThrow(/trunc-data\.gguf: truncated file: reading tensor \S+ data/);
  });
  it('unsupported tensor type', () => {
    const bytes = writeGguf([], [{ name: 'q4', dims: [32], type: 2, bytes: new Uint8Array(18) }]);
    const g = parseGguf(bytes, 'q4.gguf');
    expect(() => readGgufTensor(g, g.tensors[0])).toThrow(/q4\.gguf: tensor q4: unsupported tensor type Q4_0/);
  });
  it('unsupported architecture', () => {
    const bytes = modelGguf(c, randomTensors(c), undefined, []);
    const text = Buffer.from(bytes);
    const i = text.indexOf('llama', text.indexOf('general.architecture'));
    text.write('falco', i); // same length, so the file stays well-formed
    expect(() => loadModel(writeTmp('arch.gguf', text))).toThrow(/arch\.gguf: unsupported architecture general\.architecture = "falco"/);
  });
  it('missing tensor', () => {
    const t = randomTensors(c);
    t.delete('blk.1.ffn_up.weight');
    expect(() => loadModel(writeTmp('missing.gguf', modelGguf(c, t)))).toThrow(/missing\.gguf: missing tensor blk\.1\.ffn_up\.weight/);
  });
  it('shape not matching the config', () => {
    const t = randomTensors({ ...c, ffnDim: 48 });
    expect(() => loadModel(writeTmp('shape.gguf', modelGguf(c, t)))).toThrow(/shape\.gguf: tensor blk\.0\.ffn_gate\.weight has shape \[48,32\], config implies \[64,32\]/);
  });
  it('missing metadata', () => {
    const bytes = writeGguf([['general.architecture', { type: 'string', value: 'llama' }]],
      [{ name: 'token_embd.weight', dims: [4, 256], type: GGML_TYPE.F32, bytes: new Uint8Array(4096) }]);
    expect(() => loadModel(writeTmp('nometa.gguf', bytes))).toThrow(/nometa\.gguf: missing metadata llama\.embedding_length/);
  });
});

describe.skipIf(!has(STORIES))('stories260K.gguf (needs ../shared/models)', () => {
  it('reads llama metadata and 48 F32 tensors', () => {
    const g = parseGguf(new Uint8Array(readFileSync(STORIES)), STORIES);
    expect(g.metadata.get('general.architecture')).toBe('llama');
    expect(g.tensors).toHaveLength(48);
    const m = loadModel(STORIES);
    expect(m.config).toMatchObject({ vocabSize: 512, dModel: 64, nLayers: 5, nHeads: 8, nKvHeads: 4, headDim: 8, ffnDim: 172, ropeTheta: 10000 });
    expect(m.tensors.get('blk.0.attn_k.weight')!.shape).toEqual([32, 64]);
    expect(m.source.tensorTypes!['output.weight']).toBe('F32');
  });
});

describe.skipIf(!has(LLAMA2_TINY))('llama-2-tiny-random.gguf (needs ../shared/models)', () => {
  it('dequantizes its F16 tensors and reads the 32000-piece vocabulary', () => {
    const m = loadModel(LLAMA2_TINY);
    expect(m.config).toMatchObject({ vocabSize: 32000, dModel: 8, nLayers: 1, nHeads: 2, headDim: 4, ffnDim: 32 });
    expect(m.source.tensorTypes!['token_embd.weight']).toBe('F16');
    const e = m.tensors.get('token_embd.weight')!;
    expect(e.shape).toEqual([32000, 8]);
    // every value is exactly representable in binary16
    for (let i = 0; i < 1000; i++) expect(f16ToF32(f32ToF16(e.data[i]))).toBe(e.data[i]);
    expect(m.tokenizer.pieces()[15043]).toBe('▁Hello');
  });
});
