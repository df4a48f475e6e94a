// Gas of the exported Solidity verifier (prover/src/solidity, docs/solidity.md) per bundle, in
// @ethereumjs/vm (Prague), split into the pairing call, each chunk's scalar multiplications,
// the public-input sums, calldata and the rest; contract sizes in bytes.
// Run: npx node bench/solidity-gas.ts [--bundle LABEL=PACKAGE_DIR,BUNDLE.json]…
//   — writes the `solidity-gas` section of BENCHMARKS.md.
//
// Real bundles are given with --bundle. The "shape" rows use keys with known toxic waste
// (test/verify/helpers/toy-groth16.ts: valid proofs, made without a prover) with the chunk/key
// structure of a layout: the contract's gas depends only on that structure, the statement's
// token counts and the calldata's zero bytes, not on which circuit a key belongs to (the
// bundled model's row and its shape row check this). Two shapes with 1 key and 16 / 32 chunks
// give the marginal gas of a chunk in a batch.
import { readFileSync } from 'node:fs';
import type { Manifest } from '@zkinfer/verifier';
import { readPackage } from '@zkinfer/prover/package/layout.ts';
import { bundleToCall } from '@zkinfer/prover/solidity/calldata.ts';
import { submitCall, type GasParts } from '@zkinfer/prover/solidity/client.ts';
import { deployVerifier } from '@zkinfer/prover/solidity/deploy.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { planContract } from '@zkinfer/prover/solidity/plan.ts';
import { compileVerifier } from '@zkinfer/prover/solidity/solc.ts';
import { contractSource } from '@zkinfer/prover/solidity/source.ts';
import { shape } from './solidity-shape.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';

interface Row {
  label: string;
  chunks: number;
  keys: number;
  pairs: number;
  gas: GasParts;
  verifierBytes: number;
  keyBytes: number;
}

async function measure(label: string, manifest: Manifest, bundle: unknown): Promise<Row> {
  const plan = planContract(manifest);
  const compiled = compileVerifier(contractSource(plan), plan.keys.length);
  const chain = await LocalChain.open();
  const d = await deployVerifier(chain, compiled);
  const r = await submitCall(chain, d.verifier, bundleToCall(bundle).call);
  if (r.reverted) throw new Error(`${label}: the verifier refused the bundle (${r.error?.name})`);
  process.stderr.write(`${label}: ${r.gas.total} gas\n`);
  return { label, chunks: plan.chunkKeys.length, keys: plan.keys.length, pairs: plan.chunkKeys.length + plan.slotSources.length, gas: r.gas, verifierBytes: d.verifierCodeSize, keyBytes: d.keyCodeSizes[0] };
}

const loadAtStart = loadAverage();
const rows: Row[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--bundle') throw new Error(`unknown argument ${args[i]}`);
  const spec = args[++i];
  const eq = spec.lastIndexOf('=');
  const [label, rest] = [spec.slice(0, eq), spec.slice(eq + 1)];
  const [dir, bundlePath] = rest.split(',');
  rows.push(await measure(label, readPackage(dir).manifest, JSON.parse(readFileSync(bundlePath, 'utf8'))));
}
const gen8 = [10, 84, 104, 101, 32, 116, 104, 101];
// Tokens spread over stories260K's 512-token vocabulary (9 bits), like a real generation's.
const gen24 = Array.from({ length: 24 }, (_, i) => (97 * i + 263) % 512);
const shapes: [string, ReturnType<typeof shape>][] = [
  ['shape: 1 key, 16 chunks, T = 32, 8 generated', shape(32, 16, 1, 6, gen8)],
  ['shape: 1 key, 32 chunks, T = 32, 8 generated (bundled model)', shape(32, 32, 1, 6, gen8)],
  ['shape: 4 keys, 128 chunks, T = 32, 24 generated (stories260K positions)', shape(32, 128, 4, 5, gen24)],
  ['shape: 19 keys, 19 chunks, T = 32, 24 generated (stories260K layers; its 19 keys are not set up)', shape(32, 19, 19, 5, gen24)],
];
for (const [label, s] of shapes) rows.push(await measure(label, s.manifest, s.bundle));

