import { describe, expect, it } from 'vitest';
import { isqrtBig, isqrtHint, reciprocalFixed, rsqrtFixed } from '@zkinfer/prover/arith/index.ts';

describe('isqrtHint', () => {
  it('satisfies the two range checks the circuit uses', () => {
    const cases = [0, 1, 2, 3, 4, 15, 16, 17, 2 ** 32 - 1, 2 ** 32, 2 ** 52 - 1, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 2000; i++) cases.push(Math.floor(Math.random() * 2 ** (1 + (i % 52))));
    for (const n of cases) {
      const r = BigInt(isqrtHint(n));
      const nb = BigInt(n);
      expect(nb - r * r >= 0n).toBe(true);
      expect((r + 1n) * (r + 1n) - nb - 1n >= 0n).toBe(true);
    }
  });
  it('a tampered hint fails one of the checks', () => {
    const n = 1_000_000_007n;
    const r = isqrtBig(n);
    for (const bad of [r - 1n, r + 1n]) {
      const ok = n - bad * bad >= 0n && (bad + 1n) * (bad + 1n) - n - 1n >= 0n;
      expect(ok).toBe(false);
    }
  });
  it('rejects negative or fractional input', () => {
    expect(() => isqrtHint(-1)).toThrow(RangeError);
    expect(() => isqrtHint(1.5)).toThrow(/non-negative safe integer/);
  });
});

describe('rsqrtFixed', () => {
  it('is the unique y with y²v ≤ 2^2f < (y+1)²v', () => {
    const f = 30;
    const F2 = 1n << 60n;
    for (const v of [1, 2, 3, 7, 1000, 2 ** 20 + 3, 2 ** 36 - 1, 2 ** 52 + 12345]) {
      const y = BigInt(rsqrtFixed(v, f));
      const vb = BigInt(v);
      expect(y * y * vb <= F2).toBe(true);
      expect((y + 1n) * (y + 1n) * vb > F2).toBe(true);
    }
    expect(rsqrtFixed(1, 20)).toBe(2 ** 20);
    expect(rsqrtFixed(4, 20)).toBe(2 ** 19);
  });
  it('bounds |x·y| by 2^f whenever x² ≤ v', () => {
    const f = 32;
    for (const x of [1, 5, 127, 32767]) {
      for (const extra of [0, 1, 999]) {
        const v = x * x + extra;
        expect(Math.abs(x * rsqrtFixed(v, f))).toBeLessThanOrEqual(2 ** f);
      }
    }
  });
  it('rejects zero input', () => {
    expect(() => rsqrtFixed(0, 10)).toThrow(/≥ 1/);
  });
});

describe('reciprocalFixed', () => {
  it('equals BigInt floor division and satisfies q·d ≤ 2^f < (q+1)·d', () => {
    const ds = [1, 2, 3, 7, 65536, 65537, 2 ** 26 - 1, 2 ** 40 + 1, 2 ** 52 - 1];
    for (let i = 0; i < 3000; i++) ds.push(1 + Math.floor(Math.random() * 2 ** (1 + (i % 50))));
    for (const f of [0, 16, 40, 52]) {
      for (const d of ds) {
        const q = BigInt(reciprocalFixed(d, f));
        const db = BigInt(d);
        const p = 1n << BigInt(f);
        expect(q).toBe(p / db);
        expect(q * db <= p && p < (q + 1n) * db).toBe(true);
      }
    }
  });
  it('rejects division by zero', () => {
    expect(() => reciprocalFixed(0, 16)).toThrow(RangeError);
  });
});
