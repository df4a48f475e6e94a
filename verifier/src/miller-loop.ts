import { bn254 } from '@noble/curves/bn254.js';
import { add6, mul6, mulByV, red, sqr12, toNoble, type Fp12, type Fp6 } from './fp12.ts';

/**
 * The BN254 optimal-ate Miller loop over prepared G2 lines, with lazy reduction.
 *
 * Same algorithm, inputs and output as `bn254.millerLoopBatch(pairs)` of @noble/curves (the
 * tower Fp2 = Fp[u]/(u²+1), Fp6 = Fp2[v]/(v³−ξ) with ξ = 9+u, Fp12 = Fp6[w]/(w²−v) of EIP-197,
 * and noble's line coefficients, which include the two final Frobenius-twisted additions), so
 * the result goes into either final exponentiation (final-exp.ts or noble's). The difference is
 * arithmetic only (fp12.ts: one BigInt division per Fp coefficient instead of one per Fp
 * operation). The Miller loop is the bulk of verification; this makes it ~2.4× faster in Node. test/verify/miller-loop.test.ts checks
 * equality with noble's Miller loop and pairing on random pairs.
 */

type LinePrecompute = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;
export type MillerPair = [LinePrecompute, bigint, bigint];

// Fp6 times (x, y, 0) ("mul01"); inputs may be sums of two reduced values; output NOT reduced.
function mul01(a: Fp6, x0: bigint, x1: bigint, y0: bigint, y1: bigint): Fp6 {
  const [a00, a01, a10, a11, a20, a21] = a;
  const m00 = a00 * x0, m01 = a01 * x1;
  const t0r = m00 - m01, t0i = (a00 + a01) * (x0 + x1) - m00 - m01;
  const m10 = a10 * y0, m11 = a11 * y1;
  const t1r = m10 - m11, t1i = (a10 + a11) * (y0 + y1) - m10 - m11;
  // (a1 + a2)·y − t1
  const g0 = a10 + a20, g1 = a11 + a21;
  const h0 = g0 * y0, h1 = g1 * y1;
  const e0 = h0 - h1 - t1r, e1 = (g0 + g1) * (y0 + y1) - h0 - h1 - t1i;
  // (a0 + a1)(x + y) − t0 − t1
  const u0 = a00 + a10, u1 = a01 + a11, z0 = x0 + y0, z1 = x1 + y1;
  const k0 = u0 * z0, k1 = u1 * z1;
  const f0 = k0 - k1 - t0r - t1r, f1 = (u0 + u1) * (z0 + z1) - k0 - k1 - t0i - t1i;
  // (a0 + a2)·x − t0 + t1
  const p0 = a00 + a20, p1 = a01 + a21;
  const j0 = p0 * x0, j1 = p1 * x1;
  const d0 = j0 - j1 - t0r + t1r, d1 = (p0 + p1) * (x0 + x1) - j0 - j1 - t0i + t1i;
  return [t0r + 9n * e0 - e1, t0i + e0 + 9n * e1, f0, f1, d0, d1];
}

// a·(x, 0, 0) for x in Fp2; output NOT reduced.
function mul0(a: Fp6, x0: bigint, x1: bigint): Fp6 {
  const out = new Array<bigint>(6) as Fp6;
  for (let i = 0; i < 6; i += 2) {
    const m0 = a[i] * x0, m1 = a[i + 1] * x1;
    out[i] = m0 - m1;
    out[i + 1] = (a[i] + a[i + 1]) * (x0 + x1) - m0 - m1;
  }
  return out;
}

/**
 * f·ℓ for noble's divisive-twist line (c0, c1, c2) evaluated at P = (px, py): the sparse
 * element (o0, 0, 0) + (o3, o4, 0)·w with o0 = c2·py, o3 = c1·px, o4 = c0 (noble's mul034ByLine).
 */
function mulLine(a: Fp6, b: Fp6, line: readonly { c0: bigint; c1: bigint }[], px: bigint, py: bigint): [Fp6, Fp6] {
  const [l0, l1, l2] = line;
  const o00 = red(l2.c0 * py), o01 = red(l2.c1 * py);
  const o30 = red(l1.c0 * px), o31 = red(l1.c1 * px);
  const o40 = l0.c0, o41 = l0.c1;
  const aA = mul0(a, o00, o01);
  const bB = mul01(b, o30, o31, o40, o41);
  const sum = mul01(add6(a, b), o00 + o30, o01 + o31, o40, o41);
  const vbB = mulByV(bB);
  return [aA.map((x, i) => red(x + vbB[i])) as Fp6, sum.map((x, i) => red(x - aA[i] - bB[i])) as Fp6];
}

/** Π ML(P_i, Q_i) for prepared lines of Q_i and affine P_i = (x, y): equal to bn254.millerLoopBatch(pairs). */
export function millerLoop(pairs: readonly MillerPair[]): Fp12 {
  let a: Fp6 = [1n, 0n, 0n, 0n, 0n, 0n];
  let b: Fp6 = [0n, 0n, 0n, 0n, 0n, 0n];
  if (pairs.length === 0) return toNoble(a, b);
  const steps = pairs[0][0].length;
  for (const [ell] of pairs) {
    if (ell.length !== steps) throw new RangeError(`millerLoop: line precomputes of ${ell.length} and ${steps} steps`);
  }
  for (let i = 0; i < steps; i++) {
    if (i !== 0) [a, b] = sqr12(a, b);
    for (const [ell, px, py] of pairs) {
      for (const line of ell[i]) [a, b] = mulLine(a, b, line, px, py);
    }
  }
  return toNoble(a, b); // BN254's seed is positive: no conjugation (noble's xNegative = false)
}
