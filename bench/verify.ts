// Verifier benchmark (Node): single-proof verification with a prepared key, and one 8-chunk
// bundle (ctx 32, so 39 public signals per chunk) checked by verifyBundle.
// Run: npx node bench/verify.ts   — writes the `verify-node` section of BENCHMARKS.md.
//
// The proofs come from keys with known toxic waste (test/verify/helpers): verification does
// exactly the same group operations for them as for snarkjs proofs (the verifier cannot tell
// them apart), and this keeps the benchmark free of snarkjs and of setup time.
import {
  parseBundle,
  parseManifest,
  prepareManifest,
  verifyBundle,
  verifyGroth16,
} from '../api/src/verify/index.ts';
import { toyBundle, toyModel } from '../test/verify/helpers/toy-bundle.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

const CTX = 32;
const CHUNKS = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

function measure(name: string, f: () => unknown, runs = RUNS): [string, string, string, number] {
  f(); // warm-up (JIT, noble's lazy tables)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(time(f)[1]);
  process.stderr.write(`${name}: median ${median(ms).toFixed(1)} ms\n`);
  return [name, median(ms).toFixed(1), Math.min(...ms).toFixed(1), runs];
}

process.stderr.write(`building a ${CHUNKS}-chunk ctx-${CTX} fixture…\n`);
const model = toyModel(CTX, CHUNKS, 'bench');
const bundleJson = JSON.parse(JSON.stringify(toyBundle(model)));
const manifestJson = JSON.parse(JSON.stringify(model.manifest));

const manifest = parseManifest(manifestJson);
const prepared = prepareManifest(manifest);
const bundle = parseBundle(bundleJson);
if (!verifyBundle(manifest, bundle, prepared).valid) throw new Error('bench fixture does not verify');

const rows = [
  measure('parseManifest (8 keys: strict points, subgroup checks, vkeyHash, key safety)', () => parseManifest(manifestJson), 3),
  measure('prepareVerificationKey × 8 (e(α,β), −β/−γ/−δ line coefficients)', () => prepareManifest(manifest), 3),
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
    if (!verifyBundle(manifest, parseBundle(bundleJson), prepared).valid) throw new Error('invalid');
  }, 5),
];

writeBenchSection(
  'verify-node',
  `## Verifier in Node (api/src/verify, @noble/curves 2.4.0)

Reproduce: \`npx node bench/verify.ts\` (BENCH_RUNS sets the repetitions). ${machineLine()}; single-threaded;
the machine is shared with other jobs, so treat the numbers as upper bounds. Fixture: ${CHUNKS} chunk keys,
ctx ${CTX} (39 public signals per chunk), proofs from keys with known toxic waste (same verification work
as snarkjs proofs). Times in ms (median and best of the runs).

${markdownTable(['operation', 'median ms', 'best ms', 'runs'], rows)}

The workerd (API) numbers are measured by the API benchmark.`,
);
process.stderr.write('wrote the verify-node section of BENCHMARKS.md\n');
