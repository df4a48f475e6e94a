import { describe, expect, it } from 'vitest';
import { findUnsatisfied } from '@zkinfer/prover/circuit/check.ts';
import { inv, mul, toSigned } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { activationTable, geluTanhFixed, siluFixed } from '@zkinfer/prover/arith/activation.ts';
import { EXP_SPEC, expNegFixed } from '@zkinfer/prover/arith/exp.ts';
import { reciprocalFixed, rsqrtFixed } from '@zkinfer/prover/arith/roots.ts';
import { softmaxSpec } from '@zkinfer/prover/arith/softmax.ts';
import { assertSigned, assertUnsigned } from '@zkinfer/prover/circuit/gadgets/range.ts';
import { lookup, lookupCost } from '@zkinfer/prover/circuit/gadgets/table.ts';
import { activation, expNeg, expNegCost, expNegOf } from '@zkinfer/prover/circuit/gadgets/nonlinear.ts';
import { LogUpRanges } from '@zkinfer/prover/circuit/logup-ranges.ts';
import { reciprocal, rsqrt } from '@zkinfer/prover/circuit/gadgets/reciprocal.ts';
import { build, CheatingSystem, cheatingFails, expectEveryHintTamperFails, expectSameShape } from './tamper.ts';

const input = (v: number | bigint) => (cs: ConstraintSystem) => cs.privateInput('x', v);

describe('lookup', () => {
  it('reads every entry of random tables for widths 1..8 at the documented cost', () => {
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    expect([4, 6, 8, 10, 12].map(lookupCost)).toEqual([4, 11, 26, 57, 120]);
    for (let b = 1; b <= 8; b++) {
      const table = Array.from({ length: 2 ** b }, () => BigInt(rnd() % 100_000) - 50_000n);
      for (let idx = 0; idx < 2 ** b; idx++) {
        const built = build(input(idx), (cs, x: LinearCombination) => lookup(cs, assertUnsigned(cs, x, b), table));
        expect(toSigned(built.out.value!)).toBe(table[idx]);
        expect(built.cs.nConstraints).toBe(b + lookupCost(b));
        if (idx === 0 || idx === 2 ** b - 1 || idx === 0b10110101) expectEveryHintTamperFails(built);
      }
    }
  });

  it('has the same shape without values', () => {
    const table = Array.from({ length: 64 }, (_, i) => i * i);
    expect(expectSameShape((cs, w) => lookup(cs, assertUnsigned(cs, cs.privateInput('x', w ? 9 : undefined), 6), table))).toBe(6 + 11);
  });
});

describe('activation (SiLU, tanh-GELU)', () => {
  it('equals siluFixed / geluTanhFixed over the whole int8 domain', () => {
    const silu = activationTable('silu', 1 / 32, 1 / 64, 8);
    const gelu = activationTable('gelu_tanh', 1 / 16, 1 / 32, 16);
    for (let q = -128; q < 128; q++) {
      for (const [table, ref] of [[silu, siluFixed], [gelu, geluTanhFixed]] as const) {
        const built = build(input(q), (cs, x: LinearCombination) => activation(cs, assertSigned(cs, x, 8), table));
        expect(toSigned(built.out.value!), `q=${q}`).toBe(BigInt(ref(q, table)));
        expect(findUnsatisfied(built.cs)).toBeNull();
        if (q === -128 || q === 127 || q === 0) expectEveryHintTamperFails(built);
      }
    }
  });
});

