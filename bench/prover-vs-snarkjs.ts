/**
 * bench/prover-vs-snarkjs.ts — the native Groth16 prover against snarkjs on the same proving
 * key and witness (BENCHMARKS.md section `prover-vs-snarkjs`). Reproduce:
 *   npx node bench/prover-vs-snarkjs.ts [--only=NAME] [--no-write] [--keep=DIR]
 *
 * Chunks: the default model's largest position chunk and stories260K's largest position chunk
 * (T = 32, the chunk power `zkinfer compile` picks; keys from the zkinfer cache, made on the
 * first run). Witness: the real one of that chunk for a 4-token prompt. Each prover runs in a
 * process of its own, single-threaded and on 2 threads: wall time, CPU time and peak RSS of
 * that process (snarkjs: process.resourceUsage in bench/snarkjs-prove-child.ts; native:
 * /proc/<pid>/stat and VmHWM). The native prover's first proof maps the key; a second proof
 * with the key kept loaded is timed too. Every proof is checked with the strict verifier.
 * The floor printed is the MSM term count (one addition per nonzero scalar: A, B1, C and H in
 * G1, B2 in G2) times the measured cost of one native mixed addition.
 * Last line: `native/snarkjs speedup: N.Nx`, the smaller of the two chunks' 2-thread ratios.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from '@zkinfer/verifier';
import { promptCommitment, randomSalt } from '@zkinfer/prover/commit/commit.ts';
import { positionStages } from '@zkinfer/prover/circuit/transformer/position-stages.ts';
import { defaultChunkPower, planStages } from '@zkinfer/prover/chunks/position.ts';
import { chunkWitnesses, freshProofWitness } from '@zkinfer/prover/chunks/witness.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { generateInt } from '@zkinfer/prover/infer/int.ts';
import { defaultModelPath } from '@zkinfer/prover/model/default-model.ts';
import { compilePackage } from '@zkinfer/prover/package/compile.ts';
import { readPackage } from '@zkinfer/prover/package/layout.ts';
import { prepareModel } from '@zkinfer/prover/package/model.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import { NativeProver, type NativeProofResult } from '@zkinfer/prover/snark/native.ts';
import { shutdownProver, verifyStrict, type ProofResult } from '@zkinfer/prover/snark/prove.ts';
import { exportVerificationKey } from '@zkinfer/prover/snark/setup.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const T = 32;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const noWrite = process.argv.includes('--no-write');
/** --keep=DIR: copy each chunk's .zkey and .wtns there (for profiling the provers on them). */
const keep = process.argv.find((a) => a.startsWith('--keep='))?.slice(7);
const log = (m: string) => console.error(`[prover-vs-snarkjs] ${m}`);
const shared = new URL('../../shared/models/', import.meta.url).pathname;
const models: [string, string][] = [];
const def = defaultModelPath();
if (def) models.push(['default', def]);
try {
  statSync(join(shared, 'stories260K/stories260K.gguf'));
  models.push(['stories260K', join(shared, 'stories260K/stories260K.gguf')]);
} catch {
  log(`skipping stories260K: not in ${shared}`);
}

interface Run {
  engine: string;
  threads: number;
  wallS: number;
  cpuS: number;
  rssMiB: number;
  note?: string;
}

/** utime + stime of a process in seconds, and its peak RSS in MiB (proc(5)). */
function procUsage(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: (Number(f[11]) + Number(f[12])) / ticks, rssMiB: Number(hwm?.[1] ?? 0) / 1024 };
}

async function runNative(zkey: string, wtns: string, threads: number, check: (r: ProofResult) => void): Promise<{ runs: Run[]; first: NativeProofResult }> {
  const prover = new NativeProver(threads);
  try {
    let t0 = performance.now();
    const first = await prover.prove(zkey, wtns);
    const wallS = (performance.now() - t0) / 1000;
    const u1 = procUsage(prover.pid!);
    check(first);
    t0 = performance.now();
    const second = await prover.prove(zkey, wtns);
    const wall2 = (performance.now() - t0) / 1000;
    const u2 = procUsage(prover.pid!);
    check(second);
    return {
      first,
      runs: [
        { engine: 'native', threads, wallS, cpuS: u1.cpuS, rssMiB: u1.rssMiB, note: 'first proof (maps the key)' },
        { engine: 'native', threads, wallS: wall2, cpuS: u2.cpuS - u1.cpuS, rssMiB: u2.rssMiB, note: 'next proof, key kept loaded' },
      ],
    };
  } finally {
    await prover.close();
  }
}

