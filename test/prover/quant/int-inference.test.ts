import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { argmaxLowest } from '@zkinfer/prover/arith/argmax.ts';
import { forwardFloat, generateFloat } from '@zkinfer/prover/reference/float.ts';
import { createIntSession, dequantizeLogits, forwardInt, generateInt } from '@zkinfer/prover/infer/int.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { calibrationIds } from '@zkinfer/prover/quant/calibration-text.ts';
import { quantizeModel } from '@zkinfer/prover/quant/quantize.ts';
import { deserializeQuantModel, quantModelId, serializeQuantModel } from '@zkinfer/prover/quant/serialize.ts';

const SHARED = new URL('../../../../shared/', import.meta.url);
const path = (p: string) => fileURLToPath(new URL(p, SHARED));
const STORIES = path('models/stories260K/stories260K.gguf');
const GEMMA = path('models/tiny-gemma3-random/model.safetensors');
const LLAMA_TINY = path('models/llama-2-tiny-random/llama-2-tiny-random.gguf');

function quantized(p: string) {
  const model = loadModel(p);
  const q = quantizeModel(model, calibrationIds((t, o) => model.tokenizer.encode(t, o)));
  return { model, q };
}

describe.skipIf(!existsSync(STORIES))('stories260K integer path (needs ../shared/models)', () => {
  // Loaded in beforeAll: a skipped suite's body still runs at collection time.
  let model: ReturnType<typeof quantized>['model'];
  let q: ReturnType<typeof quantized>['q'];
  let prompt: number[];
  beforeAll(() => {
    ({ model, q } = quantized(STORIES));
    prompt = model.tokenizer.encode('Once upon a time', { bos: true });
  });

  it('follows the float greedy continuation of "Once upon a time": 30 tokens free-running, and every decided step teacher-forced', () => {
    const f = generateFloat(model, prompt, 30);
    // Issue 4's target: the first 30 generated tokens (= reference-greedy.txt, float.test.ts).
    expect(generateInt(q, prompt, 30)).toEqual(f);
    // Step 16 is a near tie (float top-2 margin 0.13 logit, below the integer path's mean logit
    // error of about 0.3), which single ±1 roundings decide (docs/quantization.md "Accuracy");
    // so on the float's own sequence the integer argmax must also agree wherever the float
    // margin is at least 0.25.
    const seq = [...prompt, ...f];
    const lf = forwardFloat(model, seq);
    const li = forwardInt(q, seq);
    let decided = 0;
    f.forEach((token, k) => {
      const t = prompt.length - 1 + k;
      const [top, second] = Array.from(lf[t]).sort((a, b) => b - a);
      if (top - second < 0.25) return;
      decided++;
      expect(argmaxLowest(li[t]), `step ${k}`).toBe(token);
    });
    expect(decided).toBeGreaterThanOrEqual(28);
  });

  it('KV-cache generation equals the argmax of the full-sequence pass', () => {
    const gen = generateInt(q, prompt, 24);
    const seq = [...prompt, ...gen];
    const logits = forwardInt(q, seq);
    for (let i = 0; i < gen.length; i++) expect(argmaxLowest(logits[prompt.length - 1 + i])).toBe(gen[i]);
    // and the session's logits are the same integers, position by position
    const s = createIntSession(q);
    seq.slice(0, 8).forEach((id, t) => expect(Array.from(s.step(id))).toEqual(Array.from(logits[t])));
  });

  it('dequantized logits stay close to the float logits', () => {
    const seq = prompt.concat(generateFloat(model, prompt, 12));
    const lf = forwardFloat(model, seq);
    const li = forwardInt(q, seq);
    let sum = 0;
    let n = 0;
    for (let t = 0; t < seq.length; t++) {
      const d = dequantizeLogits(q, li[t]);
      for (let k = 0; k < d.length; k++) {
        sum += Math.abs(d[k] - lf[t][k]);
        n++;
      }
    }
    expect(sum / n).toBeLessThan(0.6); // float logits span about ±22 (BENCHMARKS.md accuracy)
  });

  it('serializes canonically: same bytes twice, round trip keeps id and logits', () => {
    const a = serializeQuantModel(q);
    expect(serializeQuantModel(q)).toEqual(a);
    const back = deserializeQuantModel(a);
    expect(quantModelId(back)).toBe(quantModelId(q));
    expect(quantModelId(q)).toMatch(/^[0-9a-f]{64}$/);
    const ids = prompt.slice(0, 3);
    expect(forwardInt(back, ids).map((r) => Array.from(r))).toEqual(forwardInt(q, ids).map((r) => Array.from(r)));
    const tampered = a.slice();
    tampered[tampered.length - 1] ^= 1; // the last RoPE constant: survives the round trip, so the id changes
    expect(quantModelId(deserializeQuantModel(tampered))).not.toBe(quantModelId(q));
  });

  it('rejects bad tokens and over-long input', () => {
    expect(() => forwardInt(q, [model.config.vocabSize])).toThrow(RangeError);
    expect(() => generateInt(q, [], 3)).toThrow(/empty/);
    expect(() => deserializeQuantModel(new Uint8Array(20))).toThrow(/bad magic/);
  });
});

