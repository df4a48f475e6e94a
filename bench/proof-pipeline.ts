/**
 * bench/proof-pipeline.ts — the chunked proving pipeline, measured (BENCHMARKS.md section
 * `proof-pipeline`). Reproduce: `npx node bench/proof-pipeline.ts [--full]`.
 *
 * For each model: constraints per position (by stage kind) and the chunk plan at T = 32 with
 * 2^16-row chunks (measured by building every stage in shape mode). With --full, or for
 * models whose plan is small enough (≤ MAX_FULL_CHUNKS chunks), also the real pipeline: compile
 * (phase-2 setup of every chunk on a local ptau), prove a 4-token prompt (wall time, 2 workers),
 * peak RSS, bundle size, strict verification time in Node. Models are the shared ones that
 * exist; prover/models/default when present.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundle, verifyBundle } from '../api/src/verify/index.ts';
import { forwardStages } from '../prover/src/circuit/transformer/stages.ts';
import { planChunks } from '../prover/src/chunks/plan.ts';
import { proveBundle } from '../prover/src/bundle/prove-bundle.ts';
import { generateInt } from '../prover/src/infer/int.ts';
import { defaultModelPath } from '../prover/src/model/default-model.ts';
import { compilePackage } from '../prover/src/package/compile.ts';
import { readPackage } from '../prover/src/package/layout.ts';
import { prepareModel } from '../prover/src/package/model.ts';
import { zkinferCacheDir } from '../prover/src/quant/cache.ts';
import { shutdownProver } from '../prover/src/snark/prove.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const T = 32;
const POWER = 16;
const MAX_FULL_CHUNKS = Number(process.env.ZKINFER_BENCH_MAX_CHUNKS ?? 12);
const full = process.argv.includes('--full');
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

const log = (m: string) => console.error(`[proof-pipeline] ${m}`);
const planRows: (string | number)[][] = [];
const runRows: (string | number)[][] = [];
const notes: string[] = [];
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);

for (const [name, path] of models) {
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
  const measureS = (performance.now() - t0) / 1000;
  let power = POWER;
  let plans;
  try {
    plans = planChunks(stages, { ctx, power });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // A single stage too big for 2^16 (the transformer stages must be split): plan at 2^17 to report the rest.
    notes.push(`${name}: ${err.message}; the plan below uses 2^${POWER + 1}-row chunks.`);
    power = POWER + 1;
    plans = planChunks(stages, { ctx, power });
  }
  const sizes = plans.map((p) => p.constraints);
  const overhead = total === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) - total;
  planRows.push([
    name,
    ctx,
    `2^${power}`,
    Math.round(total / ctx).toLocaleString('en'),
    Object.entries(by).map(([k, v]) => `${k} ${Math.round(v / ctx).toLocaleString('en')}`).join(', '),
    plans.length,
    `${Math.min(...sizes).toLocaleString('en')}–${Math.max(...sizes).toLocaleString('en')}`,
    `${((100 * overhead) / total).toFixed(1)} %`,
    measureS.toFixed(0),
  ]);
  log(`${name}: ${total} constraints, ${plans.length} chunks`);
  if (!full && plans.length > MAX_FULL_CHUNKS) {
    notes.push(`${name}: ${plans.length} chunks at T = ${ctx} — the full compile/prove run was skipped (over ${MAX_FULL_CHUNKS} chunks; pass --full).`);
    continue;
  }
  const out = mkdtempSync(join(tmpdir(), `zkinfer-bench-${name}-`));
  try {
    t0 = performance.now();
    const r = await compilePackage({ outDir: out, modelId: m.modelId, name: m.name, architecture: m.architecture, detokenizer: m.detokenizer, ctx, q: m.q, stages, chunkPower: power, layout: 'layers', cacheDir: zkinferCacheDir(), quantBytes: m.quantBytes, model: { path, sha256: m.fileSha256 }, onProgress: log });
    const compileS = (performance.now() - t0) / 1000;
    const pkg = readPackage(out);
    const prompt = m.model.tokenizer.encode('Once upon a time', { bos: true }).slice(0, 4);
    const generated = generateInt(m.q, prompt, ctx - prompt.length);
    t0 = performance.now();
    const proved = await proveBundle({ pkg, q: m.q, stages, promptTokens: prompt, generated, threads: 2, onProgress: log });
    const proveS = (performance.now() - t0) / 1000;
    const bundleJson = JSON.stringify(proved.bundle);
    writeFileSync(join(out, 'proof.json'), bundleJson);
    t0 = performance.now();
    const verdict = verifyBundle(pkg.manifest, parseBundle(JSON.parse(readFileSync(join(out, 'proof.json'), 'utf8'))));
    const verifyMs = performance.now() - t0;
    if (!verdict.valid) throw new Error(`${name}: bundle invalid: ${verdict.reason}`);
    runRows.push([name, ctx, plans.length, `${compileS.toFixed(0)} s${r.newKeys === 0 ? ' (keys cached)' : ''}`, `${proveS.toFixed(1)} s (witness ${(proved.witnessMs / 1000).toFixed(1)} s)`, `${(peakRss / 2 ** 20).toFixed(0)} MiB`, `${(bundleJson.length / 1024).toFixed(1)} KiB`, `${verifyMs.toFixed(0)} ms`]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
clearInterval(sampler);
await shutdownProver();

const md = [
  '## Proof pipeline (chunked Groth16)',
  '',
  `Reproduce: \`npx node bench/proof-pipeline.ts\` (add \`--full\` to run compile/prove for every model). ${machineLine()}.`,
  `Chunks of < 2^${POWER} rows (constraints + 7 + T public rows); 4-token prompt, the rest of the T positions generated.`,
  '',
  '### Constraints and chunk plan (measured by building every stage in shape mode)',
  '',
  markdownTable(['model', 'T', 'chunk rows', 'constraints / position', 'by stage kind / position', 'chunks', 'chunk sizes', 'chunk overhead', 'measure s'], planRows),
  '',
  '### Full pipeline',
  '',
  runRows.length ? markdownTable(['model', 'T', 'chunks', 'compile + setup', 'prove (wall, 2 workers)', 'peak RSS (main process)', 'bundle', 'verify (Node, strict)'], runRows) : 'No model small enough was run (see notes).',
  '',
  ...notes.map((n) => `- ${n}`),
].join('\n');
writeBenchSection('proof-pipeline', md);
console.log(md);
