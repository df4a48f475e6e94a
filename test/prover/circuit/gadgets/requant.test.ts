import { describe, expect, it } from 'vitest';
import { R, toSigned } from '@zkinfer/prover/circuit/field.ts';
import { LinearCombination } from '@zkinfer/prover/circuit/lc.ts';
import type { ConstraintSystem } from '@zkinfer/prover/circuit/system.ts';
import { requantize as requantizeRef, residualAdd as residualAddRef } from '@zkinfer/prover/arith/fixed.ts';
import { requantize, residualAdd, roundShiftSaturate, roundShiftSaturateBits, signedBounds } from '@zkinfer/prover/circuit/gadgets/requant.ts';
import { roundShift, saturate } from '@zkinfer/prover/arith/fixed.ts';
import { build, cheatingFails, cheatingOutcome, expectEveryHintTamperFails, expectSameShape } from './tamper.ts';

const input = (v: number) => (cs: ConstraintSystem) => cs.privateInput('x', v);
const acc24 = signedBounds(24);

describe('requantize', () => {
  const specs = [
    { m: 1_234_567, s: 31, bits: 8 },
    { m: -987_654, s: 24, bits: 8 },
    { m: 3, s: 1, bits: 8 },
    { m: 1 << 20, s: 20, bits: 16 },
    { m: 5, s: 0, bits: 8 },
  ];
  const edges = [0, 1, -1, 2 ** 23 - 1, -(2 ** 23), 12_345, -12_345, 217, -218];

  it('equals arith requantize bit for bit on edges (including saturation and exact halves)', () => {
    for (const { m, s, bits } of specs) {
      const xs = [...edges];
      // values whose product lands exactly on a rounding half and on the saturation edges
      if (s > 0) xs.push(Math.floor(2 ** (s - 1) / Math.abs(m)));
      for (const x of xs) {
        const built = build(input(x), (cs, v: LinearCombination) => requantize(cs, v, acc24, m, s, bits));
        expect(toSigned(built.out.y.value!), `x=${x} m=${m} s=${s}`).toBe(BigInt(requantizeRef(x, m, s, bits)));
        expectEveryHintTamperFails(built);
      }
    }
  });

  it('agrees with the reference on random accumulators', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    for (let i = 0; i < 200; i++) {
      const x = (rnd() % 2 ** 24) - 2 ** 23;
      const { m, s, bits } = specs[i % specs.length];
      const built = build(input(x), (cs, v: LinearCombination) => requantize(cs, v, acc24, m, s, bits));
      expect(toSigned(built.out.y.value!)).toBe(BigInt(requantizeRef(x, m, s, bits)));
    }
  });

  it('costs s + bits when saturation is impossible, more when it is', () => {
    const cost = (bounds = acc24, m = 257, s = 16) =>
      expectSameShape((cs, w) => requantize(cs, cs.privateInput('x', w ? 100 : undefined), bounds, m, s, 8));
    expect(cost(signedBounds(15))).toBe(24); // q ∈ [−64, 64]: the design's 24 per output
    expect(cost()).toBeGreaterThan(24);
  });

  it('checks only the remainder bits a multiplier ending in k zero bits leaves: s − k', () => {
    const cost = (m: number, s: number, xBits = 8) =>
      expectSameShape((cs, w) => requantize(cs, cs.privateInput('x', w ? 5 : undefined), signedBounds(xBits), m, s, 8));
    expect(cost(3 << 5, 10)).toBe(5 + 8);
    expect(cost(-(3 << 5), 10)).toBe(5 + 8);
    expect(cost(1 << 6, 6)).toBe(8); // an exact power of two: no remainder at all
    expect(cost(1 << 9, 6, 4)).toBe(8); // k is capped at s
  });

  it('short multipliers: equal to arith requantize bit for bit, every hint tampered fails', () => {
    const specs = [
      { m: 3 << 12, s: 20 },
      { m: -(5 << 7), s: 9 },
      { m: 1 << 6, s: 6 },
      { m: 1 << 9, s: 6 },
      { m: 6, s: 1 },
    ];
    for (const { m, s } of specs) {
      for (const x of [...edges, 5, -5, 43, -43]) {
        const built = build(input(x), (cs, v: LinearCombination) => requantize(cs, v, acc24, m, s, 8));
        expect(toSigned(built.out.y.value!), `x=${x} m=${m} s=${s}`).toBe(BigInt(requantizeRef(x, m, s, 8)));
        expectEveryHintTamperFails(built);
      }
    }
  });

  it('reads coefficients stored reduced mod r as the signed integers they stand for', () => {
    // −x·2^4 written with the coefficient r − 16: the same value; r − 16 is odd, so k must come from −16.
    const gadget = (cs: ConstraintSystem, v: LinearCombination) =>
      roundShiftSaturate(cs, new LinearCombination(v.vars, v.coeffs.map((c) => R - 16n * c), v.value === undefined ? undefined : ((R - 16n) * v.value) % R), { min: -2048n, max: 2048n }, 6, 8);
    for (const x of [0, 1, -1, 7, -7, 100, -100]) {
      const built = build(input(x), gadget);
      expect(toSigned(built.out.y.value!), `x=${x}`).toBe(BigInt(requantizeRef(x, -16, 6, 8)));
      expectEveryHintTamperFails(built);
    }
    expect(expectSameShape((cs, w) => gadget(cs, cs.privateInput('x', w ? 3 : undefined)))).toBe(2 + 8);
  });

  it('rejects a prover who skips saturation, saturates in range, or rounds the other way', () => {
    const gadget = (cs: ConstraintSystem, v: LinearCombination) => requantize(cs, v, acc24, 1 << 20, 20, 8);
    expect(cheatingFails(input(300), gadget, {})).toBe(false);
    expect(cheatingFails(input(300), gadget, { hi: () => 0n })).toBe(true);
    expect(cheatingFails(input(-300), gadget, { lo: () => 0n })).toBe(true);
    expect(cheatingFails(input(100), gadget, { hi: () => 1n })).toBe(true);
    expect(cheatingFails(input(100), gadget, { lo: () => 1n, hi: () => 1n })).toBe(true);
    const halves = (cs: ConstraintSystem, v: LinearCombination) => requantize(cs, v, acc24, 1, 1, 8);
    expect(cheatingFails(input(5), halves, {})).toBe(false);
    expect(cheatingFails(input(5), halves, { q: () => 2n })).toBe(true); // ⌊(5+1)/2⌋ = 3, not 2
  });
});

