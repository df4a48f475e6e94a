// The point arithmetic of phase-2 key generation (zkinfer's own setup, prover/src/snark/
// zkey-new.ts and zkey-contribute.ts), natively: the same three kernels as the TypeScript
// engine (prover/src/snark/zkey-compose-core.ts), on this prover's field and curve code.
//  - compose: sparse sums P_j = sum_t c_t * S[row_t] of the ptau's Lagrange points S with the
//    r1cs coefficients c_t (sign and magnitude), one output per wire;
//  - scale: k * P_i for one scalar k and many points (a contribution's 1/delta on L and H);
//  - difference: P_i - Q_i (the circuit hash's H term);
//  - comb: k_i * G for one fixed point G and many scalars (key points straight from their
//    scalars where the ptau's secrets are known: zkey-new.ts, the local insecure ptau).
// Affine points are in .zkey layout ("LEM": x then y, little-endian Montgomery, (0, 0) the point
// at infinity); "U" is the uncompressed big-endian standard form snarkjs hashes: each
// coordinate's standard-form little-endian bytes reversed as a whole (for Fq2 that gives c1
// then c0), infinity all zero bytes (as ffjavascript's LEMtoU writes it).
#pragma once
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>
#include "curve.hpp"

namespace setup {

// Runs job(k) for k = 0..jobs-1 on `threads` threads taking jobs from one counter.
template <class Job>
void parallel_jobs(size_t jobs, int threads, Job job) {
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (size_t k; (k = next.fetch_add(1)) < jobs;) job(k);
  };
  int t = threads < 1 ? 1 : threads;
  if ((size_t)t > jobs) t = (int)(jobs ? jobs : 1);
  std::vector<std::thread> pool;
  for (int i = 1; i < t; i++) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
}

// Jacobian -> affine for a whole range with one inversion (Montgomery's trick: invert the
// product of the Z's, then peel off each inverse with two multiplications).
template <class F>
void batch_to_affine(const Jacobian<F>* in, size_t n, Affine<F>* out) {
  std::vector<F> prefix(n);
  F acc = F::one();
  for (size_t i = 0; i < n; i++) {
    prefix[i] = acc;
    if (!in[i].is_inf()) acc = acc * in[i].Z;
  }
  F inv = F::inv(acc);
  for (size_t i = n; i-- > 0;) {
    if (in[i].is_inf()) {
      out[i] = Affine<F>::inf();
      continue;
    }
    F zi = inv * prefix[i];
    inv = inv * in[i].Z;
    F zi2 = F::sqr(zi);
    out[i] = Affine<F>{in[i].X * zi2, in[i].Y * zi2 * zi};
  }
}

inline void reverse_into(uint8_t* out, const uint8_t* in, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = in[n - 1 - i];
}
inline void std_bytes(uint8_t* out, const Fq& x) {
  Limbs s = x.to_std();
  memcpy(out, &s, 32);
}
inline void std_bytes(uint8_t* out, const Fq2& x) {
  std_bytes(out, x.c0);
  std_bytes(out + 32, x.c1);
}

// The U form of one affine point (2 * sizeof(F) bytes).
template <class F>
void to_u(uint8_t* out, const Affine<F>& a) {
  constexpr size_t n8 = sizeof(F);
  if (a.is_inf()) {
    memset(out, 0, 2 * n8);
    return;
  }
  uint8_t tmp[n8];
  std_bytes(tmp, a.x);
  reverse_into(out, tmp, n8);
  std_bytes(tmp, a.y);
  reverse_into(out + n8, tmp, n8);
}

template <class F>
Affine<F> load(const uint8_t* p) {
  Affine<F> a;
  memcpy(&a, p, sizeof a);
  return a;
}

template <class F>
Affine<F> negate(Affine<F> a) {
  if (!a.is_inf()) a.y = F::neg(a.y);
  return a;
}

// k * p by double-and-add from the top bit with mixed additions (p affine): the r1cs's
// coefficients are mostly short, so this costs a few operations per bit of the magnitude.
template <class F>
Jacobian<F> mul_short(const Affine<F>& p, const Limbs& k) {
  using J = Jacobian<F>;
  J acc = J::inf();
  for (int i = limbs::bit_length(k) - 1; i >= 0; i--) {
    acc = J::dbl(acc);
    if (limbs::bit(k, i)) acc = J::madd(acc, p);
  }
  return acc;
}

// The width-w non-adjacent form of k (Solinas; digits odd, |d| < 2^(w-1), at most one nonzero
// digit in any w consecutive ones), least significant first.
inline std::vector<int> wnaf(Limbs k, int w) {
  std::vector<int> digits;
  const int full = 1 << w, half = 1 << (w - 1);
  while (!limbs::is_zero(k)) {
    int d = 0;
    if (k.v[0] & 1) {
      d = (int)(k.v[0] & (u64)(full - 1));
      if (d >= half) d -= full;
      Limbs dl{{(u64)(d < 0 ? -d : d), 0, 0, 0}};
      if (d > 0) limbs::sub(k, k, dl);
      else limbs::add(k, k, dl);
    }
    digits.push_back(d);
    for (int i = 0; i < 3; i++) k.v[i] = (k.v[i] >> 1) | (k.v[i + 1] << 63);
    k.v[3] >>= 1;
  }
  return digits;
}

// k * p for a precomputed wNAF of k: the odd multiples p, 3p, ..., (2^(w-1) - 1)p, then one
// doubling per digit and one addition per nonzero digit (about a sixth of them for w = 5).
template <class F>
Jacobian<F> mul_wnaf(const Affine<F>& p, const std::vector<int>& digits, int w) {
  using J = Jacobian<F>;
  if (p.is_inf()) return J::inf();
  const int n_odd = 1 << (w - 2);
  J table[1 << 6];
  table[0] = J::from_affine(p);
  J twice = J::dbl(table[0]);
  for (int i = 1; i < n_odd; i++) table[i] = J::add(table[i - 1], twice);
  J acc = J::inf();
  for (size_t i = digits.size(); i-- > 0;) {
    acc = J::dbl(acc);
    int d = digits[i];
    if (d > 0) acc = J::add(acc, table[(d - 1) / 2]);
    else if (d < 0) acc = J::add(acc, J::neg(table[(-d - 1) / 2]));
  }
  return acc;
}

// Fixed-base comb for one point G (the byte-window method, e.g. Lim-Lee 1994 in its simplest
// form): table[32 j + d - 1] = d * 2^(8j) * G, d = 1..255, j = 0..31, affine; then k * G is
// the sum over k's 32 bytes k_j of table[32 j + k_j - 1], at most 32 mixed additions.
template <class F>
std::vector<Affine<F>> comb_table(const Affine<F>& g) {
  using J = Jacobian<F>;
  std::vector<J> jac(32 * 255);
  J base = J::from_affine(g);
  for (int j = 0; j < 32; j++) {
    J acc = base;
    for (int d = 0; d < 255; d++) {
      jac[255 * j + d] = acc;
      acc = J::add(acc, base);
    }
    base = acc;  // 256 * 2^(8j) * G
  }
  std::vector<Affine<F>> out(jac.size());
  batch_to_affine(jac.data(), jac.size(), out.data());
  return out;
}

template <class F>
Jacobian<F> mul_comb(const std::vector<Affine<F>>& table, const Limbs& k) {
  using J = Jacobian<F>;
  J acc = J::inf();
  const uint8_t* b = (const uint8_t*)k.v;
  for (int j = 0; j < 32; j++)
    if (b[j]) acc = J::madd(acc, table[255 * j + b[j] - 1]);
  return acc;
}

}  // namespace setup
