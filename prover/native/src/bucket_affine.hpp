// Bucket accumulation in affine coordinates with batched inversions: the additions of one
// window are done as affine additions P + Q = (l^2 - x_P - x_Q, l (x_P - x_3) - y_P) with
// l = (y_Q - y_P) / (x_Q - x_P), and the inverses of a whole batch of denominators cost one
// field inversion plus three multiplications each (Montgomery's trick, "Speeding the Pollard
// and elliptic curve methods of factorization", Math. Comp. 1987). About 6 multiplications
// an addition instead of 11 for a mixed Jacobian one. A bucket may be in a batch only once: a
// point whose bucket is taken goes into the bucket's Jacobian spill instead (a mixed
// addition), so a bucket that many points share (the top window's few digits, a witness's
// many equal small values) costs no more than a Jacobian bucket would, never a queue of retries.
#pragma once
#include <cstdint>
#include <vector>
#include "curve.hpp"

template <class F>
class AffineBuckets {
 public:
  struct Bucket {
    Affine<F> p;
    bool inf;
  };

  AffineBuckets(size_t n_buckets, size_t batch) : buckets_(n_buckets), spill_(n_buckets), busy_(n_buckets, 0), batch_(batch) {
    slots_.reserve(batch);
    points_.reserve(batch);
    denoms_.resize(batch);
    prefix_.resize(batch);
  }

  void reset() {
    for (auto& b : buckets_) b.inf = true;
    for (auto& j : spill_) j = Jacobian<F>::inf();
  }

  // bucket[slot] += p (p not at infinity).
  void add(size_t slot, const Affine<F>& p) {
    Bucket& b = buckets_[slot];
    if (busy_[slot]) {
      spill_[slot] = Jacobian<F>::madd(spill_[slot], p);
      return;
    }
    if (b.inf) {  // the first point of a bucket is just stored
      b.p = p;
      b.inf = false;
      return;
    }
    busy_[slot] = 1;
    slots_.push_back((uint32_t)slot);
    points_.push_back(p);
    if (slots_.size() == batch_) flush();
  }

  // Completes every pending addition.
  void finish() { flush(); }

  // A bucket's sum is its affine part plus its spill.
  const std::vector<Bucket>& buckets() const { return buckets_; }
  const std::vector<Jacobian<F>>& spills() const { return spill_; }

 private:
  void flush() {
    const size_t n = slots_.size();
    if (n == 0) return;
    // Denominators: x_Q - x_P, or 2 y for a doubling, or 1 for P + (-P) (result infinity).
    F acc = F::one();
    for (size_t k = 0; k < n; k++) {
      const Affine<F>& b = buckets_[slots_[k]].p;
      const Affine<F>& q = points_[k];
      F d;
      if (b.x != q.x) d = q.x - b.x;
      else if (b.y == q.y && !b.y.is_zero()) d = F::dbl(b.y);
      else d = F::one();
      denoms_[k] = d;
      prefix_[k] = acc;
      acc = acc * d;
    }
    F inv = F::inv(acc);
    for (size_t k = n; k-- > 0;) {
      F dinv = inv * prefix_[k];  // 1 / d_k
      inv = inv * denoms_[k];     // 1 / (d_0 ... d_{k-1})
      Bucket& bk = buckets_[slots_[k]];
      const Affine<F>& q = points_[k];
      F lambda;
      if (bk.p.x != q.x) lambda = (q.y - bk.p.y) * dinv;
      else if (bk.p.y == q.y && !bk.p.y.is_zero()) {
        F xx = F::sqr(bk.p.x);
        lambda = (xx + F::dbl(xx)) * dinv;  // 3 x^2 / 2 y (a = 0)
      } else {
        bk.inf = true;
        busy_[slots_[k]] = 0;
        continue;
      }
      F x3 = F::sqr(lambda) - bk.p.x - q.x;
      F y3 = lambda * (bk.p.x - x3) - bk.p.y;
      bk.p = Affine<F>{x3, y3};
      busy_[slots_[k]] = 0;
    }
    slots_.clear();
    points_.clear();
  }

  std::vector<Bucket> buckets_;
  std::vector<Jacobian<F>> spill_;
  std::vector<uint8_t> busy_;
  size_t batch_;
  std::vector<uint32_t> slots_;
  std::vector<Affine<F>> points_;
  std::vector<F> denoms_, prefix_;
};
