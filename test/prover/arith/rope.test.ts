import { describe, expect, it } from 'vitest';
import { ropeCoef, ropeMultiplier, ropePair, ropePairCoefs, rotateRequantize } from '@zkinfer/prover/arith/index.ts';

/** Reference with BigInt: saturate(⌊(xa·ka + xb·kb + 2^(s−1)) / 2^s⌋, bits). */
function ref(xa: number, ka: number, xb: number, kb: number, s: number, bits: number): number {
  const v = BigInt(xa) * BigInt(ka) + BigInt(xb) * BigInt(kb) + (s === 0 ? 0n : 1n << BigInt(s - 1));
  const q = v >> BigInt(s);
  const hi = (1n << BigInt(bits - 1)) - 1n;
  const lo = -(1n << BigInt(bits - 1));
  return Number(q > hi ? hi : q < lo ? lo : q);
}

describe('fused RoPE arithmetic (arith/rope.ts)', () => {
  it('rounds the coefficient m·c/2^d half up, so K(m, −c) and −K(m, c) differ on exact halves', () => {
    expect(ropeCoef(3, 1, 1)).toBe(2); // 1.5 → 2
    expect(ropeCoef(3, -1, 1)).toBe(-1); // −1.5 → −1
    expect(ropeCoef(3000, 16384, 12)).toBe(12000);
    expect(ropePairCoefs(3, 5, 1, 1, 1)).toEqual({ aa: 2, ab: -2, ba: 2, bb: 3 });
  });

  it('pairs channels by layout and tiles the multipliers', () => {
    expect(ropePair('interleaved', 16, 3, 8)).toEqual([22, 23]);
    expect(ropePair('half', 16, 3, 8)).toEqual([19, 27]);
    const m = Int32Array.of(10, 20, 30);
    expect([0, 1, 2, 3, 5].map((i) => ropeMultiplier(m, i))).toEqual([10, 20, 30, 10, 30]);
  });

  it('rotateRequantize equals the BigInt reference: halves, saturation, and sums beyond 2^53', () => {
    const cases: [number, number, number, number, number, number][] = [
      [3, 1, 0, 5, 1, 8], // exactly 1.5 → 2
      [-3, 1, 0, 5, 1, 8], // exactly −1.5 → −1
      [1000, 16384, -1000, 16384, 14, 8], // 0
      [127 * 127 * 64, 16000, 127 * 127 * 64, 16000, 20, 8], // saturates high
      [-(2 ** 32), 40000, -(2 ** 32), 40000, 40, 8], // products near 2^47, saturates low
      [2 ** 32, 2 ** 22, 2 ** 32 - 1, -(2 ** 22), 30, 16], // each product 2^54: BigInt path, difference small
      [2 ** 40, 2 ** 20, 2 ** 40, 2 ** 20, 62, 8],
    ];
    for (const c of cases) expect(rotateRequantize(...c), String(c)).toBe(ref(...c));
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed % (2 * n)) - n);
    for (let i = 0; i < 2000; i++) {
      const c: [number, number, number, number, number, number] = [rnd(2 ** 30), rnd(2 ** 16), rnd(2 ** 30), rnd(2 ** 16), 20 + (i % 20), i % 2 ? 8 : 16];
      expect(rotateRequantize(...c), String(c)).toBe(ref(...c));
    }
  });

  it('rejects a bad shift or a non-integer coefficient', () => {
    expect(() => rotateRequantize(1, 1, 1, 1, 63, 8)).toThrow(RangeError);
    expect(() => ropeCoef(1.5, 3, 1)).toThrow(/safe integers/);
  });
});
