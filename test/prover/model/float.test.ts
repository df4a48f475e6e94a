import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argmax, createFloatSession, forwardFloat, generateFloat } from '@zkinfer/prover/reference/float.ts';
import { applyRope, ropeAngles } from '@zkinfer/prover/reference/rope.ts';
import { GGML_TYPE } from '@zkinfer/prover/model/gguf.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import type { FloatModel } from '@zkinfer/prover/model/types.ts';
import { GEMMA3_TINY, LLAMA2_TINY, STORIES, STORIES_REF, has } from './helpers/shared.ts';
import { modelGguf, randomTensors, rng, tinyLlamaConfig } from './helpers/synthetic.ts';

const tmp = mkdtempSync(join(tmpdir(), 'zkinfer-float-'));

describe.skipIf(!has(STORIES))('stories260K float greedy (needs ../shared/models)', () => {
  it('reproduces llama2.c reference-greedy.txt exactly', () => {
    const m = loadModel(STORIES);
    const ref = readFileSync(STORIES_REF, 'utf8');
    const prompt = m.tokenizer.encode('Once upon a time', { bos: true });
    expect(prompt[0]).toBe(1);
    // llama2.c run.c (steps = 256): positions 0..255 each print the next token, the first
    // prompt.length - 1 of which are forced prompt tokens; decoding stops at BOS (never produced
    // here) and the run ends with "\n". So 257 - prompt.length tokens are generated.
    const n = 256 - (prompt.length - 1);
    const gen = generateFloat(m, prompt, n);
    expect(gen).not.toContain(1);
    expect(m.tokenizer.decode([...prompt, ...gen]) + '\n').toBe(ref);
  });
  it('forwardFloat agrees with the KV-cached generation', () => {
    const m = loadModel(STORIES);
    const prompt = m.tokenizer.encode('Once upon a time', { bos: true });
    const gen = generateFloat(m, prompt, 8);
    const logits = forwardFloat(m, [...prompt, ...gen.slice(0, -1)]);
    expect(logits.slice(prompt.length - 1).map(argmax)).toEqual(gen);
  });
});

describe.skipIf(!has(LLAMA2_TINY))('llama-2-tiny-random float run (needs ../shared/models)', () => {
  it('runs deterministically with finite logits over the 32000 vocabulary', () => {
    const m = loadModel(LLAMA2_TINY);
    const ids = m.tokenizer.encode('Hello world', { bos: true });
    const a = generateFloat(m, ids, 6);
    expect(a).toEqual(generateFloat(m, ids, 6));
    expect(a.every((t) => t >= 0 && t < 32000)).toBe(true);
    const logits = forwardFloat(m, ids);
    expect(logits).toHaveLength(3);
    expect(logits[2]).toHaveLength(32000);
    expect(logits[2].every(Number.isFinite)).toBe(true);
    expect(argmax(logits[2])).toBe(a[0]);
  });
});

/**
 * Independent Gemma 3 forward pass over the whole sequence, written after HF
 * modeling_gemma3.py (attention mask matrix, rotate_half with duplicated cos/sin),
 * sharing no code with prover/src/infer.
 */
