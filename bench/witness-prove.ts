/**
 * Witness generation and chunk proving, timed apart (the two halves of `zkinfer prove`).
 *
 *   # witness generation only, first 12 chunks of stories260K at T = 32 (no keys needed):
 *   node bench/witness-prove.ts --model /work/shared/models/stories260K/stories260K.gguf --ctx 32 --chunks 12
 *   # the same for a compiled package (npx zkinfer compile --ctx 16 --out /tmp/pkg16), add --lean
 *   # for the lean systems prove builds; then the whole prove on 2 workers (`time` adds the
 *   # workers' CPU to this process's):
 *   node bench/witness-prove.ts --package /tmp/pkg16 --lean
 *   # LogUp circuits (witness only, --model mode; the challenge from a SHA-256 of the committed
 *   # values standing in for the proof system's oracle, which hashes the commitment D instead):
 *   node bench/witness-prove.ts --model prover/models/default/model.gguf --ctx 32 --lean --ranges logup:8
 *   time node bench/witness-prove.ts --package /tmp/pkg16 --prove --threads 2
 *
 * Witness: the loop of chunkWitnesses over the first --chunks chunks of a greedy pass
 * (prompt "Once", the rest generated), timing each chunk's build (witness mode; --lean: lean
 * systems, as `zkinfer prove` builds them) and constraint check apart, as CPU time of this
 * process (robust against other load on the machine) and wall time. --prove: proveBundle on
 * --threads workers, wall and main-process CPU.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { R } from '@zkinfer/prover/circuit/field.ts';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { PLAIN_RANGES, rangeBackendName, type RangeBackend, rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import { resolve } from 'node:path';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { planStages, defaultChunkPower, stagesForLayout, type ChunkLayout } from '@zkinfer/prover/chunks/position.ts';
import { freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { proveBundle } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { promptCommitment, randomSalt } from '@zkinfer/prover/commit/commit.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { loadModel } from '@zkinfer/prover/model/load.ts';
import { readPackage } from '@zkinfer/prover/package/layout.ts';
import { loadPackageModel } from '@zkinfer/prover/package/model.ts';
import { quantizeForFile } from '@zkinfer/prover/quant/cache.ts';
import type { QuantModel } from '@zkinfer/prover/quant/types.ts';
import type { Tokenizer } from '@zkinfer/prover/model/types.ts';
import { quantModelId } from '@zkinfer/prover/quant/serialize.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';

const { values } = parseArgs({
  options: {
    package: { type: 'string' },
    model: { type: 'string' },
    ctx: { type: 'string' },
    power: { type: 'string' },
    layout: { type: 'string', default: 'positions' },
    chunks: { type: 'string' },
    prompt: { type: 'string', default: 'Once' },
    prove: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    lean: { type: 'boolean', default: false },
    ranges: { type: 'string', default: 'plain' },
  },
});
const log = (m: string) => process.stderr.write(`${m}\n`);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let q: QuantModel;
let tokenizer: Tokenizer;
let ctx: number;
let power: number;
let layout: ChunkLayout;
let modelId: string;
const pkg = values.package ? readPackage(resolve(values.package)) : undefined;
if (pkg) {
  ({ q, tokenizer } = await loadPackageModel(pkg));
  ctx = pkg.manifest.ctx;
  power = pkg.info.chunkPower;
  layout = (pkg.info.layout ?? 'layers') as ChunkLayout;
  modelId = pkg.manifest.modelId;
} else {
  if (!values.model || !values.ctx) throw new TypeError('--package DIR, or --model FILE and --ctx T');
  const model = loadModel(values.model);
  q = quantizeForFile(model, { log });
  tokenizer = model.tokenizer;
  ctx = Number(values.ctx);
  layout = values.layout as ChunkLayout;
  power = values.power ? Number(values.power) : defaultChunkPower(stagesForLayout(layout, q, ctx), ctx);
  modelId = quantModelId(q);
}
const promptTokens = tokenizer.encode(values.prompt!, { bos: true });
const generated = generateInt(q, [...promptTokens], ctx - promptTokens.length);
const rangesMatch = /^(plain|logup:(\d+))$/.exec(values.ranges!);
if (!rangesMatch) throw new TypeError(`--ranges ${values.ranges}: plain or logup:B`);
if (pkg && values.ranges !== 'plain') throw new TypeError('--ranges logup:B needs --model (packages are plain circuits)');
const ranges: RangeBackend = rangesMatch[2] ? { kind: 'logup', limbBits: Number(rangesMatch[2]) } : PLAIN_RANGES;
const stages = stagesForLayout(layout, q, ctx, ranges);
/** Stand-in for the proof system's challenge (it hashes D = Σ w_j·P_j, an MSM over J, not timed here). */
const oracle: ChallengeOracle = (committed, publics) => {
  const h = createHash('sha256');
  for (const v of [...committed, ...publics]) h.update(`${v.toString(16)},`);
  return BigInt(`0x${h.digest('hex')}`) % R;
};
log(`model ${modelId.slice(0, 12)}…, T = ${ctx}, chunk power ${power}, layout ${layout}, ${promptTokens.length} prompt + ${generated.length} generated tokens`);

if (values.prove) {
  if (!pkg) throw new TypeError('--prove needs --package');
  const threads = Number(values.threads);
  const c0 = cpuMs();
  const t0 = performance.now();
  const r = await proveBundle({ pkg, q, stages, promptTokens, generated, threads, positions: 'all' });
  await shutdownProver();
  const wall = performance.now() - t0;
  log(`prove ${pkg.info.chunks.length} chunks, ${threads} workers: wall ${(wall / 1000).toFixed(1)} s (proveMs ${(r.proveMs / 1000).toFixed(1)} s, witness done at ${(r.witnessMs / 1000).toFixed(1)} s), main-process CPU ${((cpuMs() - c0) / 1000).toFixed(1)} s`);
} else {
  const plans = planStages(stages, { ctx, power, ...rangePlanOptions(ranges) });
  const n = Math.min(plans.length, values.chunks ? Number(values.chunks) : plans.length);
  const salt = randomSalt();
  const statement = { promptCommitment: promptCommitment(promptTokens, ctx, salt), nPrompt: promptTokens.length, nGenerated: generated.length, generated };
  const proof = freshProofWitness(statement, promptTokens, salt, plans.length);
  let inCommitment = 0n;
  let inValues: Parameters<typeof buildChunk>[0]['witness'] extends infer W ? (W extends { inValues: infer V } ? V : never) : never = [];
  let build = 0;
  let check = 0;
  let buildWall = 0;
  let rows = 0;
  for (let index = 0; index < n; index++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    const built = buildChunk({ modelId, ctx, q, stages, plans, index, witness: { proof, inCommitment, inValues }, lean: values.lean, ranges, oracle });
    const c1 = cpuMs();
    buildWall += performance.now() - w0;
    const bad = findUnsatisfied(built.cs);
    if (bad) throw new RangeError(`chunk ${index}: constraint #${bad.index} (${bad.label}) not satisfied`);
    const c2 = cpuMs();
    build += c1 - c0;
    check += c2 - c1;
    rows += built.cs.nConstraints;
    inCommitment = built.outCommitment!;
    inValues = built.outValues ?? [];
  }
  log(`${rangeBackendName(ranges)} ${values.lean ? 'lean' : 'recording'} witness of ${n}/${plans.length} chunks (${rows} constraints): build ${(build / 1000).toFixed(2)} s CPU (${(buildWall / 1000).toFixed(2)} s wall), check ${(check / 1000).toFixed(2)} s CPU; per chunk ${((build + check) / n).toFixed(0)} ms`);
}
