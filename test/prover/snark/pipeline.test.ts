import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { assertContributed, exportVerificationKey, groth16Setup, newZkeyWithoutContribution, type SnarkjsVkey } from '@zkinfer/prover/snark/setup.ts';
import { groth16Prove, shutdownProver, verifyStrict, verifyWithSnarkjs } from '@zkinfer/prover/snark/prove.ts';
import { SnarkError } from '@zkinfer/prover/snark/errors.ts';
import { checkZkey, KeyCheckError } from '@zkinfer/prover/snark/zkey-check.ts';
import { proveCircuit, setupCircuit } from '@zkinfer/prover/snark/pipeline.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';
import * as snarkjs from 'snarkjs';
import { toyCircuit } from './toy-circuit.ts';

const circuit = (xs?: bigint[]) => toyCircuit(xs, 0);

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-pipeline-'));
let vkey: SnarkjsVkey;
let zkeyPath: string;
let r1csPath: string;
let ptauPath: string;

beforeAll(async () => {
  const shape = circuit();
  r1csPath = join(dir, 'c.r1cs');
  writeR1cs(shape, r1csPath);
  const ptau = await preparedPtau({ power: Math.max(4, requiredPtauPower(shape.nConstraints, shape.nPublic)), cacheDir: join(dir, 'cache') });
  expect(ptau.insecure).toBe(true);
  ptauPath = ptau.path;
  zkeyPath = join(dir, 'c.zkey');
  ({ vkey } = await groth16Setup({ r1csPath, ptauPath, zkeyPath }));
});

afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

describe('snarkjs pipeline on our .r1cs/.wtns and a fast local ptau', () => {
  it('proves, and both snarkjs and the strict verifier accept; a wrong public signal is rejected by both', async () => {
    const cs = circuit([2n, 9n, R - 4n, 1n]);
    expect(findUnsatisfied(cs)).toBeNull();
    const wtnsPath = join(dir, 'good.wtns');
    writeWtns(cs, wtnsPath);
    const { proof, publicSignals } = await groth16Prove(zkeyPath, wtnsPath);
    expect(publicSignals).toEqual([cs.values[1].toString(), cs.values[2].toString()]);
    expect(vkey.nPublic).toBe(2);
    expect(await verifyWithSnarkjs(vkey, publicSignals, proof)).toBe(true);
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);

    const wrong = [publicSignals[0], ((BigInt(publicSignals[1]) + 1n) % R).toString()];
    expect(await verifyWithSnarkjs(vkey, wrong, proof)).toBe(false);
    expect(verifyStrict(vkey, wrong, proof)).toBe(false);
  });

  it('proves single-threaded too', async () => {
    const cs = circuit([1n, 1n, 1n, 1n]);
    writeWtns(cs, join(dir, 'st.wtns'));
    const { proof, publicSignals } = await groth16Prove(zkeyPath, join(dir, 'st.wtns'), { singleThread: true });
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);
  });

  it('a tampered witness (unsatisfied) yields no valid proof', async () => {
    const cs = circuit([2n, 3n, 4n, 5n]);
    const bad = [...cs.values];
    bad[2] = (bad[2] + 1n) % R; // z, a public input: the last constraint breaks
    expect(findUnsatisfied(cs, bad)?.label).toBe('z');
    writeWtns(cs, join(dir, 'bad.wtns'), bad);
    const { proof, publicSignals } = await groth16Prove(zkeyPath, join(dir, 'bad.wtns'));
    expect(await verifyWithSnarkjs(vkey, publicSignals, proof)).toBe(false);
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(false);
  });

  it('refuses a key with no phase-2 contribution and accepts the contributed one', async () => {
    const raw = join(dir, 'raw.zkey');
    await newZkeyWithoutContribution(r1csPath, ptauPath, raw);
    const rawVkey = await exportVerificationKey(raw);
    expect(() => assertContributed(rawVkey)).toThrow(RangeError);
    expect(() => assertContributed(vkey)).not.toThrow();
    expect(() => assertContributed({ ...vkey, vk_delta_2: vkey.vk_gamma_2 })).toThrow(/δ = γ/);
  });

  it('snarkjs zkey verify (its own recomputation from the .r1cs) accepts our key; our check refuses a key of another circuit', async () => {
    expect(await snarkjs.zKey.verifyFromR1cs(r1csPath, ptauPath, zkeyPath)).toBe(true);
    const other = new ConstraintSystem({ witness: false });
    const a = other.publicInput('y');
    other.publicInput('z');
    const xs = [0, 1, 2, 3].map((i) => other.privateInput(`x${i}`));
    other.assertEqual(LinearCombination.dot(xs, [3, -5, 7, 12]), a, 'y'); // one weight differs
    const otherR1cs = join(dir, 'other.r1cs');
    writeR1cs(other, otherR1cs);
    const otherKey = join(dir, 'other.zkey');
    await groth16Setup({ r1csPath: otherR1cs, ptauPath, zkeyPath: otherKey });
    await expect(checkZkey(r1csPath, ptauPath, otherKey)).rejects.toThrow(KeyCheckError);
    expect(await snarkjs.zKey.verifyFromR1cs(r1csPath, ptauPath, otherKey)).toBe(false);
  });

  it('surfaces snarkjs failures as SnarkError (wrong-size witness)', async () => {
    const other = new ConstraintSystem({ witness: true });
    other.publicInput('a', 1);
    writeWtns(other, join(dir, 'small.wtns'));
    await expect(groth16Prove(zkeyPath, join(dir, 'small.wtns'))).rejects.toThrow(SnarkError);
  });

  it('a satisfied witness proves and verifies; an unsatisfied one yields a proof the strict verifier refuses', async () => {
    const cs = circuit([5n, 6n, 7n, 8n]);
    writeWtns(cs, join(dir, 'good.wtns'));
    const { proof, publicSignals } = await groth16Prove(zkeyPath, join(dir, 'good.wtns'));
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);
    expect(await verifyWithSnarkjs(vkey, publicSignals, proof)).toBe(true);
    const bad = circuit([5n, 6n, 7n, 8n]);
    (bad.values as bigint[])[3] = 1n;
    expect(findUnsatisfied(bad)).not.toBeNull();
    writeWtns(bad, join(dir, 'bad.wtns'));
    const forged = await groth16Prove(zkeyPath, join(dir, 'bad.wtns'));
    expect(verifyStrict(vkey, forged.publicSignals, forged.proof)).toBe(false);
  });

  it('reuses the cached local ptau', async () => {
    const again = await preparedPtau({ power: 4, cacheDir: join(dir, 'cache') });
    expect(again.path).toBe(ptauPath);
  });
});
