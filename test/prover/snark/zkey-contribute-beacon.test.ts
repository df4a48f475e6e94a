/**
 * prover/src/snark/vendor/zkey-contribute-beacon.js is snarkjs's `zkey contribute` (×n) then
 * `zkey beacon` in one pass: it must write the very same file. snarkjs's contribute draws its
 * secret from blake2b(64 OS-random bytes ‖ entropy), so the byte comparisons pin the OS
 * randomness (crypto.randomFillSync, which both snarkjs and the port call) to a fixed pattern
 * for both runs; everything else — header δ, L and H sections, the contribution records with
 * their proofs of knowledge and transcripts — is compared byte for byte, whole files. Then,
 * with real randomness: zkey verify from the initial key accepts the key, a real proof
 * verifies, and a tampered key is refused.
 */
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as snarkjs from 'snarkjs';
import { R } from '../../../prover/src/circuit/field.ts';
import { writeR1cs } from '../../../prover/src/circuit/r1cs-writer.ts';
import { writeWtns } from '../../../prover/src/circuit/wtns-writer.ts';
import { preparedPtau, requiredPtauPower } from '../../../prover/src/snark/ptau.ts';
import { groth16Prove, shutdownProver, verifyStrict, verifyWithSnarkjs } from '../../../prover/src/snark/prove.ts';
import { assertContributed, exportVerificationKey, groth16Setup } from '../../../prover/src/snark/setup.ts';
import contributeAndBeacon from '../../../prover/src/snark/vendor/zkey-contribute-beacon.js';
import newZKey from '../../../prover/src/snark/vendor/zkey-new.js';
import { toyCircuit } from './toy-circuit.ts';

const circuit = (xs?: bigint[]) => toyCircuit(xs, 20);

const dir = mkdtempSync(join(tmpdir(), 'zkinfer-contribute-beacon-'));
let r1cs: string;
let ptau: string;
let init: string;

beforeAll(async () => {
  const shape = circuit();
  r1cs = join(dir, 'c.r1cs');
  writeR1cs(shape, r1cs);
  ptau = (await preparedPtau({ power: Math.max(5, requiredPtauPower(shape.nConstraints, shape.nPublic)), cacheDir: join(dir, 'cache') })).path;
  init = join(dir, 'c.0.zkey');
  await newZKey(r1cs, ptau, init);
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await shutdownProver();
  rmSync(dir, { recursive: true, force: true });
});

/** Every OS-random byte becomes `seed`, for snarkjs's misc.getRandomBytes and the port alike. */
function pinOsRandomness(seed: number): void {
  vi.spyOn(crypto, 'randomFillSync').mockImplementation(((buf: Uint8Array) => {
    buf.fill(seed);
    return buf;
  }) as unknown as typeof crypto.randomFillSync);
}

const BEACON = '0badc0ffee0ddf00d5eed0fca5cade00000000000000000000000000000000aa';

async function sequential(out: string, entropies: string[]): Promise<Uint8Array[]> {
  const hashes: Uint8Array[] = [];
  let prev = init;
  for (const [i, e] of entropies.entries()) {
    const next = `${out}.seq${i}`;
    hashes.push(await snarkjs.zKey.contribute(prev, next, `contribution ${i + 1}`, e));
    prev = next;
  }
  hashes.push(await snarkjs.zKey.beacon(prev, out, 'the beacon', BEACON, 10));
  return hashes;
}

function fused(out: string, entropies: string[], beacon = BEACON): Promise<Uint8Array[]> {
  return contributeAndBeacon(
    init,
    out,
    entropies.map((entropy, i) => ({ name: `contribution ${i + 1}`, entropy })),
    { name: 'the beacon', hash: beacon, numIterationsExp: 10 },
  );
}

