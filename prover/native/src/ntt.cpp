#include "ntt.hpp"
#include <thread>
#include <vector>

namespace {

Fr smallest_nonresidue() {
  Limbs half{};  // (r - 1) / 2, Euler's criterion exponent
  for (int i = 0; i < 4; i++) half.v[i] = (FrModulus::p.v[i] >> 1) | (i < 3 ? FrModulus::p.v[i + 1] << 63 : 0);
  Fr minus_one = Fr::neg(Fr::one());
  for (u64 g = 2;; g++) {
    Fr x = Fr::from_u64(g);
    if (Fr::pow(x, half) == minus_one) return x;
  }
}

// fn(lo, hi) over [0, n) in `threads` ranges; `work` (default n) is the size that decides
// whether threads pay at all.
template <class Fn>
void parallel_for(size_t n, int threads, Fn fn, size_t work = 0) {
  if (threads <= 1 || (work ? work : n) < 4096 || n < (size_t)threads) {
    fn((size_t)0, n);
    return;
  }
  std::vector<std::thread> pool;
  size_t step = (n + threads - 1) / threads;
  for (int t = 1; t < threads; t++) {
    size_t lo = t * step, hi = lo + step < n ? lo + step : n;
    if (lo < hi) pool.emplace_back(fn, lo, hi);
  }
  fn((size_t)0, step < n ? step : n);
  for (auto& th : pool) th.join();
}

}  // namespace

Fr root_of_unity(int k) {
  static const Fr w28 = [] {
    Limbs t{};  // (r - 1) >> 28
    Limbs rm1{};
    limbs::sub(rm1, FrModulus::p, Limbs{{1, 0, 0, 0}});
    for (int i = 0; i < 4; i++) t.v[i] = (rm1.v[i] >> FR_TWO_ADICITY) | (i < 3 ? rm1.v[i + 1] << (64 - FR_TWO_ADICITY) : 0);
    return Fr::pow(smallest_nonresidue(), t);
  }();
  Fr w = w28;
  for (int i = k; i < FR_TWO_ADICITY; i++) w = Fr::sqr(w);
  return w;
}

void ntt_inplace(Fr* a, int log_n, bool inverse, int threads) {
  const size_t n = (size_t)1 << log_n;
  if (n == 1) return;
  for (size_t i = 1, j = 0; i < n; i++) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      Fr t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
  Fr w = root_of_unity(log_n);
  if (inverse) w = Fr::inv(w);
  // twiddles[i] = w^i for i < n/2; the stage of block length 2h uses every (n / 2h)-th.
  std::vector<Fr> tw(n / 2);
  tw[0] = Fr::one();
  for (size_t i = 1; i < n / 2; i++) tw[i] = tw[i - 1] * w;
  for (size_t h = 1; h < n; h <<= 1) {
    const size_t stride = n / (2 * h);
    const size_t blocks = n / (2 * h);
    auto butterflies = [&](size_t block, size_t j0, size_t j1) {
      Fr* lo = a + block * 2 * h;
      Fr* hi = lo + h;
      for (size_t j = j0; j < j1; j++) {
        Fr t = hi[j] * tw[j * stride];
        hi[j] = lo[j] - t;
        lo[j] = lo[j] + t;
      }
    };
    // Early stages have many small blocks (split the blocks), late ones few large ones (split each).
    if (blocks >= (size_t)threads) {
      parallel_for(blocks, threads, [&](size_t b0, size_t b1) {
        for (size_t b = b0; b < b1; b++) butterflies(b, 0, h);
      }, n / 2);
    } else {
      for (size_t b = 0; b < blocks; b++) parallel_for(h, threads, [&](size_t j0, size_t j1) { butterflies(b, j0, j1); }, h);
    }
  }
  if (inverse) {
    Fr n_inv = Fr::inv(Fr::from_u64(n));
    parallel_for(n, threads, [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; i++) a[i] = a[i] * n_inv;
    });
  }
}
