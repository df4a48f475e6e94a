import { psiFrobenius } from '@noble/curves/abstract/tower.js';
import { bn254 } from '@noble/curves/bn254.js';
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

/** Whether a point ON THE TWIST is in the order-r subgroup G2 (callers check the curve equation first). */
export function isInG2Subgroup(q: G2Point): boolean {
  const xQ = q.multiplyUnsafe(BN_X);
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
