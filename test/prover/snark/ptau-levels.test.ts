/**
 * Local ptau files with only some Lagrange levels (writeLocalPtau `only`, preparedPtau
 * `levels`): for the same secrets, a file made for domain 2^k gives the very same proving key
 * as the complete file for a circuit of domain 2^k (both k = power, which reads the extra
 * level 2^(power+1), and k < power), it is the complete file with the other levels zeroed,
 * and asking it for another domain is refused (assertPtauLevel, groth16Setup).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as snarkjs from 'snarkjs';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { writeR1cs } from '@zkinfer/prover/circuit/r1cs-writer.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { writeWtns } from '@zkinfer/prover/circuit/wtns-writer.ts';
import { assertPtauLevel, preparedPtau, r1csDomainPower, readPtauHeader, requiredPtauPower } from '@zkinfer/prover/snark/ptau.ts';
import { lagrangeLevelsFor, writePtauWithSecrets } from '@zkinfer/prover/snark/ptau-local.ts';
import { groth16Prove, shutdownProver, verifyStrict } from '@zkinfer/prover/snark/prove.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { writeInitialZkey } from '@zkinfer/prover/snark/zkey-new.ts';

const POWER = 5;
const SECRETS = { tau: 0x1234567890abcdefn * 7919n, alpha: 31337n ** 5n, beta: R - 12345n };

/** A public input p and a chain of `m` products x·x·…: m + 1 rows plus ONE (domain ⌊log2(m + 1)⌋ + 1). */
function chain(m: number, x?: bigint): ConstraintSystem {
  const cs = new ConstraintSystem({ witness: x !== undefined });
  let v = x;
  for (let i = 0; i < m && v !== undefined; i++) v = (v * x!) % R;
  const p = cs.publicInput('p', v);
  const xw = cs.privateInput('x', x);
  let acc = cs.mul(xw, xw, 'sq');
  for (let i = 1; i < m - 1; i++) acc = cs.mul(acc, xw, `m${i}`);
  cs.assertR1(acc, xw, p, 'out');
  return cs;
}

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-ptau-levels-'));
const file = (name: string) => join(dir, name);
const circuits: Record<'big' | 'small', { m: number; domain: number; r1cs: string }> = {
  big: { m: 20, domain: POWER, r1cs: file('big.r1cs') },
  small: { m: 5, domain: 3, r1cs: file('small.r1cs') },
};

beforeAll(async () => {
  for (const c of Object.values(circuits)) {
    const cs = chain(c.m);
    writeR1cs(cs, c.r1cs);
    expect(requiredPtauPower(cs.nConstraints, cs.nPublic)).toBe(c.domain);
    expect(r1csDomainPower(c.r1cs)).toBe(c.domain);
  }
  await writePtauWithSecrets(file('full.ptau'), POWER, SECRETS);
  await writePtauWithSecrets(file('big.ptau'), POWER, SECRETS, () => {}, lagrangeLevelsFor(POWER, [POWER]));
  await writePtauWithSecrets(file('small.ptau'), POWER, SECRETS, () => {}, lagrangeLevelsFor(POWER, [3]));
});
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

/** Byte offset and point size of Lagrange level p of section id in a ptau of power POWER. */
function levelRange(bytes: Buffer, id: number, p: number): [number, number] {
  let pos = 12;
  while (bytes.readUInt32LE(pos) !== id) pos += 12 + Number(bytes.readBigUInt64LE(pos + 4));
  const size = id === 13 ? 128 : 64;
  return [pos + 12 + (2 ** p - 1) * size, 2 ** p * size];
}

/** The complete file with every Lagrange level zeroed but those kept. */
function zeroedExcept(full: Buffer, keep: number[], keepTauG1: number[]): Buffer {
  const out = Buffer.from(full);
  for (const id of [12, 13, 14, 15]) {
    const top = id === 12 ? POWER + 1 : POWER;
    for (let p = 0; p <= top; p++) {
      if (keep.includes(p) || (id === 12 && keepTauG1.includes(p))) continue;
      const [at, len] = levelRange(out, id, p);
      out.fill(0, at, at + len);
    }
  }
  return out;
}

