/**
 * Phase-2 setup cost of one real chunk circuit, step by step, our own code (prover/src/snark/
 * zkey-*.ts) on its two engines — the TypeScript one (wasm workers over ffjavascript) and the
 * native one (prover/native setup_*.cpp) — and, with --snarkjs, snarkjs's own commands, in one
 * run: `zkey new` (the files must be equal byte for byte), one contribution then the beacon
 * (ours: both in one pass), and the key's check (ours: the randomised check of zkey-check.ts,
 * independent of the code that made the key; snarkjs: `zkey verify` from the .r1cs), then
 * groth16Setup as `zkinfer compile` runs it. snarkjs's verify runs on that key.
 * Phase 2 is what `zkinfer compile` (and so the first `npm start`) spends its time on, once
 * per distinct circuit.
 *
 *   npx node bench/phase2.ts [--ctx 32] [--chunk 0] [--power 15] [--snarkjs]   (defaults: what npm start compiles)
 *
 * The chunk is chunk `--chunk` of the bundled default model's package (position chunks, the
 * default layout) for T = ctx with chunks below 2^power rows; the ptau is the cached local one
 * of that power.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as snarkjs from 'snarkjs';
import { buildChunk } from '@zkinfer/prover/chunks/build.ts';
import { planPositionChunks } from '@zkinfer/prover/chunks/position.ts';
import { positionStages } from '@zkinfer/prover/circuit/transformer/position-stages.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { DEFAULT_MODEL_PATH } from '@zkinfer/prover/model/default-model.ts';
import { prepareModel } from '@zkinfer/prover/package/model.ts';
import { zkinferCacheDir } from '@zkinfer/prover/quant/cache.ts';
import type { ProverEngine } from '@zkinfer/prover/snark/engine.ts';
import { nativeUnavailableReason } from '@zkinfer/prover/snark/native.ts';
import { preparedPtau } from '@zkinfer/prover/snark/ptau.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { checkZkey } from '@zkinfer/prover/snark/zkey-check.ts';
import { applyFactors, contributeBeacon, contributeRandom } from '@zkinfer/prover/snark/zkey-contribute.ts';
import { writeZkey } from '@zkinfer/prover/snark/zkey-file.ts';
import { composeInitialKey, pointCurve } from '@zkinfer/prover/snark/zkey-new.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const { values } = parseArgs({ options: { ctx: { type: 'string', default: '32' }, chunk: { type: 'string', default: '0' }, power: { type: 'string', default: '15' }, snarkjs: { type: 'boolean', default: false } } });
const withSnarkjs = values.snarkjs;
const withNative = nativeUnavailableReason() === undefined;
if (!withNative) console.error(`no native rows: ${nativeUnavailableReason()}`);
const ctx = Number(values.ctx);
const power = Number(values.power);
const index = Number(values.chunk);
const load0 = loadavg()[0];

const m = await prepareModel(DEFAULT_MODEL_PATH, (msg) => console.error(msg));
const stages = positionStages(m.q, ctx);
const plans = planPositionChunks(stages, { ctx, power });
const kinds = plans[0].position!.kinds;
if (!(index >= 0 && index < plans.length)) throw new RangeError(`--chunk ${index}: the package has chunks 0..${plans.length - 1}`);
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-phase2-'));
const r1cs = join(dir, 'chunk.r1cs');
const { cs } = buildChunk({ modelId: m.modelId, ctx, q: m.q, stages, plans, index });
writeR1cs(cs, r1cs);
const ptau = (await preparedPtau({ power, cacheDir: zkinferCacheDir(), onProgress: (msg) => console.error(msg) })).path;
console.error(`chunk ${index} of ${plans.length}: ${cs.nConstraints} constraints, ${cs.nWires} wires; ptau ${ptau}`);

const rows: (string | number)[][] = [];
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const children0 = childCpu();
  const r = await run();
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0).user / 1e6 + (childCpu() - children0);
  console.error(`${name}: ${s.toFixed(1)} s wall, ${cpu.toFixed(1)} CPU s`);
  rows.push([name, s.toFixed(1), cpu.toFixed(1)]);
  return r;
}
/** User CPU seconds of this process's children: the waited-for ones (cutime) and the live ones (the native setup process). */
function childCpu(): number {
  const fields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let total = Number(fields(readFileSync('/proc/self/stat', 'latin1'))[13]) / 100;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = fields(readFileSync(`/proc/${entry}/stat`, 'latin1'));
      if (Number(f[1]) === process.pid) total += Number(f[11]) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
const z = (name: string) => join(dir, `${name}.zkey`);
let snarkjsAcceptsOurs = false;
const engines: ProverEngine[] = withNative ? ['snarkjs', 'native'] : ['snarkjs'];
const label = (e: ProverEngine) => (e === 'native' ? 'native (prover/native setup_*.cpp)' : 'TypeScript (wasm workers)');
try {
  if (withSnarkjs) {
    await step('zkey new (groth16 setup), snarkjs', () => snarkjs.zKey.newZKey(r1cs, ptau, z('snarkjs-new')));
    await step('zkey contribute, snarkjs', () => snarkjs.zKey.contribute(z('snarkjs-new'), z('snarkjs-1'), 'bench', randomBytes(32).toString('hex')));
    await step('zkey beacon (2^10), snarkjs', () => snarkjs.zKey.beacon(z('snarkjs-1'), z('snarkjs-2'), 'bench', randomBytes(32).toString('hex'), 10));
    const verified = await step('zkey verify from the .r1cs, snarkjs', () => snarkjs.zKey.verifyFromR1cs(r1cs, ptau, z('snarkjs-2')));
    if (verified !== true) throw new Error('snarkjs zkey verify refused its own key');
  }
  for (const engine of engines) {
    const { key, pool } = await step(`zkey new, ours, ${label(engine)}`, async () => {
      const made = await composeInitialKey(r1cs, ptau, undefined, undefined, engine);
      writeZkey(z(`${engine}-new`), made.key, 'new');
      return made;
    });
    await step(`zkey contribute + beacon, ours, ${label(engine)}`, async () => {
      const curve = await pointCurve();
      const x = contributeRandom(curve, key, 'bench');
      const xb = contributeBeacon(curve, key, { name: 'bench', hash: randomBytes(32).toString('hex'), numIterationsExp: 10 });
      await applyFactors(curve, pool, key, [x, xb]);
      writeZkey(z(`${engine}-final`), key);
    });
    await pool.close();
    await step(`key check, ours, ${label(engine)}`, () => checkZkey(r1cs, ptau, z(`${engine}-final`), undefined, engine));
  }
  if (withNative && !readFileSync(z('native-new')).equals(readFileSync(z('snarkjs-new')))) throw new Error('zkey new on the native engine wrote another file than on the TypeScript engine');
  if (withSnarkjs && !readFileSync(z(`${engines[0]}-new`)).equals(readFileSync(z('snarkjs-new')))) throw new Error('our zkey new wrote another file than snarkjs');
  await step(`groth16Setup (all of ours, as compile runs it), ${label(engines[engines.length - 1])}`, () => groth16Setup({ r1csPath: r1cs, ptauPath: ptau, zkeyPath: z('setup') }));
  snarkjsAcceptsOurs = (await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, z('setup'))) === true;
  if (!snarkjsAcceptsOurs) throw new Error("snarkjs zkey verify refused groth16Setup's key");
} finally {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
}
const cpuOf = (prefix: string) => rows.filter((r) => String(r[0]).startsWith(prefix)).reduce((s, r) => s + Number(r[2]), 0);
const perEngine = engines.map((e) => `${label(e)}: ${cpuOf('zkey new, ours, ' + label(e)) + cpuOf('zkey contribute + beacon, ours, ' + label(e)) + cpuOf('key check, ours, ' + label(e))} CPU s`.replace(/(\d+\.\d)\d+/, '$1'));

