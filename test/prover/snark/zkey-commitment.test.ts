/**
 * Setup of a key with a BSB22 commitment (zkey-commitment.ts, zkey-new.ts, zkey-contribute.ts,
 * zkey-check.ts): the sections are written and read back, σ is contributed (its records chain
 * and its points move with every contribution), the committed wires leave L, and the key check
 * accepts the honest key and refuses every tampered commitment part, a key whose commitment the
 * circuit does not declare and a circuit whose commitment the key lacks.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCurve } from '@zkinfer/prover/snark/curve.ts';
import { shutdownProver } from '@zkinfer/prover/snark/prove.ts';
import { groth16Setup } from '@zkinfer/prover/snark/setup.ts';
import { checkZkey, KeyCheckError } from '@zkinfer/prover/snark/zkey-check.ts';
import { readZkey, readZkeyCommitment, writeZkey, type Groth16Key } from '@zkinfer/prover/snark/zkey-file.ts';
import { COMMIT_SPEC, commitKeys, type CommitKeys } from './commit-circuit.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-zkey-commitment-'));
let keys: CommitKeys;

beforeAll(async () => {
  keys = await commitKeys(dir);
});
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function tampered(change: (k: Groth16Key) => void): string {
  const k = readZkey(keys.zkeyPath);
  change(k);
  const path = join(dir, `t${n++}.zkey`);
  writeZkey(path, k);
  return path;
}

describe('zkey with a commitment', () => {
  it('writes sections 11–15, moves the committed wires out of L and exports σ₂ and the challenge slot', async () => {
    const k = readZkey(keys.zkeyPath);
    const c = k.commitment!;
    expect(c.spec).toEqual(COMMIT_SPEC);
    expect(c.p.length).toBe(128);
    expect(c.records.length).toBe(k.contributions.length);
    expect(k.contributions.length).toBe(2); // one random contribution and the beacon
    for (const w of COMMIT_SPEC.wires) expect(k.l.subarray(64 * (w - k.nPublic - 1), 64 * (w - k.nPublic)).every((b) => b === 0)).toBe(true);
    expect(k.l.subarray(64 * (5 - k.nPublic - 1), 64 * (5 - k.nPublic)).some((b) => b !== 0)).toBe(true);
    expect(readZkeyCommitment(keys.zkeyPath)!.sigma2).toEqual(c.sigma2);
    expect(keys.vkey.commitment?.publicIndex).toBe(2);
    const curve = await getCurve(true);
    try {
      const { G1, G2 } = curve;
      // σ moved: σ·P ≠ P and σ₂ ≠ g₂, and e(σP_0, g₂) = e(P_0, σ₂).
      expect(c.sigmaP).not.toEqual(c.p);
      expect(G2.eq(G2.fromRprLEM(c.sigma2, 0), G2.g)).toBe(false);
      const p0 = G1.fromRprLEM(c.p, 0);
      const sp0 = G1.fromRprLEM(c.sigmaP, 0);
      expect(await curve.pairingEq(sp0, G2.g, G1.neg(p0), G2.fromRprLEM(c.sigma2, 0))).toBe(true);
    } finally {
      await curve.terminate();
    }
  });

  it('the key check accepts the honest key', async () => {
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, keys.zkeyPath, undefined, undefined, COMMIT_SPEC)).resolves.toBeUndefined();
  });

  it('refuses a key with a commitment the circuit does not declare, and a circuit’s commitment the key lacks', async () => {
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, keys.zkeyPath)).rejects.toThrow(/commitment the circuit does not declare/);
    const plain = join(dir, 'plain.zkey');
    await groth16Setup({ r1csPath: keys.r1csPath, ptauPath: keys.ptauPath, zkeyPath: plain });
    expect(readZkey(plain).commitment).toBeUndefined();
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, plain, undefined, undefined, COMMIT_SPEC)).rejects.toThrow(/the key has no commitment/);
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, keys.zkeyPath, undefined, undefined, { wires: [3, 5], challengeWire: 2 })).rejects.toThrow(/not the circuit’s/);
  });

  const g1Swap = (bytes: Uint8Array, i: number, j: number) => {
    const t = bytes.slice(64 * i, 64 * i + 64);
    bytes.copyWithin(64 * i, 64 * j, 64 * j + 64);
    bytes.set(t, 64 * j);
  };

  it.each([
    ['a P point swapped with another', (k: Groth16Key) => g1Swap(k.commitment!.p, 0, 1), /commitment’s P points/],
    ['a σ·P point swapped with another', (k: Groth16Key) => g1Swap(k.commitment!.sigmaP, 0, 1), /σ·P points/],
    ['σ·P set to P (σ = 1 for the points)', (k: Groth16Key) => (k.commitment!.sigmaP = k.commitment!.p.slice()), /σ·P points/],
    ['σ₁ of another σ', (k: Groth16Key) => (k.commitment!.sigma1 = k.commitment!.records[0].sigmaAfter), /σ₁ is not the last/],
    ['a σ record’s proof of knowledge from another record', (k: Groth16Key) => (k.commitment!.records[0].g2Spy = k.commitment!.records[1].g2Spy), /σ proof of knowledge/],
    ['a committed wire’s L point put back', (k: Groth16Key) => k.l.set(k.l.subarray(64 * 2, 64 * 3), 0), /still has an L point/],
  ])('refuses %s', async (_, change, message) => {
    const path = tampered(change);
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, path, undefined, undefined, COMMIT_SPEC)).rejects.toThrow(KeyCheckError);
    await expect(checkZkey(keys.r1csPath, keys.ptauPath, path, undefined, undefined, COMMIT_SPEC)).rejects.toThrow(message);
  });

  it('reads back only one commitment: a count of 2 in section 11 is refused', () => {
    const path = join(dir, 'two.zkey');
    copyFileSync(keys.zkeyPath, path);
    const k = readZkey(path);
    writeZkey(path, k);
    const bytes = readFileSync(path);
    // Find section 11 and set its count field to 2.
    let pos = 12;
    for (let i = 0; i < bytes.readUInt32LE(8); i++) {
      const id = bytes.readUInt32LE(pos);
      const size = bytes.readUInt32LE(pos + 4);
      if (id === 11) bytes.writeUInt32LE(2, pos + 12);
      pos += 12 + size;
    }
    writeFileSync(path, bytes);
    expect(() => readZkey(path)).toThrow(/exactly one is allowed/);
  });
});
