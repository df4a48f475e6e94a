import { describe, expect, it } from 'vitest';
import {
  EXP_SPEC,
  PROB_FRAC,
  activationTable,
  argmaxLowest,
  expNegFixed,
  expTables,
  geluTanhFixed,
  siluFixed,
  softmaxFixed,
} from '../../../prover/src/arith/index.ts';

describe('expNegFixed', () => {
  it('is 1.0 at 0, monotone non-increasing, and close to exp(−x)', () => {
    const one = 2 ** EXP_SPEC.outFrac;
    expect(expNegFixed(0)).toBe(one);
    let prev = one;
    const xMax = 2 ** (EXP_SPEC.digitBits * EXP_SPEC.nDigits);
    for (let x = 0; x < xMax; x++) {
      const e = expNegFixed(x);
      expect(e).toBeLessThanOrEqual(prev);
      // a few roundings of half an output ulp each
      expect(Math.abs(e - one * Math.exp(-x / 2 ** EXP_SPEC.inFrac))).toBeLessThanOrEqual(2);
      prev = e;
    }
    expect(expNegFixed(xMax)).toBe(0);
    expect(expNegFixed(2 ** 40)).toBe(0);
  });
  it('is the digit-split table product', () => {
    const t = expTables();
    // x = 0x5A3: digits 3, 10, 5
    const x = 0x5a3;
    const s = EXP_SPEC.outFrac;
    const step1 = Math.floor((t[0][3] * t[1][10] + 2 ** (s - 1)) / 2 ** s);
    expect(expNegFixed(x)).toBe(Math.floor((step1 * t[2][5] + 2 ** (s - 1)) / 2 ** s));
  });
  it('rejects negative input', () => {
    expect(() => expNegFixed(-1)).toThrow(RangeError);
  });
});

describe('softmaxFixed', () => {
  it('approximates the float softmax and sums to ≈ 1.0', () => {
    const scores = [100, 90, 130, -50, 130, 0];
    const scale = 1 / 20; // a score unit is 0.05
    // x = z·m/2^s in units of 2^-8: m/2^s = scale·2^8
    const s = 20;
    const m = Math.round(scale * 2 ** EXP_SPEC.inFrac * 2 ** s);
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