describe('local ptau with only the Lagrange levels setup reads', () => {
  it('is the complete file of the same secrets with the other levels at infinity', () => {
    const full = readFileSync(file('full.ptau'));
    const big = readFileSync(file('big.ptau'));
    const small = readFileSync(file('small.ptau'));
    expect(big.length).toBe(full.length);
    expect(big.equals(zeroedExcept(full, [POWER], [POWER + 1]))).toBe(true);
    expect(small.equals(zeroedExcept(full, [3], [4]))).toBe(true);
    expect(big.equals(full)).toBe(false);
    expect(readPtauHeader(file('small.ptau'))).toEqual({ power: POWER, prepared: true, contributions: 0 });
  });

  it('gives the same zkey as the complete file, for k = power and for k < power (ours and snarkjs zkey new)', async () => {
    for (const [name, c] of Object.entries(circuits)) {
      const fromFull = file(`${name}.full.zkey`);
      const fromLevels = file(`${name}.levels.zkey`);
      const bySnarkjs = file(`${name}.snarkjs.zkey`);
      await writeInitialZkey(c.r1cs, file('full.ptau'), fromFull);
      await writeInitialZkey(c.r1cs, file(`${name}.ptau`), fromLevels);
      await snarkjs.zKey.newZKey(c.r1cs, file(`${name}.ptau`), bySnarkjs);
      const expected = readFileSync(fromFull);
      expect(readFileSync(fromLevels).equals(expected)).toBe(true);
      expect(readFileSync(bySnarkjs).equals(expected)).toBe(true);
    }
  });

  it('assertPtauLevel accepts the levels a file has and refuses the others, naming the level', () => {
    for (let k = 1; k <= POWER; k++) expect(() => assertPtauLevel(file('full.ptau'), k)).not.toThrow();
    expect(() => assertPtauLevel(file('big.ptau'), POWER)).not.toThrow();
    expect(() => assertPtauLevel(file('small.ptau'), 3)).not.toThrow();
    expect(() => assertPtauLevel(file('big.ptau'), 3)).toThrow(/Lagrange level 2\^3 of section 12 is not in this file/);
    expect(() => assertPtauLevel(file('small.ptau'), 4)).toThrow(RangeError);
    // Level 4 of section 12 is real in small.ptau (the H points of domain 2^3), not 13–15.
    expect(() => assertPtauLevel(file('small.ptau'), 4)).toThrow(/level 2\^4 of section 13/);
    expect(() => assertPtauLevel(file('small.ptau'), POWER)).toThrow(/level 2\^5 of section 12/);
    expect(() => assertPtauLevel(file('full.ptau'), POWER + 1)).toThrow(/has power 5/);
  });

  it('refuses a file whose only missing points are the quotient (H) level', () => {
    // big.ptau keeps level 5 of 12–15 and level 6 of 12; drop only level 6.
    const bytes = readFileSync(file('big.ptau'));
    const [at, len] = levelRange(bytes, 12, POWER + 1);
    bytes.fill(0, at, at + len);
    const path = file('no-h.ptau');
    writeFileSync(path, bytes);
    expect(() => assertPtauLevel(path, POWER)).toThrow(/level 2\^6 of section 12/);
  });

  it('groth16Setup refuses a circuit of another domain, and makes working keys for its own', async () => {
    await expect(groth16Setup({ r1csPath: circuits.small.r1cs, ptauPath: file('big.ptau'), zkeyPath: file('refused.zkey') })).rejects.toThrow(RangeError);
    const { vkey } = await groth16Setup({ r1csPath: circuits.small.r1cs, ptauPath: file('small.ptau'), zkeyPath: file('small.final.zkey') });
    const cs = chain(circuits.small.m, 3n);
    writeWtns(cs, file('small.wtns'));
    const { proof, publicSignals } = await groth16Prove(file('small.final.zkey'), file('small.wtns'));
    expect(publicSignals).toEqual([(3n ** 6n).toString()]);
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);
  });
});

describe('preparedPtau with levels', () => {
  it('names the cache entry by its levels, reuses it for the same levels only, and prefers a complete file', async () => {
    const cacheDir = file('cache');
    const a = await preparedPtau({ power: 4, levels: [4, 2, 4], cacheDir, onProgress: () => {} });
    expect(a.levels).toEqual([2, 4]);
    expect(a.path).toContain('insecure-local-bn128-4-levels-2-4');
    expect(a.insecure).toBe(true);
    expect(() => assertPtauLevel(a.path, 2)).not.toThrow();
    expect(() => assertPtauLevel(a.path, 3)).toThrow(RangeError);
    expect((await preparedPtau({ power: 4, levels: [2, 4], cacheDir })).sha256).toBe(a.sha256);
    const b = await preparedPtau({ power: 4, levels: [3], cacheDir, onProgress: () => {} });
    expect(b.sha256).not.toBe(a.sha256);
    expect(() => assertPtauLevel(b.path, 3)).not.toThrow();
    const full = await preparedPtau({ power: 4, cacheDir, onProgress: () => {} });
    expect(full.levels).toBeUndefined();
    expect((await preparedPtau({ power: 4, levels: [1], cacheDir })).sha256).toBe(full.sha256);
    await expect(preparedPtau({ power: 4, levels: [5], cacheDir })).rejects.toThrow(/domain power 5 not in \[1, 4\]/);
  });
});
