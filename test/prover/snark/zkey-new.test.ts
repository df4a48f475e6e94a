/**
 * Our phase-2 key generation (prover/src/snark/zkey-new.ts, written from the .zkey format)
 * must write the very key snarkjs's `zkey new` writes for the same .r1cs and .ptau: compared
 * byte for byte on circuits whose coefficients are ±1, powers of two, small and large
 * positive and negative constants, on A, B and C sides and on public wires (IC), and with an
 * unused wire.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { toBits } from '@zkinfer/prover/circuit/gadgets/bits.ts';
import { preparedPtau, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { composeInitialKey } from '@zkinfer/prover/snark/zkey-new.ts';
import { writeZkey } from '@zkinfer/prover/snark/zkey-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-zkey-new-'));
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

export function mixedCircuit(): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: false });
  const pubs = [0, 1, 2].map((i) => cs.publicInput(`p${i}`));
  const xs = Array.from({ length: 12 }, (_, i) => cs.privateInput(`x${i}`));
  cs.privateInput('unused');
  const weights = [1, -1, 2, -2, 127, -128, 4096, -4097, 1 << 30, -(2 ** 40), 3, -7];
  cs.assertEqual(LinearCombination.dot(xs, weights), pubs[0], 'dot');
  const big = LinearCombination.dot([xs[0], xs[1]], [2n ** 200n, R - 2n ** 130n]);
  cs.assertR1(big, xs[2].add(pubs[1]), xs[3].scale(-5), 'wide');
  cs.assertR1(xs[4].scale(-1).add(9), xs[5].scale(R - 3n), pubs[2].add(xs[6]), 'negatives');
  toBits(cs, xs[7], 10); // bits: b·(b − 1) rows and a power-of-two sum
  cs.mul(xs[8], xs[9], 'prod');
  return cs;
}

async function bothKeys(cs: ConstraintSystem, name: string, threads?: number): Promise<[Buffer, Buffer]> {
  const r1cs = join(dir, `${name}.r1cs`);
  writeR1cs(cs, r1cs);
  const k = requiredPtauPower(cs.nConstraints, cs.nPublic);
  // Only the circuit's Lagrange levels: a 2^15 file in a fraction of the time.
  const ptau = await preparedPtau({ power: Math.max(4, k), levels: [k], cacheDir: join(dir, 'cache') });
  const theirs = join(dir, `${name}.snarkjs.zkey`);
  const ours = join(dir, `${name}.ours.zkey`);
  await snarkjs.zKey.newZKey(r1cs, ptau.path, theirs);
  const { key, pool } = await composeInitialKey(r1cs, ptau.path, threads);
  await pool.close();
  writeZkey(ours, key, 'new');
  return [readFileSync(theirs), readFileSync(ours)];
}

describe('our zkey new equals snarkjs zkey new', () => {
  it('writes the same bytes on a circuit of mixed coefficients', async () => {
    const [theirs, ours] = await bothKeys(mixedCircuit(), 'mixed');
    expect(ours.length).toBe(theirs.length);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('writes the same bytes on a circuit with only ±1 coefficients and one public input, on one thread', async () => {
    const cs = new ConstraintSystem({ witness: false });
    const p = cs.publicInput('p');
    const a = cs.privateInput('a');
    const b = cs.privateInput('b');
    cs.assertR1(a, b.sub(a), p.scale(-1), 'r');
    const [theirs, ours] = await bothKeys(cs, 'ones', 1);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('writes the same bytes for a domain of 2^15 (snarkjs hashes one H difference more above 2^14 + 1 rows)', async () => {
    const cs = new ConstraintSystem({ witness: false });
    const p = cs.publicInput('p');
    const x = cs.privateInput('x');
    let acc = cs.mul(x, x, 'sq');
    for (let i = 0; i < (1 << 14) + 10; i++) acc = cs.mul(acc, x.scale(i % 2 === 0 ? 1 : -3), `m${i}`);
    cs.assertEqual(acc, p, 'out');
    expect(requiredPtauPower(cs.nConstraints, cs.nPublic)).toBe(15);
    const [theirs, ours] = await bothKeys(cs, 'chain15');
    expect(ours.equals(theirs)).toBe(true);
  }, 300_000);
});
