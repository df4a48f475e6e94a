import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { wtnsCheck } from '@zkinfer/prover/snark/inspect.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { groth16Prove, shutdownProver, verifyStrict, verifyWithSnarkjs } from '@zkinfer/prover/snark/prove.ts';
import { activationTable, siluFixed } from '@zkinfer/prover/arith/activation.ts';
import { argmaxLowest as argmaxReference } from '@zkinfer/prover/arith/argmax.ts';
import { requantize as requantizeRef } from '@zkinfer/prover/arith/fixed.ts';
import { commit as commitRef, pack as packRef } from '@zkinfer/prover/commit/commit.ts';
import { assertSigned } from '@zkinfer/prover/circuit/gadgets/range.ts';
import { assertLessOrEqual, isEqual, isLessThan, isZero } from '@zkinfer/prover/circuit/gadgets/compare.ts';
import { argmaxLowest, maximum } from '@zkinfer/prover/circuit/gadgets/max.ts';
import { requantize, signedBounds } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import { activation, expNeg } from '@zkinfer/prover/circuit/gadgets/nonlinear.ts';
import { reciprocal, rsqrt } from '@zkinfer/prover/circuit/gadgets/reciprocal.ts';
import { pack } from '@zkinfer/prover/circuit/gadgets/pack.ts';
import { commit } from '@zkinfer/prover/circuit/poseidon.ts';

/**
 * One small circuit that uses every gadget family, taken through the whole snarkjs pipeline:
 * .r1cs/.wtns writers, snarkjs wtns check, a tiny local ptau, phase 2, prove, and both
 * verifiers (snarkjs and the project's strict one).
 */

const SILU = activationTable('silu', 1 / 32, 1 / 64, 8);
const M = 1_234_567;
const S = 24;
const SALT = 123_456_789_012_345_678_901_234_567_890n;

interface Inputs {
  xs: number[];
  acc: number;
}

function expected({ xs, acc }: Inputs) {
  const y = requantizeRef(acc, M, S, 8);
  const a = siluFixed(xs[0], SILU);
  return { token: argmaxReference(xs), commitment: commitRef(packRef([y, a, xs[2]], 8, true), SALT) };
}

function circuit(cs: ConstraintSystem, inputs?: Inputs): void {
  const exp = inputs ? expected(inputs) : undefined;
  const token = cs.publicInput('token', exp?.token);
  const commitment = cs.publicInput('commitment', exp?.commitment);
  const xs = [0, 1, 2, 3].map((i) => cs.privateInput(`x${i}`, inputs?.xs[i]));
  const acc = cs.privateInput('acc', inputs?.acc);
  const salt = cs.privateInput('salt', inputs ? SALT : undefined);

  const xBits = xs.map((x) => assertSigned(cs, x, 8));
  assertSigned(cs, acc, 24);
  const a = activation(cs, xBits[0], SILU);
  const { y } = requantize(cs, acc, signedBounds(24), M, S, 8);
  const { max, diffBits } = maximum(cs, xs, 12);
  const arg = argmaxLowest(cs, xs, 9);
  cs.assertEqual(arg.index, token, 'token');
  cs.assertEqual(arg.max, max, 'sameMax');
  const e = expNeg(cs, diffBits[1]);
  reciprocal(cs, e.add(1), 33, 40); // e < 2^32 (exact table product)
  const sq = cs.mul(xs[0], xs[0], 'x0sq');
  rsqrt(cs, sq.add(1), 15, 8);
  // x0 < x1, x2 ≠ x3 and x3 ≠ 0 for the inputs below: bind the flags to those facts.
  cs.assertEqual(isLessThan(cs, xs[0], xs[1], 9), 1, 'lt');
  cs.assertEqual(isEqual(cs, xs[2], xs[3]), 0, 'ne');
  cs.assertEqual(isZero(cs, xs[3]), 0, 'nz');
  assertLessOrEqual(cs, xs[3], max, 9);
  cs.assertEqual(commit(cs, pack([y, a, xs[2]], 8, true), salt), commitment, 'commitment');
}

describe('every gadget in one circuit through snarkjs (Groth16, tiny local ptau)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-gadgets-e2e-'));
  afterAll(async () => {
    await shutdownProver();
    rmSync(dir, { recursive: true, force: true });
  });

  it('proves and verifies; a changed public signal does not verify', async () => {
    const inputs: Inputs = { xs: [-7, 100, 3, 100], acc: -5_000_000 };
    const cs = new ConstraintSystem({ witness: true });
    circuit(cs, inputs);
    expect(findUnsatisfied(cs)).toBeNull();
    const shape = new ConstraintSystem({ witness: false });
    circuit(shape);
    expect(shape.nConstraints).toBe(cs.nConstraints);

    const r1cs = join(dir, 'c.r1cs');
    const wtns = join(dir, 'c.wtns');
    writeR1cs(shape, r1cs);
    writeWtns(cs, wtns);
    expect(await wtnsCheck(r1cs, wtns)).toBe(true);

    const ptau = await preparedPtau({ power: requiredPtauPower(cs.nConstraints, cs.nPublic) });
    const { zkeyPath, vkey } = await groth16Setup({ r1csPath: r1cs, ptauPath: ptau.path, zkeyPath: join(dir, 'c.zkey') });
    const { proof, publicSignals } = await groth16Prove(zkeyPath, wtns, { singleThread: true });
    const exp = expected(inputs);
    expect(publicSignals).toEqual([String(exp.token), String(exp.commitment)]);
    expect(await verifyWithSnarkjs(vkey, publicSignals, proof)).toBe(true);
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);
    const forged = [String(exp.token + 1), publicSignals[1]];
    expect(await verifyWithSnarkjs(vkey, forged, proof)).toBe(false);
    expect(verifyStrict(vkey, forged, proof)).toBe(false);
  });

  it('a wrong witness is refused by snarkjs wtns check too', async () => {
    const cs = new ConstraintSystem({ witness: true });
    circuit(cs, { xs: [1, 2, 3, 4], acc: 77 });
    expect(findUnsatisfied(cs)).toBeNull();
    const values = [...cs.values];
    const salt = cs.wireNames.indexOf('salt');
    values[salt] += 1n;
    expect(findUnsatisfied(cs, values)).not.toBeNull();
    const r1cs = join(dir, 'd.r1cs');
    const wtns = join(dir, 'd.wtns');
    writeR1cs(cs, r1cs);
    writeWtns(cs, wtns, values);
    expect(await wtnsCheck(r1cs, wtns)).toBe(false);
  });
});
