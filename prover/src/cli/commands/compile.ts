import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { integerOf, parseCommandArgs } from '../args.ts';
import type { ChunkPlan } from '../../chunks/plan.ts';
import { CHUNK_LAYOUTS, defaultChunkPower, layerMajorComparison, planStages, stagesForLayout, type ChunkLayout } from '../../chunks/position.ts';
import type { QuantModel } from '../../quant/types.ts';
import { DEFAULT_MODEL_PATH, defaultModelPath } from '../../model/default-model.ts';
import { compilePackage } from '../../package/compile.ts';
import { DEFAULT_RANGE_BACKEND, parseRangeBackend, PLAIN_RANGES, rangePlanOptions, type RangeBackend } from '../../circuit/range-backend.ts';
import { prepareModel } from '../../package/model.ts';
import { zkinferCacheDir } from '../../quant/cache.ts';
import { QUANT_FLAG_HELP, QUANT_PRESET_NAMES, QUANT_PRESETS, type QuantPreset } from '../../quant/options.ts';
import { terminateCurve } from '../../snark/curve.ts';
import { defaultRangesFor } from '../../package/default-ranges.ts';

const usage = `usage: zkinfer compile [--model FILE] --ctx T --out DIR [--quant Q] [--ptau FILE] [--chunk-power K] [--layout L] [--plain | --ranges R] [--name NAME] [--json]

Quantizes the model (cached), cuts its forward pass over T positions into chunk circuits of
fewer than 2^K rows, runs the Groth16 phase-2 setup of every distinct circuit (contribution +
beacon + key check; keys cached by circuit hash) and writes the package DIR: manifest.json
(the registry manifest of docs/proof-format.md), package.json, model.zkqm, the .r1cs/.zkey files.

  --model FILE       GGUF file, or model.safetensors with config.json beside it
                     (default: ${DEFAULT_MODEL_PATH})
  --ctx T            positions proven per bundle (prompt + generated tokens ≤ T)
  --out DIR          package directory (created)
  --quant Q          ${QUANT_FLAG_HELP}
  --ptau FILE        a prepared powers-of-tau file (e.g. the public Perpetual Powers of Tau);
                     default: a local INSECURE one of the needed power, cached
  --chunk-power K    chunk size bound 2^K rows (default: among the K in 12..19 at which every
                     stage fits a chunk and the pass fits the manifest's 256 chunks, the one
                     with the least total proving domain, chunks × 2^K; e.g. 15 for the
                     bundled model)
  --layout L         positions (default): each position cut into the same few circuits, one
                     key per circuit whatever T is (a short setup); layers: layer-major, one
                     key per chunk (a long setup, less proving per bundle: compile prints a
                     note when it saves more than a quarter; docs/decisions.md 9)
  --plain            plain R1CS circuits: every range check a bit decomposition, provable and
                     verifiable by any Groth16 tool (snarkjs's CLI included); the same as
                     --ranges plain
  --ranges R         logup (default: limbs of 8 bits, the measured fastest, docs/decisions.md
                     28, and a clamp table of 2^10 pairs for int8 saturation, decisions 32),
                     logup:B (limbs of B bits), logup:B:W (a clamp table of 2^W; W = 0: none)
                     or plain. LogUp circuits check ranges by lookup (several times
                     fewer rows); their keys and proofs carry a BSB22 commitment (docs/proof-
                     format.md "Commitment"), which zkinfer's verifiers (CLI, API, badge, the
                     Solidity bundle verifier) check and snarkjs's CLI does not. Only the native
                     prover proves them: where it cannot run, the default is plain (said once)
  --name NAME        manifest name (default: from the model file name)
  --json             print a JSON summary on stdout`;

