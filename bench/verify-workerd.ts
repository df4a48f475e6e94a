// Verifier cost inside workerd (the Cloudflare Workers runtime), measured from outside.
// Run: npx node bench/verify-workerd.ts [--runs 5] [--requests 3]   — writes the `verify-workerd`
// section of BENCHMARKS.md.
//
// Inside workerd, performance.now() only advances on I/O (a Spectre mitigation), so a worker
// cannot time its own computation. Instead bench/workerd/worker.ts (bundled with esbuild, run
// by Miniflare's workerd on loopback) repeats the verification N times per request, and this
// script reads, around a series of sequential requests, (a) wall time and (b) the CPU time of
// the workerd process itself: the sum of /proc/<pid>/task/*/schedstat (ns on CPU, every thread).
// CPU time grows far less than wall time when other jobs share the machine (though contended
// cores do run slower). The cost of one request without work (/noop) is subtracted and the rest
// divided by N.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { toyBundle, toyModel } from '../test/verify/helpers/toy-bundle.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';
import { miniflareVersion, startVerifyWorker } from './workerd/harness.ts';

const CTX = 32;
const CHUNKS = 8;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, requests: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);
const REQUESTS = Number(values.requests);
if (!(Number.isInteger(RUNS) && RUNS >= 1 && RUNS <= 50)) throw new RangeError(`--runs ${values.runs} is not 1..50`);
if (!(Number.isInteger(REQUESTS) && REQUESTS >= 1 && REQUESTS <= 50)) throw new RangeError(`--requests ${values.requests} is not 1..50`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const log = (s: string) => process.stderr.write(`${s}\n`);

log(`building a ${CHUNKS}-chunk ctx-${CTX} fixture and starting the worker…`);
const model = toyModel(CTX, CHUNKS, 'bench');
const worker = await startVerifyWorker();
try {
  await worker.setup(JSON.stringify({ manifest: model.manifest, bundle: toyBundle(model) }));
  const series = (path: string) => worker.series(path, REQUESTS);

  const cases: { name: string; path: string; n: number; per: string }[] = [
    { name: 'verifyGroth16, one proof, prepared key (39 signals)', path: '/verify-proof', n: 20, per: 'proof' },
    { name: `verifyBundle, ${CHUNKS} chunks, prepared keys (batch)`, path: '/verify-bundle', n: 4, per: 'bundle' },
    { name: `parseBundle (JSON.parse + strict parse, ${CHUNKS} proofs)`, path: '/parse-bundle', n: 10, per: 'bundle' },
    { name: `JSON.parse + parseBundle + verifyBundle, ${CHUNKS} chunks`, path: '/parse-verify-bundle', n: 4, per: 'bundle' },
    { name: `model-cache miss: JSON.parse + parseManifest + prepareManifest, ${CHUNKS} keys`, path: '/load-model', n: 4, per: 'model' },
  ];
  for (const c of cases) await series(`${c.path}?n=1`); // warm-up: JIT, noble's lazy tables
  await series('/noop');

  const load = [loadavg()[0]];
  const rows: (string | number)[][] = [];
  const noop = { wall: [] as number[], cpu: [] as number[] };
  const results = cases.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let run = 0; run < RUNS; run++) {
    const empty = await series('/noop');
    noop.wall.push(empty.wall);
    noop.cpu.push(empty.cpu);
    for (const [i, c] of cases.entries()) {
      const r = await series(`${c.path}?n=${c.n}`);
      results[i].wall.push((r.wall - empty.wall) / c.n);
      results[i].cpu.push((r.cpu - empty.cpu) / c.n);
    }
    load.push(loadavg()[0]);
    log(`run ${run + 1}/${RUNS}: ${cases.map((c, i) => `${c.path} ${results[i].cpu.at(-1)!.toFixed(1)} ms CPU`).join(', ')}`);
  }
  for (const [i, c] of cases.entries()) {
    const cpu = median(results[i].cpu);
    const perChunk = c.per === 'bundle' ? (cpu / CHUNKS).toFixed(1) : c.per === 'proof' ? cpu.toFixed(1) : '—';
    rows.push([c.name, c.n, cpu.toFixed(1), `${Math.min(...results[i].cpu).toFixed(1)}–${Math.max(...results[i].cpu).toFixed(1)}`, perChunk, median(results[i].wall).toFixed(1)]);
  }
  const loads = `${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`;
  log(`1-minute load average during the runs: ${loads}`);

  writeBenchSection(
    'verify-workerd',
    `## Verifier in workerd (Cloudflare Workers runtime, via Miniflare)

Reproduce: \`npx node bench/verify-workerd.ts\` (\`--runs\`, \`--requests\`). ${machineLine()}; workerd from
miniflare ${miniflareVersion()}, loopback HTTP.
Method: bench/workerd/worker.ts repeats the operation N times per request; for ${REQUESTS} sequential requests
this script reads the workerd process's CPU time (sum of \`/proc/<pid>/task/*/schedstat\` over all threads)
and the wall time, subtracts the same for an empty request (/noop: ${median(noop.cpu).toFixed(2)} ms CPU,
${median(noop.wall).toFixed(2)} ms wall), and divides by N. Median over ${RUNS} runs (range of the CPU figure beside it).
1-minute load average while measuring: ${loads} on 2 cores, this script and workerd included; other jobs
on the cores inflate wall time a lot and CPU time too (contended cores run slower), so a run under a load
above 2 gives upper bounds. Fixture: ${CHUNKS} chunk keys, ctx ${CTX} (39 public signals per chunk), proofs from
keys with known toxic waste (same verification work as snarkjs proofs).

${markdownTable(['operation', 'N per request', 'CPU ms (median)', 'CPU ms range', 'CPU ms per chunk proof', 'wall ms (median)'], rows)}`,
  );
  log('wrote the verify-workerd section of BENCHMARKS.md');
} finally {
  await worker.dispose();
}
