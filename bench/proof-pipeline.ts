/**
 * bench/proof-pipeline.ts — the chunked proving pipeline, measured (BENCHMARKS.md section
 * `proof-pipeline`). Reproduce: `npx node bench/proof-pipeline.ts [--full[=NAME,…]] [--layers=NAME,…] [--only=NAME]`.
 *
 * For each model: constraints per position (by stage kind) and the chunk plans at T = 32 in
 * both layouts (chunks/position.ts), each at the power `zkinfer compile` picks by default:
 * position chunks (the default: K circuits shared by all positions) and layer-major chunks
 * (one circuit per chunk), with their total proving domain (Σ snarkjs domains), measured by
 * building every stage in shape mode. With --full, or for models whose position plan needs at
 * most MAX_FULL_KINDS circuits, also the real pipeline in the position layout: compile
 * (phase-2 setup of every distinct circuit on a local ptau; keys cached by circuit hash), prove
 * a 4-token prompt (wall time, 2 workers), peak RSS, bundle size, strict verification in Node.
 * --layers=NAME runs the same pipeline in the layer-major layout for that model too (its setup
 * is one key per chunk: run `zkinfer compile --layout layers` first to time it cold; the bench
 * then finds the keys in the cache).
 * --ranges=plain,logup[:B] runs the position pipeline once per range backend, side by side
 * (circuit/range-backend.ts; LogUp packages carry BSB22 commitment keys), and writes the
 * section `proof-pipeline-ranges` instead, leaving `proof-pipeline` as it was.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundle, verifyBundle } from '@zkinfer/verifier';
import { forwardStages } from '@zkinfer/prover/circuit/transformer/stages.ts';
import { positionStages } from '@zkinfer/prover/circuit/transformer/position-stages.ts';
import { chunkDomain, type ChunkPlan } from '@zkinfer/prover/chunks/plan.ts';
import { defaultChunkPower, planStages, stagesForLayout, totalDomain, type ChunkLayout } from '@zkinfer/prover/chunks/position.ts';
import type { Stage } from '@zkinfer/prover/circuit/transformer/stage.ts';
import { proveBundle } from '@zkinfer/prover/bundle/prove-bundle.ts';
import { formatSummary, selfCpuMs, summarizeProfile } from '@zkinfer/prover/bundle/pipeline-profile.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { defaultModelPath } from '@zkinfer/prover/model/default-model.ts';
import { compilePackage } from '@zkinfer/prover/package/compile.ts';
import { MANIFEST_FILE, readPackage } from '@zkinfer/prover/package/layout.ts';
import { prepareModel } from '@zkinfer/prover/package/model.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import { parseRangeBackend, PLAIN_RANGES, rangeBackendName, type RangeBackend, rangePlanOptions } from '@zkinfer/prover/circuit/range-backend.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';
import { childProcesses } from '../test/helpers/proc.ts';
import { miniflareVersion, startVerifyWorker } from './workerd/harness.ts';

const T = 32;
const MAX_FULL_KINDS = Number(process.env.ZKINFER_BENCH_MAX_KINDS ?? 3);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const fullArg = process.argv.find((a) => a === '--full' || a.startsWith('--full='));
/** --full: every model; --full=NAME,…: those models (the others keep to MAX_FULL_KINDS). */
const fullFor = (name: string): boolean => fullArg === '--full' || (fullArg?.slice(7).split(',').includes(name) ?? false);
const rangesArg = process.argv.find((a) => a.startsWith('--ranges='))?.slice(9);
const backends: RangeBackend[] = rangesArg ? rangesArg.split(',').map(parseRangeBackend) : [PLAIN_RANGES];
const layersFor = new Set(process.argv.find((a) => a.startsWith('--layers='))?.slice(9).split(',') ?? []);
const shared = new URL('../../shared/models/', import.meta.url).pathname;
const models: [string, string][] = [];
const def = defaultModelPath();
if (def) models.push(['default', def]);
for (const [name, rel] of [['stories260K', 'stories260K/stories260K.gguf'], ['tiny-gemma3-random', 'tiny-gemma3-random/model.safetensors']] as const) {
  try {
    statSync(join(shared, rel));
    models.push([name, join(shared, rel)]);
  } catch {
    console.error(`skipping ${name}: ${join(shared, rel)} not found`);
  }
}
const extra = process.argv.find((a) => a.startsWith('--model='));
if (extra) models.push([extra.slice(8).split('/').pop()!, extra.slice(8)]);

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const log = (m: string) => console.error(`[proof-pipeline] ${m}`);
const planRows: (string | number)[][] = [];
const runRows: (string | number)[][] = [];
const notes: string[] = [];
/**
 * workerd CPU ms of POST /v1/verify's work on a real bundle (JSON.parse + parseBundle +
 * verifyBundle with the model's prepared keys, bench/workerd/worker.ts), less an empty request;
 * mean of 3 requests after one warm-up. workerd is stopped again, so that it is not counted in
 * the next run's peak RSS.
 */
