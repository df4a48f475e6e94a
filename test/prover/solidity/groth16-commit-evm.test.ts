/**
 * The one-key Groth16 contract (prover/src/solidity/groth16-contract.ts) with a BSB22
 * commitment, compiled with solc-js and run in a real EVM (@ethereumjs/vm, Prague), on real
 * proofs of commit-circuit.ts from the native prover (and of toy-circuit.ts for a plain key):
 * honest proofs verify, singly and batched, exactly when the TypeScript verifier accepts them;
 * each cheat reverts with its reason — changed D, D of another witness, forged or missing π,
 * commitments swapped between two proofs, a wrong challenge (the contract recomputes it), a
 * plain proof under the commitment key and the reverse, bad points. Gas goes to stderr ("gas |").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bn254 } from '@noble/curves/bn254.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  P,
  R,
  commitmentChallenge,
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
  prepareVerificationKeys,
  verifyGroth16Batch,
  type Groth16Proof,
  type PreparedVerificationKey,
  type VerificationKey,
} from '@zkinfer/verifier';
import { decodeError } from '@zkinfer/prover/solidity/abi.ts';
import {
  GROTH16_CONTRACT,
  GROTH16_ERROR_SIGNATURES,
  encodeGroth16Call,
  groth16Call,
  groth16ContractSource,
  type Groth16Call,
  type Groth16CallItem,
} from '@zkinfer/prover/solidity/groth16-contract.ts';
import { LocalChain } from '@zkinfer/prover/solidity/local-chain.ts';
import { compileContracts } from '@zkinfer/prover/solidity/solc.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { challengeOracleForKey } from '@zkinfer/prover/snark/commitment-prove.ts';
import { setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { cli } from '../../helpers/cli.ts';
import { nativeSkipReason, randomBelow } from '../native/helpers.ts';
import { commitCircuit, commitKeys, type CommitKeys } from '../snark/commit-circuit.ts';
import { toyCircuit } from '../snark/toy-circuit.ts';

const G1 = bn254.G1.Point;
const dir = mkdtempSync(join(tmpdir(), 'zkinfer-sol-commit-'));
let keys: CommitKeys;
let commitVk: VerificationKey;
let plainVk: VerificationKey;
let pvks: PreparedVerificationKey[];
let native: NativeProver;
let oracle: ChallengeOracle;
let chain: LocalChain;
let commitAt: string;
let plainAt: string;
let a: Groth16CallItem;
let b: Groth16CallItem;
let plainA: Groth16CallItem;
let plainB: Groth16CallItem;

async function proveCommit(x: bigint): Promise<Groth16CallItem> {
  const cs = commitCircuit({ x, rho: randomBelow(R), oracle });
  const { proof, publicSignals } = await native.prove(keys.zkeyPath, witnessBytes(cs.values));
  return { proof: parseProof(proof), publicSignals: parsePublicSignals(publicSignals, 2) };
}

async function deploy(vk: VerificationKey): Promise<{ address: string; codeSize: number }> {
  const { contracts } = compileContracts(groth16ContractSource(vk), [GROTH16_CONTRACT]);
  return chain.deploy(contracts[0].bytecode);
}

interface Outcome {
  ok: boolean;
  error?: string;
  args?: bigint[];
}

async function verifyOn(address: string, call: Groth16Call): Promise<Outcome> {
  const r = await chain.call(address, encodeGroth16Call(call));
  if (!r.reverted) return { ok: r.returnValue.length === 32 && r.returnValue[31] === 1 };
  const e = decodeError(r.returnValue, GROTH16_ERROR_SIGNATURES);
  return { ok: false, error: e?.name ?? 'unknown revert', args: e?.args };
}

const withCommitment = (item: Groth16CallItem, commitment: Groth16Proof['commitment']): Groth16CallItem => ({ ...item, proof: { ...item.proof, commitment } });
const withSignals = (item: Groth16CallItem, publicSignals: bigint[]): Groth16CallItem => ({ ...item, publicSignals });
/** The item with its challenge signal recomputed for its (possibly changed) D: the honest c for that D. */
const rechallenged = (item: Groth16CallItem): Groth16CallItem =>
  withSignals(item, [item.publicSignals[0], commitmentChallenge(item.proof.commitment!.d, [item.publicSignals[0]], keys.keyHash)]);
/** What the TypeScript batch verifier says of items under the commitment key (false for a refused input too). */
function tsVerdict(items: Groth16CallItem[], pvk = pvks[0]): boolean {
  try {
    return verifyGroth16Batch(items.map((i) => ({ pvk, proof: i.proof, publicSignals: i.publicSignals })));
  } catch {
    return false;
  }
}

async function expectRefused(address: string, items: Groth16CallItem[], error: string, label: string, call = groth16Call(items)): Promise<void> {
  const r = await verifyOn(address, call);
  expect(r, label).toMatchObject({ ok: false, error });
}

