// What a BSB22 commitment adds to on-chain verification (issue 16; docs/solidity.md "One key,
// with a BSB22 commitment"). Side by side in one run, in @ethereumjs/vm (Prague): the one-key
// Groth16 contract (prover/src/solidity/groth16-contract.ts) verifying batches of N real proofs
// of the commitment test circuit (test/prover/snark/commit-circuit.ts: 2 public signals, one
// the challenge) and of the plain toy circuit (test/prover/snark/toy-circuit.ts: 2 public
// signals). Gas of the whole transaction (intrinsic and calldata included); gas does not
// depend on the machine's load.
// Run: npx node bench/solidity-commit-gas.ts — writes the `solidity-commit-gas` section of BENCHMARKS.md.
// Needs the native prover (commitment keys are proven by it only).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProof, parsePublicSignals, parseVerificationKey, type VerificationKey } from '@zkinfer/verifier';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { GROTH16_CONTRACT, encodeGroth16Call, groth16Call, groth16ContractSource, type Groth16CallItem } from '@zkinfer/prover/solidity/groth16-contract.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { compileContracts } from '@zkinfer/prover/solidity/solc.ts';
import { challengeOracle } from '@zkinfer/prover/snark/commitment-prove.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { readZkeyCommitment } from '@zkinfer/prover/snark/zkey-file.ts';
import { commitCircuit, commitKeys } from '../test/prover/snark/commit-circuit.ts';
import { toyCircuit } from '../test/prover/snark/toy-circuit.ts';
import { markdownTable, writeBenchSection } from './report.ts';

const SIZES = [1, 2, 4, 8, 16];
const N = SIZES[SIZES.length - 1];
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-bench-solcommit-'));

try {
  const keys = await commitKeys(dir);
  const plain = await setupCircuit(toyCircuit(undefined), { dir, name: 'plain', cacheDir: join(dir, 'cache') });
  const native = new NativeProver(2);
  const oracle = challengeOracle(readZkeyCommitment(keys.zkeyPath)!, keys.keyHash);
  const item = (w: { proof: unknown; publicSignals: string[] }): Groth16CallItem => ({ proof: parseProof(w.proof), publicSignals: parsePublicSignals(w.publicSignals, 2) });
  const committed: Groth16CallItem[] = [];
  const plainItems: Groth16CallItem[] = [];
  for (let i = 0; i < N; i++) {
    const c = commitCircuit({ x: BigInt(3 + i), rho: (BigInt(i) * 0x9e3779b97f4a7c15n + 7n) % R, oracle });
    committed.push(item(await native.prove(keys.zkeyPath, witnessBytes(c.values))));
    plainItems.push(item(await native.prove(plain.zkeyPath, witnessBytes(toyCircuit([BigInt(i + 1), 2n, 3n, 4n]).values))));
  }
  await native.close();

  const chain = await LocalChain.open();
  const deploy = async (vk: VerificationKey) => {
    const { contracts, solcVersion } = compileContracts(groth16ContractSource(vk), [GROTH16_CONTRACT]);
    return { ...(await chain.deploy(contracts[0].bytecode)), solcVersion };
  };
  const commitC = await deploy(parseVerificationKey(keys.vkey));
  const plainC = await deploy(parseVerificationKey(plain.vkey));
  const gas = async (address: string, items: Groth16CallItem[]): Promise<number> => {
    const r = await chain.send(address, encodeGroth16Call(groth16Call(items)));
    if (r.reverted) throw new Error('bench: a batch did not verify');
    return Number(r.gasUsed);
  };
  const rows: number[][] = [];
  for (const n of SIZES) rows.push([n, await gas(commitC.address, committed.slice(0, n)), await gas(plainC.address, plainItems.slice(0, n))]);
  const diff = rows.map(([n, c, p]) => [n, c, p, c - p]);
  const [n0, c0, p0] = rows[rows.length - 2];
  const [n1, c1, p1] = rows[rows.length - 1];
  const perProof = (c1 - c0 - (p1 - p0)) / (n1 - n0);
  const perKey = c1 - p1 - perProof * n1;
  writeBenchSection(
    'solidity-commit-gas',
    `## Solidity: gas of a BSB22 commitment (issue 16; @ethereumjs/vm, Prague; ${commitC.solcVersion})

Reproduce: \`npx node bench/solidity-commit-gas.ts\` (needs the native prover). Gas does not depend on the machine or its load.
The one-key Groth16 contract (docs/solidity.md "One key, with a BSB22 commitment") verifying batches of real proofs: the
commitment test circuit (2 public signals, one the challenge) against the plain toy circuit (2 public signals), one key
each; gas of the whole transaction (21,000, calldata, execution). Runtime code: ${commitC.codeSize} bytes with the commitment,
${plainC.codeSize} plain.

${markdownTable(['proofs', 'with commitment', 'plain', 'difference'], diff)}

From the last two rows: **+${Math.round(perProof)} gas per proof** (two SHA-256 precompile calls for the 512-bit challenge,
ρ·D, ρ′·D and ρ′·π: three ecMul and three ecAdd, 128 more calldata bytes) and **+${Math.round(perKey)} per key**
(the extra pairing e(Σρ′·D, σ₂), 34,000 by EIP-1108, less what proof 0 saves: ρ_0 = 1 needs no ρ·D).
The design's estimate (docs/lookups-design.md "Costs for the verifier") was +34k per key and per batch plus one
sha256 call per chunk; the 512-bit widening makes it two calls (≈ 0.1k gas each at this size, +12 gas per 32 more bytes).`,
  );
  console.log(JSON.stringify({ rows: diff, perProof, perKey }));
} finally {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
}