async function verifyInWorkerd(manifestJson: string, bundleJson: string): Promise<number> {
  const workerd = await startVerifyWorker();
  try {
    await workerd.setup(`{"manifest":${manifestJson},"bundle":${bundleJson}}`);
    await workerd.series('/parse-verify-bundle?n=1', 1);
    const empty = await workerd.series('/noop', 3);
    return (await workerd.series('/parse-verify-bundle?n=1', 3)).cpu - empty.cpu;
  } finally {
    await workerd.dispose();
  }
}
let peakRss = 0;
/** RSS of this process plus its children (the forked proving workers; workerd runs only between proofs). */
const treeRss = () => process.memoryUsage().rss + childProcesses().reduce((n, c) => n + c.rss, 0);
const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss())), 500);

for (const [name, path] of models) {
  if (only && name !== only) continue;
  const m = await prepareModel(path, log);
  const ctx = Math.min(T, m.q.config.contextLength);
  let t0 = performance.now();
  const stages = forwardStages(m.q, ctx);
  const by: Record<string, number> = {};
  let total = 0;
  for (const s of stages) {
    const kind = s.name.replace(/@\d+$/, '').replace(/^L\d+\./, '');
    by[kind] = (by[kind] ?? 0) + s.constraints;
    total += s.constraints;
  }
  const pStages = positionStages(m.q, ctx);
  // What `zkinfer compile` picks by default in each layout (chunks/position.ts defaultChunkPower).
  const power = defaultChunkPower(pStages, ctx);
  const plans = planStages(pStages, { ctx, power });
  const layersPower = defaultChunkPower(stages, ctx);
  const layerPlans = planStages(stages, { ctx, power: layersPower });
  const measureS = (performance.now() - t0) / 1000;
  const kinds = plans[0].position!.kinds;
  const kindSizes = plans.slice(0, kinds).map((p) => `${p.constraints.toLocaleString('en')} (2^${Math.log2(chunkDomain(p.constraints, ctx))})`).join(' + ');
  const perPosition = (ps: ChunkPlan[]) => (ps.reduce((a, p) => a + p.constraints, 0) / ctx).toLocaleString('en', { maximumFractionDigits: 0 });
  const sizeRange = (ps: ChunkPlan[]) => {
    const sizes = ps.map((p) => p.constraints);
    return `${Math.min(...sizes).toLocaleString('en')}–${Math.max(...sizes).toLocaleString('en')}`;
  };
  const domainM = (ps: ChunkPlan[]) => (totalDomain(ps, ctx) / 2 ** 20).toFixed(2);
  planRows.push([
    name,
    ctx,
    Math.round(total / ctx).toLocaleString('en'),
    Object.entries(by).map(([k, v]) => `${k} ${Math.round(v / ctx).toLocaleString('en')}`).join(', '),
    `≤ 2^${power}: ${plural(kinds, 'circuit')} (${kindSizes}), ${plans.length} chunks, ${perPosition(plans)} / position, domain ${domainM(plans)} Mi rows`,
    `≤ 2^${layersPower}: ${layerPlans.length} circuits = chunks of ${sizeRange(layerPlans)} constraints, ${perPosition(layerPlans)} / position, domain ${domainM(layerPlans)} Mi rows`,
    measureS.toFixed(0),
  ]);
  log(`${name}: ${total} constraints, ${kinds} circuits × ${ctx} positions`);
  type Run = [ChunkLayout, Stage[], number, ChunkPlan[], RangeBackend];
  // What `zkinfer compile --layout L --ranges R` builds for a non-plain R: its stages and chunk
  // power are that backend's (plain runs reuse the plans measured for the table above).
  const compiled = (layout: ChunkLayout, ranges: RangeBackend): Run => {
    const s = stagesForLayout(layout, m.q, ctx, ranges);
    const rows = rangePlanOptions(ranges);
    const p = defaultChunkPower(s, ctx, rows);
    return [layout, s, p, planStages(s, { ctx, power: p, ...rows }), ranges];
  };
  const runs: Run[] = [];
  if (fullFor(name) || kinds <= MAX_FULL_KINDS) {
    for (const ranges of backends) runs.push(ranges.kind === 'plain' ? ['positions', pStages, power, plans, ranges] : compiled('positions', ranges));
  }
  else notes.push(`${name}: ${kinds} circuits at T = ${ctx} — the full compile/prove run was skipped (over ${MAX_FULL_KINDS}; pass --full).`);
  if (layersFor.has(name)) {
    for (const ranges of backends) runs.push(ranges.kind === 'plain' ? ['layers', stages, layersPower, layerPlans, ranges] : compiled('layers', ranges));
  }
  for (const [layout, runStages, runPower, runPlans, ranges] of runs) {
    const out = mkdtempSync(join(tmpdir(), `zkinfer-bench-${name}-`));
    try {
      t0 = performance.now();
      const r = await compilePackage({ outDir: out, modelId: m.modelId, name: m.name, architecture: m.architecture, detokenizer: m.detokenizer, ctx, q: m.q, stages: runStages, chunkPower: runPower, layout, ranges, cacheDir: zkinferCacheDir(), quantBytes: m.quantBytes, model: { path, sha256: m.fileSha256 }, onProgress: log });
      const compileS = (performance.now() - t0) / 1000;
      const pkg = readPackage(out);
      const prompt = m.model.tokenizer.encode('Once upon a time', { bos: true }).slice(0, 4);
      const generated = generateInt(m.q, prompt, ctx - prompt.length);
      peakRss = 0;
      const load0 = loadavg()[0];
      t0 = performance.now();
      const cpu0 = selfCpuMs();
      // Every position: the section measures whole T = 32 bundles (a 4-token prompt reads far fewer).
      const proved = await proveBundle({ pkg, q: m.q, stages: runStages, promptTokens: prompt, generated, threads: 2, positions: 'all', onProgress: log });
      const proveS = (performance.now() - t0) / 1000;
      const mainCpuMs = selfCpuMs() - cpu0;
      const load1 = loadavg()[0];
      const summary = summarizeProfile(proved.profile);
      // CPU of the whole bundle: this process, the workers' start-up and Node side, the provers.
      const totalCpuMs = mainCpuMs + (summary.workersStartCpuMs ?? 0) + (summary.workerNodeCpuMs ?? 0) + (summary.proverCpuMs ?? 0);
      const breakdown = [`main process CPU ${(mainCpuMs / 1000).toFixed(2)} s; CPU of the whole bundle ${(totalCpuMs / 1000).toFixed(2)} s (main + workers + provers), ${(totalCpuMs / 2000).toFixed(2)} s on 2 cores if none idled`, ...formatSummary(summary)];
      for (const line of breakdown) log(`${name} (${layout}) ${line}`);
      notes.push(`${name} (${layout}), where the ${proveS.toFixed(1)} s went (load ${load0.toFixed(1)} → ${load1.toFixed(1)}; bundle/pipeline-profile.ts):\n${breakdown.map((l) => `  - ${l}`).join('\n')}`);
      const bundleJson = JSON.stringify(proved.bundle);
      writeFileSync(join(out, 'proof.json'), bundleJson);
      t0 = performance.now();
      const verdict = verifyBundle(pkg.manifest, parseBundle(JSON.parse(readFileSync(join(out, 'proof.json'), 'utf8'))));
      const verifyMs = performance.now() - t0;
      if (!verdict.valid) throw new Error(`${name}: bundle invalid: ${verdict.reason}`);
      log(`${name} (${layout}): verifying in workerd`);
      const workerdMs = await verifyInWorkerd(readFileSync(join(out, MANIFEST_FILE), 'utf8'), bundleJson);
      const runKinds = runPlans[0].position?.kinds ?? kinds;
      const circuits = layout === 'positions' ? plural(runKinds, 'circuit') : plural(runPlans.length, 'circuit');
      const layoutCell = rangesArg ? `${layout}, ${rangeBackendName(ranges)}` : layout;
      runRows.push([name, layoutCell, ctx, `${runPlans.length} (${circuits}, ≤ 2^${runPower})`, `${compileS.toFixed(0)} s${r.newKeys === 0 ? ' (keys cached)' : ` (${plural(r.newKeys, 'new key')})`}`, `${proveS.toFixed(1)} s (last witness at ${(proved.witnessMs / 1000).toFixed(1)} s; witness CPU ${(proved.witnessCpuMs / 1000).toFixed(1)} s, Σ worker proofs ${(proved.workerProveMs / 1000).toFixed(1)} s)`, `${load0.toFixed(1)} → ${load1.toFixed(1)}`, `${(peakRss / 2 ** 20).toFixed(0)} MiB`, `${(bundleJson.length / 1024).toFixed(1)} KiB`, `${verifyMs.toFixed(0)} ms`, `${workerdMs.toFixed(0)} ms (${(workerdMs / runPlans.length).toFixed(1)} ms / chunk)`]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}
clearInterval(sampler);
await shutdownProver();

const md = [
  rangesArg ? '## Proof pipeline by range backend (plain against LogUp, issue 16)' : '## Proof pipeline (chunked Groth16)',
  '',
  ...(rangesArg ? [`Reproduce: \`npx node bench/proof-pipeline.ts --only=NAME --full=NAME --ranges=${rangesArg}\`. The position pipeline once per range backend, one after the other in one run; a LogUp package's chunk keys and proofs carry a BSB22 commitment (docs/decisions.md 17, 18, 22). The plan table is the plain stages'.`, ''] : []),
  `Reproduce: \`npx node bench/proof-pipeline.ts\` (add \`--full\` to run compile/prove for every model or \`--full=NAME,…\` for some, \`--layers=stories260K\` to run it in the layer-major layout too). ${machineLine()}.`,
  `Chunks of < 2^k rows (constraints + 7 + T public rows), cut for the least total proving domain (Σ over chunks of snarkjs's domain, the least power of two above a chunk's rows) at the power \`zkinfer compile\` picks by default; 4-token prompt, the rest of the T positions generated. Position chunks: K circuits, each proven once per position (T·K chunk proofs) and set up once; layer-major: every chunk its own circuit and setup (docs/decisions.md 6, 9).`,
  '',
  '### Constraints and chunk plan (measured by building every stage in shape mode)',
  '',
  markdownTable(['model', 'T', 'stage constraints / position', 'by stage kind / position (layer-major stages)', 'position chunks (default)', 'layer-major chunks', 'measure s'], planRows),
  '',
  '### Full pipeline',
  '',
  runRows.length ? markdownTable(['model', 'layout', 'T', 'chunks', 'compile + setup (+ local ptau if not cached)', 'prove (wall, 2 workers)', 'load avg (1 min) before → after prove', 'peak RSS while proving (main + worker processes)', 'bundle', 'verify (Node, strict)', 'verify (workerd CPU)'], runRows) : 'No model small enough was run (see notes).',
  '',
  ...notes.map((n) => `- ${n}`),
  `- Verify in workerd: the CPU time of the workerd process (miniflare ${miniflareVersion()}, read from /proc) for what POST /v1/verify does with a bundle once its model's keys are prepared (JSON.parse, strict parse, batch verification; bench/workerd/worker.ts), less an empty request, mean of 3 requests; the section "Verifier in workerd" has the method. Cloudflare Workers allow 10 ms of CPU per request on the free plan, 30 s by default on the paid plan (\`limits.cpu_ms\` up to 5 minutes).`,
].join('\n');
writeBenchSection(rangesArg ? 'proof-pipeline-ranges' : 'proof-pipeline', md);
console.log(md);
