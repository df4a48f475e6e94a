// Multi-scalar multiplication sum_i s_i P_i by Pippenger's bucket method (Pippenger 1976; the
// signed-digit variant as in Bernstein et al., "Faster batch forgery identification", 2012):
// each scalar is cut into c-bit windows with digits in [-2^(c-1), 2^(c-1)], so a window needs
// 2^(c-1) buckets; a negative digit adds the negated point (a free negation of y).
// The digit of window j is read directly from the bits: d_j = bits[jc, jc+c) + bit[jc-1]
// - 2^c bit[jc+c-1] (the sum over j telescopes to the scalar), so windows are independent and
// threads take them in any order.
#pragma once
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>
#include "bucket_affine.hpp"
#include "curve.hpp"
#include "scalars.hpp"

namespace msm_detail {

inline int window_digit(const Limbs& s, int j, int c) {
  int lo = j * c;
  // bits [lo, lo + c): read 64 bits starting at lo across a limb boundary.
  int limb = lo >> 6, off = lo & 63;
  u64 w = limb < 4 ? s.v[limb] >> off : 0;
  if (off && limb + 1 < 4) w |= s.v[limb + 1] << (64 - off);
  w &= (c == 64 ? ~0ull : ((1ull << c) - 1));
  int d = (int)w + (limbs::bit(s, lo - 1) ? 1 : 0);
  if (limbs::bit(s, lo + c - 1)) d -= 1 << c;
  return d;
}

// Cost model for the window size, in field multiplications: every nonzero digit is one
// bucket addition (about 6 in affine coordinates with batched inversion), every window's
// reduction one mixed and one full Jacobian addition per bucket (about 27 for 2^(c-1) buckets).
inline int choose_window(const ScalarSet& s) {
  if (s.idx.empty()) return 1;
  int best = 1;
  double best_cost = 1e300;
  for (int c = 2; c <= 16; c++) {
    int windows = s.max_bits / c + 1;
    double cost = windows * 27.0 * (double)(1 << (c - 1));
    for (int b = 1; b <= 256; b++) {
      if (s.bits_histogram[b]) cost += 6.0 * (double)s.bits_histogram[b] * (b / c + 1);
    }
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

template <class F>
inline Affine<F> load_affine(const uint8_t* bases, size_t i) {
  Affine<F> a;
  memcpy(&a, bases + i * sizeof(Affine<F>), sizeof(Affine<F>));
  return a;
}

}  // namespace msm_detail

// `bases`: n affine points in .zkey layout (possibly unaligned), n = scalars.n.
template <class F>
Jacobian<F> msm_pippenger(const uint8_t* bases, const ScalarSet& s, int threads) {
  using namespace msm_detail;
  using J = Jacobian<F>;
  using A = Affine<F>;
  J ones = J::inf();
  for (uint32_t i : s.plus_one) ones = J::madd(ones, load_affine<F>(bases, i));
  for (uint32_t i : s.minus_one) {
    A p = load_affine<F>(bases, i);
    if (!p.is_inf()) p.y = F::neg(p.y);
    ones = J::madd(ones, p);
  }
  if (s.idx.empty()) return ones;
  const int c = choose_window(s);
  const int windows = s.max_bits / c + 1;
  std::vector<J> window_sums(windows, J::inf());
  std::atomic<int> next{0};
  const size_t n_buckets = (size_t)1 << (c - 1);
  // Batch: large enough to spread the inversion, small enough that few points find their
  // bucket already taken.
  size_t batch = n_buckets / 4;
  batch = batch < 32 ? 32 : batch > 1024 ? 1024 : batch;
  auto work = [&]() {
    AffineBuckets<F> buckets(n_buckets, batch);
    for (int j; (j = next.fetch_add(1)) < windows;) {
      buckets.reset();
      const size_t m = s.idx.size();
      for (size_t k = 0; k < m; k++) {
        int d = window_digit(s.mag[k], j, c);
        if (d == 0) continue;
        A p = load_affine<F>(bases, s.idx[k]);
        if (p.is_inf()) continue;
        bool negate = (d < 0) != (s.neg[k] != 0);
        if (negate) p.y = F::neg(p.y);
        buckets.add((size_t)(d < 0 ? -d : d) - 1, p);
      }
      buckets.finish();
      // sum_k k * bucket_k by running sums from the top bucket down.
      const auto& b = buckets.buckets();
      const auto& spill = buckets.spills();
      J running = J::inf(), total = J::inf();
      for (size_t k = b.size(); k-- > 0;) {
        if (!b[k].inf) running = J::madd(running, b[k].p);
        if (!spill[k].is_inf()) running = J::add(running, spill[k]);
        total = J::add(total, running);
      }
      window_sums[j] = total;
    }
  };
  int t = threads < 1 ? 1 : threads;
  if (t > windows) t = windows;
  std::vector<std::thread> pool;
  for (int i = 1; i < t; i++) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  // Horner in 2^c: result = sum_j window_sums[j] * 2^(jc).
  J acc = J::inf();
  for (int j = windows - 1; j >= 0; j--) {
    for (int k = 0; k < c; k++) acc = J::dbl(acc);
    acc = J::add(acc, window_sums[j]);
  }
  return J::add(acc, ones);
}
