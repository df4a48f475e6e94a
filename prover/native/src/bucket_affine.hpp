// Bucket sums in affine coordinates with batched inversions. The points of one Pippenger
// window are first sorted by bucket (a counting sort, so each bucket's points are one
// contiguous run), then every bucket is summed as a binary tree: in round r the point at
// run offset 2^(r+1) k absorbs the one at 2^(r+1) k + 2^r. All additions of a round, over
// all buckets, are independent, so their denominators share one field inversion
// (Montgomery's trick, "Speeding the Pollard and elliptic curve methods of factorization",
// Math. Comp. 1987): an affine addition P + Q = (l^2 - x_P - x_Q, l (x_P - x_3) - y_P),
// l = (y_Q - y_P) / (x_Q - x_P), then costs about 6 multiplications instead of the 11 of a
// mixed Jacobian addition, and a window costs a handful of inversions (one a round, about
// log2 of the largest bucket), whatever the bucket count. The same sorting-then-batching
// idea is widely used by GPU and CPU MSM implementations; this code is our own.
// Infinity is (0, 0), as in the .zkey files (not on the curve since b != 0).
#pragma once
#include <cstdint>
#include <vector>
#include "curve.hpp"

template <class F>
class BucketSummer {
 public:
  // The points of each bucket, contiguous: bucket b's run is points[start[b], start[b+1]).
  std::vector<Affine<F>> points;
  std::vector<uint32_t> start;

  // Sizes the buckets' runs from their counts (count[b] points for bucket b).
  void layout(const std::vector<uint32_t>& count) {
    const size_t nb = count.size();
    start.resize(nb + 1);
    uint32_t s = 0;
    for (size_t b = 0; b < nb; b++) {
      start[b] = s;
      s += count[b];
    }
    start[nb] = s;
    points.resize(s);
  }

  // Sums every run in place: afterwards points[start[b]] is bucket b's sum (for a non-empty run).
  void sum() {
    const size_t nb = start.size() - 1;
    uint32_t longest = 0;
    for (size_t b = 0; b < nb; b++) longest = run(b) > longest ? run(b) : longest;
    for (uint32_t half = 1; half < longest; half <<= 1) {
      jobs_.clear();
      for (size_t b = 0; b < nb; b++) {
        const uint32_t s = start[b], len = run(b);
        for (uint32_t k = 0; k + half < len; k += 2 * half) jobs_.push_back(s + k);
      }
      add_batch(half);
    }
  }

  bool run_empty(size_t b) const { return start[b] == start[b + 1]; }

 private:
  uint32_t run(size_t b) const { return start[b + 1] - start[b]; }

  // points[j] += points[j + half] for every j in jobs_, with one inversion.
  void add_batch(uint32_t half) {
    const size_t n = jobs_.size();
    if (denoms_.size() < n) {
      denoms_.resize(n);
      prefix_.resize(n);
    }
    // Denominators: x_Q - x_P, or 2 y for a doubling; 1 where no division is needed
    // (an operand at infinity, or P + (-P)).
    F acc = F::one();
    for (size_t k = 0; k < n; k++) {
      const Affine<F>& p = points[jobs_[k]];
      const Affine<F>& q = points[jobs_[k] + half];
      F d;
      if (p.x != q.x) d = q.x - p.x;
      else if (p.y == q.y && !p.y.is_zero()) d = F::dbl(p.y);
      else d = F::one();
      denoms_[k] = d;
      prefix_[k] = acc;
      acc = acc * d;
    }
    F inv = F::inv(acc);
    for (size_t k = n; k-- > 0;) {
      F dinv = inv * prefix_[k];  // 1 / d_k
      inv = inv * denoms_[k];     // 1 / (d_0 ... d_{k-1})
      Affine<F>& p = points[jobs_[k]];
      const Affine<F>& q = points[jobs_[k] + half];
      if (q.is_inf()) continue;
      if (p.is_inf()) {
        p = q;
        continue;
      }
      F lambda;
      if (p.x != q.x) lambda = (q.y - p.y) * dinv;
      else if (p.y == q.y && !p.y.is_zero()) {
        F xx = F::sqr(p.x);
        lambda = (xx + F::dbl(xx)) * dinv;  // 3 x^2 / 2 y (a = 0)
      } else {
        p = Affine<F>::inf();  // P + (-P)
        continue;
      }
      F x3 = F::sqr(lambda) - p.x - q.x;
      F y3 = lambda * (p.x - x3) - p.y;
      p = Affine<F>{x3, y3};
    }
  }

  std::vector<uint32_t> jobs_;
  std::vector<F> denoms_, prefix_;
};
