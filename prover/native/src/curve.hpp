// Short Weierstrass curves y^2 = x^3 + b with a = 0 (BN254's G1 over Fq, G2 over Fq2; the
// formulas never use b). Points in Jacobian coordinates (x = X/Z^2, y = Y/Z^3, Z = 0 is the
// point at infinity). Formulas from the Explicit-Formulas Database (hyperelliptic.org/EFD,
// "g1p/auto/shortw/jacobian-0"): dbl-2009-l, add-2007-bl, madd-2007-bl.
// Affine points are stored as in snarkjs's .zkey: x then y, Montgomery; (0, 0) is infinity
// (not on the curve since b != 0).
#pragma once
#include "field.hpp"
#include "fq2.hpp"

template <class F>
struct Affine {
  F x, y;
  bool is_inf() const { return x.is_zero() && y.is_zero(); }
  static Affine inf() { return Affine{F::zero(), F::zero()}; }
};

template <class F>
struct Jacobian {
  F X, Y, Z;

  static Jacobian inf() { return Jacobian{F::one(), F::one(), F::zero()}; }
  static Jacobian from_affine(const Affine<F>& a) { return a.is_inf() ? inf() : Jacobian{a.x, a.y, F::one()}; }
  bool is_inf() const { return Z.is_zero(); }

  static Jacobian neg(const Jacobian& p) { return Jacobian{p.X, F::neg(p.Y), p.Z}; }

  static Jacobian dbl(const Jacobian& p) {
    if (p.is_inf()) return p;
    F A = F::sqr(p.X), B = F::sqr(p.Y), C = F::sqr(B);
    F D = F::dbl(F::sqr(p.X + B) - A - C);
    F E = A + F::dbl(A);
    F Fv = F::sqr(E);
    F X3 = Fv - F::dbl(D);
    F C8 = F::dbl(F::dbl(F::dbl(C)));
    F Y3 = E * (D - X3) - C8;
    F Z3 = F::dbl(p.Y * p.Z);
    return Jacobian{X3, Y3, Z3};
  }

  static Jacobian add(const Jacobian& p, const Jacobian& q) {
    if (p.is_inf()) return q;
    if (q.is_inf()) return p;
    F Z1Z1 = F::sqr(p.Z), Z2Z2 = F::sqr(q.Z);
    F U1 = p.X * Z2Z2, U2 = q.X * Z1Z1;
    F S1 = p.Y * q.Z * Z2Z2, S2 = q.Y * p.Z * Z1Z1;
    F H = U2 - U1;
    F r = F::dbl(S2 - S1);
    if (H.is_zero()) return r.is_zero() ? dbl(p) : inf();
    F I = F::sqr(F::dbl(H));
    F J = H * I;
    F V = U1 * I;
    F X3 = F::sqr(r) - J - F::dbl(V);
    F Y3 = r * (V - X3) - F::dbl(S1 * J);
    F Z3 = (F::sqr(p.Z + q.Z) - Z1Z1 - Z2Z2) * H;
    return Jacobian{X3, Y3, Z3};
  }

  // p + q for an affine q (Z2 = 1): the bucket accumulation of the MSM.
  static Jacobian madd(const Jacobian& p, const Affine<F>& q) {
    if (q.is_inf()) return p;
    if (p.is_inf()) return from_affine(q);
    F Z1Z1 = F::sqr(p.Z);
    F U2 = q.x * Z1Z1;
    F S2 = q.y * p.Z * Z1Z1;
    F H = U2 - p.X;
    F r = F::dbl(S2 - p.Y);
    if (H.is_zero()) return r.is_zero() ? dbl(p) : inf();
    F HH = F::sqr(H);
    F I = F::dbl(F::dbl(HH));
    F J = H * I;
    F V = p.X * I;
    F X3 = F::sqr(r) - J - F::dbl(V);
    F Y3 = r * (V - X3) - F::dbl(p.Y * J);
    F Z3 = F::sqr(p.Z + H) - Z1Z1 - HH;
    return Jacobian{X3, Y3, Z3};
  }

  Affine<F> to_affine() const {
    if (is_inf()) return Affine<F>::inf();
    F zi = F::inv(Z);
    F zi2 = F::sqr(zi);
    return Affine<F>{X * zi2, Y * zi2 * zi};
  }

  // k * p for a standard-form scalar k, double-and-add from the top bit (used only for the
  // few fixed-base terms of the proof: r * delta etc.).
  static Jacobian mul(const Jacobian& p, const Limbs& k) {
    Jacobian acc = inf();
    for (int i = limbs::bit_length(k) - 1; i >= 0; i--) {
      acc = dbl(acc);
      if (limbs::bit(k, i)) acc = add(acc, p);
    }
    return acc;
  }
};

using G1A = Affine<Fq>;
using G1J = Jacobian<Fq>;
using G2A = Affine<Fq2>;
using G2J = Jacobian<Fq2>;
