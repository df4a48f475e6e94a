// The native prover against snarkjs's keys: for fixed (r, s) its A, B, C equal a reference
// computed with ffjavascript from the same key and witness; its proofs verify with snarkjs and
// with the strict verifier; a witness with one wire changed gives a proof that verifies with
// neither; the witness from memory proves as the .wtns does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { setupCircuit, type CircuitKeys } from '@zkinfer/prover/snark/pipeline.ts';
import { NativeProver, witnessBytes } from '@zkinfer/prover/snark/native.ts';
import { shutdownProver, verifyStrict, verifyWithSnarkjs } from '@zkinfer/prover/snark/prove.ts';
import { mixedCircuit } from './mixed-circuit.ts';
import { referenceProof } from './reference-proof.ts';
import { nativeSkipReason, randomBelow } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-native-'));
let keys: CircuitKeys;
let native: NativeProver;

describe.skipIf(nativeSkipReason !== undefined)('native Groth16 prover', () => {
  beforeAll(async () => {
    keys = await setupCircuit(mixedCircuit(undefined), { dir, name: 'mixed', cacheDir: process.env.ZKINFER_CACHE_DIR ?? join(dir, 'cache') });
    native = new NativeProver(2);
  }, 300_000);

  afterAll(async () => {
    await native?.close();
    await shutdownProver();
    rmSync(dir, { recursive: true, force: true });
  });

  it('equals the ffjavascript reference for fixed (r, s), and verifies with snarkjs and the strict verifier', async () => {
    const cs = mixedCircuit([5n, randomBelow(R)]);
    expect(findUnsatisfied(cs)).toBeNull();
    const wtnsPath = join(dir, 'good.wtns');
    writeWtns(cs, wtnsPath);
    const witness = witnessBytes(cs.values);
    for (const [r, s] of [[randomBelow(R), randomBelow(R)], [1n, R - 1n]]) {
      const got = await native.prove(keys.zkeyPath, wtnsPath, { randomness: { r, s } });
      const want = await referenceProof(keys.zkeyPath, witness, r, s);
      expect(got.proof.pi_a).toEqual(want.pi_a);
      expect(got.proof.pi_b).toEqual(want.pi_b);
      expect(got.proof.pi_c).toEqual(want.pi_c);
      expect(got.publicSignals).toEqual([cs.values[1].toString(), cs.values[2].toString()]);
      expect(await verifyWithSnarkjs(keys.vkey, got.publicSignals, got.proof)).toBe(true);
      expect(verifyStrict(keys.vkey, got.publicSignals, got.proof)).toBe(true);
      // The same witness from memory gives the same proof.
      expect((await native.prove(keys.zkeyPath, witness, { randomness: { r, s } })).proof).toEqual(got.proof);
    }
    // Fresh randomness: a different, valid proof.
    const fresh = await native.prove(keys.zkeyPath, witness);
    expect(fresh.proof.pi_a).not.toEqual((await native.prove(keys.zkeyPath, witness)).proof.pi_a);
    expect(verifyStrict(keys.vkey, fresh.publicSignals, fresh.proof)).toBe(true);
    // The witness statistics it reports: bits and small values dominate this circuit.
    expect(fresh.wireStats.zeros + fresh.wireStats.ones).toBeGreaterThan(cs.nWires / 2);
    expect(fresh.wireStats.negatives).toBeGreaterThanOrEqual(60);
  }, 120_000);

  it('a witness with one wire changed (private or public) gives a proof neither verifier accepts', async () => {
    const cs = mixedCircuit([9n, 12345n]);
    for (const wire of [1, 3, cs.nWires - 1, 40]) {
      const bad = [...cs.values];
      bad[wire] = (bad[wire] + 1n) % R;
      expect(findUnsatisfied(cs, bad)).not.toBeNull();
      const { proof, publicSignals } = await native.prove(keys.zkeyPath, witnessBytes(bad));
      expect(await verifyWithSnarkjs(keys.vkey, publicSignals, proof)).toBe(false);
      expect(verifyStrict(keys.vkey, publicSignals, proof)).toBe(false);
      // ... nor with the honest public signals.
      expect(verifyStrict(keys.vkey, [cs.values[1].toString(), cs.values[2].toString()], proof)).toBe(false);
    }
  }, 120_000);

  it('refuses a witness of the wrong length, a value not below r, and a missing key, and keeps serving', async () => {
    const cs = mixedCircuit([1n, 2n]);
    await expect(native.prove(keys.zkeyPath, witnessBytes(cs.values.slice(1)))).rejects.toThrow(/witness has \d+ values, the key \d+ wires/);
    const over = witnessBytes(cs.values);
    over.fill(0xff, 32 * 5, 32 * 6);
    await expect(native.prove(keys.zkeyPath, over)).rejects.toThrow(/witness value 5 is not below r/);
    await expect(native.prove(join(dir, 'missing.zkey'), witnessBytes(cs.values))).rejects.toThrow(/missing.zkey/);
    await expect(native.prove(keys.r1csPath, witnessBytes(cs.values))).rejects.toThrow(/not a zkey file/);
    const ok = await native.prove(keys.zkeyPath, witnessBytes(cs.values));
    expect(verifyStrict(keys.vkey, ok.publicSignals, ok.proof)).toBe(true);
  }, 120_000);
});
