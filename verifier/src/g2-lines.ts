import { psiFrobenius } from '@noble/curves/abstract/tower.js';
import { bn254 } from '@noble/curves/bn254.js';
import { P } from './fields.ts';
import { add, mul, neg, red, scale, sqr, sub, type Fp2 } from './fp2.ts';
import type { G2Point } from './points.ts';

/**
 * Miller-loop line coefficients of a G2 point: the same values as
 * `bn254.utils.calcPairingPrecomputes(q)` of @noble/curves (its projective doubling and
 * addition steps along the NAF of 6x+2, then the two additions of ψ(Q) and −ψ²(Q) that end the
 * BN optimal-ate loop), computed on plain bigint pairs instead of noble's Fp2 objects, whose
 * every addition is a BigInt division. Needed once per proof (for B), so it is on the hot path.
 * test/verify/g2-lines.test.ts checks equality with noble coefficient by coefficient.
 */

type LinePrecompute = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;
type Fp2Object = { c0: bigint; c1: bigint };

const BN_X = 4965661367192848881n;
const { PSI_X, PSI_Y } = psiFrobenius(bn254.fields.Fp, bn254.fields.Fp2, bn254.fields.Fp2.NONRESIDUE);
const B: Fp2 = [bn254.G2.Point.CURVE().b.c0, bn254.G2.Point.CURVE().b.c1];
const HALF = (P + 1n) / 2n;

/** NAF digits of 6x+2, most significant first, without the leading 1 (noble's NAfDecomposition). */
const ATE_NAF: readonly number[] = (() => {
  const digits: number[] = [];
  for (let a = 6n * BN_X + 2n; a > 1n; a >>= 1n) {
    if ((a & 1n) === 0n) digits.unshift(0);
    else if ((a & 3n) === 3n) {
      digits.unshift(-1);
      a += 1n;
    } else digits.unshift(1);
  }
  return digits;
})();

const obj = (a: Fp2): Fp2Object => ({ c0: a[0], c1: a[1] });
/** ψ on affine coordinates: Frobenius (conjugation) times the twist constants. */
const psi = (x: Fp2, y: Fp2): [Fp2, Fp2] => [mul([x[0], red(-x[1])], [PSI_X.c0, PSI_X.c1]), mul([y[0], red(-y[1])], [PSI_Y.c0, PSI_Y.c1])];

interface State {
  x: Fp2;
  y: Fp2;
  z: Fp2;
}

// noble's pointDouble (bls.js): tangent line coefficients, then R ← 2R.
function double(r: State, out: Fp2Object[][]): void {
  const t0 = sqr(r.y);
  const t1 = sqr(r.z);
  const t2 = mul(scale(t1, 3n), B);
  const t3 = scale(t2, 3n);
  const t4 = sub(sub(sqr(add(r.y, r.z)), t1), t0);
  out.push([obj(sub(t2, t0)), obj(scale(sqr(r.x), 3n)), obj(neg(t4))]);
  const x = scale(mul(mul(sub(t0, t3), r.x), r.y), HALF);
  const y = sub(sqr(scale(add(t0, t3), HALF)), scale(sqr(t2), 3n));
  r.z = mul(t0, t4);
  r.x = x;
  r.y = y;
}

// noble's pointAdd (bls.js): chord line through R and (qx, qy), then R ← R + Q.
function addPoint(r: State, qx: Fp2, qy: Fp2, out: Fp2Object[]): void {
  const t0 = sub(r.y, mul(qy, r.z));
  const t1 = sub(r.x, mul(qx, r.z));
  out.push(obj(sub(mul(t0, qx), mul(t1, qy))), obj(neg(t0)), obj(t1));
  const t2 = sqr(t1);
  const t3 = mul(t2, t1);
  const t4 = mul(t2, r.x);
  const t5 = add(sub(t3, scale(t4, 2n)), mul(sqr(t0), r.z));
  const y = sub(mul(sub(t4, t5), t0), mul(t3, r.y));
  r.x = mul(t1, t5);
  r.y = y;
  r.z = mul(r.z, t3);
}

/** Line coefficients of q (not the point at infinity) for millerLoop / bn254.millerLoopBatch. */
export function g2Lines(q: G2Point): LinePrecompute {
  const { x, y } = q.toAffine();
  const qx: Fp2 = [x.c0, x.c1];
  const qy: Fp2 = [y.c0, y.c1];
  const negQy = neg(qy);
  const r: State = { x: qx, y: qy, z: [1n, 0n] };
  const ell: Fp2Object[][][] = [];
  for (const bit of ATE_NAF) {
    const step: Fp2Object[][] = [];
    double(r, step);
    if (bit !== 0) {
      const line: Fp2Object[] = [];
      addPoint(r, qx, bit === -1 ? negQy : qy, line);
      step.push(line);
    }
    ell.push(step);
  }
  // End of the BN optimal-ate loop: add ψ(Q), then −ψ²(Q) (noble's bn254 postPrecompute).
  const last = ell[ell.length - 1];
  const [px, py] = psi(qx, qy);
  const l1: Fp2Object[] = [];
  addPoint(r, px, py, l1);
  const [p2x, p2y] = psi(px, py);
  const l2: Fp2Object[] = [];
  addPoint(r, p2x, neg(p2y), l2);
  last.push(l1, l2);
  return ell as unknown as LinePrecompute;
}
