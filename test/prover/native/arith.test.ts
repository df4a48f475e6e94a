// The native prover's field, extension-field, curve and MSM arithmetic against @noble/curves
// (bn254) on edge values (0, 1, p-1, r-1, infinity, doubling through the addition formulas,
// P + (-P)) and random ones.
import { afterAll, describe, expect, it } from 'vitest';
import { bn254 } from '@noble/curves/bn254.js';
import { NativeProver } from '@zkinfer/prover/snark/native.ts';
import { nativeSkipReason, randomBelow } from './helpers.ts';

const P = bn254.fields.Fp.ORDER;
const R = bn254.fields.Fr.ORDER;
const Fp2 = bn254.fields.Fp2;
type G1 = InstanceType<typeof bn254.G1.Point>;
type G2 = InstanceType<typeof bn254.G2.Point>;
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

let native: NativeProver | undefined;
const prover = () => (native ??= new NativeProver(2));
afterAll(async () => {
  await native?.close();
});

const g1Args = (p: G1): bigint[] => (p.is0() ? [0n, 0n] : [p.toAffine().x, p.toAffine().y]);
const g1Of = ([x, y]: bigint[]): G1 => (x === 0n && y === 0n ? bn254.G1.Point.ZERO : bn254.G1.Point.fromAffine({ x, y }));
const g2Args = (p: G2): bigint[] => {
  if (p.is0()) return [0n, 0n, 0n, 0n];
  const { x, y } = p.toAffine();
  return [x.c0, x.c1, y.c0, y.c1];
};
const g2Of = ([a, b, c, d]: bigint[]): G2 => (a === 0n && b === 0n && c === 0n && d === 0n ? bn254.G2.Point.ZERO : bn254.G2.Point.fromAffine({ x: { c0: a, c1: b }, y: { c0: c, c1: d } }));
const randomG1 = () => bn254.G1.Point.BASE.multiply(randomBelow(R - 1n) + 1n);
const randomG2 = () => bn254.G2.Point.BASE.multiply(randomBelow(R - 1n) + 1n);

