import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forwardFloat, generateFloat } from '../../../prover/src/infer/float.ts';
import { generateInt } from '../../../prover/src/infer/int.ts';
import { DEFAULT_MODEL_PATH } from '../../../prover/src/model/default-model.ts';
import { loadModel } from '../../../prover/src/model/load.ts';
import { quantizeForFile } from '../../../prover/src/quant/cache.ts';

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
    expect(first.lastPromptLogits).toHaveLength(256);
    first.lastPromptLogits!.forEach((v, i) => expect(Math.abs(logits[i] - v)).toBeLessThan(1e-4));
  });

  it('the integer path (what the proofs check) generates the same text', () => {
    const q = quantizeForFile(model, { cache: false });
    for (const s of sample.samples) expect(generateInt(q, s.promptIds, s.generatedIds.length)).toEqual(s.generatedIds);
  });
});
