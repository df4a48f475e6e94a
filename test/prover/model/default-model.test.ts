import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forwardFloat, generateFloat } from '@zkinfer/prover/reference/float.ts';
import { forwardInt } from '@zkinfer/prover/infer/int.ts';
import { argmaxLowest } from '@zkinfer/prover/arith/argmax.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { quantizeForFile } from '@zkinfer/prover/quant/cache.ts';

interface Sample {
  prompt: string;
  promptIds: number[];
  generatedIds: number[];
  generatedText: string;
  lastPromptLogits?: number[];
}

// sample.json was written by PyTorch (prover/training/make_sample.py) from the same weights:
// it is an independent implementation of Gemma 3 to test ours against.
const samplePath = new URL('../../../prover/models/default/sample.json', import.meta.url);
const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as { modelSafetensorsSha256: string; samples: Sample[] };

describe('bundled default model (prover/models/default)', () => {
  const model = loadModel(DEFAULT_MODEL_PATH);

  it('is the file sample.json was made from', () => {
    const sha = createHash('sha256').update(readFileSync(DEFAULT_MODEL_PATH)).digest('hex');
    expect(sha).toBe(sample.modelSafetensorsSha256);
    expect(model.config.family).toBe('gemma3');
    expect(model.tokenizer.kind).toBe('bytes');
  });

  it('float inference reproduces PyTorch greedy output and logits', () => {
    for (const s of sample.samples) {
      expect(model.tokenizer.encode(s.prompt)).toEqual(s.promptIds);
      const gen = generateFloat(model, s.promptIds, s.generatedIds.length);
      expect(gen).toEqual(s.generatedIds);
      expect(model.tokenizer.decode(gen)).toBe(s.generatedText);
    }
    const first = sample.samples[0];
    const logits = forwardFloat(model, first.promptIds).at(-1)!;
    expect(first.lastPromptLogits).toHaveLength(model.config.vocabSize);
    first.lastPromptLogits!.forEach((v, i) => expect(Math.abs(logits[i] - v)).toBeLessThan(1e-4));
  });

  // The integer path (what the proofs check) is a quantized model: where the float's top two
  // logits are nearly tied it may pick the other one (docs/quantization.md, bench/accuracy.ts).
  // Teacher-forced on PyTorch's greedy sequence, it must pick the float's token at every step
  // whose float top-2 margin is at least 0.5 logit (measured for the two-layer model of
  // docs/decisions.md 35: all 52 such steps of the 72 agree; the other 20 are near ties at word
  // starts, where a byte model has two good continuations).
  it('the integer path picks the float greedy token at every step with a clear margin (≥ 0.5 logit)', () => {
    const q = quantizeForFile(model, { cache: false });
    let checked = 0;
    let steps = 0;
    for (const s of sample.samples) {
      const seq = [...s.promptIds, ...s.generatedIds];
      const fl = forwardFloat(model, seq);
      const il = forwardInt(q, seq);
      s.generatedIds.forEach((tok, k) => {
        const t = s.promptIds.length - 1 + k;
        const sorted = Array.from(fl[t]).sort((a, b) => b - a);
        steps++;
        if (sorted[0] - sorted[1] < 0.5) return;
        checked++;
        expect(argmaxLowest(il[t]), `${JSON.stringify(s.prompt)} step ${k}`).toBe(tok);
      });
    }
    // Most steps are clear (the test is not vacuous): 52 of 72 for the bundled model.
    expect(checked / steps).toBeGreaterThan(0.65);
  });
});
