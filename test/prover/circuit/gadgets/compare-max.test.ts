import { describe, expect, it } from 'vitest';
import { R, mod } from '@zkinfer/prover/circuit/field.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import type { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { assertLessOrEqual, isEqual, isLessThan, isZero } from '@zkinfer/prover/circuit/gadgets/compare.ts';
import { argmaxLowest, maximumUnchecked, maximum } from '@zkinfer/prover/circuit/gadgets/max.ts';
import { argmaxLowest as argmaxReference } from '@zkinfer/prover/arith/argmax.ts';
import { build, cheatingFails, expectEveryHintTamperFails, expectSameShape, satisfied } from './tamper.ts';

const pair = (a: bigint, b: bigint) => (cs: ConstraintSystem) => [cs.privateInput('a', a), cs.privateInput('b', b)] as const;
const vector = (vs: readonly bigint[]) => (cs: ConstraintSystem) => vs.map((v, i) => cs.privateInput(`x${i}`, v));

describe('isLessThan / assertLessOrEqual', () => {
  const n = 8;
  const edges: [bigint, bigint][] = [[0n, 0n], [0n, 255n], [255n, 0n], [255n, 255n], [7n, 8n], [8n, 7n], [-128n, 127n], [127n, -128n]];

  it('isLessThan is right on the edges, costs n + 1, and every hint is forced', () => {
    for (const [a, b] of edges) {
      const built = build(pair(a, b), (cs, [x, y]) => isLessThan(cs, x, y, n));
      expect(built.out.value).toBe(a < b ? 1n : 0n);
      expect(built.cs.nConstraints).toBe(n + 1);
      expectEveryHintTamperFails(built);
    }
  });

  it('assertLessOrEqual accepts a ≤ b at the edges and rejects a = b + 1', () => {
    for (const [a, b] of edges.filter(([a, b]) => a <= b)) {
      expectEveryHintTamperFails(build(pair(a, b), (cs, [x, y]) => assertLessOrEqual(cs, x, y, n)));
    }
    expect(satisfied(pair(9n, 8n), (cs, [x, y]: LinearCombination[]) => assertLessOrEqual(cs, x, y, n))).toBe(false);
    expect(satisfied(pair(0n, 256n), (cs, [x, y]: LinearCombination[]) => assertLessOrEqual(cs, x, y, n))).toBe(false);
  });
});

describe('isZero / isEqual', () => {
  it('is 1 exactly at 0 for 0, 1, r − 1', () => {
    for (const v of [0n, 1n, R - 1n, 12345n]) {
      const built = build((cs) => cs.privateInput('x', v), (cs, x: LinearCombination) => isZero(cs, x));
      expect(built.out.value).toBe(v === 0n ? 1n : 0n);
      expect(built.cs.nConstraints).toBe(2);
      // At x = 0 the inverse hint (the first new wire) is unconstrained by design: x·inv = 0
      // whatever inv is, and the output is forced to 1 by the same row. Tamper only `out` then.
      const skip = v === 0n ? new Map([[built.first, 'inverse of 0 is free']]) : undefined;
      expectEveryHintTamperFails(built, { skip });
    }
  });

  it('a prover cannot claim out = 0 for x = 0 nor out = 1 for x ≠ 0', () => {
    for (const [v, fakeOut] of [[0n, 0n], [5n, 1n]] as const) {
      const built = build((cs) => cs.privateInput('x', v), (cs, x: LinearCombination) => isZero(cs, x));
      for (const fakeInv of [0n, 1n, v === 0n ? 0n : mod(1n)]) {
        const w = [...built.cs.values];
        w[built.first] = fakeInv;
        w[built.first + 1] = fakeOut;
        expect(findUnsatisfied(built.cs, w)).not.toBeNull();
      }
    }
  });

  it('isEqual compares field elements', () => {
    expect(build(pair(3n, 3n), (cs, [a, b]) => isEqual(cs, a, b)).out.value).toBe(1n);
    expect(build(pair(3n, R - 3n), (cs, [a, b]) => isEqual(cs, a, b)).out.value).toBe(0n);
  });
});

describe('maximum', () => {
  const cases: bigint[][] = [[5n], [-128n, 127n], [127n, -128n, 127n], [3n, 3n, 3n], [-5n, -7n, -5n, -128n]];

  it('proves the maximum with k·n + (k − 1) constraints and forces every hint', () => {
    for (const xs of cases) {
      const built = build(vector(xs), (cs, v: LinearCombination[]) => maximum(cs, v, 9));
      expect(built.out.max.value).toBe(mod(xs.reduce((a, b) => (b > a ? b : a))));
      expect(built.cs.nConstraints).toBe(xs.length * 9 + Math.max(xs.length - 1, 1));
      expectEveryHintTamperFails(built);
    }
  });

  it('rejects a bound that is not attained and a value below some x_i (adaptive cheating prover)', () => {
    const xs = [3n, 9n, -2n];
    const gadget = (cs: ConstraintSystem, v: LinearCombination[]) => maximum(cs, v, 9);
    expect(cheatingFails(vector(xs), gadget, {})).toBe(false);
    for (const fake of [10n, 8n, 3n, 100n]) expect(cheatingFails(vector(xs), gadget, { max: () => fake })).toBe(true);
  });

  it('has the same shape without values', () => {
    expect(expectSameShape((cs, w) => maximum(cs, [1n, 2n, 3n].map((v, i) => cs.privateInput(`x${i}`, w ? v : undefined)), 8))).toBe(26);
  });
});

