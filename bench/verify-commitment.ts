// What a BSB22 commitment adds to verification (issue 16: ≤ 4 ms of workerd CPU per chunk with
// it). Side by side in one run: a batch of N proofs of the commitment test circuit
// (test/prover/snark/commit-circuit.ts: 2 public signals, one of them the challenge) against a
// batch of N proofs of the plain toy circuit (test/prover/snark/toy-circuit.ts: 2 public
// signals), same batch verifier, in Node and in workerd; and one proof alone. The difference
// is the commitment's cost: the challenge hash, D in the public sum, the ρ′·D and ρ′·π terms
// and one more pairing per distinct σ₂.
// Run: npx node bench/verify-commitment.ts — writes the `verify-commitment` section of BENCHMARKS.md.
// Needs the native prover (commitment keys are proven by it only).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProof, parsePublicSignals, parseVerificationKey, prepareVerificationKeys, verifyGroth16, verifyGroth16Batch } from '@zkinfer/verifier';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { challengeOracle } from '@zkinfer/prover/snark/commitment-prove.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { readZkeyCommitment } from '@zkinfer/prover/snark/zkey-file.ts';
import { commitCircuit, commitKeys } from '../test/prover/snark/commit-circuit.ts';
import { toyCircuit } from '../test/prover/snark/toy-circuit.ts';
import { machineLine, markdownTable, writeBenchSection } from './report.ts';
import { startVerifyWorker } from './workerd/harness.ts';

const N = 32;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-bench-commit-'));
const load0 = loadavg()[0];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function cpuMs(f: () => unknown): number {
  f();
  return median(
    Array.from({ length: RUNS }, () => {
      const c0 = process.cpuUsage();
      if (!f()) throw new Error('bench: a proof did not verify');
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    }),
  );
}

try {
  const keys = await commitKeys(dir);
  const plain = await setupCircuit(toyCircuit(undefined), { dir, name: 'plain', cacheDir: join(dir, 'cache') });
  const native = new NativeProver(2);
  const oracle = challengeOracle(readZkeyCommitment(keys.zkeyPath)!, keys.keyHash);
  const committed: { proof: unknown; publicSignals: string[] }[] = [];
  const plainProofs: { proof: unknown; publicSignals: string[] }[] = [];
  for (let i = 0; i < N; i++) {
    const c = commitCircuit({ x: BigInt(3 + i), rho: (BigInt(i) * 0x9e3779b97f4a7c15n + 7n) % R, oracle });
    committed.push(await native.prove(keys.zkeyPath, witnessBytes(c.values)));
    const p = toyCircuit([BigInt(i + 1), 2n, 3n, 4n]);
    plainProofs.push(await native.prove(plain.zkeyPath, witnessBytes(p.values)));
  }
  await native.close();

  const [pc, pp] = prepareVerificationKeys([parseVerificationKey(keys.vkey), parseVerificationKey(plain.vkey)]);
  const items = (pvk: typeof pc, proofs: typeof committed) => proofs.map((p) => ({ pvk, proof: parseProof(p.proof), publicSignals: parsePublicSignals(p.publicSignals, 2) }));
  const ci = items(pc, committed);
  const pi = items(pp, plainProofs);
  const node = {
    single: [cpuMs(() => verifyGroth16(pc, ci[0].proof, ci[0].publicSignals)), cpuMs(() => verifyGroth16(pp, pi[0].proof, pi[0].publicSignals))],
    batch: [cpuMs(() => verifyGroth16Batch(ci)), cpuMs(() => verifyGroth16Batch(pi))],
  };

  const workerd = async (vkey: unknown, proofs: typeof committed): Promise<number> => {
    const w = await startVerifyWorker();
    try {
      await w.post('/setup-batch', JSON.stringify({ vkeys: [vkey], items: proofs.map((p) => ({ key: 0, ...p })) }));
      await w.series('/verify-batch?n=2', 2);
      const empty = await w.series('/noop', 3);
      return (await w.series('/verify-batch?n=4', 3)).cpu / 4 - empty.cpu / 4;
    } finally {
      await w.dispose();
    }
  };
  const wd = [await workerd(keys.vkey, committed), await workerd(plain.vkey, plainProofs)];
  const load1 = loadavg()[0];

  const row = (name: string, [withC, without]: number[], per = 1) => [name, (withC / per).toFixed(2), (without / per).toFixed(2), ((withC - without) / per).toFixed(2)];
  writeBenchSection(
    'verify-commitment',
    `## Verifying a proof with a BSB22 commitment (issue 16)

Reproduce: \`npx node bench/verify-commitment.ts\` (needs the native prover; BENCH_RUNS sets the repetitions). ${machineLine()}.
1-minute load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (2 cores; CPU times inflate under load, the differences less).
Side by side in one run: ${N} proofs of the commitment test circuit (2 public signals, one the challenge) and ${N} of the
plain toy circuit (2 public signals), real proofs from the native prover, one key each. Node: median CPU of ${RUNS} runs
(process.cpuUsage). workerd: CPU of the workerd process per request of 4 batch verifications, less an empty request
(the method of bench/verify-workerd.ts).

${markdownTable(['what', 'with commitment (ms)', 'plain (ms)', 'difference (ms)'], [
      row('Node: one proof (verifyGroth16)', node.single),
      row(`Node: batch of ${N}, per proof`, node.batch, N),
      row(`workerd: batch of ${N}, per proof`, wd, N),
    ])}

Per proof the commitment costs the challenge hash (two SHA-256 over ~0.2 KB here; +32 bytes per public signal), D added to
the public sum, a full-width challenge signal, and the 128-bit ρ′·D and ρ′·π terms in the grouped multi-exponentiations;
per distinct σ₂ one more Miller-loop pair (π's terms join the γ = g₂ pair). A chunk of the real layout (39 signals)
costs ≈ 2.2–2.5 ms of workerd CPU per proof without a commitment (section verify-workerd); the difference above is what
the commitment adds to it.`,
  );
  console.log(JSON.stringify({ node, workerd: wd, load0, load1 }));
} finally {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
}