function runSnarkjs(zkey: string, wtns: string, mode: 'single' | 'multi', check: (r: ProofResult) => void): Run {
  const script = new URL('./snarkjs-prove-child.ts', import.meta.url).pathname;
  const out = execFileSync(process.execPath, [script, zkey, wtns, mode], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop()!) as ProofResult & { wallMs: number; cpuMs: number; maxRssBytes: number };
  check(r);
  return { engine: 'snarkjs', threads: mode === 'single' ? 1 : 2, wallS: r.wallMs / 1000, cpuS: r.cpuMs / 1000, rssMiB: r.maxRssBytes / 2 ** 20 };
}

const loadAtStart = process.getBuiltinModule('node:os').loadavg()[0];
const rows: (string | number)[][] = [];
const floors: string[] = [];
const speedups: [string, number][] = [];
/** snarkjs CPU s / native CPU s, single-threaded first proof: steadier than wall time on a loaded machine. */
const cpuRatios: string[] = [];
const unit = await (async () => {
  const p = new NativeProver(1);
  try {
    return await p.unitCosts();
  } finally {
    await p.close();
  }
})();
log(`one native mixed addition: G1 ${unit.g1AddNs.toFixed(0)} ns, G2 ${unit.g2AddNs.toFixed(0)} ns; Fr multiplication ${unit.frMulNs.toFixed(1)} ns`);

