/**
 * Phase-2 setup cost of one real chunk circuit, step by step, snarkjs against our own code
 * (prover/src/snark/zkey-*.ts) in one run: `zkey new` (the two files must be equal byte for
 * byte), one contribution then the beacon (snarkjs: two commands; ours: both in one pass),
 * and the key's check (snarkjs `zkey verify` from the .r1cs, which recomputes `zkey new`;
 * ours: the randomised check of zkey-check.ts, independent of the code that made the key),
 * then groth16Setup as `zkinfer compile` runs it. snarkjs's verify also runs on our key.
 * Phase 2 is what `zkinfer compile` (and so the first `npm start`) spends its time on, once
 * per distinct circuit.
 *
 *   npx node bench/phase2.ts [--ctx 32] [--chunk 0] [--power 15]   (defaults: what npm start compiles)
 *
 * The chunk is chunk `--chunk` of the bundled default model's package (position chunks, the
 * default layout) for T = ctx with chunks below 2^power rows; the ptau is the cached local one
 * of that power.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { preparedPtau } from '@zkinfer/prover/snark/ptau.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { checkZkey } from '@zkinfer/prover/snark/zkey-check.ts';
import { applyFactors, contributeBeacon, contributeRandom } from '@zkinfer/prover/snark/zkey-contribute.ts';
import { writeZkey } from '@zkinfer/prover/snark/zkey-file.ts';
import { composeInitialKey, pointCurve } from '@zkinfer/prover/snark/zkey-new.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const { values } = parseArgs({ options: { ctx: { type: 'string', default: '32' }, chunk: { type: 'string', default: '0' }, power: { type: 'string', default: '15' } } });
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
  const r = await run();
  const s = (performance.now() - t0) / 1000;
  console.error(`${name}: ${s.toFixed(1)} s`);
  rows.push([name, s.toFixed(1), (process.cpuUsage(cpu0).user / 1e6).toFixed(1)]);
  return r;
}
const z = (i: number) => join(dir, `k${i}.zkey`);
const OURS_NEW = 'zkey new, ours (zkey-new.ts)';
const OURS_CONTRIB = 'zkey contribute + beacon, ours (one pass)';
const OURS_CHECK = 'key check, ours (zkey-check.ts)';
const SETUP = 'groth16Setup (all of the above, ours, as compile runs it)';
let snarkjsAcceptsOurs = false;
try {
  await step('zkey new (groth16 setup), snarkjs', () => snarkjs.zKey.newZKey(r1cs, ptau, z(9)));
  const { key, pool } = await step(OURS_NEW, async () => {
    const made = await composeInitialKey(r1cs, ptau);
    writeZkey(z(0), made.key, 'new');
    return made;
  });
  if (!readFileSync(z(0)).equals(readFileSync(z(9)))) throw new Error('our zkey new wrote another file than snarkjs');
  await step('zkey contribute, snarkjs', () => snarkjs.zKey.contribute(z(9), z(1), 'bench', randomBytes(32).toString('hex')));
  await step('zkey beacon (2^10), snarkjs', () => snarkjs.zKey.beacon(z(1), z(2), 'bench', randomBytes(32).toString('hex'), 10));
  await step(OURS_CONTRIB, async () => {
    const curve = await pointCurve();
    const x = contributeRandom(curve, key, 'bench');
    const xb = contributeBeacon(curve, key, { name: 'bench', hash: randomBytes(32).toString('hex'), numIterationsExp: 10 });
    await applyFactors(curve, pool, key, [x, xb]);
    writeZkey(z(3), key);
  });
  await pool.close();
  const verified = await step('zkey verify from the .r1cs, snarkjs', () => snarkjs.zKey.verifyFromR1cs(r1cs, ptau, z(2)));
  await step(OURS_CHECK, () => checkZkey(r1cs, ptau, z(3)));
  await step(SETUP, () => groth16Setup({ r1csPath: r1cs, ptauPath: ptau, zkeyPath: z(4) }));
  snarkjsAcceptsOurs = (await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, z(4))) === true;
  if (verified !== true || !snarkjsAcceptsOurs) throw new Error(`zkey verify failed: snarkjs's key ${verified}, groth16Setup's key ${snarkjsAcceptsOurs}`);
} finally {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
}
const total = (names: string[]) => rows.filter((r) => names.includes(String(r[0]))).reduce((s, r) => s + Number(r[1]), 0);
const before = total(['zkey new (groth16 setup), snarkjs', 'zkey contribute, snarkjs', 'zkey beacon (2^10), snarkjs', 'zkey verify from the .r1cs, snarkjs']);
const after = total([SETUP]);

writeBenchSection(
  'phase2',
  `## Phase-2 setup of one chunk (snarkjs 0.7.6 against our own code)

Reproduce: \`npx node bench/phase2.ts --ctx ${ctx} --chunk ${index} --power ${power}\`. ${machineLine()}; 1-minute load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.

Chunk ${index} of the default model's package at T = ${ctx} (position chunks: ${kinds} circuits of < 2^${power} rows, ${plans.length} chunks): ${cs.nConstraints.toLocaleString('en-US')} constraints, ${cs.nWires.toLocaleString('en-US')} wires. CPU is the process's user time over all its threads (snarkjs and our setup run worker threads).

${markdownTable(['step', 'wall s', 'CPU s (all threads)'], rows)}

Both \`zkey new\` runs wrote the same file, byte for byte; \`snarkjs zkey verify\` (its own recomputation from the .r1cs) accepted groth16Setup's key: ${snarkjsAcceptsOurs}. One chunk's phase 2 as \`zkinfer compile\` runs it: **${after.toFixed(0)} s** (snarkjs's own \`zkey new\`, contribute, beacon and \`zkey verify\`: ${before.toFixed(0)} s). A package costs this once per distinct circuit, so the first \`npm start\` (T = ${ctx}: ${kinds} circuit${kinds === 1 ? '' : 's'} for ${plans.length} chunks) spends about ${kinds} × ${after.toFixed(0)} s on phase 2, plus the local ptau; see docs/decisions.md (5, 6, 12).`,
);
console.error('wrote the phase2 section of BENCHMARKS.md');
