import { bn254 } from '@noble/curves/bn254.js';
import { describe, expect, it } from 'vitest';
import { finalExponentiate } from '@zkinfer/verifier/internal/final-exp.ts';
import { cycSqr12, fromNoble, mul12, toNoble } from '@zkinfer/verifier/internal/fp12.ts';
import { millerLoop } from '@zkinfer/verifier/internal/miller-loop.ts';
import { scalar } from './helpers/toy-groth16.ts';

/** The lazily reduced final exponentiation and Fp12 helpers against @noble/curves. */

const Fp12 = bn254.fields.Fp12;

function millerValue(label: string) {
  const q = bn254.G2.Point.BASE.multiply(scalar(`${label}/q`));
  const { x, y } = bn254.G1.Point.BASE.multiply(scalar(`${label}/p`)).toAffine();
  return millerLoop([[bn254.utils.calcPairingPrecomputes(q), x, y]]);
}

describe('final exponentiation (lazy reduction)', () => {
  it('mul12 and cycSqr12 equal noble (cycSqr12 on cyclotomic elements)', () => {
    const a = millerValue('m1');
    const b = millerValue('m2');
    const prod = mul12(fromNoble(a), fromNoble(b));
    expect(Fp12.eql(toNoble(prod[0], prod[1]), Fp12.mul(a, b))).toBe(true);
    const cyc = Fp12.finalExponentiate(a); // in the cyclotomic subgroup
    const sq = cycSqr12(fromNoble(cyc));
    expect(Fp12.eql(toNoble(sq[0], sq[1]), Fp12.sqr(cyc))).toBe(true);
    expect(Fp12.eql(toNoble(sq[0], sq[1]), Fp12._cyclotomicSquare(cyc))).toBe(true);
  });

  it('equals noble finalExponentiate on Miller-loop values, 1 and a product', () => {
    for (const label of ['f1', 'f2', 'f3']) {
      const f = millerValue(label);
      expect(Fp12.eql(finalExponentiate(f), Fp12.finalExponentiate(f))).toBe(true);
    }
    expect(Fp12.eql(finalExponentiate(Fp12.ONE), Fp12.ONE)).toBe(true);
    const f = Fp12.mul(millerValue('g1'), millerValue('g2'));
    expect(Fp12.eql(finalExponentiate(f), Fp12.finalExponentiate(f))).toBe(true);
  });

  it('gives the pairing: order r, bilinear', () => {
    const p = bn254.G1.Point.BASE.multiply(scalar('bp'));
    const q = bn254.G2.Point.BASE.multiply(scalar('bq'));
    const lines = bn254.utils.calcPairingPrecomputes(q);
    const e = (pt: typeof p) => {
      const { x, y } = pt.toAffine();
      return finalExponentiate(millerLoop([[lines, x, y]]));
    };
    expect(Fp12.eql(e(p), bn254.pairing(p, q))).toBe(true);
    expect(Fp12.eql(e(p.multiply(7n)), Fp12.pow(e(p), 7n))).toBe(true);
    expect(Fp12.eql(Fp12.pow(e(p), bn254.fields.Fr.ORDER), Fp12.ONE)).toBe(true);
  });
});
