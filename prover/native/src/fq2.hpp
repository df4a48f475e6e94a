// The quadratic extension Fq2 = Fq[u] / (u^2 + 1) over which BN254's G2 is defined (EIP-197;
// snarkjs/ffjavascript store an element as c0 then c1, each 32 bytes Montgomery LE).
#pragma once
#include "field.hpp"

struct Fq2 {
  Fq c0, c1;

  static Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
  static Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
  bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
  bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
  bool operator!=(const Fq2& o) const { return !(*this == o); }

  static Fq2 add(const Fq2& a, const Fq2& b) { return Fq2{a.c0 + b.c0, a.c1 + b.c1}; }
  static Fq2 sub(const Fq2& a, const Fq2& b) { return Fq2{a.c0 - b.c0, a.c1 - b.c1}; }
  static Fq2 neg(const Fq2& a) { return Fq2{Fq::neg(a.c0), Fq::neg(a.c1)}; }
  static Fq2 dbl(const Fq2& a) { return add(a, a); }
  // Karatsuba: (a0 + a1 u)(b0 + b1 u) = a0 b0 - a1 b1 + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u.
  static Fq2 mul(const Fq2& a, const Fq2& b) {
    Fq v0 = a.c0 * b.c0;
    Fq v1 = a.c1 * b.c1;
    Fq m = (a.c0 + a.c1) * (b.c0 + b.c1);
    return Fq2{v0 - v1, m - v0 - v1};
  }
  // (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u.
  static Fq2 sqr(const Fq2& a) {
    Fq m = a.c0 * a.c1;
    return Fq2{(a.c0 + a.c1) * (a.c0 - a.c1), m + m};
  }
  // 1 / (a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2).
  static Fq2 inv(const Fq2& a) {
    Fq n = Fq::inv(a.c0 * a.c0 + a.c1 * a.c1);
    return Fq2{a.c0 * n, Fq::neg(a.c1 * n)};
  }
};

inline Fq2 operator+(const Fq2& a, const Fq2& b) { return Fq2::add(a, b); }
inline Fq2 operator-(const Fq2& a, const Fq2& b) { return Fq2::sub(a, b); }
inline Fq2 operator*(const Fq2& a, const Fq2& b) { return Fq2::mul(a, b); }
