// Prime fields of BN254 in Montgomery form with four 64-bit limbs (R = 2^256), the same
// representation as ffjavascript/snarkjs's .zkey files ("LEM": little-endian Montgomery), so
// curve points and coefficients are used straight from the file without conversion.
//
// Moduli from EIP-197 (the alt_bn128 curve): q is the base field's prime, r the group order.
// Multiplication is the CIOS Montgomery product (Koc, Acar, Kaliski, "Analyzing and
// comparing Montgomery multiplication algorithms", IEEE Micro 1996) with unsigned __int128.
#pragma once
#include <cstdint>
#include <cstring>

typedef uint64_t u64;
typedef unsigned __int128 u128;

struct Limbs {
  u64 v[4];
};

namespace limbs {
constexpr bool geq(const Limbs& a, const Limbs& b) {
  for (int i = 3; i >= 0; i--) {
    if (a.v[i] != b.v[i]) return a.v[i] > b.v[i];
  }
  return true;
}
constexpr bool is_zero(const Limbs& a) { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }
// a - b, returning the borrow.
constexpr u64 sub(Limbs& out, const Limbs& a, const Limbs& b) {
  u64 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a.v[i] - b.v[i] - borrow;
    out.v[i] = (u64)d;
    borrow = (u64)(d >> 64) & 1;
  }
  return borrow;
}
constexpr u64 add(Limbs& out, const Limbs& a, const Limbs& b) {
  u64 carry = 0;
  for (int i = 0; i < 4; i++) {
    u128 s = (u128)a.v[i] + b.v[i] + carry;
    out.v[i] = (u64)s;
    carry = (u64)(s >> 64);
  }
  return carry;
}
constexpr int bit_length(const Limbs& a) {
  for (int i = 3; i >= 0; i--) {
    if (a.v[i]) return i * 64 + 64 - __builtin_clzll(a.v[i]);
  }
  return 0;
}
constexpr bool bit(const Limbs& a, int i) { return i >= 0 && i < 256 && ((a.v[i >> 6] >> (i & 63)) & 1); }
}  // namespace limbs

struct FqModulus {
  static constexpr Limbs p = {{0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull, 0x30644e72e131a029ull}};
};
struct FrModulus {
  static constexpr Limbs p = {{0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull, 0x30644e72e131a029ull}};
};

// Constants derived from the modulus at compile time: -p^-1 mod 2^64 (Newton's iteration for
// the inverse modulo a power of two), R mod p and R^2 mod p (by doubling modulo p).
template <class M>
struct MontConsts {
  static constexpr u64 inv() {
    u64 x = 1;
    for (int i = 0; i < 7; i++) x *= 2 - M::p.v[0] * x;
    return (u64)0 - x;
  }
  static constexpr Limbs pow2_mod(int k) {
    Limbs a = {{1, 0, 0, 0}};
    for (int i = 0; i < k; i++) {
      Limbs t{};
      u64 carry = limbs::add(t, a, a);
      if (carry || limbs::geq(t, M::p)) limbs::sub(t, t, M::p);
      a = t;
    }
    return a;
  }
  static constexpr u64 INV = inv();
  static constexpr Limbs R = pow2_mod(256);
  static constexpr Limbs R2 = pow2_mod(512);
};

template <class M>
struct Fp {
  Limbs l;

  static Fp zero() { return Fp{{{0, 0, 0, 0}}}; }
  static Fp one() { return Fp{MontConsts<M>::R}; }
  static Fp raw(const Limbs& v) { return Fp{v}; }
  // From a standard-form integer < p.
  static Fp from_std(const Limbs& v) { return mul(Fp{v}, Fp{MontConsts<M>::R2}); }
  static Fp from_u64(u64 v) { return from_std(Limbs{{v, 0, 0, 0}}); }
  Limbs to_std() const { return mul(*this, Fp{{{1, 0, 0, 0}}}).l; }

  bool is_zero() const { return limbs::is_zero(l); }
  bool operator==(const Fp& o) const { return l.v[0] == o.l.v[0] && l.v[1] == o.l.v[1] && l.v[2] == o.l.v[2] && l.v[3] == o.l.v[3]; }
  bool operator!=(const Fp& o) const { return !(*this == o); }

  static Fp add(const Fp& a, const Fp& b) {
    Fp t;
    u64 carry = limbs::add(t.l, a.l, b.l);
    if (carry || limbs::geq(t.l, M::p)) limbs::sub(t.l, t.l, M::p);
    return t;
  }
  static Fp sub(const Fp& a, const Fp& b) {
    Fp t;
    if (limbs::sub(t.l, a.l, b.l)) limbs::add(t.l, t.l, M::p);
    return t;
  }
  static Fp neg(const Fp& a) {
    if (a.is_zero()) return a;
    Fp t;
    limbs::sub(t.l, M::p, a.l);
    return t;
  }
  static Fp dbl(const Fp& a) { return add(a, a); }

  // CIOS: interleaves the product's rows with the reduction by m = t0 * (-p^-1) mod 2^64.
  static Fp mul(const Fp& a, const Fp& b) {
    u64 t[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      u128 c = 0;
      for (int j = 0; j < 4; j++) {
        c += (u128)a.l.v[j] * b.l.v[i] + t[j];
        t[j] = (u64)c;
        c >>= 64;
      }
      u128 s = (u128)t[4] + (u64)c;
      t[4] = (u64)s;
      t[5] = (u64)(s >> 64);
      u64 m = t[0] * MontConsts<M>::INV;
      c = (u128)m * M::p.v[0] + t[0];
      c >>= 64;
      for (int j = 1; j < 4; j++) {
        c += (u128)m * M::p.v[j] + t[j];
        t[j - 1] = (u64)c;
        c >>= 64;
      }
      s = (u128)t[4] + (u64)c;
      t[3] = (u64)s;
      t[4] = t[5] + (u64)(s >> 64);
    }
    Fp r{{{t[0], t[1], t[2], t[3]}}};
    if (t[4] || limbs::geq(r.l, M::p)) limbs::sub(r.l, r.l, M::p);
    return r;
  }
  static Fp sqr(const Fp& a) { return mul(a, a); }

  // a^e for a standard-form exponent.
  static Fp pow(const Fp& a, const Limbs& e) {
    Fp r = one();
    for (int i = limbs::bit_length(e) - 1; i >= 0; i--) {
      r = sqr(r);
      if (limbs::bit(e, i)) r = mul(r, a);
    }
    return r;
  }
  // Fermat: a^(p-2); the inverse of 0 is taken as 0 (callers check).
  static Fp inv(const Fp& a) {
    Limbs e{};
    limbs::sub(e, M::p, Limbs{{2, 0, 0, 0}});
    return pow(a, e);
  }
};

using Fq = Fp<FqModulus>;
using Fr = Fp<FrModulus>;

inline Fq operator+(const Fq& a, const Fq& b) { return Fq::add(a, b); }
inline Fq operator-(const Fq& a, const Fq& b) { return Fq::sub(a, b); }
inline Fq operator*(const Fq& a, const Fq& b) { return Fq::mul(a, b); }
inline Fr operator+(const Fr& a, const Fr& b) { return Fr::add(a, b); }
inline Fr operator-(const Fr& a, const Fr& b) { return Fr::sub(a, b); }
inline Fr operator*(const Fr& a, const Fr& b) { return Fr::mul(a, b); }