describe.skipIf(!existsSync(GEMMA))('tiny-gemma3-random integer path (needs ../shared/models)', () => {
  let model: ReturnType<typeof quantized>['model'];
  let q: ReturnType<typeof quantized>['q'];
  let ids: number[];
  beforeAll(() => {
    ({ model, q } = quantized(GEMMA));
    ids = model.tokenizer.encode('To be, or not to be', { bos: true }).slice(0, 12);
  });

  it('full pass equals KV-cache session (sliding-window and global layers)', () => {
    expect(ids.length).toBeGreaterThan(model.config.slidingWindow ?? 0); // the window really slides
    const full = forwardInt(q, ids);
    const s = createIntSession(q);
    ids.forEach((id, t) => expect(Array.from(s.step(id))).toEqual(Array.from(full[t])));
  });

  it('logit error is small relative to the logit range', () => {
    const lf = forwardFloat(model, ids);
    const li = forwardInt(q, ids);
    let maxErr = 0;
    let maxAbs = 0;
    for (let t = 0; t < ids.length; t++) {
      const d = dequantizeLogits(q, li[t]);
      for (let k = 0; k < d.length; k++) {
        maxErr = Math.max(maxErr, Math.abs(d[k] - lf[t][k]));
        maxAbs = Math.max(maxAbs, Math.abs(lf[t][k]));
      }
    }
    expect(maxErr).toBeLessThan(0.25 * maxAbs);
  });
});

describe.skipIf(!existsSync(LLAMA_TINY))('llama-2-tiny-random integer path (needs ../shared/models)', () => {
  it('agrees with float greedy on "Once upon a time" for 16 tokens', () => {
    const { model, q } = quantized(LLAMA_TINY);
    const prompt = model.tokenizer.encode('Once upon a time', { bos: true });
    expect(generateInt(q, prompt, 16)).toEqual(generateFloat(model, prompt, 16));
  });
});

describe('integer logits L_j = acc_j·m_j (default model, prover/models/default)', () => {
  let model: ReturnType<typeof quantized>['model'];
  let q: ReturnType<typeof quantized>['q'];
  beforeAll(() => {
    ({ model, q } = quantized(DEFAULT_MODEL_PATH));
  });

  it('are exact integers at scale 2^−s, dequantized close to the float logits', () => {
    expect(q.scales.logits).toBe(2 ** -q.logitOut.s);
    expect(q.logitOut.m).toHaveLength(q.config.vocabSize);
    const ids = [...'ROMEO:'].map((c) => c.charCodeAt(0));
    const li = forwardInt(q, ids);
    const lf = forwardFloat(model, ids);
    let sum = 0;
    let n = 0;
    for (let t = 0; t < ids.length; t++) {
      for (const v of li[t]) expect(Number.isSafeInteger(v)).toBe(true);
      const d = dequantizeLogits(q, li[t]);
      for (let k = 0; k < d.length; k++) {
        sum += Math.abs(d[k] - lf[t][k]);
        n++;
      }
    }
    // measured 0.51 (float logits span about ±23): a wrong scale would be off by whole logits
    expect(sum / n).toBeLessThan(1);
  });

  it('refuses a model whose multipliers do not match the vocabulary', () => {
    const bad = { ...q, logitOut: { m: q.logitOut.m.slice(1), s: q.logitOut.s } };
    const V = q.config.vocabSize;
    expect(() => forwardInt(bad, [72])).toThrow(new RegExp(`logitOut has ${V - 1} multipliers for ${V} vocabulary rows`));
  });
});

/** Significant bits of an integer (the width of its odd part). */
function significantBits(m: number): number {
  let a = Math.abs(m);
  while (a > 0 && a % 2 === 0) a /= 2;
  return a === 0 ? 0 : Math.floor(Math.log2(a)) + 1;
}

describe('short multipliers (docs/quantization.md)', () => {
  it('every mat-vec rescale multiplier has ≤ shortMultiplierBits significant bits, norm / site ones ≤ shortSiteMultiplierBits, weights fit ±127', () => {
    for (const p of [DEFAULT_MODEL_PATH, ...(existsSync(STORIES) ? [STORIES] : [])]) {
      const { q } = quantized(p);
      const o = q.options;
      const bitsOf = (m: ArrayLike<number>) => Math.max(...Array.from(m, significantBits));
      for (const L of q.layers) {
        for (const r of [L.vProj, L.oProj, L.gateProj, L.upProj, L.downProj, ...(L.qProj ? [L.qProj, L.kProj!] : [])]) {
          expect(bitsOf(r.m)).toBeLessThanOrEqual(o.shortMultiplierBits);
        }
        // (The softmax's exponent step keeps P bits: softmaxSpec turns it into tables, no remainder.)
        for (const m of [L.attnNorm.out.m, L.ffnNorm.out.m, L.attnOut.m, L.hidden.m]) expect(bitsOf(m)).toBeLessThanOrEqual(o.shortSiteMultiplierBits);
        for (const W of [L.wq, L.wk, L.wv, L.wo, L.wGate, L.wUp, L.wDown]) expect(W.w.every((v) => v >= -127 && v <= 127)).toBe(true);
      }
    }
  });
});