describe('saturation by one window check', () => {
  // bits = 4 → y ∈ [−8, 7]. Bounds whose overshoot fits 4 bits (W = bits) and exceeds it (W = 7).
  const narrow = { min: -90n, max: 90n }; // s = 2: q ∈ [−22, 23], overshoot ≤ 16 → tBits 4 = bits
  const wide = { min: -400n, max: 400n }; // s = 2: q ∈ [−100, 100], overshoot 93 → tBits 7 > bits
  const expected = (v: number) => saturate(roundShift(v, 2), 4);

  it('costs s + bits + 4 when the overshoot fits the output width, s + W + 6 when wider; the Bits variant s + bits + tBits + 4', () => {
    const cost = (b: typeof narrow, withBits = false) =>
      expectSameShape((cs, w) => (withBits ? roundShiftSaturateBits : roundShiftSaturate)(cs, cs.privateInput('v', w ? 7 : undefined), b, 2, 4));
    expect(cost(narrow)).toBe(2 + 4 + 4);
    expect(cost(wide)).toBe(2 + 7 + 6);
    expect(cost(narrow, true)).toBe(2 + 4 + 4 + 4);
    expect(cost(wide, true)).toBe(2 + 4 + 7 + 4);
  });

  it('equals arith roundShift + saturate on every v in bounds; every hint tampered alone fails', () => {
    for (const b of [narrow, wide]) {
      for (let v = Number(b.min); v <= Number(b.max); v++) {
        const built = build((cs) => cs.privateInput('v', v), (cs, x: LinearCombination) => roundShiftSaturate(cs, x, b, 2, 4));
        expect(toSigned(built.out.y.value!), `v=${v}`).toBe(BigInt(expected(v)));
        if (v % 7 === 0) expectEveryHintTamperFails(built);
      }
    }
  });

  // A witness build for every (v, q, lo, hi): close to the 120 s default on a loaded machine.
  it('no choice of q, lo, hi other than the honest one satisfies (exhaustive, both widths, both variants)', () => {
    for (const b of [narrow, wide]) {
      for (const gadget of [roundShiftSaturate, roundShiftSaturateBits]) {
        for (let v = Number(b.min); v <= Number(b.max); v += 5) {
          let accepted = 0;
          for (let q = -160; q <= 140; q++) {
            for (const lo of [0n, 1n]) {
              for (const hi of [0n, 1n]) {
                const { satisfied, out } = cheatingOutcome((cs) => cs.privateInput('v', v), (cs, x: LinearCombination) => gadget(cs, x, b, 2, 4), {
                  q: () => BigInt(q),
                  lo: () => lo,
                  hi: () => hi,
                });
                if (!satisfied) continue;
                accepted++;
                expect(toSigned(out.y.value!), `v=${v}: q=${q} lo=${lo} hi=${hi} accepted`).toBe(BigInt(expected(v)));
              }
            }
          }
          expect(accepted, `v=${v}: exactly the honest witness`).toBe(1);
        }
      }
    }
  }, 600_000);
});

describe('residualAdd', () => {
  it('equals arith residualAdd on edges and random values', () => {
    const cases: [number, number][] = [[0, 0], [127, 2 ** 23 - 1], [-128, -(2 ** 23)], [100, 50_000], [-100, -50_000], [5, -3]];
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    for (let i = 0; i < 60; i++) cases.push([(rnd() % 256) - 128, (rnd() % 2 ** 24) - 2 ** 23]);
    for (const [x, y] of cases) {
      const setup = (cs: ConstraintSystem) => [cs.privateInput('x', x), cs.privateInput('y', y)] as const;
      const built = build(setup, (cs, [a, b]) => residualAdd(cs, a, signedBounds(8), b, acc24, 777_777, 27, 8));
      expect(toSigned(built.out.y.value!), `x=${x} y=${y}`).toBe(BigInt(residualAddRef(x, y, 777_777, 27, 8)));
      if (i5(x, y)) expectEveryHintTamperFails(built);
    }
  });
});

/** Tamper-check only the hand-picked edge cases (the random ones check values). */
function i5(x: number, y: number): boolean {
  return Math.abs(x) >= 100 || y === 0;
}
