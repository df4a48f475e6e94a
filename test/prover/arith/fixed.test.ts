import { describe, expect, it } from 'vitest';
import { mulRoundShift, requantize, residualAdd, roundShift, saturate, signedRange } from '@zkinfer/prover/arith/index.ts';

/** Reference: round half up of x·m/2^s with BigInt. */
function refRound(x: bigint, m: bigint, s: number): bigint {
  const num = x * m + (s === 0 ? 0n : 1n << BigInt(s - 1));
  return num >> BigInt(s);
}

describe('saturate', () => {
  it('clamps to the signed range', () => {
    expect(signedRange(8)).toEqual({ min: -128, max: 127 });
    expect(saturate(127, 8)).toBe(127);
    expect(saturate(128, 8)).toBe(127);
    expect(saturate(-128, 8)).toBe(-128);
    expect(saturate(-129, 8)).toBe(-128);
    expect(saturate(40000, 16)).toBe(32767);
    expect(saturate(-1e12, 16)).toBe(-32768);
  });
  it('rejects nonsense bit widths', () => {
    expect(() => saturate(0, 1)).toThrow(RangeError);
    expect(() => saturate(0, 8.5)).toThrow(/bits/);
  });
});

describe('roundShift / requantize', () => {
  it('rounds half up, also for negative values', () => {
    expect(roundShift(3, 1)).toBe(2); // 1.5 -> 2
    expect(roundShift(-3, 1)).toBe(-1); // -1.5 -> -1
    expect(roundShift(5, 2)).toBe(1); // 1.25 -> 1
    expect(roundShift(6, 2)).toBe(2); // 1.5 -> 2
    expect(roundShift(-6, 2)).toBe(-1); // -1.5 -> -1
    expect(roundShift(-7, 2)).toBe(-2); // -1.75 -> -2
    expect(roundShift(9, 0)).toBe(9);
  });
  it('matches a BigInt reference on random and extreme inputs', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const x = Math.floor((rnd() - 0.5) * 2 ** (1 + Math.floor(rnd() * 40)));
      const m = Math.floor((rnd() - 0.5) * 2 ** (1 + Math.floor(rnd() * 31)));
      const s = Math.floor(rnd() * 50);
      expect(mulRoundShift(x, m, s)).toBe(Number(refRound(BigInt(x), BigInt(m), s)));
    }
    // products beyond 2^53 go through BigInt exactly
    const x = 2 ** 40 + 1;
    const m = 2 ** 30 - 1;
    expect(mulRoundShift(x, m, 31)).toBe(Number(refRound(BigInt(x), BigInt(m), 31)));
  });
  it('requantize saturates after rounding', () => {
    expect(requantize(1000, 1, 0, 8)).toBe(127);
    expect(requantize(-1000, 3, 1, 8)).toBe(-128);
    expect(requantize(255, 1, 1, 8)).toBe(127); // 127.5 -> 128 -> saturated
    expect(requantize(253, 1, 1, 8)).toBe(127); // 126.5 -> 127
    expect(requantize(-257, 1, 1, 8)).toBe(-128); // -128.5 -> -128
    expect(requantize(100, -3, 2, 8)).toBe(-75);
  });
  it('residualAdd rounds the added term only', () => {
    expect(residualAdd(10, 3, 1, 1, 16)).toBe(12);
    expect(residualAdd(32760, 100, 1, 0, 16)).toBe(32767);
    expect(residualAdd(-5, -3, 1, 1, 16)).toBe(-6);
  });
  it('rejects bad shifts', () => {
    expect(() => roundShift(1, -1)).toThrow(RangeError);
    expect(() => roundShift(1, 63)).toThrow(/shift/);
  });
});
