import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { millerLoop, type MillerPair } from '@zkinfer/verifier/internal/miller-loop.ts';
import { scalar } from './helpers/toy-groth16.ts';

/** The lazily reduced Miller loop against @noble/curves' (same algorithm, reference arithmetic). */

const Fp12 = bn254.fields.Fp12;
const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;

function pair(label: string, options: { negateQ?: boolean } = {}): MillerPair {
  const q = G2.BASE.multiply(scalar(`${label}/q`));
  const { x, y } = G1.BASE.multiply(scalar(`${label}/p`)).toAffine();
  return [bn254.utils.calcPairingPrecomputes(options.negateQ ? q.negate() : q), x, y];
}

describe('millerLoop (lazy reduction)', () => {
  it('equals noble millerLoopBatch for 1, 2, 3 and 6 pairs, and after the final exponentiation', () => {
    const pairs = ['a', 'b', 'c', 'd', 'e', 'f'].map((l, i) => pair(l, { negateQ: i % 2 === 1 }));
    for (const n of [1, 2, 3, 6]) {
      const ours = millerLoop(pairs.slice(0, n));
      const noble = bn254.millerLoopBatch(pairs.slice(0, n));
      expect(Fp12.eql(ours, noble)).toBe(true);
      expect(Fp12.eql(Fp12.finalExponentiate(ours), Fp12.finalExponentiate(noble))).toBe(true);
    }
  });

  it('computes the pairing: FE(ML(P, Q)) = e(P, Q), bilinear, and e(P, Q)·e(−P, Q) = 1', () => {
    const p = G1.BASE.multiply(scalar('bp'));
    const q = G2.BASE.multiply(scalar('bq'));
    const lines = bn254.utils.calcPairingPrecomputes(q);
    const at = (pt: InstanceType<typeof G1>): MillerPair => {
      const { x, y } = pt.toAffine();
      return [lines, x, y];
    };
    const e = Fp12.finalExponentiate(millerLoop([at(p)]));
    expect(Fp12.eql(e, bn254.pairing(p, q))).toBe(true);
    expect(Fp12.eql(Fp12.finalExponentiate(millerLoop([at(p.multiply(5n))])), Fp12.pow(e, 5n))).toBe(true);
    expect(Fp12.eql(Fp12.finalExponentiate(millerLoop([at(p), at(p.negate())])), Fp12.ONE)).toBe(true);
    expect(Fp12.eql(Fp12.finalExponentiate(millerLoop([at(p), at(p)])), Fp12.ONE)).toBe(false);
  });

  it('returns 1 for no pairs and refuses line tables of different lengths', () => {
    expect(Fp12.eql(millerLoop([]), Fp12.ONE)).toBe(true);
    const [lines, x, y] = pair('short');
    expect(() => millerLoop([pair('full'), [lines.slice(1), x, y]])).toThrow(RangeError);
  });
});
