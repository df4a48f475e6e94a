// The native prover on a key with a BSB22 commitment: for fixed (r, s) its A, B, C, D and π
// equal the ffjavascript reference (reference-proof.ts, committed wires left out of C) and
// D, π equal the TypeScript sums of commitment-prove.ts; the witness's challenge comes from
// the snark's oracle, and the proof verifies with the strict verifier. snarkjs cannot prove
// such a key (its multi-exponentiation takes the point at infinity of L for a point): refused.
// The native setup engine writes the same commitment key as the TypeScript one (initial key and
// a fixed beacon), and the key check on native MSMs accepts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { challengeOracle, commitmentBases, commitmentJson, commitmentPoints } from '@zkinfer/prover/snark/commitment-prove.ts';
import { proveWithEngine } from '@zkinfer/prover/snark/engine.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { shutdownProver, verifyStrict } from '@zkinfer/prover/snark/prove.ts';
import { readFileSync } from 'node:fs';
import type { ProverEngine } from '@zkinfer/prover/snark/engine.ts';
import { applyFactors, contributeBeacon } from '@zkinfer/prover/snark/zkey-contribute.ts';
import { checkZkey } from '@zkinfer/prover/snark/zkey-check.ts';
import { composeInitialKey, pointCurve } from '@zkinfer/prover/snark/zkey-new.ts';
import { readZkeyCommitment, writeZkey } from '@zkinfer/prover/snark/zkey-file.ts';
import { writePtauSecrets } from '@zkinfer/prover/snark/ptau-secrets.ts';
import { COMMIT_SPEC, SECRETS, commitCircuit, commitKeys, type CommitKeys } from '../snark/commit-circuit.ts';
import { referenceProof } from './reference-proof.ts';
import { nativeSkipReason, randomBelow } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-native-commit-'));
let keys: CommitKeys;
let native: NativeProver;

describe.skipIf(nativeSkipReason !== undefined)('native prover with a commitment', () => {
  beforeAll(async () => {
    keys = await commitKeys(dir);
    native = new NativeProver(2);
  }, 120_000);

  afterAll(async () => {
    await native?.close();
    await shutdownProver();
    rmSync(dir, { recursive: true, force: true });
  });

  it('equals the reference for fixed (r, s) with D and π, and verifies', async () => {
    const c = readZkeyCommitment(keys.zkeyPath)!;
    const cs = commitCircuit({ x: 7n, rho: randomBelow(R), oracle: challengeOracle(c, keys.keyHash) });
    expect(findUnsatisfied(cs)).toBeNull();
    const witness = witnessBytes(cs.values);
    const r = randomBelow(R);
    const s = randomBelow(R);
    const got = await native.prove(keys.zkeyPath, witness, { randomness: { r, s } });
    const want = await referenceProof(keys.zkeyPath, witness, r, s);
    expect(got.proof.pi_a).toEqual(want.pi_a);
    expect(got.proof.pi_b).toEqual(want.pi_b);
    expect(got.proof.pi_c).toEqual(want.pi_c);
    expect(got.proof.commitment).toEqual(want.commitment);
    expect(got.proof.commitmentPok).toEqual(want.commitmentPok);
    const ts = commitmentJson(commitmentPoints(commitmentBases(c), COMMIT_SPEC.wires.map((w) => cs.values[w])));
    expect(got.proof.commitment).toEqual(ts.commitment);
    expect(got.proof.commitmentPok).toEqual(ts.commitmentPok);
    expect(got.publicSignals[1]).toBe(cs.values[2].toString());
    expect(verifyStrict(keys.vkey, got.publicSignals, got.proof)).toBe(true);
  }, 60_000);

  it('the native setup engine writes the same commitment key as the TypeScript engine', async () => {
    const keyOn = async (engine: ProverEngine, ptauPath = keys.ptauPath, name: string = engine) => {
      const { key, pool } = await composeInitialKey(keys.r1csPath, ptauPath, 2, undefined, engine, COMMIT_SPEC);
      const out = join(dir, `${name}.zkey`);
      try {
        writeZkey(`${out}.new`, key, 'new');
        const x = contributeBeacon(await pointCurve(), key, { name: 'fixed', hash: 'cd'.repeat(32), numIterationsExp: 10 });
        await applyFactors(await pointCurve(), pool, key, [x]);
      } finally {
        await pool.close();
      }
      writeZkey(out, key);
      return out;
    };
    const native = await keyOn('native');
    const wasm = await keyOn('snarkjs');
    expect(readFileSync(`${native}.new`).equals(readFileSync(`${wasm}.new`))).toBe(true);
    expect(readFileSync(native).equals(readFileSync(wasm))).toBe(true);
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, native, undefined, 'native', COMMIT_SPEC)).resolves.toBeUndefined();
    // With the ptau's secrets beside it, zkey new and the contribution compute the points from
    // their scalars (zkey-direct.ts): the committed wires' L entries must stay the identity there too.
    const withSecrets = join(dir, 'with-secrets');
    mkdirSync(withSecrets, { recursive: true });
    copyFileSync(keys.ptauPath, join(withSecrets, 'pot.ptau'));
    writePtauSecrets(withSecrets, SECRETS);
    const direct = await keyOn('native', join(withSecrets, 'pot.ptau'), 'direct');
    expect(readFileSync(`${direct}.new`).equals(readFileSync(`${wasm}.new`))).toBe(true);
    expect(readFileSync(direct).equals(readFileSync(wasm))).toBe(true);
  }, 60_000);

  it('refuses to prove a commitment key on snarkjs', async () => {
    const c = readZkeyCommitment(keys.zkeyPath)!;
    const cs = commitCircuit({ x: 3n, rho: 11n, oracle: challengeOracle(c, keys.keyHash) });
    const wtns = join(dir, 'w.wtns');
    writeWtns(cs, wtns);
    await expect(proveWithEngine(keys.zkeyPath, wtns, { engine: 'snarkjs' })).rejects.toThrow(/commitment/);
  });
});