describe('expNeg', () => {
  const width = EXP_SPEC.digitBits * EXP_SPEC.nDigits;

  it('equals expNegFixed for every x < 2^12 and at the cost stated', () => {
    for (let x = 0; x < 2 ** width; x++) {
      const built = build(input(x), (cs, v: LinearCombination) => expNeg(cs, assertUnsigned(cs, v, width)));
      expect(built.out.value, `x=${x}`).toBe(BigInt(expNegFixed(x)));
      if (x % 1024 === 0) {
        expect(built.cs.nConstraints).toBeLessThanOrEqual(width + expNegCost());
        expect(built.cs.nConstraints).toBe(width + 22); // one mux step of T_1 is linear (free)
        expect(findUnsatisfied(built.cs)).toBeNull();
      }
    }
  });

  it('is 0 above the table range, with wider inputs, and forces every hint', () => {
    for (const x of [0, 1, 2 ** width - 1, 2 ** width, 2 ** 15 - 1, 4660]) {
      const built = build(input(x), (cs, v: LinearCombination) => expNeg(cs, assertUnsigned(cs, v, 15)));
      expect(built.out.value, `x=${x}`).toBe(BigInt(expNegFixed(x)));
      expect(built.cs.nConstraints).toBe(15 + 22 + 3);
      expect(built.cs.nConstraints).toBeLessThanOrEqual(15 + expNegCost(EXP_SPEC, 15));
      // isZero's inverse hint is free when the high part is 0 (see compare.ts).
      const inv = built.cs.wireNames.findIndex((n) => n.endsWith('isZero/inv'));
      const skip = x < 2 ** width ? new Map([[inv, 'inverse of 0 is free']]) : undefined;
      expectEveryHintTamperFails(built, { skip });
    }
  });

  it('has no free hint: with a 12-bit input every wire is a range-check bit or a forced product', () => {
    // the reference spec and a softmax layer's (step c = 3389/2^18 per score unit, T_1 mostly 0)
    for (const spec of [EXP_SPEC, softmaxSpec(3389, 10).spec, softmaxSpec(40000, 20).spec, softmaxSpec(3075, 12).spec]) {
      for (const x of [0, 1, 63, 64, 1234, 2 ** width - 1]) {
        const built = build(input(x), (cs, v: LinearCombination) => expNeg(cs, assertUnsigned(cs, v, width), spec));
        expect(built.out.value, `x=${x}`).toBe(BigInt(expNegFixed(x, spec)));
        expectEveryHintTamperFails(built);
      }
    }
  });
});


describe('expNegOf (the digits through cs.ranges.lookupDigits)', () => {
  const logup = () => new ConstraintSystem({ witness: true, ranges: (c) => new LogUpRanges(c, { limbBits: 8, oracle: () => 987654321n }) });
  const run = (cs: ConstraintSystem, x: number, width: number, spec = EXP_SPEC) => {
    cs.ranges.declarePublics();
    const e = expNegOf(cs, cs.privateInput('x', x), width, spec);
    cs.ranges.resolve();
    return e;
  };

  it('equals expNegFixed with LogUp digit pairs and with bits (same rows as expNeg there), 12- and 15-bit inputs', () => {
    for (const spec of [EXP_SPEC, softmaxSpec(3389, 10).spec]) {
      for (const [width, xs] of [[12, [0, 1, 63, 64, 65, 1234, 4095]], [15, [0, 4095, 4096, 4660, 2 ** 15 - 1]]] as const) {
        for (const x of xs) {
          const cs = logup();
          const e = run(cs, x, width, spec);
          expect(findUnsatisfied(cs), `x=${x}`).toBeNull();
          expect(cs.valueOf(e), `x=${x}`).toBe(BigInt(expNegFixed(x, spec)));
          const plain = new ConstraintSystem({ witness: true });
          expect(plain.valueOf(run(plain, x, width, spec))).toBe(BigInt(expNegFixed(x, spec)));
          const bits = build(input(x), (c, v: LinearCombination) => expNeg(c, assertUnsigned(c, v, width), spec));
          expect(plain.nConstraints).toBe(bits.cs.nConstraints);
        }
      }
    }
  });

  it('a LogUp prover that states x ≥ 2^12 as in range (h = 0, a digit 64 or more) fails', () => {
    // x = 4096 + 5: honest digits (5, 0), h = 1; the liar claims d1 = 64, h = 0 (the same sum)
    const cs = new CheatingSystem({ d: () => [5n, 64n], high: () => 0n }, (c) => new LogUpRanges(c, { limbBits: 8, oracle: () => 987654321n }));
    run(cs, 4096 + 5, 15);
    expect(findUnsatisfied(cs)?.label).toMatch(/^logup\/lookup1\/sum$/);
  });
});

