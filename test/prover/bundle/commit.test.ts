import { describe, expect, it } from 'vitest';
import * as lite from 'poseidon-lite';
import { poseidon2, poseidon16 } from 'poseidon-lite';
import { commit, pack, poseidon, promptCommitment, randomSalt, valuesPerElement } from '@zkinfer/prover/commit/commit.ts';
import { R } from '@zkinfer/prover/circuit/field.ts';

describe('pack', () => {
  it('packs ⌊248/bits⌋ values per element, little-endian, with the signed offset', () => {
    expect(valuesPerElement(8)).toBe(31);
    expect(valuesPerElement(16)).toBe(15);
    expect(pack([1, 2], 8, false)).toEqual([1n + (2n << 8n)]);
    expect(pack([-128, 127], 8, true)).toEqual([0n + (255n << 8n)]);
    const many = pack(Array.from({ length: 32 }, () => 255), 8, false);
    expect(many).toHaveLength(2);
    expect(many[0]).toBe((1n << 248n) - 1n);
    expect(many[1]).toBe(255n);
  });

  it('refuses values outside the range, naming them', () => {
    expect(() => pack([256], 8, false)).toThrow(/256 at index 0/);
    expect(() => pack([-129], 8, true)).toThrow(RangeError);
    expect(() => pack([-1], 8, false)).toThrow(RangeError);
  });
});

describe('poseidon (each arity loaded on first use)', () => {
  it('equals poseidon-lite at every arity 1..16, and refuses 0, 17 and non-canonical inputs', () => {
    for (let n = 1; n <= 16; n++) {
      const xs = Array.from({ length: n }, (_, i) => BigInt(i * 7 + n));
      const ref = (lite as unknown as Record<string, (x: bigint[]) => bigint>)[`poseidon${n}`];
      expect(poseidon(xs), `arity ${n}`).toBe(ref(xs));
      expect(poseidon(xs), `arity ${n}, loaded`).toBe(ref(xs));
    }
    expect(() => poseidon([])).toThrow(/arity 0/);
    expect(() => poseidon(Array<bigint>(17).fill(1n))).toThrow(/arity 17/);
    expect(() => poseidon([R])).toThrow(/canonical/);
  });
});

describe('commit', () => {
  it('is the Poseidon chain of docs/proof-format.md', () => {
    expect(commit([5n], 7n)).toBe(poseidon2([7n, 5n]));
    const xs = Array.from({ length: 16 }, (_, i) => BigInt(i + 1));
    expect(commit(xs, 3n)).toBe(poseidon2([poseidon16([3n, ...xs.slice(0, 15)]), 16n]));
  });

  it('depends on the salt, so a guessed prompt cannot be checked without it', () => {
    const a = promptCommitment([1, 2, 3], 8, randomSalt());
    const b = promptCommitment([1, 2, 3], 8, randomSalt());
    expect(a).not.toBe(b);
    expect(promptCommitment([1, 2, 3], 8, 9n)).toBe(promptCommitment([1, 2, 3], 8, 9n));
    expect(promptCommitment([1, 2, 3], 8, 9n)).not.toBe(promptCommitment([1, 2, 4], 8, 9n));
  });

  it('draws salts below r', () => {
    for (let i = 0; i < 50; i++) expect(randomSalt() < R).toBe(true);
  });
});
