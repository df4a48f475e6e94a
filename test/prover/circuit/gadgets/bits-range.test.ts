import { describe, expect, it } from 'vitest';
import { R } from '@zkinfer/prover/circuit/field.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import type { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { fromBits, toBits } from '@zkinfer/prover/circuit/gadgets/bits.ts';
import { assertSigned, assertUnsigned } from '@zkinfer/prover/circuit/gadgets/range.ts';
import { build, expectEveryHintTamperFails, expectSameShape, satisfied } from './tamper.ts';

const input = (v: bigint) => (cs: ConstraintSystem) => cs.privateInput('x', v);

describe('toBits / fromBits', () => {
  it('decomposes edge values and recomposes them', () => {
    for (const n of [1, 8, 16, 253]) {
      const max = (1n << BigInt(n)) - 1n;
      for (const v of [0n, 1n, max, max >> 1n]) {
        const b = build(input(v), (cs, x: LinearCombination) => toBits(cs, x, n));
        expect(b.cs.nConstraints).toBe(n);
        expect(b.out.map((bit) => bit.value)).toEqual(Array.from({ length: n }, (_, i) => (v >> BigInt(i)) & 1n));
        expect(fromBits(b.out).value).toBe(v);
        expectEveryHintTamperFails(b, { stride: n > 64 ? 7 : 1 });
      }
    }
  });

  it('fails just outside [0, 2^n), for r − 1 and for n = 253 at 2^253', () => {
    expect(satisfied(input(256n), (cs, x: LinearCombination) => toBits(cs, x, 8))).toBe(false);
    expect(satisfied(input(R - 1n), (cs, x: LinearCombination) => toBits(cs, x, 8))).toBe(false);
    expect(satisfied(input(R - 1n), (cs, x: LinearCombination) => toBits(cs, x, 253))).toBe(false);
    expect(satisfied(input(1n << 253n), (cs, x: LinearCombination) => toBits(cs, x, 253))).toBe(false);
  });

  it('refuses widths that could wrap the field', () => {
    expect(() => build(input(0n), (cs, x: LinearCombination) => toBits(cs, x, 254))).toThrow(RangeError);
    expect(() => build(input(0n), (cs, x: LinearCombination) => toBits(cs, x, 0))).toThrow(/bit width 0/);
  });

  it('builds the same shape without values', () => {
    expect(expectSameShape((cs, w) => toBits(cs, cs.privateInput('x', w ? 77n : undefined), 8))).toBe(8);
  });
});

describe('assertUnsigned / assertSigned', () => {
  it('accepts the unsigned range edges and rejects 2^n and −1', () => {
    for (const v of [0n, 255n]) {
      expectEveryHintTamperFails(build(input(v), (cs, x: LinearCombination) => assertUnsigned(cs, x, 8)));
    }
    expect(satisfied(input(256n), (cs, x: LinearCombination) => assertUnsigned(cs, x, 8))).toBe(false);
    expect(satisfied(input(-1n), (cs, x: LinearCombination) => assertUnsigned(cs, x, 8))).toBe(false);
  });

  it('accepts [−2^(b−1), 2^(b−1)) with the right sign and rejects the values just outside', () => {
    for (const bits of [2, 8, 16]) {
      const half = 1n << BigInt(bits - 1);
      for (const v of [-half, -1n, 0n, half - 1n]) {
        const b = build(input(v), (cs, x: LinearCombination) => assertSigned(cs, x, bits));
        expect(b.cs.nConstraints).toBe(bits);
        expect(b.out.isNegative.value).toBe(v < 0n ? 1n : 0n);
        expect(fromBits(b.out.offsetBits).value).toBe(v + half);
        expectEveryHintTamperFails(b);
      }
      expect(satisfied(input(half), (cs, x: LinearCombination) => assertSigned(cs, x, bits))).toBe(false);
      expect(satisfied(input(-half - 1n), (cs, x: LinearCombination) => assertSigned(cs, x, bits))).toBe(false);
    }
  });
});
