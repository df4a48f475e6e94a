// Prime fields of BN254 in Montgomery form with four 64-bit limbs (R = 2^256), the same
// representation as ffjavascript/snarkjs's .zkey files ("LEM": little-endian Montgomery), so
// curve points and coefficients are used straight from the file without conversion.
//
// Moduli from EIP-197 (the alt_bn128 curve): q is the base field's prime, r the group order.
// Multiplication is the CIOS Montgomery product (Koc, Acar, Kaliski, "Analyzing and
// comparing Montgomery multiplication algorithms", IEEE Micro 1996) with unsigned __int128;
// squaring computes the square then reduces (SOS, same paper).
#pragma once
#include <cstdint>
#include <cstring>
#include "field_asm.hpp"
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

typedef uint64_t u64;
typedef unsigned __int128 u128;

// The field operations are small and on every hot path: inlined into their callers.
#define FP_INLINE inline __attribute__((always_inline))

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

// Four-limb addition and subtraction with the carry flag (x86-64's add/adc, sub/sbb through
// the compiler's intrinsics), or unsigned __int128 elsewhere. Return the carry / borrow.
namespace carry_chain {
FP_INLINE u64 add4(u64* out, const u64* a, const u64* b) {
#if defined(__x86_64__)
  unsigned long long o[4];
  unsigned char c = _addcarry_u64(0, a[0], b[0], &o[0]);
  c = _addcarry_u64(c, a[1], b[1], &o[1]);
  c = _addcarry_u64(c, a[2], b[2], &o[2]);
  c = _addcarry_u64(c, a[3], b[3], &o[3]);
  for (int i = 0; i < 4; i++) out[i] = o[i];
  return c;
#else
  u128 c = 0;
  for (int i = 0; i < 4; i++) {
    c += (u128)a[i] + b[i];
    out[i] = (u64)c;
    c >>= 64;
  }
  return (u64)c;
#endif
}
FP_INLINE u64 sub4(u64* out, const u64* a, const u64* b) {
#if defined(__x86_64__)
  unsigned long long o[4];
  unsigned char c = _subborrow_u64(0, a[0], b[0], &o[0]);
  c = _subborrow_u64(c, a[1], b[1], &o[1]);
  c = _subborrow_u64(c, a[2], b[2], &o[2]);
  c = _subborrow_u64(c, a[3], b[3], &o[3]);
  for (int i = 0; i < 4; i++) out[i] = o[i];
  return c;
#else
  u64 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 t = (u128)a[i] - b[i] - borrow;
    out[i] = (u64)t;
    borrow = (u64)(t >> 64) & 1;
  }
  return borrow;
#endif
}
}  // namespace carry_chain

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

  // Both moduli are below 2^254, so a + b < 2^255 never carries out of the top limb; one
  // conditional subtraction, done branch-free (the select is a mask), keeps the sum below p.
  FP_INLINE static Fp add(const Fp& a, const Fp& b) {
    u64 sum[4], d[4];
    carry_chain::add4(sum, a.l.v, b.l.v);
    return reduce_once(sum, d);
  }
  FP_INLINE static Fp sub(const Fp& a, const Fp& b) {
    u64 d[4];
    const u64 borrow = carry_chain::sub4(d, a.l.v, b.l.v);
    // a < b: add p back (mask = all ones when borrowing).
    const u64 mask = (u64)0 - borrow;
    const u64 pm[4] = {M::p.v[0] & mask, M::p.v[1] & mask, M::p.v[2] & mask, M::p.v[3] & mask};
    Fp r;
    carry_chain::add4(r.l.v, d, pm);
    return r;
  }
  static Fp neg(const Fp& a) {
    if (a.is_zero()) return a;
    Fp t;
    limbs::sub(t.l, M::p, a.l);
    return t;
  }
  FP_INLINE static Fp dbl(const Fp& a) { return add(a, a); }

  // Montgomery product, CIOS with the "no-carry" shortcut: when the top limb of p is below
  // (2^64 - 1) / 2 - 1 (true for both BN254 moduli), the running sum never needs a fifth and
  // sixth limb (gnark-crypto's note "Faster big-integer modular multiplication for most
  // moduli", 2020). Result below p after one conditional subtraction.
  FP_INLINE static Fp mul(const Fp& a, const Fp& b) {
#ifdef ZKINFER_MONT_ASM
    Fp r;
    mont_mul_adx(r.l.v, a.l.v, b.l.v, M::p.v, MontConsts<M>::INV);
    return r;
#else
    const u64* x = a.l.v;
    const u64* y = b.l.v;
    u64 t[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      u128 pa = (u128)x[0] * y[i] + t[0];
      u64 t0 = (u64)pa;
      u64 A = (u64)(pa >> 64);
      const u64 m = t0 * MontConsts<M>::INV;
      u128 pc = (u128)m * M::p.v[0] + t0;
      u64 C = (u64)(pc >> 64);
      for (int j = 1; j < 4; j++) {
        pa = (u128)x[j] * y[i] + t[j] + A;
        A = (u64)(pa >> 64);
        pc = (u128)m * M::p.v[j] + (u64)pa + C;
        t[j - 1] = (u64)pc;
        C = (u64)(pc >> 64);
      }
      t[3] = C + A;
    }
    u64 d[4];
    return reduce_once(t, d);
#endif
  }

  // Squaring: the 512-bit square with each cross product computed once and doubled (6
  // multiplications instead of 12 for the off-diagonal terms), then four Montgomery
  // reduction rounds (separated operand scanning, Koc et al. 1996).
  FP_INLINE static Fp sqr(const Fp& a) {
#ifdef ZKINFER_MONT_ASM
    return mul(a, a);
#else
    const u64* x = a.l.v;
    u64 w[8];
    // Off-diagonal products x_i x_j, i < j, into w[1..6].
    u128 c;
    c = (u128)x[0] * x[1];
    w[1] = (u64)c;
    c = (u128)x[0] * x[2] + (u64)(c >> 64);
    w[2] = (u64)c;
    c = (u128)x[0] * x[3] + (u64)(c >> 64);
    w[3] = (u64)c;
    w[4] = (u64)(c >> 64);
    c = (u128)x[1] * x[2] + w[3];
    w[3] = (u64)c;
    c = (u128)x[1] * x[3] + w[4] + (u64)(c >> 64);
    w[4] = (u64)c;
    w[5] = (u64)(c >> 64);
    c = (u128)x[2] * x[3] + w[5];
    w[5] = (u64)c;
    w[6] = (u64)(c >> 64);
    // Double them (the top bit shifted into w[7]).
    w[7] = w[6] >> 63;
    for (int i = 6; i > 1; i--) w[i] = (w[i] << 1) | (w[i - 1] >> 63);
    w[1] <<= 1;
    // Add the squares x_i^2 at w[2i], w[2i+1].
    c = (u128)x[0] * x[0];
    w[0] = (u64)c;
    u64 carry = (u64)(c >> 64);
    for (int i = 1; i < 4; i++) {
      u128 sq = (u128)x[i] * x[i];
      u128 s1 = (u128)w[2 * i - 1] + carry;
      w[2 * i - 1] = (u64)s1;
      u128 s2 = (u128)w[2 * i] + (u64)sq + (u64)(s1 >> 64);
      w[2 * i] = (u64)s2;
      carry = (u64)(sq >> 64) + (u64)(s2 >> 64);
    }
    w[7] += carry;
    // Reduction: four rounds, each clearing the lowest live limb; the carry out of a round
    // is added at limb i + 4.
    u64 hi_carry = 0;
    for (int i = 0; i < 4; i++) {
      const u64 m = w[i] * MontConsts<M>::INV;
      u128 r = (u128)m * M::p.v[0] + w[i];
      for (int j = 1; j < 4; j++) {
        r = (u128)m * M::p.v[j] + w[i + j] + (u64)(r >> 64);
        w[i + j] = (u64)r;
      }
      u128 s = (u128)w[i + 4] + (u64)(r >> 64) + hi_carry;
      w[i + 4] = (u64)s;
      hi_carry = (u64)(s >> 64);
    }
    // The result w[4..7] + hi_carry 2^256 is below 2p (< 2^255): hi_carry is 0.
    u64 d[4];
    return reduce_once(w + 4, d);
#endif
  }

 private:
  // s < 2p: s - p if that does not borrow, else s; branch-free.
  FP_INLINE static Fp reduce_once(const u64* s, u64* d) {
    const u64 borrow = carry_chain::sub4(d, s, M::p.v);
    const u64 keep = (u64)0 - borrow;  // all ones: s < p, keep s
    Fp r;
    for (int i = 0; i < 4; i++) r.l.v[i] = (s[i] & keep) | (d[i] & ~keep);
    return r;
  }

 public:
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

FP_INLINE Fq operator+(const Fq& a, const Fq& b) { return Fq::add(a, b); }
FP_INLINE Fq operator-(const Fq& a, const Fq& b) { return Fq::sub(a, b); }
FP_INLINE Fq operator*(const Fq& a, const Fq& b) { return Fq::mul(a, b); }
FP_INLINE Fr operator+(const Fr& a, const Fr& b) { return Fr::add(a, b); }
FP_INLINE Fr operator-(const Fr& a, const Fr& b) { return Fr::sub(a, b); }
FP_INLINE Fr operator*(const Fr& a, const Fr& b) { return Fr::mul(a, b); }
