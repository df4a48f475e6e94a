// Multi-scalar multiplication sum_i s_i P_i by Pippenger's bucket method (Pippenger 1976; the
// signed-digit variant as in Bernstein et al., "Faster batch forgery identification", 2012):
// each scalar is cut into c-bit windows with digits in [-2^(c-1), 2^(c-1)], so a window needs
// 2^(c-1) buckets; a negative digit adds the negated point (a free negation of y).
// The digit of window j is read directly from the bits: d_j = bits[jc, jc+c) + bit[jc-1]
// - 2^c bit[jc+c-1] (the sum over j telescopes to the scalar), so windows are independent and
// threads take them in any order.
#pragma once
#include <algorithm>
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
// affine bucket addition (about 6 with batched inversions, bucket_affine.hpp), every
// window's reduction one mixed and one full Jacobian addition per bucket (about 27 for
// 2^(c-1) buckets) plus its inversions (about log2(n) rounds of ~300 multiplications).
inline int choose_window(const ScalarSet& s) {
  if (s.idx.empty()) return 1;
  int best = 1;
  double best_cost = 1e300;
  double rounds = 1;
  for (size_t m = s.idx.size(); m > 1; m >>= 1) rounds++;
  for (int c = 2; c <= 16; c++) {
    int windows = s.max_bits / c + 1;
    double cost = windows * (27.0 * (double)(1 << (c - 1)) + 300.0 * rounds);
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


template <class F>
inline Affine<F> negate_if(Affine<F> p, bool neg) {
  if (neg && !p.is_inf()) p.y = F::neg(p.y);
  return p;
}

// sum of the +-1 terms: one bucket, summed as a tree of batched affine additions.
template <class F>
Jacobian<F> sum_unit_terms(const uint8_t* bases, const ScalarSet& s) {
  BucketSummer<F> one;
  one.layout(std::vector<uint32_t>{(uint32_t)(s.plus_one.size() + s.minus_one.size())});
  size_t k = 0;
  for (uint32_t i : s.plus_one) one.points[k++] = load_affine<F>(bases, i);
  for (uint32_t i : s.minus_one) one.points[k++] = negate_if(load_affine<F>(bases, i), true);
  if (k == 0) return Jacobian<F>::inf();
  one.sum();
  return Jacobian<F>::from_affine(one.points[0]);
}

}  // namespace msm_detail

// `bases`: n affine points in .zkey layout (possibly unaligned), n = scalars.n.
template <class F>
Jacobian<F> msm_pippenger(const uint8_t* bases, const ScalarSet& s, int threads) {
  using namespace msm_detail;
  using J = Jacobian<F>;
  const J ones = sum_unit_terms<F>(bases, s);
  if (s.idx.empty()) return ones;
  const int c = choose_window(s);
  const int windows = s.max_bits / c + 1;
  std::vector<J> window_sums(windows, J::inf());
  std::atomic<int> next{0};
  const size_t n_buckets = (size_t)1 << (c - 1);
  auto work = [&]() {
    BucketSummer<F> buckets;
    std::vector<uint32_t> count(n_buckets);
    std::vector<int32_t> digit(s.idx.size());
    for (int j; (j = next.fetch_add(1)) < windows;) {
      // Digits of this window, then a counting sort of the points by bucket |digit| - 1.
      std::fill(count.begin(), count.end(), 0);
      const size_t m = s.idx.size();
      for (size_t k = 0; k < m; k++) {
        int d = window_digit(s.mag[k], j, c);
        digit[k] = d;
        if (d != 0) count[(d < 0 ? -d : d) - 1]++;
      }
      buckets.layout(count);
      std::vector<uint32_t>& fill = count;  // reused as each run's write position
      for (size_t b = 0; b < n_buckets; b++) fill[b] = buckets.start[b];
      for (size_t k = 0; k < m; k++) {
        const int d = digit[k];
        if (d == 0) continue;
        const bool negate = (d < 0) != (s.neg[k] != 0);
        buckets.points[fill[(d < 0 ? -d : d) - 1]++] = negate_if(load_affine<F>(bases, s.idx[k]), negate);
      }
      buckets.sum();
      // sum_k k * bucket_k by running sums from the top bucket down.
      J running = J::inf(), total = J::inf();
      for (size_t b = n_buckets; b-- > 0;) {
        if (!buckets.run_empty(b)) running = J::madd(running, buckets.points[buckets.start[b]]);
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