describe.skipIf(nativeSkipReason !== undefined)('native prover arithmetic vs @noble/curves', () => {
  it('Fq and Fr: add, sub, mul, square, neg, inverse on edge and random values', async () => {
    for (const [name, m] of [['fq', P], ['fr', R]] as const) {
      const values = [0n, 1n, 2n, m - 1n, m - 2n, (m - 1n) / 2n, (m + 1n) / 2n, 1n << 255n > m ? 1n << 253n : 0n, ...Array.from({ length: 12 }, () => randomBelow(m))];
      for (const a of values) {
        for (const b of values.slice(0, 8)) {
          expect(await prover().arith(`${name}_add`, [a, b])).toEqual([mod(a + b, m)]);
          expect(await prover().arith(`${name}_sub`, [a, b])).toEqual([mod(a - b, m)]);
          expect(await prover().arith(`${name}_mul`, [a, b])).toEqual([mod(a * b, m)]);
        }
        expect(await prover().arith(`${name}_sqr`, [a])).toEqual([mod(a * a, m)]);
        if (a !== 0n) {
          const [inv] = await prover().arith(`${name}_inv`, [a]);
          expect(mod(inv * a, m)).toBe(1n);
        }
      }
    }
    for (const a of [0n, 1n, P - 1n, randomBelow(P)]) expect(await prover().arith('fq_neg', [a])).toEqual([mod(-a, P)]);
    // Inputs at or above the modulus are refused, not reduced silently.
    await expect(prover().arith('fq_add', [P, 1n])).rejects.toThrow(/not below the modulus/);
    await expect(prover().arith('fr_mul', [R, 1n])).rejects.toThrow(/not below the modulus/);
  });

  it('Fr roots of unity have exactly order 2^k', async () => {
    for (const k of [1, 2, 10, 20, 28]) {
      const [w] = await prover().arith('fr_root', [BigInt(k)]);
      const pow2 = (x: bigint, n: number) => {
        for (let i = 0; i < n; i++) x = mod(x * x, R);
        return x;
      };
      expect(pow2(w, k)).toBe(1n);
      expect(pow2(w, k - 1)).toBe(R - 1n);
    }
  });

  it('Fq2: mul, square, inverse', async () => {
    const vals = [
      { c0: 0n, c1: 1n },
      { c0: 1n, c1: 0n },
      { c0: P - 1n, c1: P - 1n },
      ...Array.from({ length: 6 }, () => ({ c0: randomBelow(P), c1: randomBelow(P) })),
    ];
    for (const a of vals) {
      for (const b of vals) {
        const e = Fp2.mul(a, b);
        expect(await prover().arith('fq2_mul', [a.c0, a.c1, b.c0, b.c1])).toEqual([e.c0, e.c1]);
      }
      const s = Fp2.sqr(a);
      expect(await prover().arith('fq2_sqr', [a.c0, a.c1])).toEqual([s.c0, s.c1]);
      const i = Fp2.inv(a);
      expect(await prover().arith('fq2_inv', [a.c0, a.c1])).toEqual([i.c0, i.c1]);
    }
  });

  it('G1: addition (also P + P and P + (-P) through it), mixed addition, doubling, scalar multiples', async () => {
    const O = bn254.G1.Point.ZERO;
    const G = bn254.G1.Point.BASE;
    const pts = [G, G.negate(), randomG1(), randomG1(), randomG1()];
    for (const p of pts) {
      for (const q of [...pts, p, p.negate(), O]) {
        for (const op of ['g1_add', 'g1_madd']) {
          const got = g1Of(await prover().arith(op, [...g1Args(p), ...g1Args(q)]));
          expect(got.equals(p.add(q)), `${op}`).toBe(true);
        }
      }
      expect(g1Of(await prover().arith('g1_add', [...g1Args(O), ...g1Args(p)])).equals(p)).toBe(true);
      expect(g1Of(await prover().arith('g1_madd', [...g1Args(O), ...g1Args(p)])).equals(p)).toBe(true);
      expect(g1Of(await prover().arith('g1_dbl', g1Args(p))).equals(p.double())).toBe(true);
      for (const k of [0n, 1n, 2n, R - 1n, R, randomBelow(R)]) {
        const want = k % R === 0n ? O : p.multiply(k % R);
        expect(g1Of(await prover().arith('g1_mul', [...g1Args(p), k])).equals(want)).toBe(true);
      }
    }
    expect(await prover().arith('g1_dbl', [0n, 0n])).toEqual([0n, 0n]);
    expect(await prover().arith('g1_add', [0n, 0n, 0n, 0n])).toEqual([0n, 0n]);
  });

  it('G2: addition (also P + P and P + (-P)), mixed addition, doubling, scalar multiples', async () => {
    const O = bn254.G2.Point.ZERO;
    const pts = [bn254.G2.Point.BASE, randomG2(), randomG2()];
    for (const p of pts) {
      for (const q of [...pts, p, p.negate(), O]) {
        for (const op of ['g2_add', 'g2_madd']) {
          expect(g2Of(await prover().arith(op, [...g2Args(p), ...g2Args(q)])).equals(p.add(q)), op).toBe(true);
        }
      }
      expect(g2Of(await prover().arith('g2_dbl', g2Args(p))).equals(p.double())).toBe(true);
      for (const k of [0n, 1n, R - 1n, randomBelow(R)]) {
        const want = k === 0n ? O : p.multiply(k);
        expect(g2Of(await prover().arith('g2_mul', [...g2Args(p), k])).equals(want)).toBe(true);
      }
    }
  });

  it('MSM in G1 and G2 equals the sum of scalar multiples for scalars of every class, on 1 and 2 threads', async () => {
    // Zeros, ones, minus ones, small and small negative, full size; repeated points (a
    // bucket then doubles through the addition formula) and points at infinity.
    const scalarFor = (i: number): bigint => {
      switch (i % 7) {
        case 0: return 0n;
        case 1: return 1n;
        case 2: return R - 1n;
        case 3: return BigInt(i * 37 + 2);
        case 4: return R - BigInt(i * 1001 + 5);
        case 5: return randomBelow(1n << 40n);
        default: return randomBelow(R);
      }
    };
    const base1 = Array.from({ length: 8 }, randomG1);
    const pts1 = Array.from({ length: 90 }, (_, i) => (i % 23 === 22 ? bn254.G1.Point.ZERO : base1[i % base1.length]));
    const ks = pts1.map((_, i) => scalarFor(i));
    let want1 = bn254.G1.Point.ZERO;
    pts1.forEach((p, i) => (want1 = ks[i] === 0n ? want1 : want1.add(p.multiply(ks[i]))));
    const args1 = pts1.flatMap((p, i) => [...g1Args(p), ks[i]]);
    for (const threads of [1n, 2n]) expect(g1Of(await prover().arith('g1_msm', [threads, ...args1])).equals(want1)).toBe(true);
    // Only trivial scalars, and an empty MSM.
    expect(g1Of(await prover().arith('g1_msm', [1n, ...g1Args(base1[0]), 1n, ...g1Args(base1[1]), R - 1n, ...g1Args(base1[2]), 0n])).equals(base1[0].subtract(base1[1]))).toBe(true);
    expect(await prover().arith('g1_msm', [1n])).toEqual([0n, 0n]);
    // k P + (r - k) P cancels in one bucket (an affine addition whose result is infinity); k Q + k Q doubles in one.
    const [p, q] = [base1[3], base1[4]];
    const cancel = [...g1Args(p), 5n, ...g1Args(p), R - 5n, ...g1Args(q), 7n, ...g1Args(q), 7n, ...g1Args(q), 7n];
    expect(g1Of(await prover().arith('g1_msm', [1n, ...cancel])).equals(q.multiply(21n))).toBe(true);
    // Many points in few buckets: most wait for a later batch.
    const crowd = Array.from({ length: 400 }, (_, i) => [...g1Args(base1[i % 3]), BigInt((i % 5) + 2)]).flat();
    let wantCrowd = bn254.G1.Point.ZERO;
    for (let i = 0; i < 400; i++) wantCrowd = wantCrowd.add(base1[i % 3].multiply(BigInt((i % 5) + 2)));
    expect(g1Of(await prover().arith('g1_msm', [2n, ...crowd])).equals(wantCrowd)).toBe(true);

    const base2 = Array.from({ length: 4 }, randomG2);
    const pts2 = Array.from({ length: 30 }, (_, i) => base2[i % base2.length]);
    let want2 = bn254.G2.Point.ZERO;
    pts2.forEach((p, i) => (want2 = ks[i] === 0n ? want2 : want2.add(p.multiply(ks[i]))));
    const args2 = pts2.flatMap((p, i) => [...g2Args(p), ks[i]]);
    for (const threads of [1n, 2n]) expect(g2Of(await prover().arith('g2_msm', [threads, ...args2])).equals(want2)).toBe(true);
  });
});
