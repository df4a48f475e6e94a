import { bn254 } from '@noble/curves/bn254.js';
import { P } from './fields.ts';

/**
 * Fp12 arithmetic on plain bigints with lazy reduction, for the Miller loop and the final
 * exponentiation. The tower is EIP-197's and noble's: Fp2 = Fp[u]/(u²+1), Fp6 = Fp2[v]/(v³−ξ)
 * with ξ = 9+u, Fp12 = Fp6[w]/(w²−v); an Fp12 element a + b·w is a pair of Fp6 tuples.
 * noble reduces mod p after every Fp addition and multiplication (each a BigInt division);
 * here products are summed unreduced and each Fp coefficient is reduced once (a sum of a few
 * 508-bit products is still an ordinary BigInt). Inputs of every function are reduced
 * (in [0, p)) unless a comment says otherwise.
 */

export type Fp12 = ReturnType<typeof bn254.pairing>;

/** Fp6 element as 6 bigints: (c0.re, c0.im, c1.re, c1.im, c2.re, c2.im), each in [0, p) after `red`. */
export type Fp6 = [bigint, bigint, bigint, bigint, bigint, bigint];

export function red(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

// Full Fp6 product a·b (Karatsuba over Fp2, Fp2 products by Karatsuba too), NOT reduced: each
// coefficient is a signed sum of a few products, |·| < 2^530, which callers reduce once.
export function mul6(a: Fp6, b: Fp6): Fp6 {
  const [a00, a01, a10, a11, a20, a21] = a;
  const [b00, b01, b10, b11, b20, b21] = b;
  // t_i = a_i·b_i in Fp2, unreduced: (re, im)
  const m00 = a00 * b00, m01 = a01 * b01;
  const t0r = m00 - m01, t0i = (a00 + a01) * (b00 + b01) - m00 - m01;
  const m10 = a10 * b10, m11 = a11 * b11;
  const t1r = m10 - m11, t1i = (a10 + a11) * (b10 + b11) - m10 - m11;
  const m20 = a20 * b20, m21 = a21 * b21;
  const t2r = m20 - m21, t2i = (a20 + a21) * (b20 + b21) - m20 - m21;
  // s12 = (a1+a2)(b1+b2) − t1 − t2
  const x0 = a10 + a20, x1 = a11 + a21, y0 = b10 + b20, y1 = b11 + b21;
  const n0 = x0 * y0, n1 = x1 * y1;
  const s12r = n0 - n1 - t1r - t2r, s12i = (x0 + x1) * (y0 + y1) - n0 - n1 - t1i - t2i;
  // s01 = (a0+a1)(b0+b1) − t0 − t1
  const u0 = a00 + a10, u1 = a01 + a11, w0 = b00 + b10, w1 = b01 + b11;
  const k0 = u0 * w0, k1 = u1 * w1;
  const s01r = k0 - k1 - t0r - t1r, s01i = (u0 + u1) * (w0 + w1) - k0 - k1 - t0i - t1i;
  // s02 = (a0+a2)(b0+b2) − t0 − t2
  const p0 = a00 + a20, p1 = a01 + a21, q0 = b00 + b20, q1 = b01 + b21;
  const j0 = p0 * q0, j1 = p1 * q1;
  const s02r = j0 - j1 - t0r - t2r, s02i = (p0 + p1) * (q0 + q1) - j0 - j1 - t0i - t2i;
  // c0 = t0 + ξ·s12, c1 = s01 + ξ·t2, c2 = s02 + t1; ξ·(x + yu) = (9x − y) + (x + 9y)u
  return [t0r + 9n * s12r - s12i, t0i + s12r + 9n * s12i, s01r + 9n * t2r - t2i, s01i + t2r + 9n * t2i, s02r + t1r, s02i + t1i];
}

export const add6 = (a: Fp6, b: Fp6): Fp6 => a.map((x, i) => x + b[i]) as Fp6;
// v·(c0, c1, c2) = (ξ·c2, c0, c1)
export const mulByV = (a: Fp6): Fp6 => [9n * a[4] - a[5], a[4] + 9n * a[5], a[0], a[1], a[2], a[3]];

/** f² for f = a + b·w (w² = v): c1 = 2ab, c0 = (a + b)(a + v·b) − ab − v·ab. */
export function sqr12(a: Fp6, b: Fp6): [Fp6, Fp6] {
  const ab = mul6(a, b);
  const vb = mulByV(b); // small signed combinations of reduced values: fine as a factor
  const s = mul6(add6(a, b), add6(a, vb));
  const vab = mulByV(ab);
  const c0 = s.map((x, i) => red(x - ab[i] - vab[i])) as Fp6;
  const c1 = ab.map((x) => red(x + x)) as Fp6;
  return [c0, c1];
}

export function toNoble(a: Fp6, b: Fp6): Fp12 {
  const fp6 = (c: Fp6) => ({ c0: { c0: c[0], c1: c[1] }, c1: { c0: c[2], c1: c[3] }, c2: { c0: c[4], c1: c[5] } });
  return { c0: fp6(a), c1: fp6(b) } as Fp12;
}


export function fromNoble(f: Fp12): [Fp6, Fp6] {
  const fp6 = (c: Fp12['c0']): Fp6 => [c.c0.c0, c.c0.c1, c.c1.c0, c.c1.c1, c.c2.c0, c.c2.c1];
  return [fp6(f.c0), fp6(f.c1)];
}

/** (a + b·w)(c + d·w) = (ac + v·bd) + ((a + b)(c + d) − ac − bd)·w: three Fp6 products. */
export function mul12([a, b]: readonly [Fp6, Fp6], [c, d]: readonly [Fp6, Fp6]): [Fp6, Fp6] {
  const ac = mul6(a, c);
  const bd = mul6(b, d);
  const s = mul6(add6(a, b), add6(c, d));
  const vbd = mulByV(bd);
  return [ac.map((x, i) => red(x + vbd[i])) as Fp6, s.map((x, i) => red(x - ac[i] - bd[i])) as Fp6];
}

/** Conjugation a + b·w ↦ a − b·w: the inverse on the cyclotomic subgroup. */
export const conj12 = ([a, b]: readonly [Fp6, Fp6]): [Fp6, Fp6] => [a, b.map((x) => (x === 0n ? 0n : P - x)) as Fp6];

/**
 * Squaring in the cyclotomic subgroup (Granger–Scott, eprint 2009/565), the same formulas as
 * noble's _cyclotomicSquare: three Fp4 squarings of (c0.c0, c1.c1), (c1.c0, c0.c2), (c0.c1, c1.c2).
 */
export function cycSqr12([a, b]: readonly [Fp6, Fp6]): [Fp6, Fp6] {
  // Fp4Square(x, y) = (ξ·y² + x², 2xy), unreduced; x = (x0, x1), y = (y0, y1) in Fp2.
  const fp4 = (x0: bigint, x1: bigint, y0: bigint, y1: bigint): [bigint, bigint, bigint, bigint] => {
    const xr = (x0 + x1) * (x0 - x1), xi = 2n * x0 * x1;
    const yr = (y0 + y1) * (y0 - y1), yi = 2n * y0 * y1;
    const s0 = x0 + y0, s1 = x1 + y1;
    const sr = (s0 + s1) * (s0 - s1), si = 2n * s0 * s1;
    return [9n * yr - yi + xr, yr + 9n * yi + xi, sr - xr - yr, si - xi - yi];
  };
  const [t3r, t3i, t4r, t4i] = fp4(a[0], a[1], b[2], b[3]);
  const [t5r, t5i, t6r, t6i] = fp4(b[0], b[1], a[4], a[5]);
  const [t7r, t7i, t8r, t8i] = fp4(a[2], a[3], b[4], b[5]);
  const t9r = 9n * t8r - t8i, t9i = t8r + 9n * t8i;
  return [
    // 3·t − 2·c for the first Fp6 …
    [red(3n * t3r - 2n * a[0]), red(3n * t3i - 2n * a[1]), red(3n * t5r - 2n * a[2]), red(3n * t5i - 2n * a[3]), red(3n * t7r - 2n * a[4]), red(3n * t7i - 2n * a[5])],
    // … and 3·t + 2·c for the second
    [red(3n * t9r + 2n * b[0]), red(3n * t9i + 2n * b[1]), red(3n * t4r + 2n * b[2]), red(3n * t4i + 2n * b[3]), red(3n * t6r + 2n * b[4]), red(3n * t6i + 2n * b[5])],
  ];
}
