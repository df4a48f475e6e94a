/**
 * A LogUp package end to end through the library API (issue 16): the micro transformer of the
 * CLI end-to-end test (llama, vocab 256 byte tokenizer, d = 8, one layer; written here, seeded)
 * compiled at ctx 4 with the default `ranges` (logup8c10) (chunk circuits whose keys carry a BSB22
 * commitment), and one bundle proven from a prompt. Keys and ptau come from the zkinfer cache
 * (ZKINFER_CACHE_DIR honoured). The bundled default model is far too large for a cold phase-2
 * setup in a test (test/e2e/proof-source.ts); this model runs the same stage code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proveBundle, type ProveBundleResult } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { stagesForLayout, type ChunkLayout } from '@zkinfer/prover/chunks/position.ts';
import { DEFAULT_RANGE_BACKEND, type RangeBackend } from '@zkinfer/prover/circuit/range-backend.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { compilePackage } from '@zkinfer/prover/package/compile.ts';
import { readPackage, type LoadedPackage } from '@zkinfer/prover/package/layout.ts';
import { prepareModel, type PreparedModel } from '@zkinfer/prover/package/model.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import { modelGguf, randomTensors, tinyLlamaConfig } from '../prover/model/helpers/synthetic.ts';

/** The default LogUp backend (8-bit limbs, a clamp table of 2^10: docs/decisions.md 28, 32). */
export const LOGUP_DEFAULT: RangeBackend = DEFAULT_RANGE_BACKEND;

export interface MicroPackage {
  model: PreparedModel;
  pkg: LoadedPackage;
  /** `positions`: proveBundle's (default 'read', the positions the statement reads). */
  prove(prompt: number[], n: number, positions?: 'read' | 'all'): Promise<ProveBundleResult>;
  /** Removes the model file and the package directory. */
  dispose(): void;
}

/** Compiles the micro model at ctx 4 in chunks < 2^15 rows with `ranges` (position chunks unless `layout` says) into a fresh directory. */
export async function compileMicro(ranges: RangeBackend, ctx = 4, layout: ChunkLayout = 'positions'): Promise<MicroPackage> {
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-micro-'));
  const modelPath = join(dir, 'micro.gguf');
  const config = { ...tinyLlamaConfig, dModel: 8, nLayers: 1, nHeads: 1, nKvHeads: 1, headDim: 8, ffnDim: 8, contextLength: 16 };
  writeFileSync(modelPath, modelGguf(config, randomTensors(config, 7)));
  const model = await prepareModel(modelPath, () => {});
  const outDir = join(dir, 'pkg');
  await compilePackage({
    outDir,
    modelId: model.modelId,
    name: `micro-${ranges.kind}`,
    architecture: model.architecture,
    detokenizer: model.detokenizer,
    ctx,
    q: model.q,
    stages: stagesForLayout(layout, model.q, ctx, ranges),
    chunkPower: 15,
    layout,
    ranges,
    cacheDir: zkinferCacheDir(),
    quantBytes: model.quantBytes,
    model: { path: modelPath, sha256: model.fileSha256 },
  });
  const pkg = readPackage(outDir);
  return {
    model,
    pkg,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
    prove: (prompt, n, positions) => proveBundle({ pkg, q: model.q, promptTokens: prompt, generated: generateInt(model.q, prompt, n), threads: 2, positions }),
  };
}