describe.skipIf(nativeSkipReason !== undefined)('Solidity Groth16 verifier with a BSB22 commitment, in a real EVM', () => {
  beforeAll(async () => {
    keys = await commitKeys(dir);
    const plain = await setupCircuit(toyCircuit(undefined), { dir, name: 'plain', cacheDir: join(dir, 'cache') });
    commitVk = parseVerificationKey(keys.vkey);
    plainVk = parseVerificationKey(plain.vkey);
    pvks = prepareVerificationKeys([commitVk, plainVk]);
    native = new NativeProver(2);
    oracle = challengeOracleForKey(keys.zkeyPath, keys.vkey);
    chain = await LocalChain.open();
    commitAt = (await deploy(commitVk)).address;
    plainAt = (await deploy(plainVk)).address;
    a = await proveCommit(5n);
    b = await proveCommit(6n);
    const provePlain = async (xs: bigint[]) => {
      const w = await native.prove(plain.zkeyPath, witnessBytes(toyCircuit(xs).values));
      return { proof: parseProof(w.proof), publicSignals: parsePublicSignals(w.publicSignals, 2) };
    };
    plainA = await provePlain([1n, 2n, 3n, 4n]);
    plainB = await provePlain([5n, 6n, 7n, 8n]);
  }, 300_000);
  afterAll(async () => {
    await native?.close();
    await shutdownProver();
    rmSync(dir, { recursive: true, force: true });
  });

  it('honest proofs verify, singly and batched, as the TypeScript verifier says; gas per proof and per key', async () => {
    expect(commitVk.commitment?.publicIndex).toBe(2);
    for (const items of [[a], [b], [a, b], [b, a, a]]) {
      expect(tsVerdict(items)).toBe(true);
      expect(await verifyOn(commitAt, groth16Call(items))).toEqual({ ok: true });
    }
    expect(tsVerdict([plainA, plainB], pvks[1])).toBe(true);
    expect(await verifyOn(plainAt, groth16Call([plainA, plainB]))).toEqual({ ok: true });
    // Gas as a transaction (intrinsic and calldata included), the same 2 publics under both keys.
    const gas = async (address: string, items: Groth16CallItem[]) => {
      const r = await chain.send(address, encodeGroth16Call(groth16Call(items)));
      expect(r.reverted).toBe(false);
      return r.gasUsed;
    };
    const c1 = await gas(commitAt, [a]);
    const c2 = await gas(commitAt, [a, b]);
    const p1 = await gas(plainAt, [plainA]);
    const p2 = await gas(plainAt, [plainA, plainB]);
    process.stderr.write(`  gas | one-key contract, 2 publics: plain 1 proof ${p1}, 2 proofs ${p2}; commitment 1 proof ${c1}, 2 proofs ${c2}\n`);
    process.stderr.write(`  gas | commitment extra: per proof ${c2 - c1 - (p2 - p1)}, per key ${c1 - p1 - (c2 - c1 - (p2 - p1))}\n`);
    // The commitment costs at least its pairing (34,000, EIP-1108) and some work per proof.
    expect(c1 - p1).toBeGreaterThan(34_000n);
    expect(c2 - c1).toBeGreaterThan(p2 - p1);
  }, 120_000);

  it('refuses a changed D, D of another witness, a forged or missing π, swapped commitments', async () => {
    const ca = a.proof.commitment!;
    const cb = b.proof.commitment!;
    // D changed: the recomputed challenge differs from the signal; with the signal fixed to it, the pairings fail.
    const dPlusG = withCommitment(a, { d: ca.d.add(G1.BASE), pok: ca.pok });
    await expectRefused(commitAt, [dPlusG], 'WrongChallenge', 'D + G');
    await expectRefused(commitAt, [rechallenged(dPlusG)], 'ProofsInvalid', 'D + G, its challenge');
    expect(tsVerdict([rechallenged(dPlusG)])).toBe(false);
    // D of another witness (b's), with its challenge.
    const otherD = rechallenged(withCommitment(a, { d: cb.d, pok: ca.pok }));
    await expectRefused(commitAt, [otherD], 'ProofsInvalid', 'D of b');
    await expectRefused(commitAt, [rechallenged(withCommitment(a, cb))], 'ProofsInvalid', 'D and π of b');
    // Forged π: shifted, π = D, both doubled (c recomputed for 2D).
    await expectRefused(commitAt, [withCommitment(a, { d: ca.d, pok: ca.pok.add(G1.BASE) })], 'ProofsInvalid', 'π + G');
    await expectRefused(commitAt, [withCommitment(a, { d: ca.d, pok: ca.d })], 'ProofsInvalid', 'π = D');
    await expectRefused(commitAt, [rechallenged(withCommitment(a, { d: ca.d.double(), pok: ca.pok.double() }))], 'ProofsInvalid', '2D, 2π');
    expect(tsVerdict([withCommitment(a, { d: ca.d, pok: ca.pok.add(G1.BASE) })])).toBe(false);
    // Missing π: the point at infinity in its place; no commitment at all.
    const call = groth16Call([a]);
    call.commitments[0] = [call.commitments[0][0], call.commitments[0][1], 0n, 0n];
    await expectRefused(commitAt, [a], 'PointAtInfinity', 'π missing', call);
    await expectRefused(commitAt, [withCommitment(a, undefined)], 'CommitmentMismatch', 'no commitment');
    // Swapped between two proofs of a batch: as sent, and with the challenges swapped too.
    const swapped = [withCommitment(a, cb), withCommitment(b, ca)];
    await expectRefused(commitAt, swapped, 'WrongChallenge', 'swapped');
    await expectRefused(commitAt, swapped.map(rechallenged), 'ProofsInvalid', 'swapped, challenges recomputed');
    expect(tsVerdict(swapped.map(rechallenged))).toBe(false);
    // One bad proof among good ones fails the batch (the second's ρ is not 1).
    await expectRefused(commitAt, [a, withCommitment(b, { d: cb.d, pok: cb.pok.add(G1.BASE) })], 'ProofsInvalid', 'batch, second π forged');
  }, 120_000);

  it('recomputes the challenge: a wrong c in its slot is refused, and a proof made for a chosen c fails', async () => {
    const [y, c] = a.publicSignals;
    await expectRefused(commitAt, [withSignals(a, [y, (c + 1n) % R])], 'WrongChallenge', 'c + 1');
    expect(tsVerdict([withSignals(a, [y, (c + 1n) % R])])).toBe(false);
    // The prover picks c itself (a witness satisfied for c = 12345): refused as stated, and with the honest c the pairings fail.
    const cs = commitCircuit({ x: 5n, rho: randomBelow(R), oracle: () => 12345n });
    const w = await native.prove(keys.zkeyPath, witnessBytes(cs.values));
    const chosen = { proof: parseProof(w.proof), publicSignals: parsePublicSignals(w.publicSignals, 2) };
    await expectRefused(commitAt, [chosen], 'WrongChallenge', 'chosen c');
    await expectRefused(commitAt, [rechallenged(chosen)], 'ProofsInvalid', 'chosen c, honest c stated');
    expect(tsVerdict([rechallenged(chosen)])).toBe(false);
  }, 60_000);

  it('refuses a plain proof under the commitment key and a commitment proof under a plain key', async () => {
    await expectRefused(commitAt, [plainA], 'CommitmentMismatch', 'plain under commitment key');
    // Given a commitment (a's) and its challenge for the plain proof's y, still refused.
    const dressed = withCommitment(plainA, a.proof.commitment);
    await expectRefused(commitAt, [withSignals(dressed, [plainA.publicSignals[0], commitmentChallenge(a.proof.commitment!.d, [plainA.publicSignals[0]], keys.keyHash)])], 'ProofsInvalid', 'plain, dressed');
    await expectRefused(plainAt, [a], 'CommitmentMismatch', 'commitment proof under plain key');
    await expectRefused(plainAt, [withCommitment(a, undefined)], 'ProofsInvalid', 'commitment proof without D under plain key');
  }, 60_000);

  it('refuses points off the curve or with a coordinate ≥ p (D and π as strictly as A and C)', async () => {
    const bad = (i: number, v: bigint): Groth16Call => {
      const call = groth16Call([a]);
      call.commitments[0][i] = v;
      return call;
    };
    const [dx, dy] = [a.proof.commitment!.d.toAffine().x, a.proof.commitment!.d.toAffine().y];
    await expectRefused(commitAt, [a], 'PointNotOnCurve', 'D off curve', bad(1, (dy + 1n) % P));
    await expectRefused(commitAt, [a], 'PointNotOnCurve', 'π off curve', bad(3, 1n));
    await expectRefused(commitAt, [a], 'CoordinateNotBelowP', 'D.x + p', bad(0, dx + P));
    const atInfinity = bad(0, 0n);
    atInfinity.commitments[0][1] = 0n;
    await expectRefused(commitAt, [a], 'PointAtInfinity', 'D at infinity', atInfinity);
    const r = await verifyOn(commitAt, bad(3, 1n));
    expect(r.args).toEqual([4n]); // π of proof 0
  }, 60_000);

  it('zkinfer export-solidity --vkey writes the same contract; a malformed key is a usage error (exit 2)', async () => {
    const vkPath = join(dir, 'commit-vk.json');
    const out = join(dir, 'one-key.sol');
    writeFileSync(vkPath, JSON.stringify(keys.vkey));
    const r = await cli(['export-solidity', '--vkey', vkPath, '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ out, nPublic: 2, commitment: true });
    expect(readFileSync(out, 'utf8')).toBe(groth16ContractSource(commitVk));
    writeFileSync(vkPath, JSON.stringify({ ...(keys.vkey as object), nPublic: 3 }));
    expect((await cli(['export-solidity', '--vkey', vkPath, '--out', out])).code).toBe(2);
  }, 60_000);
});