describe('contribute + beacon in one pass (vendored) equals snarkjs contribute then beacon', () => {
  it('writes the same bytes and returns the same contribution hashes (one contribution)', async () => {
    pinOsRandomness(7);
    const theirs = join(dir, 'seq1.zkey');
    const ours = join(dir, 'fused1.zkey');
    const theirHashes = await sequential(theirs, ['some entropy']);
    const ourHashes = await fused(ours, ['some entropy']);
    const [a, b] = [readFileSync(theirs), readFileSync(ours)];
    expect(b.length).toBe(a.length);
    expect(b.equals(a)).toBe(true);
    expect(ourHashes.map((h) => Buffer.from(h).toString('hex'))).toEqual(theirHashes.map((h) => Buffer.from(h).toString('hex')));
  });

  it('writes the same bytes with two contributions before the beacon', async () => {
    pinOsRandomness(42);
    const theirs = join(dir, 'seq2.zkey');
    const ours = join(dir, 'fused2.zkey');
    await sequential(theirs, ['first', 'second']);
    await fused(ours, ['first', 'second']);
    expect(readFileSync(ours).equals(readFileSync(theirs))).toBe(true);
  });

  it('the comparison is sensitive: other OS randomness or another beacon gives another file', async () => {
    pinOsRandomness(7);
    const base = join(dir, 'base.zkey');
    await fused(base, ['some entropy']);
    pinOsRandomness(8);
    const otherRandom = join(dir, 'other-random.zkey');
    await fused(otherRandom, ['some entropy']);
    pinOsRandomness(7);
    const otherBeacon = join(dir, 'other-beacon.zkey');
    await fused(otherBeacon, ['some entropy'], `${BEACON.slice(0, -2)}ab`);
    const b = readFileSync(base);
    expect(readFileSync(otherRandom).equals(b)).toBe(false);
    expect(readFileSync(otherBeacon).equals(b)).toBe(false);
  });

  it('with real randomness: zkey verify accepts it, a real proof verifies, a wrong public signal does not', async () => {
    const zkey = join(dir, 'real.zkey');
    await fused(zkey, ['real entropy']);
    expect(await snarkjs.zKey.verifyFromInit(init, ptau, zkey)).toBe(true);
    expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkey)).toBe(true);
    const vkey = await exportVerificationKey(zkey);
    assertContributed(vkey);
    const cs = circuit([2n, 9n, R - 4n, 1n]);
    const wtns = join(dir, 'real.wtns');
    writeWtns(cs, wtns);
    const { proof, publicSignals } = await groth16Prove(zkey, wtns);
    expect(verifyStrict(vkey, publicSignals, proof)).toBe(true);
    expect(await verifyWithSnarkjs(vkey, publicSignals, proof)).toBe(true);
    const wrong = [publicSignals[0], ((BigInt(publicSignals[1]) + 1n) % R).toString()];
    expect(verifyStrict(vkey, wrong, proof)).toBe(false);
  });

  it('zkey verify refuses the key with one H point swapped for another', async () => {
    const zkey = join(dir, 'tamper.zkey');
    await fused(zkey, ['tamper entropy']);
    const bytes = readFileSync(zkey);
    // Section 9 (H): find it in the section table after the 12-byte file header.
    let pos = 12;
    while (bytes.readUInt32LE(pos) !== 9) pos += 12 + Number(bytes.readBigUInt64LE(pos + 4));
    const h = pos + 12;
    const first = Buffer.from(bytes.subarray(h, h + 64));
    bytes.copy(bytes, h, h + 64, h + 128);
    first.copy(bytes, h + 64);
    const tampered = join(dir, 'tampered.zkey');
    writeFileSync(tampered, bytes);
    expect(await snarkjs.zKey.verifyFromInit(init, ptau, tampered)).toBe(false);
  });

  it('refuses an empty entropy, a malformed beacon hash and too few beacon iterations', async () => {
    const out = join(dir, 'bad.zkey');
    await expect(fused(out, [''])).rejects.toThrow(TypeError);
    await expect(fused(out, ['e'], 'xyz')).rejects.toThrow(/beacon hash "xyz"/);
    await expect(contributeAndBeacon(init, out, [{ entropy: 'e' }], { hash: BEACON, numIterationsExp: 9 })).rejects.toThrow(/numIterationsExp 9/);
  });
});

/** The types (0 random, 1 beacon) and names of the contributions a .zkey records (section 10). */
function contributionRecords(bytes: Buffer): { type: number; name: string }[] {
  let pos = 12;
  while (bytes.readUInt32LE(pos) !== 10) pos += 12 + Number(bytes.readBigUInt64LE(pos + 4));
  let p = pos + 12 + 64;
  const n = bytes.readUInt32LE(p);
  p += 4;
  const out: { type: number; name: string }[] = [];
  for (let i = 0; i < n; i++) {
    p += 3 * 64 + 128 + 64;
    const type = bytes.readUInt32LE(p);
    const len = bytes.readUInt32LE(p + 4);
    const params = bytes.subarray(p + 8, p + 8 + len);
    p += 8 + len;
    out.push({ type, name: params[0] === 1 ? params.subarray(2, 2 + params[1]).toString('utf8') : '' });
  }
  return out;
}

describe('groth16Setup with the fused step', () => {
  it('makes a key with the random contributions then the beacon, accepted by snarkjs zkey verify', async () => {
    const zkeyPath = join(dir, 'setup.zkey');
    const { vkey } = await groth16Setup({ r1csPath: r1cs, ptauPath: ptau, zkeyPath, beaconHash: BEACON, contributions: 2 });
    expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkeyPath)).toBe(true);
    assertContributed(vkey);
    expect(contributionRecords(readFileSync(zkeyPath))).toEqual([
      { type: 0, name: 'zkinfer contribution 1' },
      { type: 0, name: 'zkinfer contribution 2' },
      { type: 1, name: 'zkinfer beacon' },
    ]);
  });
});
