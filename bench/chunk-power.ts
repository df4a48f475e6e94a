/**
 * bench/chunk-power.ts — native proving cost against the chunk power (BENCHMARKS.md section
 * `chunk-power`, docs/decisions.md 15). Reproduce:
 *   npx node bench/chunk-power.ts [--model=default|stories260K|PATH] [--powers=13,14,15] [--ctx=32]
 *
 * For each power: the position-chunk plan of the model at T = ctx (chunks/position.ts), its
 * package compiled (phase-2 setup of every kind not in the key cache, timed), then one
 * position's chunk kinds proven on ONE native prover thread from in-memory witnesses, each
 * kind twice (the second proof is timed: its key is already mapped, as for the T − 1 later
 * positions of a bundle). CPU seconds of the prover process (from /proc) are what a core pays;
 * × T gives one bundle's proving CPU at that power, to set beside its witness CPU (this
 * process, lean systems, per position × T). The rule the default power follows is judged on
 * these numbers, not on the domain model alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { positionStages } from '@zkinfer/prover/circuit/transformer/position-stages.ts';
import { chunkDomain } from '@zkinfer/prover/chunks/plan.ts';
import { defaultChunkPower, planStages } from '@zkinfer/prover/chunks/position.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { promptCommitment, randomSalt } from '@zkinfer/prover/commit/commit.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { defaultModelPath } from '@zkinfer/prover/model/default-model.ts';
import { compilePackage } from '@zkinfer/prover/package/compile.ts';
import { readPackage } from '@zkinfer/prover/package/layout.ts';
import { prepareModel } from '@zkinfer/prover/package/model.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { cpuSeconds } from '../test/helpers/proc.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const modelArg = arg('model') ?? 'default';
const path = modelArg === 'default' ? defaultModelPath() : modelArg === 'stories260K' ? new URL('../../shared/models/stories260K/stories260K.gguf', import.meta.url).pathname : modelArg;
if (!path) throw new Error('the bundled default model is not present');
const T = Number(arg('ctx') ?? 32);
const log = (m: string) => console.error(`[chunk-power] ${m}`);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const m = await prepareModel(path, log);
const stages = positionStages(m.q, T);
const chosen = defaultChunkPower(stages, T);
const powers = (arg('powers') ?? String(chosen)).split(',').map(Number);
const prompt = m.model.tokenizer.encode('Once upon a time', { bos: true }).slice(0, 4);
const generated = generateInt(m.q, prompt, T - prompt.length);
const load0 = loadavg()[0];
const rows: (string | number)[][] = [];
const kindRows: (string | number)[][] = [];
for (const power of powers) {
  const plans = planStages(stages, { ctx: T, power });
  const K = plans[0].position!.kinds;
  const out = mkdtempSync(join(tmpdir(), `zkinfer-power-${power}-`));
  const prover = new NativeProver(1);
  try {
    let t0 = performance.now();
    const r = await compilePackage({ outDir: out, modelId: m.modelId, name: m.name, architecture: m.architecture, detokenizer: m.detokenizer, ctx: T, q: m.q, stages, chunkPower: power, layout: 'positions', cacheDir: zkinferCacheDir(), quantBytes: m.quantBytes, model: { path, sha256: m.fileSha256 }, onProgress: log });
    const setupS = (performance.now() - t0) / 1000;
    const pkg = readPackage(out);
    const salt = randomSalt();
    const statement = { promptCommitment: promptCommitment(prompt, T, salt), nPrompt: prompt.length, nGenerated: generated.length, generated };
    // Position 1 (chunks K..2K−1): a middle position, not the first one's absent input.
    let witnessCpu = 0;
    let proveCpu = 0;
    let domain = 0;
    let c0 = cpuMs();
    for (const built of chunkWitnesses({ modelId: m.modelId, ctx: T, q: m.q, stages, plans, proof: freshProofWitness(statement, prompt, salt, plans.length), lean: true })) {
      const bytes = witnessBytes(built.cs.values);
      if (built.index >= K) witnessCpu += cpuMs() - c0;
      if (built.index >= K) {
        const zkey = join(out, pkg.info.chunks[built.index].zkey);
        await prover.prove(zkey, bytes); // maps the key
        const u0 = cpuSeconds(prover.pid!);
        const proof = await prover.prove(zkey, bytes);
        const cpu = cpuSeconds(prover.pid!) - u0;
        const d = chunkDomain(built.cs.nConstraints, T);
        proveCpu += cpu;
        domain += d;
        kindRows.push([`2^${power}`, built.index - K, built.cs.nConstraints.toLocaleString('en'), `2^${Math.log2(d)}`, cpu.toFixed(2), ((cpu * 1e6) / d).toFixed(1), ((cpu * 1e6) / built.cs.nConstraints).toFixed(1), proof.timings.ntt.toFixed(0), proof.timings.msmWires.toFixed(0), proof.timings.msmH.toFixed(0)]);
        if (proof.publicSignals.join(',') !== built.publicSignals!.join(',')) throw new Error(`power ${power}, chunk ${built.index}: the prover's public signals differ from the witness's`);
      }
      if (built.index === 2 * K - 1) break;
      c0 = cpuMs();
    }
    const perPos = plans.slice(0, K).reduce((n, p) => n + p.constraints, 0);
    const sizes = plans.slice(0, K).map((p) => `2^${Math.log2(chunkDomain(p.constraints, T))}`).join(' + ');
    rows.push([
      `2^${power}${power === chosen ? ' (default today)' : ''}`,
      `${K}: ${sizes}`,
      perPos.toLocaleString('en'),
      (domain / 2 ** 10).toFixed(0),
      `${setupS.toFixed(0)} s${r.newKeys ? ` (${r.newKeys} new)` : ' (cached)'}`,
      proveCpu.toFixed(2),
      ((proveCpu * 1e6) / domain).toFixed(1),
      ((proveCpu * T) / 2).toFixed(1),
      ((witnessCpu / 1000) * T / 2).toFixed(1),
    ]);
    log(`2^${power}: ${K} kinds, prove ${proveCpu.toFixed(2)} CPU s / position, witness ${(witnessCpu / 1000).toFixed(2)} CPU s / position`);
  } finally {
    await prover.close();
    rmSync(out, { recursive: true, force: true });
  }
}
const md = [
  `## Native proving cost against the chunk power (${modelArg}, position chunks, T = ${T})`,
  '',
  `Reproduce: \`npx node bench/chunk-power.ts --model=${modelArg} --powers=${powers.join(',')}\`. ${machineLine()}; 1-minute load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`,
  'One position\'s chunk kinds, each proven on one native prover thread from an in-memory witness with its key already mapped (CPU of the prover process); "bundle" columns are T positions spread over 2 cores, proving and witness building alike (they share the cores).',
  '',
  markdownTable(['power', 'kind', 'constraints', 'domain', 'prove CPU s', 'CPU µs / domain row', 'CPU µs / constraint', 'NTTs ms', 'wire MSMs ms', 'H MSM ms'], kindRows),
  '',
  markdownTable(['power', 'kinds (domains)', 'constraints / position', 'domain / position (Ki rows)', 'setup (compile)', 'prove CPU s / position', 'CPU µs / domain row', 'bundle prove s on 2 cores', 'bundle witness s on 2 cores'], rows),
].join('\n');
if (!process.argv.includes('--no-write')) writeBenchSection(`chunk-power-${modelArg}`, md);
console.log(md);
