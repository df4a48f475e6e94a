/**
 * Soundness and zero knowledge of the BSB22 commitment (issue 16's list, docs/lookups-design.md
 * "Tests that must fail on a cheating prover"), on real proofs of the hand-made circuit of
 * commit-circuit.ts from the native prover: an honest proof passes every verifier (single,
 * batched with a plain key's proof, `zkinfer verify-groth16`); each cheat below fails — changed
 * D, D of another witness, a challenge the prover chose, forged or missing π, two proofs'
 * commitments swapped, a committed hint changed after seeing c, two commitments in one proof,
 * a commitment proof under a key without one and the reverse. Zero knowledge: with the local
 * setup's known τ, α, β, the ρ that opens a second witness to the first proof's D is computed,
 * and the second proof made with it has the very same D.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import {
  VerifyInputError,
  checkKeySafety,
  commitmentChallenge,
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
  prepareVerificationKey,
  prepareVerificationKeys,
  proofToJson,
  verifyGroth16,
  verifyGroth16Batch,
  type Groth16Proof,
  type PreparedVerificationKey,
} from '@zkinfer/verifier';
import type { ChallengeOracle } from '@zkinfer/prover/circuit/commitment-spec.ts';
import { R, inv } from '@zkinfer/prover/circuit/field.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { challengeOracle, challengeOracleForKey, g1FromLem } from '@zkinfer/prover/snark/commitment-prove.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { lagrangeAtTau } from '@zkinfer/prover/snark/ptau-scalars.ts';
import { shutdownProver, type SnarkjsProof } from '@zkinfer/prover/snark/prove.ts';
import { setupCircuit, type CircuitKeys } from '@zkinfer/prover/snark/pipeline.ts';
import { readZkey, readZkeyCommitment } from '@zkinfer/prover/snark/zkey-file.ts';
import { cli } from '../../helpers/cli.ts';
import { nativeSkipReason, randomBelow } from '../native/helpers.ts';
import { toyCircuit } from './toy-circuit.ts';
import { COMMIT_SPEC, SECRETS, commitCircuit, commitKeys, type CommitKeys } from './commit-circuit.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-commit-soundness-'));
let keys: CommitKeys;
let plain: CircuitKeys;
let native: NativeProver;
let oracle: ChallengeOracle;
let pvk: PreparedVerificationKey;

interface Proved {
  json: SnarkjsProof;
  proof: Groth16Proof;
  signals: bigint[];
}

async function prove(x: bigint, rho: bigint, orc: ChallengeOracle = oracle, tamper?: (values: bigint[]) => void): Promise<Proved> {
  const cs = commitCircuit({ x, rho, oracle: orc });
  expect(findUnsatisfied(cs)).toBeNull();
  const values = [...cs.values];
  tamper?.(values);
  const { proof, publicSignals } = await native.prove(keys.zkeyPath, witnessBytes(values));
  return { json: proof, proof: parseProof(proof), signals: parsePublicSignals(publicSignals, 2) };
}

const G1 = bn254.G1.Point;

describe.skipIf(nativeSkipReason !== undefined)('BSB22 commitment: soundness and zero knowledge', () => {
  beforeAll(async () => {
    keys = await commitKeys(dir);
    plain = await setupCircuit(toyCircuit(undefined), { dir, name: 'plain', cacheDir: join(dir, 'cache') });
    native = new NativeProver(2);
    oracle = challengeOracleForKey(keys.zkeyPath, keys.vkey);
    expect(oracle([5n, 9n], [25n])).toBe(challengeOracle(readZkeyCommitment(keys.zkeyPath)!, keys.keyHash)([5n, 9n], [25n]));
    expect(() => challengeOracleForKey(plain.zkeyPath, plain.vkey)).toThrow(/no commitment/);
    pvk = prepareVerificationKey(parseVerificationKey(keys.vkey));
  }, 180_000);
  afterAll(async () => {
    await native?.close();
    await shutdownProver();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an honest proof passes: single, batched with a plain key’s proof, and verify-groth16', async () => {
    const a = await prove(5n, randomBelow(R));
    const b = await prove(9n, randomBelow(R));
    expect(verifyGroth16(pvk, a.proof, a.signals)).toBe(true);
    const cs = toyCircuit([1n, 2n, 3n, 4n]);
    const wit = await native.prove(plain.zkeyPath, witnessBytes(cs.values));
    const [p1, p2] = prepareVerificationKeys([parseVerificationKey(keys.vkey), parseVerificationKey(plain.vkey)]);
    const plainItem = { pvk: p2, proof: parseProof(wit.proof), publicSignals: parsePublicSignals(wit.publicSignals, 2) };
    expect(verifyGroth16Batch([{ pvk: p1, proof: a.proof, publicSignals: a.signals }, plainItem, { pvk: p1, proof: b.proof, publicSignals: b.signals }])).toBe(true);
    // A bad commitment in a batch fails the batch.
    const bad = { ...b.proof, commitment: { ...b.proof.commitment!, d: b.proof.commitment!.d.add(G1.BASE) } };
    expect(verifyGroth16Batch([{ pvk: p1, proof: a.proof, publicSignals: a.signals }, plainItem, { pvk: p1, proof: bad, publicSignals: b.signals }])).toBe(false);
    // The CLI.
    const files = { vkey: join(dir, 'vk.json'), proof: join(dir, 'proof.json'), public: join(dir, 'public.json') };
    writeFileSync(files.vkey, JSON.stringify(keys.vkey));
    writeFileSync(files.proof, JSON.stringify(a.json));
    writeFileSync(files.public, JSON.stringify(a.signals.map(String)));
    expect((await cli(['verify-groth16', '--vkey', files.vkey, '--proof', files.proof, '--public', files.public])).code).toBe(0);
    writeFileSync(files.proof, JSON.stringify(proofToJson(bad)));
    expect((await cli(['verify-groth16', '--vkey', files.vkey, '--proof', files.proof, '--public', files.public])).code).toBe(1);
  }, 60_000);

  it('fails with D changed, D of another witness, π forged, π = D, or two proofs’ commitments swapped', async () => {
    const a = await prove(5n, randomBelow(R));
    const b = await prove(6n, randomBelow(R));
    const ca = a.proof.commitment!;
    const cb = b.proof.commitment!;
    const bad = (p: Proved, commitment: { d: typeof ca.d; pok: typeof ca.pok }) => verifyGroth16(pvk, { ...p.proof, commitment }, p.signals);
    expect(bad(a, { d: ca.d.add(G1.BASE), pok: ca.pok })).toBe(false);
    expect(bad(a, { d: cb.d, pok: ca.pok })).toBe(false);
    expect(bad(a, { d: ca.d, pok: ca.pok.add(G1.BASE) })).toBe(false);
    expect(bad(a, { d: ca.d, pok: ca.d })).toBe(false);
    expect(bad(a, cb)).toBe(false);
    expect(bad(b, ca)).toBe(false);
    // D and π both scaled consistently still fail: c changes with D, and L + D is off.
    expect(bad(a, { d: ca.d.double(), pok: ca.pok.double() })).toBe(false);
  }, 60_000);

  it('fails when the prover sets the challenge wire itself, or changes a committed hint after seeing c', async () => {
    const x = 5n;
    const rho = randomBelow(R);
    const chosen = await prove(x, rho, () => 12345n);
    expect(chosen.signals[1]).toBe(12345n);
    expect(verifyGroth16(pvk, chosen.proof, chosen.signals)).toBe(false);
    // With the honest c in its slot instead, the pairing equation fails (the witness used 12345).
    const honestC = commitmentChallenge(chosen.proof.commitment!.d, [chosen.signals[0]], keys.keyHash);
    expect(verifyGroth16(pvk, chosen.proof, [chosen.signals[0], honestC])).toBe(false);
    // Adaptive: c fixed from x = 5, then the committed x becomes 8 (u re-solved for that c; y = 64).
    const cOfFive = oracle([x, rho], [x * x]);
    const adaptive = await prove(8n, rho, () => cOfFive);
    expect(adaptive.signals[1]).toBe(cOfFive);
    expect(verifyGroth16(pvk, adaptive.proof, adaptive.signals)).toBe(false);
    const recomputed = commitmentChallenge(adaptive.proof.commitment!.d, [adaptive.signals[0]], keys.keyHash);
    expect(recomputed).not.toBe(cOfFive);
    expect(verifyGroth16(pvk, adaptive.proof, [adaptive.signals[0], recomputed])).toBe(false);
  }, 60_000);

  it('the parser refuses a missing π, two commitments, and commitments under the wrong kind of key', async () => {
    const a = await prove(5n, randomBelow(R));
    const { commitmentPok: _pok, ...noPok } = a.json;
    expect(() => parseProof(noPok)).toThrow(/proof of knowledge/);
    expect(() => parseProof({ ...a.json, commitment: [a.json.commitment, a.json.commitment] })).toThrow(VerifyInputError);
    expect(() => parseProof({ ...a.json, commitments: [a.json.commitment] })).toThrow(/unknown field/);
    const { commitment: _c, commitmentPok: _p, ...bare } = a.json;
    expect(() => verifyGroth16(pvk, parseProof(bare), a.signals)).toThrow(/the key has a commitment, the proof has none/);
    const plainPvk = prepareVerificationKey(parseVerificationKey(plain.vkey));
    expect(() => verifyGroth16(plainPvk, a.proof, a.signals)).toThrow(/the proof has a commitment, its key has none/);
    // Keys: the challenge slot must be a public signal, σ₂ must not be g₂, and the key has one commitment object.
    expect(() => parseVerificationKey({ ...keys.vkey, commitment: { ...keys.vkey.commitment!, publicIndex: 3 } })).toThrow(/publicIndex/);
    expect(() => parseVerificationKey({ ...keys.vkey, commitment: [keys.vkey.commitment] })).toThrow(VerifyInputError);
    const g2 = bn254.G2.Point.BASE.toAffine();
    const g2json = [[g2.x.c0, g2.x.c1], [g2.y.c0, g2.y.c1], [1n, 0n]].map((p) => p.map(String));
    expect(() => checkKeySafety(parseVerificationKey({ ...keys.vkey, commitment: { publicIndex: 2, sigmaG2: g2json } }))).toThrow(/σ is 1/);
  }, 60_000);

  it('zero knowledge: a second witness opens to the first proof’s D with a computable ρ', async () => {
    // K_j = β·u_j(τ) + α·v_j(τ) + w_j(τ) over the key's domain (P_j = K_j/γ, γ = 1).
    const key = readZkey(keys.zkeyPath);
    const N = key.domainSize;
    const lag = lagrangeAtTau(SECRETS.tau, Math.log2(N));
    const shape = commitCircuit();
    const k = new Map<number, bigint>();
    for (let i = 0; i < shape.nConstraints; i++) {
      const row = shape.constraint(i);
      const add = (lc: { vars: number[]; coeffs: bigint[] }, weight: bigint) =>
        lc.vars.forEach((v, t) => k.set(v, ((k.get(v) ?? 0n) + weight * lc.coeffs[t] * lag[i]) % R));
      add(row.a as never, SECRETS.beta);
      add(row.b as never, SECRETS.alpha);
      add(row.c as never, 1n);
    }
    const [xWire, rhoWire] = COMMIT_SPEC.wires;
    const kx = ((k.get(xWire)! % R) + R) % R;
    const kr = ((k.get(rhoWire)! % R) + R) % R;
    // The scalars are the key's: K_j·g1 = P_j.
    expect(G1.BASE.multiply(kx).equals(g1FromLem(key.commitment!.p, 0))).toBe(true);
    expect(G1.BASE.multiply(kr).equals(g1FromLem(key.commitment!.p, 64))).toBe(true);
    const [x1, x2] = [5n, 6n];
    const rho1 = randomBelow(R);
    // x1·K_x + ρ1·K_ρ = x2·K_x + ρ2·K_ρ  ⇒  ρ2 = ρ1 + (x1 − x2)·K_x/K_ρ.
    const rho2 = (((rho1 + (((x1 - x2) % R) + R) * kx % R * inv(kr)) % R) + R) % R;
    const first = await prove(x1, rho1);
    const second = await prove(x2, rho2);
    expect(second.proof.commitment!.d.equals(first.proof.commitment!.d)).toBe(true);
    expect(verifyGroth16(pvk, first.proof, first.signals)).toBe(true);
    expect(verifyGroth16(pvk, second.proof, second.signals)).toBe(true);
    expect(first.signals[0]).not.toBe(second.signals[0]);
  }, 60_000);
});
