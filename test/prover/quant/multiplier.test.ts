import { describe, expect, it } from 'vitest';
import { fixedMultiplier, fixedMultipliers, roundDownShort, roundUpShort, siteScale } from '@zkinfer/prover/quant/multiplier.ts';
import { quantizeRows, quantizeRowsAt } from '@zkinfer/prover/quant/weights.ts';
import { ropeTable } from '@zkinfer/prover/quant/rope.ts';
import { logitMultipliers } from '@zkinfer/prover/quant/quantize.ts';

describe('fixedMultipliers', () => {
  it('puts the largest |m| in [2^(p−1), 2^p) and approximates every factor', () => {
    const f = [0.0123, -0.0031, 0.00007, 0];
    const r = fixedMultipliers(f, 8, 16, 'test');
    const mx = Math.max(...Array.from(r.m, Math.abs));
    expect(mx).toBeGreaterThanOrEqual(2 ** 15);
    expect(mx).toBeLessThan(2 ** 16);
    f.forEach((v, i) => expect(Math.abs(r.m[i] / 2 ** r.s - v)).toBeLessThanOrEqual(2 ** -(r.s + 1)));
    expect(r.m[1]).toBeLessThan(0);
  });
  it('clamps the shift at 0 for large factors and refuses ones beyond 31 bits', () => {
    expect(fixedMultiplier(1e6, 16, 16, 'big')).toMatchObject({ s: 0 });
    expect(() => fixedMultiplier(3e9, 16, 16, 'huge')).toThrow(/huge/);
    expect(() => fixedMultiplier(NaN, 16, 16, 'nan site')).toThrow(/nan site/);
  });
  it('siteScale maps the calibrated max to the top code', () => {
    expect(siteScale(12.7, 8)).toBeCloseTo(0.1, 12);
    expect(siteScale(1, 16, 2)).toBeCloseTo(2 / 32767, 12);
  });
});

/** Significant bits of a number (the width of its odd part; exact for the values used here). */
const significantBits = (m: number): number => {
  let a = Math.abs(m);
  while (a > 0 && a % 2 === 0) a /= 2;
  return a === 0 ? 0 : Math.floor(Math.log2(a)) + 1;
};

describe('short multipliers', () => {
  it('roundUpShort / roundDownShort bracket x with at most p significant bits', () => {
    for (const x of [1, 3, 5.5, 100, 1023, 1024, 1025, 0.0123, 12345.678, 2 ** 40 + 1]) {
      for (const p of [1, 2, 4]) {
        const up = roundUpShort(x, p);
        const down = roundDownShort(x, p);
        expect(up).toBeGreaterThanOrEqual(x);
        expect(down).toBeLessThanOrEqual(x);
        expect(up / x).toBeLessThanOrEqual(1 + 2 ** (1 - p));
        expect(x / down).toBeLessThanOrEqual(1 + 2 ** (1 - p));
        for (const y of [up, down]) expect(significantBits(y / 2 ** Math.floor(Math.log2(y) - 60))).toBeLessThanOrEqual(p);
      }
    }
    expect(roundUpShort(0.3, 2, true)).toBe(1); // integer: the exponent stays ≥ 0
    expect(roundUpShort(1025, 2)).toBe(1536);
    expect(roundDownShort(1025, 2)).toBe(1024);
    expect(() => roundUpShort(0, 2)).toThrow(RangeError);
    expect(() => roundDownShort(5, 0)).toThrow(RangeError);
  });
  it('quantizeRowsAt quantizes at given scales and refuses bad ones', () => {
    const t = { name: 'w', shape: [2, 2], data: new Float32Array([1, -0.5, 0.2, 0]) };
    const q = quantizeRowsAt(t, new Float64Array([2 / 127, 0.2 / 127]));
    expect(Array.from(q.w)).toEqual([64, -32, 127, 0]);
    expect(() => quantizeRowsAt(t, new Float64Array([1, 0]))).toThrow(/row 1 scale/);
    expect(() => quantizeRowsAt(t, new Float64Array([1]))).toThrow(/1 row scales for 2 rows/);
  });
});

