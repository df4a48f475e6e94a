/**
 * The compile-time key check (prover/src/snark/zkey-check.ts), independent of the code that
 * makes keys: it accepts our keys and keys made entirely by snarkjs (zkey new, contribute,
 * beacon), and refuses a key with no contribution, a key with any one point of any section
 * replaced by another point, a wrong δ, a broken transcript and a changed α.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { getCurve } from '@zkinfer/prover/snark/curve.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { checkZkey, KeyCheckError } from '@zkinfer/prover/snark/zkey-check.ts';
import { readZkey, writeZkey, type Groth16Key } from '@zkinfer/prover/snark/zkey-file.ts';
import { toyCircuit } from './toy-circuit.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-zkey-check-'));
let r1cs: string;
let ptau: string;
let ours: string;

beforeAll(async () => {
  const shape = toyCircuit(undefined, 20);
  r1cs = join(dir, 'c.r1cs');
  writeR1cs(shape, r1cs);
  ptau = (await preparedPtau({ power: Math.max(5, requiredPtauPower(shape.nConstraints, shape.nPublic)), cacheDir: join(dir, 'cache') })).path;
  ours = join(dir, 'ours.zkey');
  await groth16Setup({ r1csPath: r1cs, ptauPath: ptau, zkeyPath: ours });
});
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A copy of our key with `change` applied, written to a new file. */
function tampered(change: (k: Groth16Key) => void): string {
  const k = readZkey(ours);
  for (const s of ['ic', 'a', 'b1', 'b2', 'l', 'h'] as const) k[s] = k[s].slice();
  change(k);
  const path = join(dir, `tampered-${n++}.zkey`);
  writeZkey(path, k);
  return path;
}

/** Overwrites the first non-zero point of a section with the next point that differs from it. */
function replaceOnePoint(section: Uint8Array, size: number): void {
  const count = section.length / size;
  const at = (i: number) => section.subarray(i * size, (i + 1) * size);
  const isZero = (p: Uint8Array) => p.every((b) => b === 0);
  const i = Array.from({ length: count }, (_, x) => x).find((x) => !isZero(at(x)));
  if (i === undefined) throw new Error('no non-zero point');
  const j = Array.from({ length: count }, (_, x) => x).find((x) => x !== i && !isZero(at(x)) && !at(x).every((b, k) => b === at(i)[k]));
  if (j === undefined) throw new Error('no other point');
  section.set(at(j).slice(), i * size);
}

describe('checkZkey', () => {
  it('accepts our key and a key made entirely by snarkjs', async () => {
    await expect(checkZkey(r1cs, ptau, ours)).resolves.toBeUndefined();
    const init = join(dir, 'snarkjs.0.zkey');
    const contributed = join(dir, 'snarkjs.1.zkey');
    const final = join(dir, 'snarkjs.2.zkey');
    await snarkjs.zKey.newZKey(r1cs, ptau, init);
    await snarkjs.zKey.contribute(init, contributed, 'c1', 'some entropy');
    await snarkjs.zKey.beacon(contributed, final, 'b', 'aa'.repeat(32), 10);
    await expect(checkZkey(r1cs, ptau, final)).resolves.toBeUndefined();
    // ... and refuses snarkjs's key without contribution.
    await expect(checkZkey(r1cs, ptau, init)).rejects.toThrow(/no phase-2 contribution/);
  });

  it.each([
    ['a', 64, /A, B1 or IC/],
    ['b1', 64, /A, B1 or IC/],
    ['ic', 64, /A, B1 or IC/],
    ['b2', 128, /B2/],
    ['l', 64, /L or H/],
    ['h', 64, /L or H/],
  ] as const)('refuses the key with one %s point replaced by another', async (section, size, message) => {
    const path = tampered((k) => replaceOnePoint(k[section], size));
    await expect(checkZkey(r1cs, ptau, path)).rejects.toThrow(message);
  });

  it('refuses a key with one point set to the point at infinity', async () => {
    const path = tampered((k) => k.l.fill(0, 0, 64));
    await expect(checkZkey(r1cs, ptau, path)).rejects.toThrow(KeyCheckError);
  });

  it('refuses another δ (consistent in G1 and G2), a broken transcript and another α', async () => {
    const curve = await getCurve(true);
    const double = (k: Groth16Key) => {
      curve.G1.toRprLEM(k.delta1, 0, curve.G1.toAffine(curve.G1.double(curve.G1.fromRprLEM(k.delta1, 0))));
      curve.G2.toRprLEM(k.delta2, 0, curve.G2.toAffine(curve.G2.double(curve.G2.fromRprLEM(k.delta2, 0))));
    };
    await expect(checkZkey(r1cs, ptau, tampered(double))).rejects.toThrow(/δ₁ is not the last/);
    const transcript = tampered((k) => {
      k.contributions[0].transcript = k.contributions[0].transcript.slice();
      k.contributions[0].transcript[5] ^= 1;
    });
    await expect(checkZkey(r1cs, ptau, transcript)).rejects.toThrow(/transcript/);
    const alpha = tampered((k) => {
      k.alpha1 = k.beta1.slice();
    });
    await expect(checkZkey(r1cs, ptau, alpha)).rejects.toThrow(/α₁, β₁ or β₂/);
  });

  it('refuses a key whose δ₂ does not match δ₁', async () => {
    const curve = await getCurve(true);
    const path = tampered((k) => {
      curve.G2.toRprLEM(k.delta2, 0, curve.G2.toAffine(curve.G2.double(curve.G2.fromRprLEM(k.delta2, 0))));
    });
    await expect(checkZkey(r1cs, ptau, path)).rejects.toThrow(/not the same δ/);
  });
});
