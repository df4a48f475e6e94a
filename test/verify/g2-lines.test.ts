import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { g2Lines } from '@zkinfer/verifier/internal/g2-lines.ts';
import { scalar } from './helpers/toy-groth16.ts';

/** Line coefficients on bigint pairs against @noble/curves' calcPairingPrecomputes, value by value. */

const G2 = bn254.G2.Point;

describe('g2Lines', () => {
  it.each([
    ['the generator', G2.BASE],
    ['its negation', G2.BASE.negate()],
    ['a random multiple', G2.BASE.multiply(scalar('lines'))],
    ['a projective point (Z ≠ 1)', G2.BASE.multiply(scalar('lines-2')).add(G2.BASE.multiply(3n))],
  ])('equals noble for %s', (_, q) => {
    const ours = g2Lines(q);
    const noble = bn254.utils.calcPairingPrecomputes(q);
    expect(ours.length).toBe(noble.length);
    expect(ours).toEqual(noble);
  });

  it('feeds the pairing: FE(ML(P, lines(Q))) = e(P, Q)', () => {
    const q = G2.BASE.multiply(scalar('pq'));
    const p = bn254.G1.Point.BASE.multiply(scalar('pp'));
    const { x, y } = p.toAffine();
    const e = bn254.fields.Fp12.finalExponentiate(bn254.millerLoopBatch([[g2Lines(q), x, y]]));
    expect(bn254.fields.Fp12.eql(e, bn254.pairing(p, q))).toBe(true);
  });
});