export const command: Command = {
  name: 'compile',
  summary: 'build the chunk circuits and proving keys of a model (package dir + manifest)',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      options: {
        model: { type: 'string' },
        ctx: { type: 'integer', required: true, min: 2 },
        out: { type: 'string', required: true },
        quant: { type: 'string', default: 'int8', choices: QUANT_PRESET_NAMES },
        ptau: { type: 'string' },
        'chunk-power': { type: 'string', default: 'auto' },
        layout: { type: 'string', default: 'positions', choices: CHUNK_LAYOUTS },
        plain: { type: 'boolean' },
        ranges: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const ctx = values.ctx;
    const auto = values['chunk-power'] === 'auto';
    const asked = auto ? 0 : integerOf('--chunk-power', values['chunk-power'], 8, 27);
    const layout = values.layout as ChunkLayout;
    const path = values.model ?? defaultModelPath();
    if (!path) throw new UsageError(`--model is required (no bundled default model at ${DEFAULT_MODEL_PATH})`);
    const log = (msg: string) => console.error(`zkinfer compile: ${msg}`);
    const t0 = performance.now();

    const m = await prepareModel(resolve(path), log, QUANT_PRESETS[values.quant as QuantPreset]);
    log(`model ${m.modelId} (${m.architecture.family}, ${m.architecture.nLayers} layers, d=${m.architecture.dModel}, vocab ${m.architecture.vocabSize})`);
    if (values.plain && values.ranges !== undefined && values.ranges !== 'plain') throw new UsageError(`--plain and --ranges ${values.ranges} contradict each other`);
    const ranges = values.plain ? PLAIN_RANGES : values.ranges === undefined ? defaultRanges(log) : rangesOption(values.ranges);
    const stages = stagesForLayout(layout, m.q, ctx, ranges);
    const power = auto ? defaultChunkPower(stages, ctx, rangePlanOptions(ranges)) : asked;
    if (auto) log(`chunk power 2^${power} (the least total proving domain within 256 chunks; --chunk-power to choose)`);
    if (layout === 'positions') {
      const note = layersNote(m.q, ctx, planStages(stages, { ctx, power, ...rangePlanOptions(ranges) }), ranges);
      if (note) log(note);
    }
    const out = resolve(values.out);
    let r;
    try {
      r = await compilePackage({
        outDir: out,
        modelId: m.modelId,
        name: values.name ?? m.name,
        architecture: m.architecture,
        detokenizer: m.detokenizer,
        ctx,
        q: m.q,
        stages,
        chunkPower: power,
        layout,
        ranges,
        ptau: values.ptau,
        cacheDir: zkinferCacheDir(),
        quantBytes: m.quantBytes,
        model: { path: resolve(path), sha256: m.fileSha256 },
        onProgress: log,
      });
    } finally {
      // snarkjs caches a multi-threaded curve in globalThis; its workers would keep the
      // process alive after a fresh setup, and `npm start` waits for compile to exit.
      await terminateCurve();
    }
    const seconds = (performance.now() - t0) / 1000;
    const constraints = r.info.chunks.map((c) => c.constraints);
    if (values.json) {
      console.log(JSON.stringify({ package: out, modelId: m.modelId, ctx, chunkPower: power, chunks: r.info.chunks.length, constraints, ptau: r.manifest.ptau, newKeys: r.newKeys, seconds }));
    } else {
      console.log(`compiled ${m.modelId} for ctx ${ctx}: ${constraints.length} chunks (${constraints.reduce((a, b) => a + b, 0)} constraints) in ${seconds.toFixed(1)} s`);
      console.log(`package: ${out}  (register ${out}/manifest.json with \`zkinfer register\`)`);
      if (r.manifest.ptau.insecure) console.log('WARNING: the ptau is a local INSECURE one: whoever made it could forge proofs (development only)');
    }
    return 0;
  },
};

/**
 * A note when the layer-major layout would prove a bundle over a much smaller domain than the
 * position plan (docs/decisions.md 9): worth it for a model proven many times. Undefined when
 * it would not save a quarter, or does not fit.
 */
function layersNote(q: QuantModel, ctx: number, positionPlans: readonly ChunkPlan[], ranges: RangeBackend): string | undefined {
  const c = layerMajorComparison(q, ctx, positionPlans, ranges);
  if (!c || c.layers.domain > 0.75 * c.positions.domain) return undefined;
  const mi = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 1)} Mi`;
  const saved = Math.round((100 * (c.positions.domain - c.layers.domain)) / c.positions.domain);
  return `note: --layout layers would prove each bundle over ${mi(c.layers.domain)} rows instead of ${mi(c.positions.domain)} (${saved} % less domain, the bulk of proving time), at a setup of ${c.layers.keys} keys over ${mi(c.layers.setupDomain)} rows instead of ${c.positions.keys} over ${mi(c.positions.setupDomain)}: worth it for a model you prove many times`;
}

/** compile's default backend (package/default-ranges.ts), with a line in the log when the native prover's absence makes it plain. */
function defaultRanges(log: (msg: string) => void): RangeBackend {
  const ranges = defaultRangesFor();
  if (ranges.kind !== DEFAULT_RANGE_BACKEND.kind) log('plain circuits: LogUp circuits (the default) need the native prover, which does not run here (--ranges logup builds them anyway)');
  return ranges;
}

function rangesOption(text: string): RangeBackend {
  try {
    return parseRangeBackend(text);
  } catch (err) {
    throw new UsageError(`--ranges ${(err as Error).message}`);
  }
}