describe('reciprocal and rsqrt', () => {
  it('reciprocal equals reciprocalFixed on edges and random inputs; d = 0 fails', () => {
    const dBits = 24;
    const f = 40;
    const ds = [1, 2, 3, 2 ** 16, 2 ** 24 - 1, 65_537, 1_000_003];
    for (let i = 0; i < 30; i++) ds.push(1 + ((i * 2_654_435_761) % (2 ** 24 - 1)));
    for (const d of ds) {
      const built = build(input(d), (cs, v: LinearCombination) => reciprocal(cs, v, dBits, f));
      expect(built.out.y.value, `d=${d}`).toBe(BigInt(reciprocalFixed(d, f)));
      expect(built.cs.nConstraints).toBe(f + 2 + 2 * dBits);
      if (ds.indexOf(d) < 7) expectEveryHintTamperFails(built, { stride: 3 });
    }
    const zero = build(input(0), (cs, v: LinearCombination) => reciprocal(cs, v, dBits, f));
    expect(findUnsatisfied(zero.cs)).not.toBeNull();
  });

  it('reciprocal with a narrower result check (d ≥ dMin known) agrees and rejects beyond it', () => {
    const f = 50;
    const yBits = 19; // 2^50 / 2^31.99 < 2^19 for d ≥ 2^32 − 2^24
    for (const d of [2 ** 32 - 2 ** 24, 2 ** 32, 2 ** 36 + 12345, 2 ** 37 - 1]) {
      const built = build(input(d), (cs, v: LinearCombination) => reciprocal(cs, v, 37, f, yBits));
      expect(built.out.y.value, `d=${d}`).toBe(BigInt(reciprocalFixed(d, f)));
      expect(built.cs.nConstraints).toBe(yBits + 1 + 2 * 37);
      expectEveryHintTamperFails(built, { stride: 3 });
    }
    // d below the stated minimum: the true quotient needs more bits, so no witness passes
    expect(findUnsatisfied(build(input(2 ** 30), (cs, v: LinearCombination) => reciprocal(cs, v, 37, f, yBits)).cs)).not.toBeNull();
    expect(() => reciprocal(new ConstraintSystem({ witness: false }), LinearCombination.constant(5), 37, f, f + 2)).toThrow(RangeError);
  });

  it('reciprocal rejects a non-integer quotient with a shifted remainder (why q is range-checked)', () => {
    const gadget = (cs: ConstraintSystem, v: LinearCombination) => reciprocal(cs, v, 8, 2);
    // d = 3, f = 2: q = 1 honestly; q = 4/3 in F_r satisfies both inequality checks (e = 0).
    const fake = mul(4n, inv(3n));
    expect(cheatingFails(input(3), gadget, {})).toBe(false);
    expect(cheatingFails(input(3), gadget, { q: () => fake })).toBe(true);
  });

  it('rsqrt equals rsqrtFixed on edges and random inputs; v = 0 fails', () => {
    const vBits = 32;
    const f = 16;
    const vs = [1, 2, 3, 4, 2 ** 32 - 1, 2 ** 31, 65_535, 65_536];
    for (let i = 0; i < 30; i++) vs.push(1 + ((i * 2_654_435_761) % (2 ** 32 - 1)));
    for (const v of vs) {
      const built = build(input(v), (cs, x: LinearCombination) => rsqrt(cs, x, vBits, f));
      expect(built.out.y.value, `v=${v}`).toBe(BigInt(rsqrtFixed(v, f)));
      if (vs.indexOf(v) < 8) expectEveryHintTamperFails(built, { stride: 2 });
    }
    const zero = build(input(0), (cs, x: LinearCombination) => rsqrt(cs, x, vBits, f));
    expect(findUnsatisfied(zero.cs)).not.toBeNull();
  });

  it('rsqrt rejects y ± 1', () => {
    const gadget = (cs: ConstraintSystem, x: LinearCombination) => rsqrt(cs, x, 32, 16);
    for (const v of [1, 5, 1_000_000]) {
      expect(cheatingFails(input(v), gadget, { y: (h) => (h() as bigint) + 1n })).toBe(true);
      expect(cheatingFails(input(v), gadget, { y: (h) => (h() as bigint) - 1n })).toBe(true);
    }
  });
});
