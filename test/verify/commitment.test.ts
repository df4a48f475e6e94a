// The commitment challenge of verifier/src/commitment.ts against the encoding that
// docs/proof-format.md "Commitment" states, rebuilt here with node:crypto: tag, a zero byte,
// D's affine x and y (32-byte big-endian), a u32 big-endian count, the signals (32-byte
// big-endian), the 32-byte key hash, then a counter byte 0 / 1 for the two SHA-256 halves of a
// 512-bit big-endian integer reduced mod r. Every input moves c.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { CHALLENGE_TAG, R, commitmentChallenge, g1ToJson, parseBundle, parseManifest, withoutChallenge } from '@zkinfer/verifier';
import { toyBundle, toyModel } from './helpers/toy-bundle.ts';

const hex = (v: bigint) => v.toString(16).padStart(64, '0');

function expected(d: { x: bigint; y: bigint }, signals: bigint[], keyHash: string): bigint {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(signals.length);
  const parts = [Buffer.from(CHALLENGE_TAG, 'utf8'), Buffer.from([0]), Buffer.from(hex(d.x) + hex(d.y), 'hex'), count, ...signals.map((s) => Buffer.from(hex(s), 'hex')), Buffer.from(keyHash, 'hex')];
  const half = (k: number) => createHash('sha256').update(Buffer.concat([...parts, Buffer.from([k])])).digest('hex');
  return BigInt('0x' + half(0) + half(1)) % R;
}

describe('commitment challenge', () => {
  const d = bn254.G1.Point.BASE.multiply(123456789n);
  const key = 'ab'.repeat(32);

  it('is SHA-256 widened to 512 bits over the documented encoding, mod r', () => {
    const signals = [0n, 1n, R - 1n, 2n ** 200n];
    expect(commitmentChallenge(d, signals, key)).toBe(expected(d.toAffine(), signals, key));
    expect(commitmentChallenge(d, [], key)).toBe(expected(d.toAffine(), [], key));
  });

  it('changes with D, any signal, the signal count and the key hash; refuses D at infinity, signals ≥ r and a bad key hash', () => {
    const c = commitmentChallenge(d, [5n, 6n], key);
    expect(commitmentChallenge(d.double(), [5n, 6n], key)).not.toBe(c);
    expect(commitmentChallenge(d, [5n, 7n], key)).not.toBe(c);
    expect(commitmentChallenge(d, [5n, 6n, 0n], key)).not.toBe(c);
    expect(commitmentChallenge(d, [5n, 6n], 'ac'.repeat(32))).not.toBe(c);
    expect(() => commitmentChallenge(bn254.G1.Point.ZERO, [], key)).toThrow(/infinity/);
    expect(() => commitmentChallenge(d, [R], key)).toThrow(/field element/);
    expect(() => commitmentChallenge(d, [], 'AB'.repeat(32))).toThrow(/hex/);
  });

  it('parseBundle refuses a chunk proof with a commitment under a chunk key without one', () => {
    const model = toyModel(8, 2);
    const manifest = parseManifest(model.manifest);
    const json = toyBundle(model);
    expect(parseBundle(json, manifest).chunks.length).toBe(2);
    json.chunks[1].proof = { ...json.chunks[1].proof, commitment: g1ToJson(d), commitmentPok: g1ToJson(d.double()) };
    expect(() => parseBundle(json, manifest)).toThrow(/chunks\[1\]\.proof: the proof has a commitment, the chunk key has none/);
  });

  it('leaves out the challenge’s own slot', () => {
    expect(withoutChallenge([1n, 2n, 3n], 2)).toEqual([1n, 3n]);
  });
});
