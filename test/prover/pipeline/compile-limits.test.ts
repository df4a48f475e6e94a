/**
 * compile refuses, before any setup work, a plan with more chunks than a manifest may hold
 * (MAX_CHUNKS, verifier/src/manifest.ts): registering it would fail only after the keys
 * were made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CHUNKS } from '@zkinfer/verifier';
import { positionStages } from '@zkinfer/prover/circuit/transformer/position-stages.ts';
import { prepareModel } from '@zkinfer/prover/package/model.ts';
import { compilePackage } from '@zkinfer/prover/package/compile.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from '../model/helpers/synthetic.ts';

describe('compile limits', () => {
  it(`refuses more than ${MAX_CHUNKS} chunks with a RangeError naming the count, before building circuits`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zkinfer-limits-'));
    try {
      const config = { ...tinyLlamaConfig, dModel: 8, nLayers: 1, nHeads: 1, nKvHeads: 1, headDim: 8, ffnDim: 8, contextLength: 512 };
      const path = join(dir, 'micro.gguf');
      writeFileSync(path, modelGguf(config, randomTensors(config, 3)));
      process.env.ZKINFER_CACHE_DIR = join(dir, 'cache');
      const m = await prepareModel(path, () => {});
      const ctx = MAX_CHUNKS + 4; // at least one chunk per position
      const progress: string[] = [];
      await expect(
        compilePackage({
          outDir: join(dir, 'pkg'), modelId: m.modelId, name: 'micro', architecture: m.architecture, ctx, q: m.q,
          stages: positionStages(m.q, ctx), chunkPower: 17, layout: 'positions', cacheDir: join(dir, 'cache'), onProgress: (s) => progress.push(s),
        }),
      ).rejects.toThrow(new RegExp(`chunks at ctx ${ctx} .*at most ${MAX_CHUNKS}`));
      expect(progress.some((s) => s.includes('building the circuit'))).toBe(false);
    } finally {
      delete process.env.ZKINFER_CACHE_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
