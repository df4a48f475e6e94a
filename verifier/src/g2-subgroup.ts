import { psiFrobenius } from '@noble/curves/abstract/tower.js';
import { bn254 } from '@noble/curves/bn254.js';
import { add, mul, scale, sqr, sub, type Fp2 } from './fp2.ts';
import type { G2Point } from './points.ts';

/**
 * G2 subgroup membership for BN254 with one 63-bit scalar multiplication.
 *
 * The twist E'(Fp2) has order h·r with a large cofactor h, so a point on the twist is not
 * necessarily in G2 = E'[r]. The textbook test [r]Q = O costs a 254-bit multiplication; noble's
 * isTorsionFree uses ψ(Q) = [6x²]Q (El Housni–Guillevic–Piellard, eprint 2022/352), a 126-bit
 * one. For BN curves, Dai–Lin–Zhao–Zhou, "Fast subgroup membership testings for G1, G2 and GT
 * on pairing-friendly curves" (eprint 2022/348, §3 and §5.1) show
 *
 *     Q ∈ G2  ⇔  [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q)
 *
 * with x = 4965661367192848881 the BN254 seed and ψ the untwist-Frobenius-twist endomorphism;
 * gnark-crypto (ecc/bn254/g2.go IsInSubGroup) uses the same test. It needs [x]Q only: [x+1]Q
 * and [2x]Q follow with one addition and one doubling. test/verify/g2-subgroup.test.ts checks
 * it against [r]Q = O on points inside G2 and on points with a component of every prime order
 * dividing h.
 */

const BN_X = 4965661367192848881n;
const G2 = bn254.G2.Point;
const Fp2 = bn254.fields.Fp2;
// ψ(x, y) = (x̄·PSI_X, ȳ·PSI_Y) in affine coordinates (x̄ the Frobenius of Fp2, i.e. conjugation).
const { PSI_X, PSI_Y } = psiFrobenius(bn254.fields.Fp, Fp2, Fp2.NONRESIDUE);

/**
 * ψ on noble's homogeneous projective coordinates (x = X/Z, y = Y/Z). Frobenius is a field
 * automorphism, so X̄/Z̄ is the conjugate of X/Z: conjugate all three coordinates and scale
 * X and Y, with no inversion.
 */
export function psi(q: G2Point): G2Point {
  return new G2(Fp2.mul(Fp2.frobeniusMap(q.X, 1), PSI_X), Fp2.mul(Fp2.frobeniusMap(q.Y, 1), PSI_Y), Fp2.frobeniusMap(q.Z, 1));
}

interface Jacobian {
  x: Fp2;
  y: Fp2;
  z: Fp2; // (x/z², y/z³); z = 0 is the point at infinity
}

const isZero = (a: Fp2) => a[0] === 0n && a[1] === 0n;

// dbl-2009-l (a = 0). The twist has odd order (h·r, h odd), so no finite point has y = 0 and z stays ≠ 0.
function double(p: Jacobian): Jacobian {
  const a = sqr(p.x);
  const b = sqr(p.y);
  const c = sqr(b);
  const d = scale(sub(sub(sqr(add(p.x, b)), a), c), 2n);
  const e = scale(a, 3n);
  const x = sub(sqr(e), scale(d, 2n));
  return { x, y: sub(mul(e, sub(d, x)), scale(c, 8n)), z: scale(mul(p.y, p.z), 2n) };
}

// madd-2007-bl: p + (qx, qy) with q affine, including the exceptional cases p = O, p = q, p = −q
// (reachable: an attacker may send a point of small order).
function addAffine(p: Jacobian, qx: Fp2, qy: Fp2): Jacobian {
  if (isZero(p.z)) return { x: qx, y: qy, z: [1n, 0n] };
  const z1z1 = sqr(p.z);
  const h = sub(mul(qx, z1z1), p.x);
  const r = scale(sub(mul(qy, mul(p.z, z1z1)), p.y), 2n);
  if (isZero(h)) return isZero(r) ? double(p) : { x: [1n, 0n], y: [1n, 0n], z: [0n, 0n] };
  const hh = sqr(h);
  const i = scale(hh, 4n);
  const j = mul(h, i);
  const v = mul(p.x, i);
  const x = sub(sub(sqr(r), j), scale(v, 2n));
  return { x, y: sub(mul(r, sub(v, x)), scale(mul(p.y, j), 2n)), z: sub(sub(sqr(add(p.z, h)), z1z1), hh) };
}

/**
 * [k]Q for k ≥ 1 by left-to-right double-and-add in Jacobian coordinates on plain bigints
 * (noble's G2 arithmetic reduces after every Fp operation); exact for every point on the twist.
 */
export function g2Multiply(q: G2Point, k: bigint): G2Point {
  if (k < 1n) throw new RangeError(`g2Multiply: scalar ${k} is not positive`);
  if (q.is0()) return q;
  const { x, y } = q.toAffine();
  const qx: Fp2 = [x.c0, x.c1];
  const qy: Fp2 = [y.c0, y.c1];
  let acc: Jacobian = { x: qx, y: qy, z: [1n, 0n] };
  for (const bit of k.toString(2).slice(1)) {
    acc = double(acc);
    if (bit === '1') acc = addAffine(acc, qx, qy);
  }
  if (isZero(acc.z)) return G2.ZERO;
  const zinv = Fp2.inv({ c0: acc.z[0], c1: acc.z[1] });
  const zi: Fp2 = [zinv.c0, zinv.c1];
  const zi2 = sqr(zi);
  const ax = mul(acc.x, zi2);
  const ay = mul(acc.y, mul(zi2, zi));
  return G2.fromAffine({ x: { c0: ax[0], c1: ax[1] }, y: { c0: ay[0], c1: ay[1] } });
}

/** Whether a point ON THE TWIST is in the order-r subgroup G2 (callers check the curve equation first). */
export function isInG2Subgroup(q: G2Point): boolean {
  const xQ = g2Multiply(q, BN_X);
  const psiXQ = psi(xQ);
  const psi2XQ = psi(psiXQ);
  const lhs = xQ.add(q).add(psiXQ).add(psi2XQ);
  const rhs = psi(psi2XQ).double();
  return lhs.equals(rhs);
}

/** The order-r subgroup test by definition, [r]Q = O with plain double-and-add (slow; for tests and audits). */
export function isInG2SubgroupByOrder(q: G2Point): boolean {
  let acc = G2.ZERO;
  for (const bit of bn254.fields.Fr.ORDER.toString(2)) {
    acc = acc.double();
    if (bit === '1') acc = acc.add(q);
  }
  return acc.is0();
}
