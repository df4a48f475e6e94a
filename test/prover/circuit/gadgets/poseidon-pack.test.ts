import { describe, expect, it } from 'vitest';
import * as poseidonLite from 'poseidon-lite';
import { R } from '@zkinfer/prover/circuit/field.ts';
import type { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import type { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { commit as commitRef, pack as packRef } from '@zkinfer/prover/commit/commit.ts';
import { commit, poseidon } from '@zkinfer/prover/circuit/poseidon.ts';
import { pack } from '@zkinfer/prover/circuit/gadgets/pack.ts';
import { build, expectEveryHintTamperFails, expectSameShape } from './tamper.ts';

const LITE: ((xs: bigint[]) => bigint)[] = [
  poseidonLite.poseidon1, poseidonLite.poseidon2, poseidonLite.poseidon3, poseidonLite.poseidon4,
  poseidonLite.poseidon5, poseidonLite.poseidon6, poseidonLite.poseidon7, poseidonLite.poseidon8,
  poseidonLite.poseidon9, poseidonLite.poseidon10, poseidonLite.poseidon11, poseidonLite.poseidon12,
  poseidonLite.poseidon13, poseidonLite.poseidon14, poseidonLite.poseidon15, poseidonLite.poseidon16,
];

let seed = 99n;
function randomField(): bigint {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
  return (seed * 0x9e3779b97f4a7c15n * (seed + 17n) * 0xbf58476d1ce4e5b9n) % R;
}

const inputs = (vs: readonly bigint[]) => (cs: ConstraintSystem) => vs.map((v, i) => cs.privateInput(`in${i}`, v));

describe('poseidon gadget', () => {
  it('equals poseidon-lite poseidon1..poseidon16 (edge and random inputs)', () => {
    for (let n = 1; n <= 16; n++) {
      const edges = n === 1 || n === 2 || n === 16 ? [Array<bigint>(n).fill(0n), Array<bigint>(n).fill(R - 1n)] : [];
      for (const vs of [...edges, Array.from({ length: n }, randomField)]) {
        const built = build(inputs(vs), (cs, xs: LinearCombination[]) => poseidon(cs, xs));
        expect(built.out.value, `arity ${n}`).toBe(LITE[n - 1](vs));
      }
    }
  });

  it('costs 240 constraints for 2 inputs and 609 for 16 (circom: 240 / 609)', () => {
    const cost = (n: number) => expectSameShape((cs, w) => poseidon(cs, Array.from({ length: n }, (_, i) => cs.privateInput(`x${i}`, w ? BigInt(i) : undefined))));
    expect(cost(2)).toBe(240);
    expect(cost(16)).toBe(609);
    expect(cost(1)).toBe(3 * (8 * 2 + 56) - 3);
  });

  it('every S-box wire is forced (arity 2: all of them; arity 16: a sample)', () => {
    expect(expectEveryHintTamperFails(build(inputs([1n, 2n]), (cs, xs: LinearCombination[]) => poseidon(cs, xs)))).toBe(240);
    const vs16 = Array.from({ length: 16 }, randomField);
    expectEveryHintTamperFails(build(inputs(vs16), (cs, xs: LinearCombination[]) => poseidon(cs, xs)), { stride: 37 });
  });

  it('keeps x⁴ and x⁵ rows out of B: only S-box inputs and x² have B terms (the prover’s G2 terms)', () => {
    const built = build(inputs([3n, 4n]), (cs, xs: LinearCombination[]) => poseidon(cs, xs));
    const { cs } = built;
    const inB = new Set<number>();
    for (let r = 0; r < cs.store.length; r++) {
      const [lo, hi] = cs.store.lcRange(r, 1);
      for (let t = lo; t < hi; t++) inB.add(cs.store.wireAt(t) as unknown as number);
    }
    const names = [...inB].map((w) => cs.wireNames[w]);
    expect(names.some((n) => /x4$/.test(n))).toBe(false);
    const x2 = cs.wireNames.filter((n) => /x2$/.test(n)).length;
    expect(names.filter((n) => /x2$/.test(n))).toHaveLength(x2);
    // The rest of B: the inputs and S-box outputs that later S-box inputs are made of.
    expect(names.filter((n) => !/(x2|x5|in\d)$|^ONE$/.test(n))).toEqual([]);
    expect(expectEveryHintTamperFails(built)).toBe(240);
  });

  it('hashes linear combinations, not only wires', () => {
    const built = build(inputs([5n, 7n]), (cs, [a, b]: LinearCombination[]) => poseidon(cs, [a.add(b), a.scale(3).sub(1)]));
    expect(built.out.value).toBe(poseidonLite.poseidon2([12n, 14n]));
  });

  it('refuses arity 0 and 17', () => {
    expect(() => build(inputs([]), (cs, xs: LinearCombination[]) => poseidon(cs, xs))).toThrow(RangeError);
    expect(() => build(inputs(Array<bigint>(17).fill(1n)), (cs, xs: LinearCombination[]) => poseidon(cs, xs))).toThrow(/arity 17/);
  });
});

describe('pack + commit gadgets', () => {
  it('pack equals commit/commit.ts pack for signed int8, int16 and unsigned token ids, at no cost', () => {
    const cases: [bigint[], number, boolean][] = [
      [Array.from({ length: 70 }, (_, i) => BigInt(((i * 37) % 256) - 128)), 8, true],
      [[-128n, 127n, 0n, -1n], 8, true],
      [[-32768n, 32767n, 5n], 16, true],
      [Array.from({ length: 33 }, (_, i) => BigInt((i * 7919) % 65536)), 16, false],
    ];
    for (const [vs, bits, signed] of cases) {
      const built = build(inputs(vs), (cs, xs: LinearCombination[]) => pack(xs, bits, signed));
      expect(built.out.map((e) => e.value)).toEqual(packRef(vs, bits, signed));
      expect(built.cs.nConstraints).toBe(0);
    }
  });

  it('commit equals commit/commit.ts commit for 0, 1, 16 and 31 elements', () => {
    const salt = randomField();
    for (const n of [0, 1, 16, 31]) {
      const elements = Array.from({ length: n }, randomField);
      const built = build(inputs([salt, ...elements]), (cs, [s, ...es]: LinearCombination[]) => commit(cs, es, s));
      expect(built.out.value, `${n} elements`).toBe(commitRef(elements, salt));
    }
  });
});
