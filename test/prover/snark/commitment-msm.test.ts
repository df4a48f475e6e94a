// commitment-prove.ts's multi-exponentiation (small scalars by buckets over their own bits,
// full-width ones apart) equals noble's pippenger on mixes of zeros, ones, small, 64-bit and
// full-width scalars, including all-small, all-big and empty inputs.
import { describe, expect, it } from 'vitest';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { bn254 } from '@noble/curves/bn254.js';
import { R } from '@zkinfer/prover/circuit/field.ts';
import { multiExp } from '@zkinfer/prover/snark/commitment-prove.ts';

const G = bn254.G1.Point;

function points(n: number) {
  const out = [];
  let p = G.BASE.multiply(987654321n);
  for (let i = 0; i < n; i++) {
    out.push(G.fromAffine(p.toAffine()));
    p = p.double().add(G.BASE);
  }
  return out;
}

describe('commitment multi-exponentiation', () => {
  const pts = points(300);
  const cases: [string, (i: number) => bigint][] = [
    ['mixed', (i) => [0n, 1n, BigInt(i * 37 % 256), BigInt(i) * 0x1_0000_0001n, (R - 1n) - BigInt(i), 2n ** 64n - 1n, 2n ** 64n][i % 7]],
    ['16-bit', (i) => BigInt((i * 7919) % 65536)],
    ['full width', (i) => (R / 3n) * BigInt(i + 1) % R],
    ['zeros and ones', (i) => BigInt(i % 2)],
  ];
  it.each(cases)('equals pippenger: %s', (_, scalar) => {
    const ks = pts.map((_, i) => scalar(i));
    expect(multiExp(pts, ks).equals(pippenger(G, pts, ks))).toBe(true);
    expect(multiExp(pts.slice(0, 3), ks.slice(0, 3)).equals(pippenger(G, pts.slice(0, 3), ks.slice(0, 3)))).toBe(true);
  });
  it('is zero for no points or only zero scalars', () => {
    expect(multiExp([], []).equals(G.ZERO)).toBe(true);
    expect(multiExp(pts.slice(0, 4), [0n, 0n, 0n, 0n]).equals(G.ZERO)).toBe(true);
  });
});
