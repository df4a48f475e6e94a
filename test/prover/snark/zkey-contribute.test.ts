/**
 * Our contributions and beacon (prover/src/snark/zkey-contribute.ts, written from snarkjs's
 * record format) against snarkjs's own `zkey beacon`, which is deterministic: from the same
 * key, snarkjs's beacon and ours write the very same file (header δ, L and H, the records with
 * proofs of knowledge and transcripts), also after a random contribution of ours and with all
 * factors applied to L and H in one pass. Then groth16Setup's keys: `snarkjs zkey verify`
 * (its own recomputation from the .r1cs) accepts them, their proofs verify, and bad beacon
 * parameters are refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { groth16Prove, shutdownProver, verifyStrict, verifyWithSnarkjs } from '@zkinfer/prover/snark/prove.ts';
import { assertContributed, groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { applyFactors, contributeBeacon, contributeRandom } from '@zkinfer/prover/snark/zkey-contribute.ts';
import { readZkey, writeZkey, type Groth16Key } from '@zkinfer/prover/snark/zkey-file.ts';
import { composeInitialKey, pointCurve } from '@zkinfer/prover/snark/zkey-new.ts';
import { toyCircuit } from './toy-circuit.ts';

const circuit = (xs?: bigint[]) => toyCircuit(xs, 20);
const BEACON = '0badc0ffee0ddf00d5eed0fca5cade00000000000000000000000000000000aa';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-contribute-'));
let r1cs: string;
let ptau: string;

beforeAll(async () => {
  const shape = circuit();
  r1cs = join(dir, 'c.r1cs');
  writeR1cs(shape, r1cs);
  ptau = (await preparedPtau({ power: Math.max(5, requiredPtauPower(shape.nConstraints, shape.nPublic)), cacheDir: join(dir, 'cache') })).path;
});
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

function copyKey(k: Groth16Key): Groth16Key {
  return { ...k, contributions: k.contributions.map((c) => ({ ...c })) };
}

describe('our contribution records equal snarkjs zkey beacon', () => {
  it('a beacon on the initial key: the same bytes as snarkjs zkey beacon', async () => {
    const curve = await pointCurve();
    const { key, pool } = await composeInitialKey(r1cs, ptau);
    try {
      const init = join(dir, 'init.zkey');
      writeZkey(init, key, 'new');
      const theirs = join(dir, 'beacon.snarkjs.zkey');
      await snarkjs.zKey.beacon(init, theirs, 'the beacon', BEACON, 10);
      const x = contributeBeacon(curve, key, { name: 'the beacon', hash: BEACON, numIterationsExp: 10 });
      await applyFactors(curve, pool, key, [x]);
      const ours = join(dir, 'beacon.ours.zkey');
      writeZkey(ours, key);
      const [a, b] = [readFileSync(theirs), readFileSync(ours)];
      expect(b.length).toBe(a.length);
      expect(b.equals(a)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('a random contribution then the beacon, both factors applied in one pass: the same bytes as our contribution then snarkjs zkey beacon', async () => {
    const curve = await pointCurve();
    const { key, pool } = await composeInitialKey(r1cs, ptau);
    try {
      const x1 = contributeRandom(curve, key, 'first');
      const fused = copyKey(key);
      await applyFactors(curve, pool, key, [x1]);
      const mid = join(dir, 'mid.zkey');
      writeZkey(mid, key);
      const theirs = join(dir, 'two.snarkjs.zkey');
      await snarkjs.zKey.beacon(mid, theirs, 'the beacon', BEACON, 10);
      const xb = contributeBeacon(curve, fused, { name: 'the beacon', hash: BEACON, numIterationsExp: 10 });
      await applyFactors(curve, pool, fused, [x1, xb]);
      const ours = join(dir, 'two.ours.zkey');
      writeZkey(ours, fused);
      expect(readFileSync(ours).equals(readFileSync(theirs))).toBe(true);
      // The comparison is sensitive: another beacon hash gives another file.
      const other = copyKey(key);
      const xo = contributeBeacon(curve, other, { name: 'the beacon', hash: `${BEACON.slice(0, -2)}ab`, numIterationsExp: 10 });
      await applyFactors(curve, pool, other, [xo]);
      const otherPath = join(dir, 'other.zkey');
      writeZkey(otherPath, other);
      expect(readFileSync(otherPath).equals(readFileSync(theirs))).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('refuses a malformed beacon hash and too few or too many beacon iterations', async () => {
    const curve = await pointCurve();
    const { key, pool } = await composeInitialKey(r1cs, ptau);
    await pool.close();
    expect(() => contributeBeacon(curve, key, { hash: 'xyz', numIterationsExp: 10 })).toThrow(/not hexadecimal/);
    expect(() => contributeBeacon(curve, key, { hash: BEACON, numIterationsExp: 9 })).toThrow(/not in \[10, 63\]/);
    expect(() => contributeBeacon(curve, key, { hash: BEACON, numIterationsExp: 64 })).toThrow(/not in \[10, 63\]/);
    expect(key.contributions).toHaveLength(0);
  });
});

describe('groth16Setup', () => {
  it('makes a key with the random contributions then the beacon, accepted by snarkjs zkey verify, whose proofs verify', async () => {
    const zkeyPath = join(dir, 'setup.zkey');
    const { vkey } = await groth16Setup({ r1csPath: r1cs, ptauPath: ptau, zkeyPath, beaconHash: BEACON, contributions: 2 });
    expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkeyPath)).toBe(true);
    assertContributed(vkey);
    expect(readZkey(zkeyPath).contributions.map((c) => [c.type, c.name])).toEqual([
      [0, 'zkinfer contribution 1'],
      [0, 'zkinfer contribution 2'],
      [1, 'zkinfer beacon'],
    ]);
    const cs = circuit([2n, 9n, R - 4n, 1n]);
    const wtns = join(dir, 'real.wtns');
    writeWtns(cs, wtns);
    const { proof, publicSignals } = await groth16Prove(zkeyPath, wtns);
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);
    expect(await verifyWithSnarkjs(vkey, publicSignals, proof)).toBe(true);
    const wrong = [publicSignals[0], ((BigInt(publicSignals[1]) + 1n) % R).toString()];
    expect(verifyStrict(vkey, wrong, proof)).toBe(false);
  });

  it('refuses zero contributions', async () => {
    await expect(groth16Setup({ r1csPath: r1cs, ptauPath: ptau, zkeyPath: join(dir, 'none.zkey'), contributions: 0 })).rejects.toThrow(RangeError);
  });
});