describe('quantizeRows', () => {
  it('is symmetric per output row and reconstructs within half a step', () => {
    const data = new Float32Array([0.5, -1, 0.25, 0, 0, 0, 3, 2.9, -0.01]);
    const q = quantizeRows({ name: 'w', shape: [3, 3], data });
    expect(Array.from(q.w.slice(0, 3))).toEqual([64, -127, 32]);
    expect(Array.from(q.w.slice(3, 6))).toEqual([0, 0, 0]);
    expect(q.w[6]).toBe(127);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) expect(Math.abs(q.w[r * 3 + c] * q.scale[r] - data[r * 3 + c])).toBeLessThanOrEqual(q.scale[r] / 2 + 1e-7);
    }
    expect(() => quantizeRows({ name: 'v', shape: [3], data: new Float32Array(3) })).toThrow(/v: expected a matrix/);
  });
});

describe('ropeTable', () => {
  it('holds cos/sin in fixed point with C² + S² ≈ 2^2f', () => {
    const t = ropeTable(16, 8, 10000, 14);
    expect(t.cos[0]).toBe(2 ** 14);
    expect(t.sin[0]).toBe(0);
    for (let i = 0; i < t.cos.length; i++) expect(Math.abs(t.cos[i] ** 2 + t.sin[i] ** 2 - 2 ** 28)).toBeLessThan(2 ** 16);
    // position 1, pair 0 rotates by 1 radian
    expect(t.cos[4]).toBe(Math.round(Math.cos(1) * 2 ** 14));
  });
});

describe('logitMultipliers (integer logits L_j = acc_j·m_j, no rescale)', () => {
  const W = (rows: number, cols: number, v: number, scale: number[]) => ({ rows, cols, w: new Int8Array(rows * cols).fill(v), scale: Float64Array.from(scale) });

  it('keeps the rows’ relative scales at the given precision; 2^−s is the logit scale', () => {
    const sIn = 0.03;
    const scale = [0.011, 0.004, -0.0007];
    const r = logitMultipliers(W(3, 4, 1, scale), sIn, 8, 12, 'model.gguf');
    const mx = Math.max(...Array.from(r.m, Math.abs));
    expect(mx).toBeGreaterThanOrEqual(2 ** 11);
    expect(mx).toBeLessThan(2 ** 12);
    // real logit per unit acc = sIn·scale_j ≈ m_j·2^−s
    scale.forEach((sw, j) => expect(Math.abs(r.m[j] * 2 ** -r.s - sIn * sw)).toBeLessThanOrEqual(2 ** -(r.s + 1)));
    // fewer bits: same shift rule, coarser m
    expect(Math.max(...Array.from(logitMultipliers(W(3, 4, 1, scale), sIn, 8, 6, 'm').m, Math.abs))).toBeLessThan(2 ** 6);
  });

  it('refuses a model whose |acc·m| could reach 2^53, naming the model and site', () => {
    // 127 · 2^15 (|h| ≤ 2^15 at 16 bits) · 4096 columns · m < 2^30: about 2^64
    expect(() => logitMultipliers(W(2, 4096, 127, [0.5, 0.25]), 1, 16, 30, 'big.gguf')).toThrow(/big\.gguf: output logits.*2\^53/);
    expect(() => logitMultipliers(W(2, 4096, 127, [0.5, 0.25]), 1, 16, 30, 'big.gguf')).toThrow(RangeError);
    // the same matrix at 12 bits: 2^7 · 2^15 · 2^12 · 2^12 = 2^46, fine
    expect(() => logitMultipliers(W(2, 4096, 127, [0.5, 0.25]), 1, 16, 12, 'big.gguf')).not.toThrow();
  });
});
