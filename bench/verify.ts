// Verifier benchmark (Node): single-proof verification with a prepared key, and one 8-chunk
// bundle (ctx 32, so 39 public signals per chunk) checked by verifyBundle.
// Run: npx node bench/verify.ts   — writes the `verify-node` section of BENCHMARKS.md.
//
// The proofs come from keys with known toxic waste (test/verify/helpers): verification does
// exactly the same group operations for them as for snarkjs proofs (the verifier cannot tell
// them apart), and this keeps the benchmark free of snarkjs and of setup time.
import { bn254 } from '@noble/curves/bn254.js';
import {
  MAX_CHUNKS,
  VerifyInputError,
  parseBundle,
  parseManifest,
  prepareManifest,
  publicInputPoint,
  verifyBundle,
  verifyGroth16,
} from '@zkinfer/verifier';
import { finalExponentiate } from '@zkinfer/verifier/internal/final-exp.ts';
import { g2Lines } from '@zkinfer/verifier/internal/g2-lines.ts';
import { isInG2Subgroup } from '@zkinfer/verifier/internal/g2-subgroup.ts';
import { millerLoop } from '@zkinfer/verifier/internal/miller-loop.ts';
import { toyBundle, toyModel } from '../test/verify/helpers/toy-bundle.ts';
import { loadavg } from 'node:os';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const CTX = 32;
const CHUNKS = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall ms and CPU ms (user + system of this process: unaffected by other jobs' load) of f. */
function time(f: () => unknown): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

function measure(name: string, f: () => unknown, runs = RUNS): (string | number)[] {
  f(); // warm-up (JIT, noble's lazy tables)
  const samples = Array.from({ length: runs }, () => time(f));
  const cpu = median(samples.map((s) => s.cpu));
  const wall = median(samples.map((s) => s.wall));
  process.stderr.write(`${name}: median ${cpu.toFixed(2)} ms CPU, ${wall.toFixed(2)} ms wall\n`);
  return [name, cpu.toFixed(2), Math.min(...samples.map((s) => s.cpu)).toFixed(2), wall.toFixed(2), runs];
}

const loadStart = loadavg()[0];
process.stderr.write(`building a ${CHUNKS}-chunk ctx-${CTX} fixture…\n`);
const model = toyModel(CTX, CHUNKS, 'bench');
const bundleJson = JSON.parse(JSON.stringify(toyBundle(model)));
const manifestJson = JSON.parse(JSON.stringify(model.manifest));

const manifest = parseManifest(manifestJson);
const prepared = prepareManifest(manifest);
const bundle = parseBundle(bundleJson);
if (!verifyBundle(manifest, bundle, prepared).valid) throw new Error('bench fixture does not verify');

// A bundle the size of the body cap allows: MAX_CHUNKS copies of a valid chunk (valid points, so
// without the manifest every point is checked before the chunk count is noticed).
const bogusJson = { ...bundleJson, chunks: Array.from({ length: MAX_CHUNKS }, () => bundleJson.chunks[0]) };
const refused = (f: () => unknown) => () => {
  try {
    f();
  } catch (err) {
    if (err instanceof VerifyInputError) return;
    throw err;
  }
  throw new Error('bogus bundle was accepted');
};

const rows = [
  measure('parseManifest (8 keys: strict points, subgroup checks, vkeyHash, key safety)', () => parseManifest(manifestJson), 3),
  measure('prepareManifest, 8 keys sharing α, β, γ (e(α,β) once, lines of −β, −γ once, −δ × 8)', () => prepareManifest(manifest), 3),
  measure('parseBundle (8 proofs, 8 × 39 signals)', () => parseBundle(bundleJson)),
  measure('verifyGroth16, one proof, prepared key (39 signals)', () => {
    if (!verifyGroth16(prepared[0], bundle.chunks[0].proof, bundle.chunks[0].publicSignals)) throw new Error('invalid');
  }),
  measure('8 × verifyGroth16 one by one, prepared keys', () => {
    bundle.chunks.forEach((c, i) => {
      if (!verifyGroth16(prepared[i], c.proof, c.publicSignals)) throw new Error('invalid');
    });
  }, 5),
  measure('verifyBundle, 8 chunks, prepared keys (batch: one final exponentiation)', () => {
    if (!verifyBundle(manifest, bundle, prepared).valid) throw new Error('invalid');
  }, 5),
  measure('parseBundle + verifyBundle from JSON, 8 chunks, prepared keys', () => {
    if (!verifyBundle(manifest, parseBundle(bundleJson, manifest), prepared).valid) throw new Error('invalid');
  }, 5),
  measure(`bogus ${MAX_CHUNKS}-chunk bundle: parseBundle without the manifest (all points checked)`, () => parseBundle(bogusJson), 3),
  measure(`bogus ${MAX_CHUNKS}-chunk bundle: parseBundle with the manifest (refused by chunk count)`, refused(() => parseBundle(bogusJson, manifest))),
];

// Where one proof's time goes (the parts of parseG2 and verifyGroth16).
const { a, b } = bundle.chunks[0].proof;
const lines = bn254.utils.calcPairingPrecomputes(b);
const { x, y } = a.toAffine();
const pair: [typeof lines, bigint, bigint] = [lines, x, y];
const ml3 = bn254.millerLoopBatch([pair, pair, pair]);
const parts = [
  measure('G2 subgroup check, ψ-test of eprint 2022/348 (used)', () => isInG2Subgroup(b), 21),
  measure('G2 subgroup check, noble isTorsionFree ψ(Q) = [6x²]Q (before)', () => b.isTorsionFree(), 21),
  measure('public-input point L (39 signals, public-input.ts)', () => publicInputPoint(prepared[0].vk, bundle.chunks[0].publicSignals), 21),
  measure('G2 line coefficients of B (g2-lines.ts, used)', () => g2Lines(b), 21),
  measure('G2 line coefficients of B (noble calcPairingPrecomputes, before)', () => bn254.utils.calcPairingPrecomputes(b), 21),
  measure('Miller loop, 1 pair (miller-loop.ts, used)', () => millerLoop([pair]), 21),
  measure('Miller loop, 3 pairs (miller-loop.ts, used)', () => millerLoop([pair, pair, pair]), 21),
  measure('Miller loop, 3 pairs (noble millerLoopBatch, before)', () => bn254.millerLoopBatch([pair, pair, pair]), 21),
  measure('final exponentiation (final-exp.ts, used)', () => finalExponentiate(ml3), 21),
  measure('final exponentiation (noble, before)', () => bn254.fields.Fp12.finalExponentiate(ml3), 21),
  measure('G1 multiplication by a 128-bit batch randomizer', () => a.multiplyUnsafe((1n << 127n) + 0x1234567n), 21),
];

writeBenchSection(
  'verify-node',
  `## Verifier in Node (verifier/, @noble/curves 2.4.0)

Reproduce: \`npx node bench/verify.ts\` (BENCH_RUNS sets the repetitions). ${machineLine()}; single-threaded.
CPU ms is this process's user + system time (process.cpuUsage); wall ms also counts time waiting for a core.
The machine is shared with other engineers' jobs (1-minute load average at the start and end: ${loadStart.toFixed(1)} and
${loadavg()[0].toFixed(1)} on 2 cores): that inflates wall time a lot and CPU time too (contended cores run slower),
so treat both as upper bounds.
Fixture: ${CHUNKS} chunk keys, ctx ${CTX} (39 public signals per chunk), proofs from keys with known toxic waste
(same verification work as snarkjs proofs). Median of the runs (and best CPU).

${markdownTable(['operation', 'CPU ms (median)', 'CPU ms (best)', 'wall ms (median)', 'runs'], rows)}

Where one proof's time goes:

${markdownTable(['part', 'CPU ms (median)', 'CPU ms (best)', 'wall ms (median)', 'runs'], parts)}

A batch of n proofs (verifyBundle) pays per proof: the G2 lines of B, one Miller-loop pair (A, B), the
public-input point and one 128-bit G1 multiplication of A, plus one pair per distinct δ (one per chunk key);
per batch: pairs for γ and β and one final exponentiation. Workerd numbers: section verify-workerd.`,
);
process.stderr.write('wrote the verify-node section of BENCHMARKS.md\n');
