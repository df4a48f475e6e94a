import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { R, publicInputPoint } from '@zkinfer/verifier';
import { signalSum } from '@zkinfer/verifier/internal/public-input.ts';
import { scalar, toyKey } from './helpers/toy-groth16.ts';

/** The limb-split wNAF walk against plain scalar multiplication, signal by signal. */

const G1 = bn254.G1.Point;
type Point = InstanceType<typeof G1>;

function reference(ic: readonly Point[], signals: readonly bigint[]): Point {
  return signals.reduce((acc, s, i) => (s === 0n ? acc : acc.add(ic[i + 1].multiplyUnsafe(s))), G1.ZERO);
}

describe('signalSum / publicInputPoint', () => {
  const { vk } = toyKey(7 + 12, 'msm');

  it.each<[string, (i: number) => bigint]>([
    ['all zero', () => 0n],
    ['layout-shaped: big header, small tokens, zeros', (i) => (i < 5 ? scalar(`h${i}`) : i < 7 ? BigInt(i) : i % 3 === 0 ? BigInt(1000 * i + 7) : 0n)],
    ['every signal full-size (tokens too)', (i) => scalar(`f${i}`)],
    ['extremes: r − 1, 1, 2^64 ± 1, 2^128, limb boundaries', (i) => [R - 1n, 1n, (1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 1n, 1n << 128n, (1n << 192n) - 1n, R - 1n, 1n, 15n, 16n, 17n][i % 12]],
  ])('%s', (_, signal) => {
    const signals = Array.from({ length: vk.nPublic }, (_, i) => signal(i));
    const expected = reference(vk.ic, signals);
    expect(signalSum(vk, signals).equals(expected)).toBe(true);
    expect(signalSum(vk, signals).equals(expected)).toBe(true); // again, from the cached tables
    expect(publicInputPoint(vk, signals).equals(vk.ic[0].add(expected))).toBe(true);
  });

  it('differs when one signal changes by one', () => {
    const signals = Array.from({ length: vk.nPublic }, (_, i) => scalar(`d${i}`));
    const base = signalSum(vk, signals);
    for (const i of [0, 4, 6, 7, vk.nPublic - 1]) {
      const edited = [...signals];
      edited[i] = (edited[i] + 1n) % R;
      expect(signalSum(vk, edited).equals(base)).toBe(false);
      expect(signalSum(vk, edited).equals(base.add(vk.ic[i + 1]))).toBe(true);
    }
  });
});