function referenceGemma3(m: FloatModel, ids: number[]): number[][] {
  const c = m.config;
  const W = (n: string) => m.tensors.get(n)!;
  const mv = (name: string, x: number[]) => {
    const w = W(name);
    const [rows, cols] = w.shape;
    return Array.from({ length: rows }, (_, r) => x.reduce((s, xi, i) => s + w.data[r * cols + i] * xi, 0));
  };
  const norm = (x: number[], w: Float32Array) => {
    const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
    return x.map((v, i) => (v / Math.sqrt(ms + c.normEps)) * w[i]);
  };
  const hd = c.headDim;
  const rotary = (x: number[], pos: number, theta: number) => {
    const inv = Array.from({ length: hd / 2 }, (_, p) => 1 / theta ** ((2 * p) / hd));
    const emb = [...inv, ...inv].map((f) => f * pos);
    const rot = [...x.slice(hd / 2).map((v) => -v), ...x.slice(0, hd / 2)];
    return x.map((v, i) => v * Math.cos(emb[i]) + rot[i] * Math.sin(emb[i]));
  };
  const heads = (x: number[], n: number) => Array.from({ length: n }, (_, h) => x.slice(h * hd, h * hd + hd));
  const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  const embd = W('token_embd.weight');
  let hs = ids.map((id) => Array.from(embd.data.subarray(id * c.dModel, (id + 1) * c.dModel), (v) => v * Math.sqrt(c.dModel)));
  for (let l = 0; l < c.nLayers; l++) {
    const sliding = (l + 1) % c.slidingWindowPattern! !== 0;
    const theta = sliding ? c.ropeLocalTheta! : c.ropeTheta;
    const xs = hs.map((h) => norm(h, W(`blk.${l}.attn_norm.weight`).data));
    const Q = xs.map((x, t) => heads(mv(`blk.${l}.attn_q.weight`, x), c.nHeads).map((q) => rotary(norm(q, W(`blk.${l}.attn_q_norm.weight`).data), t, theta)));
    const K = xs.map((x, t) => heads(mv(`blk.${l}.attn_k.weight`, x), c.nKvHeads).map((k) => rotary(norm(k, W(`blk.${l}.attn_k_norm.weight`).data), t, theta)));
    const V = xs.map((x) => heads(mv(`blk.${l}.attn_v.weight`, x), c.nKvHeads));
    hs = hs.map((h, t) => {
      const o: number[] = [];
      for (let head = 0; head < c.nHeads; head++) {
        const kv = Math.floor((head * c.nKvHeads) / c.nHeads);
        const allowed = ids.map((_, j) => j <= t && (!sliding || t - j < c.slidingWindow!));
        const s = ids.map((_, j) => (allowed[j] ? Q[t][head].reduce((a, q, i) => a + q * K[j][kv][i], 0) * c.queryPreAttnScalar! ** -0.5 : -Infinity));
        const mx = Math.max(...s);
        const e = s.map((v) => Math.exp(v - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < hd; i++) o.push(e.reduce((a, p, j) => a + (p / z) * V[j][kv][i], 0));
      }
      const attn = norm(mv(`blk.${l}.attn_output.weight`, o), W(`blk.${l}.post_attention_norm.weight`).data);
      const h1 = h.map((v, i) => v + attn[i]);
      const f = norm(h1, W(`blk.${l}.ffn_norm.weight`).data);
      const up = mv(`blk.${l}.ffn_up.weight`, f);
      const act = mv(`blk.${l}.ffn_gate.weight`, f).map((g, i) => gelu(g) * up[i]);
      const down = norm(mv(`blk.${l}.ffn_down.weight`, act), W(`blk.${l}.post_ffw_norm.weight`).data);
      return h1.map((v, i) => v + down[i]);
    });
  }
  return hs.map((h) => {
    const x = norm(h, W('output_norm.weight').data);
    return Array.from({ length: c.vocabSize }, (_, v) => x.reduce((s, xi, i) => s + embd.data[v * c.dModel + i] * xi, 0));
  });
}

describe.skipIf(!has(GEMMA3_TINY))('tiny-gemma3-random float run (needs ../shared/models)', () => {
  const ids = [72, 105, 32, 116, 104, 101, 114, 101, 33, 10]; // "Hi there!\n": longer than the window of 4

  it('matches an independent full-sequence Gemma 3 computation at every position', () => {
    const m = loadModel(GEMMA3_TINY);
    const ours = forwardFloat(m, ids);
    const ref = referenceGemma3(m, ids);
    let maxDiff = 0;
    for (let t = 0; t < ids.length; t++) for (let v = 0; v < 256; v++) maxDiff = Math.max(maxDiff, Math.abs(ours[t][v] - ref[t][v]));
    expect(maxDiff).toBeLessThan(1e-3);
    expect(Math.max(...ref[9].map(Math.abs))).toBeGreaterThan(0.1); // not a vacuous comparison
  });

  it('generates deterministically and equals the argmax of the full pass', () => {
    const m = loadModel(GEMMA3_TINY);
    const gen = generateFloat(m, ids.slice(0, 3), 12);
    expect(gen).toEqual(generateFloat(m, ids.slice(0, 3), 12));
    expect(forwardFloat(m, [...ids.slice(0, 3), ...gen.slice(0, -1)]).slice(2).map(argmax)).toEqual(gen);
  });

  it('sliding-window layers see exactly the last `window` positions', () => {
    const base = loadModel(GEMMA3_TINY);
    // All layers local (pattern beyond nLayers): the receptive field of position t is
    // t - nLayers·(window - 1) .. t, here 2·3 = 6 positions back.
    const local: FloatModel = { ...base, config: { ...base.config, slidingWindowPattern: 100 } };
    const t = 9;
    const logitsAt = (seq: number[]) => forwardFloat(local, seq)[t];
    const ref = logitsAt(ids);
    const changed = (pos: number) => { const s = ids.slice(); s[pos] = (s[pos] + 1) % 256; return logitsAt(s); };
    expect(Array.from(changed(t - 7))).toEqual(Array.from(ref));
    expect(Array.from(changed(2))).toEqual(Array.from(ref));
    expect(Array.from(changed(t - 6))).not.toEqual(Array.from(ref));
    // with the real pattern (layer 1 global), distant tokens do matter
    const s = ids.slice(); s[0] = 0;
    expect(Array.from(forwardFloat(base, s)[t])).not.toEqual(Array.from(forwardFloat(base, ids)[t]));
  });

  it('a gemma3 GGUF of the same weights gives the same logits', () => {
    const m = loadModel(GEMMA3_TINY);
    const p = join(tmp, 'gemma3.gguf');
    writeFileSync(p, modelGguf(m.config, m.tensors));
    const g = loadModel(p);
    // GGUF stores the epsilon as float32, everything else survives exactly
    expect(g.config).toEqual({ ...m.config, normEps: Math.fround(m.config.normEps) });
    const a = forwardFloat(m, ids.slice(0, 6));
    const b = forwardFloat(g, ids.slice(0, 6));
    for (let i = 0; i < 6; i++) for (let v = 0; v < 256; v++) expect(b[i][v]).toBeCloseTo(a[i][v], 4);
  });
});

describe('float inference on synthetic models', () => {
  it('a Q8_0 copy of a model stays close to the F32 original', () => {
    const c = tinyLlamaConfig;
    const t = randomTensors(c, 9);
    const f32 = join(tmp, 'f32.gguf');
    const q8 = join(tmp, 'q8.gguf');
    writeFileSync(f32, modelGguf(c, t));
    writeFileSync(q8, modelGguf(c, t, (name) => (name.endsWith('norm.weight') ? GGML_TYPE.F32 : GGML_TYPE.Q8_0)));
    const a = forwardFloat(loadModel(f32), [1, 2, 3, 4]);
    const b = forwardFloat(loadModel(q8), [1, 2, 3, 4]);
    const scale = Math.max(...a[3].map(Math.abs));
    const err = Math.max(...a[3].map((x, i) => Math.abs(x - b[3][i])));
    expect(err).toBeGreaterThan(0); // really quantized
    expect(err / scale).toBeLessThan(0.05);
  });

  it('rejects out-of-range tokens, positions and counts', () => {
    const c = { ...tinyLlamaConfig, contextLength: 4 };
    const p = join(tmp, 'ctx4.gguf');
    writeFileSync(p, modelGguf(c, randomTensors(c)));
    const m = loadModel(p);
    expect(() => forwardFloat(m, [256])).toThrow(/token id 256 outside 0\.\.255/);
    expect(() => forwardFloat(m, [1, 2, 3, 4, 5])).toThrow(/position 4 exceeds the context length 4/);
    expect(() => generateFloat(m, [1, 2], 4)).toThrow(/exceed the context length 4/);
    expect(generateFloat(m, [1, 2], 3)).toHaveLength(3);
    expect(() => generateFloat(m, [], 1)).toThrow(/promptIds is empty/);
    const s = createFloatSession(m);
    s.step(5);
    expect(s.pos).toBe(1);
  });
});

describe('rope', () => {
  it('is the identity at position 0 and preserves each rotated pair’s length', () => {
    const r = rng(2);
    for (const style of ['interleaved', 'half'] as const) {
      const v = Float32Array.from({ length: 16 }, () => r());
      const id = v.slice();
      applyRope(id, 2, 8, style, ropeAngles(0, 8, 10000));
      expect(Array.from(id)).toEqual(Array.from(v));
      const w = v.slice();
      applyRope(w, 2, 8, style, ropeAngles(7, 8, 10000));
      expect(Array.from(w)).not.toEqual(Array.from(v));
      for (let h = 0; h < 2; h++)
        for (let p = 0; p < 4; p++) {
          const [i, j] = style === 'interleaved' ? [h * 8 + 2 * p, h * 8 + 2 * p + 1] : [h * 8 + p, h * 8 + p + 4];
          expect(Math.hypot(w[i], w[j])).toBeCloseTo(Math.hypot(v[i], v[j]), 5);
        }
    }
  });
});