describe('maximumUnchecked (softmax: m ≥ x_i proven by the caller)', () => {
  const masked = (vs: readonly bigint[], vis: readonly bigint[]) => (cs: ConstraintSystem) => ({
    xs: vs.map((v, i) => cs.privateInput(`x${i}`, v)),
    vis: vis.map((v, i) => cs.privateInput(`v${i}`, v)),
  });

  it('hints the maximum, proves it is attained, and forces every hint', () => {
    for (const xs of [[5n], [-128n, 127n], [127n, -128n, 127n], [3n, 3n, 3n]]) {
      const built = build(vector(xs), (cs, v: LinearCombination[]) => maximumUnchecked(cs, v));
      expect(built.out.max.value).toBe(mod(xs.reduce((a, b) => (b > a ? b : a))));
      expect(built.cs.nConstraints).toBe(Math.max(xs.length - 1, 1));
      expectEveryHintTamperFails(built);
    }
  });

  it('rejects a value no x_i attains; accepts a smaller attained one (the caller\'s check)', () => {
    const xs = [3n, 9n, -2n];
    const gadget = (cs: ConstraintSystem, v: LinearCombination[]) => maximumUnchecked(cs, v);
    for (const fake of [10n, 8n, 100n]) expect(cheatingFails(vector(xs), gadget, { max: () => fake })).toBe(true);
    expect(cheatingFails(vector(xs), gadget, { max: () => 3n })).toBe(false); // why softmax range-checks d_i
  });

  it('masked: the maximum of the visible entries, d_i = 0 where hidden, 2k − 1 constraints', () => {
    const xs = [4n, 50n, -7n, 9n];
    const vis = [1n, 0n, 1n, 1n];
    const built = build(masked(xs, vis), (cs, { xs: x, vis: v }) => maximumUnchecked(cs, x, v));
    expect(built.out.max.value).toBe(9n);
    expect(built.out.diffs.map((d) => built.cs.valueOf(d))).toEqual([5n, 0n, 16n, 0n]);
    expect(built.cs.nConstraints).toBe(2 * xs.length - 1);
    expectEveryHintTamperFails(built);
    // the hidden 50 cannot be claimed
    expect(cheatingFails(masked(xs, vis), (cs, { xs: x, vis: v }) => maximumUnchecked(cs, x, v), { max: () => 50n })).toBe(true);
  });
});

describe('argmaxLowest', () => {
  it('matches arith argmaxLowest (lowest index on ties) and forces every hint', () => {
    const cases: bigint[][] = [[0n], [1n, 1n], [-128n, 127n, 127n], [127n, 127n, -128n], [-3n, -1n, -2n, -1n], [4n, 2n, 4n, 9n, 9n]];
    for (const xs of cases) {
      const built = build(vector(xs), (cs, v: LinearCombination[]) => argmaxLowest(cs, v, 9));
      expect(Number(built.out.index.value)).toBe(argmaxReference(xs.map(Number)));
      expect(built.cs.nConstraints).toBe(xs.length * 11 + 1);
      expectEveryHintTamperFails(built);
    }
  });

  it('rejects a later tied index and a non-maximal index (adaptive cheating prover)', () => {
    const xs = [4n, 9n, 2n, 9n];
    const gadget = (cs: ConstraintSystem, v: LinearCombination[]) => argmaxLowest(cs, v, 9);
    for (const fakeIndex of [3, 0, 2]) {
      const lies = { onehot: () => xs.map((_, i) => (i === fakeIndex ? 1n : 0n)), max: () => xs[fakeIndex] };
      expect(cheatingFails(vector(xs), gadget, lies)).toBe(true);
    }
    expect(cheatingFails(vector(xs), gadget, { onehot: () => [0n, 1n, 0n, 0n], max: () => 9n })).toBe(false);
    // A two-hot selector whose weighted index still sums to a valid-looking value.
    expect(cheatingFails(vector(xs), gadget, { onehot: () => [0n, 2n, 0n, R - 1n], max: () => 9n })).toBe(true);
  });

  it('random vectors agree with the reference', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    for (let trial = 0; trial < 40; trial++) {
      const xs = Array.from({ length: 1 + (rnd() % 12) }, () => BigInt((rnd() % 9) - 4));
      const built = build(vector(xs), (cs, v: LinearCombination[]) => argmaxLowest(cs, v, 4));
      expect(findUnsatisfied(built.cs)).toBeNull();
      expect(Number(built.out.index.value)).toBe(argmaxReference(xs.map(Number)));
    }
  });
});
