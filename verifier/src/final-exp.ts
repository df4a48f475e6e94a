import { bn254 } from '@noble/curves/bn254.js';
import { conj12, cycSqr12, fromNoble, mul12, toNoble, type Fp12, type Fp6 } from './fp12.ts';

/**
 * The BN254 final exponentiation f^((p¹² − 1)/r): noble's formula and addition chain
 * (@noble/curves bn254.js, Fp12finalExponentiate and bn254CyclotomicExpX: the easy part
 * (p⁶ − 1)(p² + 1), then the hard part with three exponentiations by the seed x), on the lazily
 * reduced arithmetic of fp12.ts. The one inversion and the five Frobenius maps stay noble's.
 * test/verify/final-exp.test.ts checks equality with noble's finalExponentiate.
 */

type F = [Fp6, Fp6];
const Fp12 = bn254.fields.Fp12;

const frob = (f: F, power: number): F => fromNoble(Fp12.frobeniusMap(toNoble(f[0], f[1]), power));

function sqrN(f: F, n: number): F {
  for (let i = 0; i < n; i++) f = cycSqr12(f);
  return f;
}

/** f^x for f in the cyclotomic subgroup, x = 0x44e992b44a6909f1 (noble's addition chain). */
function expX(num: F): F {
  const x10 = cycSqr12(num);
  const x100 = cycSqr12(x10);
  const x1000 = cycSqr12(x100);
  const x10000 = cycSqr12(x1000);
  const x10001 = mul12(x10000, num);
  const x10011 = mul12(x10001, x10);
  const x10100 = mul12(x10011, num);
  const x11001 = mul12(x1000, x10001);
  const x100010 = cycSqr12(x10001);
  const x100111 = mul12(x10011, x10100);
  const x101001 = mul12(x10, x100111);
  let r = sqrN(x100010, 6);
  r = mul12(mul12(r, x100), x11001);
  r = mul12(sqrN(r, 7), x11001);
  r = sqrN(r, 8);
  r = mul12(mul12(r, x101001), x10);
  r = mul12(sqrN(r, 6), x10001);
  r = mul12(sqrN(r, 8), x101001);
  r = mul12(sqrN(r, 6), x101001);
  r = mul12(sqrN(r, 10), x100111);
  r = mul12(mul12(sqrN(r, 6), x101001), x1000);
  return r;
}

const powMinusX = (f: F): F => conj12(expX(f));

/** Equal to bn254.fields.Fp12.finalExponentiate(f). */
export function finalExponentiate(f: Fp12): Fp12 {
  const num = fromNoble(f);
  const r0 = mul12(conj12(num), fromNoble(Fp12.inv(f)));
  const r = mul12(frob(r0, 2), r0);
  const y1 = cycSqr12(powMinusX(r));
  const y2 = mul12(cycSqr12(y1), y1);
  const y4 = powMinusX(y2);
  const y6 = powMinusX(cycSqr12(y4));
  const y8 = mul12(mul12(conj12(y6), y4), conj12(y2));
  const y9 = mul12(y8, y1);
  const out = mul12(frob(mul12(conj12(r), y9), 3), mul12(frob(y8, 2), mul12(frob(y9, 1), mul12(mul12(y8, y4), r))));
  return toNoble(out[0], out[1]);
}