writeBenchSection(
  'phase2',
  `## Phase-2 setup of one chunk (our own code on the native and the TypeScript engine${withSnarkjs ? ', and snarkjs 0.7.6' : ''})

Reproduce: \`npx node bench/phase2.ts --ctx ${ctx} --chunk ${index} --power ${power}${withSnarkjs ? ' --snarkjs' : ''}\` (\`--snarkjs\` adds snarkjs's own four commands, about 270 CPU s). ${machineLine()}; 1-minute load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.

Chunk ${index} of the default model's package at T = ${ctx} (position chunks: ${kinds} circuits of < 2^${power} rows, ${plans.length} chunks): ${cs.nConstraints.toLocaleString('en-US')} constraints, ${cs.nWires.toLocaleString('en-US')} wires. CPU is user time over all threads of this process and of the native setup process (docs/decisions.md 13: what runs where).

${markdownTable(['step', 'wall s', 'CPU s (all threads)'], rows)}

${withNative ? '`zkey new` on both engines wrote the same file, byte for byte. ' : ''}\`snarkjs zkey verify\` (its own recomputation from the .r1cs) accepted groth16Setup's key: ${snarkjsAcceptsOurs}. zkey new + contribute + beacon + check: ${perEngine.join('; ')}.`,
);
console.error('wrote the phase2 section of BENCHMARKS.md');