const loadAtEnd = loadAverage();
const a = rows.find((r) => r.label.startsWith('shape: 1 key, 16'));
const b = rows.find((r) => r.label.startsWith('shape: 1 key, 32'));
const perChunk = a && b ? (b.gas.total - a.gas.total) / BigInt(b.chunks - a.chunks) : 0n;
const k = (g: bigint) => `${(Number(g) / 1000).toFixed(1)}k`;
const table = markdownTable(
  ['bundle', 'chunks', 'keys', 'pairs', 'total gas', 'pairing', 'chunk ρA, ρC', 'public inputs', 'calldata', 'sha256', 'other', 'verifier / key bytes'],
  rows.map((r) => [r.label, r.chunks, r.keys, r.pairs, String(r.gas.total), k(r.gas.pairing), k(r.gas.chunkScalars), k(r.gas.publicInputs), k(r.gas.calldata), k(r.gas.sha256), k(r.gas.other + r.gas.base), `${r.verifierBytes} / ${r.keyBytes}`]),
);
const realS260k = rows.find((r) => r.label.includes('stories260K') && !r.label.startsWith('shape'));
const realNote = realS260k ? `; stories260K's real ${realS260k.chunks}-chunk bundle ${(Number(realS260k.gas.total) / 1e6).toFixed(2)} M` : '';
const biggest = rows.reduce((m, r) => (r.gas.total > m.gas.total ? r : m), rows[0]);
writeBenchSection(
  'solidity-gas',
  `## Solidity verifier: gas per bundle (@ethereumjs/vm 10.1.3, Prague; solc 0.8.37, optimizer runs 10,000)

\`npx node bench/solidity-gas.ts --bundle "LABEL=PKG,proof.json" …\` (${machineLine()}; 1-minute load
average ${loadAtStart} at the start, ${loadAtEnd} at the end: gas does not depend on it).
One \`submit\` transaction per bundle (first submission: the receipt is stored and the event
emitted). "pairing" is the one EIP-197 call (45,000 + 34,000 per pair), "chunk ρA, ρC" the
ecMul/ecAdd of every chunk's proof, "public inputs" the ecMul/ecAdd of the per-key sums (5
ecMuls per key, one per α group, and the ecAdd double-and-add chain of the small signals
nPrompt, nGenerated and the tokens: docs/solidity.md "The batch check"), "calldata" EIP-2028
(16/4 gas per byte), "other" the rest with the 21,000 base (statement and point checks,
keccak transcript, receipt text and its sha256, key reads, 22,100 for the receipt slot, the
event, memory). Shape rows: trapdoor keys with the layout's chunk/key structure
(bench/solidity-shape.ts). Contract sizes: runtime code in bytes (EIP-170 allows 24,576 each).
\`npx node bench/solidity-gas-profile.ts [CHUNKS KEYS GENERATED]\` splits a call's gas by phase
and opcode.

${table}

Marginal gas of a chunk in a batch (1 key, 16 → 32 chunks): **${perChunk}** (target ≤ 100k);
fixed part at 32 chunks: **${b ? b.gas.total - perChunk * BigInt(b.chunks) : 0n}** (target ≤ 300k).
A single snarkjs-exported verification of one chunk would cost about 181k + 6.2k × 39 ≈ 423k.
Block and transaction limits: the largest bundle here (${biggest.label}) takes ${(Number(biggest.gas.total) / 1e6).toFixed(2)} M gas${realNote}:
it fits a 30 M gas block and EIP-7825's per-transaction cap of 2^24 ≈ 16.78 M (Osaka).`,
);

function loadAverage(): string {
  return process.getBuiltinModule('node:os').loadavg()[0].toFixed(2);
}
