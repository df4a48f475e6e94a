import { describe, expect, it } from 'vitest';
import {
  EXP_SPEC,
  PROB_FRAC,
  RECIP_FRAC,
  activationTable,
  argmaxLowest,
  expMax,
  expNegFixed,
  expOutFrac,
  expTables,
  SOFTMAX_MUL_FRAC,
  softmaxExps,
  softmaxSpec,
  geluTanhFixed,
  siluFixed,
  softmaxFixed,
} from '@zkinfer/prover/arith/index.ts';

describe('expNegFixed', () => {
  it('is exp(−x·unit − offset) to within the tables\' rounding, non-increasing up to that rounding, 0 from 2^12', () => {
    const one = 2 ** expOutFrac();
    const tableUlp = 2 ** EXP_SPEC.tableFrac;
    expect(expNegFixed(0)).toBe(expMax());
    expect(expMax()).toBeLessThan(one);
    let prev = one;
    const xMax = 2 ** (EXP_SPEC.digitBits * EXP_SPEC.nDigits);
    for (let x = 0; x < xMax; x++) {
      const e = expNegFixed(x);
      // a coarse digit's step can undershoot by the other factor's rounding (below p's unit)
      expect(e).toBeLessThanOrEqual(prev + tableUlp);
      // each factor within half a table ulp (relative to a factor ≤ 1): about one table ulp in all
      expect(Math.abs(e - one * Math.exp(-x * EXP_SPEC.unit - EXP_SPEC.offset)) / tableUlp).toBeLessThanOrEqual(1);
      prev = e;
    }
    expect(expNegFixed(xMax)).toBe(0);
    expect(expNegFixed(2 ** 40)).toBe(0);
  });
  it('is the exact product of the digit tables (no rounding between them)', () => {
    const t = expTables();
    // x = 0x5A3 = 1443: 6-bit digits 35, 22
    expect(expNegFixed(0x5a3)).toBe(t[0][35] * t[1][22]);
    expect(Number.isSafeInteger(expMax())).toBe(true);
  });
  it('rejects negative input', () => {
    expect(() => expNegFixed(-1)).toThrow(RangeError);
  });
});

describe('softmaxFixed', () => {
  it('approximates the float softmax and sums to ≈ 1.0', () => {
    const scores = [100, 90, 130, -50, 130, 0];
    const scale = 1 / 20; // a score unit is 0.05
    // m/2^s = scale·2^SOFTMAX_MUL_FRAC
    const s = 20;
    const m = Math.round(scale * 2 ** SOFTMAX_MUL_FRAC * 2 ** s);
    const p = softmaxFixed(scores, m, s);
    const mx = Math.max(...scores);
    const ex = scores.map((v) => Math.exp((v - mx) * scale));
    const tot = ex.reduce((a, b) => a + b, 0);
    const one = 2 ** PROB_FRAC;
    for (let i = 0; i < scores.length; i++) expect(Math.abs(p[i] / one - ex[i] / tot)).toBeLessThan(2e-3);
    const sum = p.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - one)).toBeLessThanOrEqual(scores.length);
    expect(p[2]).toBe(p[4]);
  });
  it('feeds ⌊z·a/2^k⌋ to tables of step c·2^k/a ≥ 2^−8 (c = m/2^(s+8)) that reach exp(−16), the half interval in T_0', () => {
    // c = 2^−10: 2^12·2^k·c ≥ 16 first at k = 2
    const { shift, spec } = softmaxSpec(1, 2);
    expect(shift).toBe(2);
    expect(spec.unit).toBe(2 ** -8);
    expect(spec.offset).toBe(1.5 * 2 ** -10);
    // z = 7: x = 1, not 2 (floor), the exponent at the middle of z ∈ [4, 7]: 5.5·c
    const p = softmaxFixed([0, -7], 1, 2);
    const e0 = expNegFixed(0, spec);
    const e1 = expNegFixed(1, spec);
    expect(Math.abs(e1 / 2 ** 32 - Math.exp(-5.5 * 2 ** -10))).toBeLessThan(2 ** -16);
    const r = Math.floor(2 ** RECIP_FRAC / (e0 + e1));
    expect(softmaxExps([0, -7], 1, 2)).toEqual({ e: [e0, e1], r });
    expect(p[1]).toBe(Math.floor((e1 * r + 2 ** (RECIP_FRAC - PROB_FRAC - 1)) / 2 ** (RECIP_FRAC - PROB_FRAC)));
    // coarse scores (c ≥ 2^−8): k = 0, z itself is the table input, exact (no offset)
    expect(softmaxSpec(3389, 10)).toEqual({ mul: 1, shift: 0, spec: expect.objectContaining({ unit: 3389 / 2 ** 18, offset: 0 }) });
    // c = 3075/2^20 ≈ 1.0010·3·2^−10: the step c·4/3 is within 0.1 % of 2^−8 (mul 1 would give 1.5·2^−8)
    const fine = softmaxSpec(3075, 12);
    expect([fine.mul, fine.shift]).toEqual([3, 2]);
    expect(fine.spec.unit).toBeCloseTo(((3075 / 2 ** 20) * 4) / 3, 15);
    expect(fine.spec.offset).toBeCloseTo((fine.spec.unit - 3075 / 2 ** 20) / 2, 15);
    const [f0, f1] = softmaxExps([0, -3], 3075, 12).e; // z = 3: x = ⌊9/4⌋ = 2
    expect(f0).toBe(expNegFixed(0, fine.spec));
    expect(f1).toBe(expNegFixed(2, fine.spec));
    expect(() => softmaxSpec(0, 3)).toThrow(RangeError);
  });
  it('one score gives probability 1.0 exactly', () => {
    expect(softmaxFixed([-12345], 7, 3)).toEqual([2 ** PROB_FRAC]);
  });
  it('scores far below the max get probability 0', () => {
    const p = softmaxFixed([0, -1e9], 1, 0);
    expect(p).toEqual([2 ** PROB_FRAC, 0]);
  });
});

describe('activation tables', () => {
  it('SiLU and tanh-GELU tables follow the float function at the given scales', () => {
    const sIn = 0.05;
    const sOut = 0.04;
    const silu = activationTable('silu', sIn, sOut, 8);
    const gelu = activationTable('gelu_tanh', sIn, sOut, 8);
    expect(siluFixed(0, silu)).toBe(0);
    expect(geluTanhFixed(0, gelu)).toBe(0);
    // large positive inputs are ≈ identity: 127·0.05/0.04 = 158.75 saturates to 127
    expect(siluFixed(127, silu)).toBe(127);
    expect(siluFixed(40, silu)).toBe(Math.round((2 / (1 + Math.exp(-2))) / sOut));
    // SiLU has its minimum ≈ −0.278 at x ≈ −1.278
    expect(Math.min(...silu)).toBe(Math.round(-0.27846 / sOut));
    expect(() => siluFixed(128, silu)).toThrow(/int8/);
  });
});

describe('argmaxLowest', () => {
  it('breaks ties by the lowest index', () => {
    expect(argmaxLowest([1, 5, 3, 5])).toBe(1);
    expect(argmaxLowest([-3])).toBe(0);
    expect(argmaxLowest(new Int32Array([7, 7, 7]))).toBe(0);
    expect(argmaxLowest([0, -1, 2, 9, 9])).toBe(3);
    expect(() => argmaxLowest([])).toThrow(RangeError);
  });
});