for (const [name, path] of models) {
  if (only && name !== only) continue;
  const m = await prepareModel(path, log);
  const ctx = Math.min(T, m.q.config.contextLength);
  const stages = positionStages(m.q, ctx);
  const power = defaultChunkPower(stages, ctx);
  const plans = planStages(stages, { ctx, power });
  const out = mkdtempSync(join(tmpdir(), `zkinfer-pvs-${name}-`));
  try {
    log(`${name}: compiling ${plans.length} position chunks at power ${power} (keys cached under ${zkinferCacheDir()})`);
    await compilePackage({ outDir: out, modelId: m.modelId, name: m.name, architecture: m.architecture, detokenizer: m.detokenizer, ctx, q: m.q, stages, chunkPower: power, layout: 'positions', cacheDir: zkinferCacheDir(), quantBytes: m.quantBytes, model: { path, sha256: m.fileSha256 }, onProgress: log });
    const pkg = readPackage(out);
    let chosen = 0;
    plans.forEach((p, i) => {
      if (p.constraints > plans[chosen].constraints) chosen = i;
    });
    const zkey = join(out, pkg.info.chunks[chosen].zkey);
    const vkey = await exportVerificationKey(zkey);
    const check = (r: ProofResult) => {
      if (!verifyStrict(vkey, r.publicSignals, r.proof)) throw new Error(`${name}: a proof of chunk ${chosen} does not verify`);
    };
    // The chunk's real witness for a 4-token prompt (chunks are chained: build up to it).
    const prompt = m.model.tokenizer.encode('Once upon a time', { bos: true }).slice(0, 4);
    const generated = generateInt(m.q, prompt, ctx - prompt.length);
    const salt = randomSalt();
    const statement: Statement = { promptCommitment: promptCommitment(prompt, ctx, salt), nPrompt: prompt.length, nGenerated: generated.length, generated };
    const wtns = join(out, 'chunk.wtns');
    for (const built of chunkWitnesses({ modelId: pkg.manifest.modelId, ctx, q: m.q, stages, plans, proof: freshProofWitness(statement, prompt, salt, plans.length), lean: true })) {
      if (built.index === chosen) {
        writeWtns(built.cs, wtns);
        break;
      }
    }
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(zkey, join(keep, `${name}.zkey`));
      copyFileSync(wtns, join(keep, `${name}.wtns`));
    }
    const label = `${name} chunk ${chosen} (${plans[chosen].constraints.toLocaleString('en')} constraints, domain 2^${power})`;
    log(`${label}: proving`);
    const results: Run[] = [];
    results.push(runSnarkjs(zkey, wtns, 'single', check));
    results.push(runSnarkjs(zkey, wtns, 'multi', check));
    const n1 = await runNative(zkey, wtns, 1, check);
    const n2 = await runNative(zkey, wtns, 2, check);
    results.push(...n1.runs, ...n2.runs);
    for (const r of results) rows.push([label, r.engine, r.threads, r.wallS.toFixed(2), r.cpuS.toFixed(2), r.rssMiB.toFixed(0), r.note ?? '']);
    const s = n1.first.wireStats;
    const nVars = s.zeros + s.ones + s.bits8 + s.bits16 + s.bits32 + s.bits64 + s.full;
    const nonzero = nVars - s.zeros;
    const domain = 2 ** power;
    const floorS = ((3 * nonzero + domain) * unit.g1AddNs + nonzero * unit.g2AddNs) / 1e9;
    const pct = (k: number) => `${((100 * k) / nVars).toFixed(1)} %`;
    floors.push(
      `- ${label}: ${nVars.toLocaleString('en')} wires: 0 ${pct(s.zeros)}, ±1 ${pct(s.ones)}, ≤ 8 bits ${pct(s.bits8)}, ≤ 16 ${pct(s.bits16)}, ≤ 32 ${pct(s.bits32)}, ≤ 64 ${pct(s.bits64)}, full ${pct(s.full)} (negative ${pct(s.negatives)}). ` +
        `MSM floor (one addition per nonzero term: 3 × ${nonzero.toLocaleString('en')} + ${domain.toLocaleString('en')} in G1, ${nonzero.toLocaleString('en')} in G2): ${floorS.toFixed(2)} s single-threaded; ` +
        `native phases (1 thread, first proof): A/B/C rows ${(n1.first.timings.abc / 1000).toFixed(2)} s, NTTs ${(n1.first.timings.ntt / 1000).toFixed(2)} s, wire MSMs ${(n1.first.timings.msmWires / 1000).toFixed(2)} s, H MSM ${(n1.first.timings.msmH / 1000).toFixed(2)} s.`,
    );
    const snark2 = results.find((r) => r.engine === 'snarkjs' && r.threads === 2)!;
    const native2 = results.find((r) => r.engine === 'native' && r.threads === 2)!;
    speedups.push([name, snark2.wallS / native2.wallS]);
    const snark1 = results.find((r) => r.engine === 'snarkjs' && r.threads === 1)!;
    const native1 = results.find((r) => r.engine === 'native' && r.threads === 1)!;
    cpuRatios.push(`${name} ${(snark1.cpuS / native1.cpuS).toFixed(1)}×`);
    log(`${label}: snarkjs 2 threads ${snark2.wallS.toFixed(2)} s, native 2 threads ${native2.wallS.toFixed(2)} s`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
await shutdownProver();

const minSpeedup = Math.min(...speedups.map(([, x]) => x));
const md = [
  '## Native prover vs snarkjs (same key, same witness)',
  '',
  'Command: `npx node bench/prover-vs-snarkjs.ts` (each prover in its own process; wall and CPU time of that process, peak RSS = its high-water mark; the native prover alone, without the Node worker that drives it in the pipeline).',
  `${machineLine()}; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${process.getBuiltinModule('node:os').loadavg()[0].toFixed(1)} at the end.`,
  '',
  markdownTable(['chunk', 'prover', 'threads', 'wall s', 'CPU s', 'peak RSS MiB', ''], rows),
  '',
  `One native mixed addition: G1 ${unit.g1AddNs.toFixed(0)} ns, G2 ${unit.g2AddNs.toFixed(0)} ns; one Fr multiplication ${unit.frMulNs.toFixed(1)} ns (dependent chains).`,
  ...floors,
  '',
  `Speedup on 2 threads (snarkjs wall / native wall, first native proof): ${speedups.map(([n, x]) => `${n} ${x.toFixed(1)}×`).join(', ')}. CPU time, single-threaded (snarkjs / native): ${cpuRatios.join(', ')}.`,
  '',
  ...(only ? [`Only ${only} was measured in this run (--only=${only}); the speedup below is that chunk's, not the minimum over both chunks.`, ''] : []),
  `native/snarkjs speedup: ${minSpeedup.toFixed(1)}x`,
].join('\n');
if (!noWrite) writeBenchSection('prover-vs-snarkjs', md);
console.log(md);
