/** Compile/prove helpers for the pipeline tests on the synthetic model (synthetic.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePackage } from '@zkinfer/prover/package/compile.ts';
import { readPackage, type LoadedPackage } from '@zkinfer/prover/package/layout.ts';
import { proveBundle, type ProveBundleResult } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import { syntheticGenerate, syntheticModel, syntheticStages, type SyntheticModel } from './synthetic.ts';
import type { Stage } from '@zkinfer/prover/circuit/transformer/stage.ts';
import type { ProverEngine } from '@zkinfer/prover/snark/engine.ts';

/** Chunk power of the synthetic tests: 2^11 rows, three chunks with 9 layers at ctx 5. */
export const TEST_POWER = 11;

export interface CompiledSynthetic {
  model: SyntheticModel;
  stages: Stage[];
  pkg: LoadedPackage;
}

/**
 * Keys and ptau are cached in the user's zkinfer cache (ZKINFER_CACHE_DIR honoured), so
 * repeated runs skip the phase-2 setup; the package directory is fresh.
 */
export async function compileSynthetic(opts: { variant?: number; layers?: number } = {}): Promise<CompiledSynthetic> {
  const model = syntheticModel({ ctx: 5, layers: opts.layers ?? 9, variant: opts.variant });
  const stages = syntheticStages(model);
  const outDir = mkdtempSync(join(tmpdir(), 'zkinfer-pkg-'));
  await compilePackage({
    outDir,
    modelId: model.modelId,
    name: `synthetic-${opts.variant ?? 0}`,
    architecture: { family: 'llama', vocabSize: model.vocab, dModel: model.d, nLayers: model.layers, nHeads: 1, nKvHeads: 1, headDim: model.d, ffnDim: model.d, parameters: 100 },
    detokenizer: { kind: 'sentencepiece', pieces: Array.from({ length: model.vocab }, (_, i) => `<${i}>`) },
    ctx: model.ctx,
    q: model.q,
    stages,
    chunkPower: TEST_POWER,
    layout: 'layers', // synthetic stages are layer-major
    cacheDir: zkinferCacheDir(),
  });
  return { model, stages, pkg: readPackage(outDir) };
}

/** `engine`: default the chosen one (native where built); the engine tests force each. */
export async function proveSynthetic(c: CompiledSynthetic, prompt: number[], n: number, threads = 2, engine?: ProverEngine): Promise<ProveBundleResult> {
  return proveBundle({ pkg: c.pkg, q: c.model.q, stages: c.stages, promptTokens: prompt, generated: syntheticGenerate(c.model, prompt, n), threads, engine });
}
