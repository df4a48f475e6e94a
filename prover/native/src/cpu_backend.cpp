// The CPU implementation of Backend: Pippenger MSMs and NTTs on a fixed number of threads.
#include <thread>
#include <vector>
#include "backend.hpp"
#include "msm.hpp"
#include "ntt.hpp"

namespace {

class CpuBackend : public Backend {
 public:
  explicit CpuBackend(int threads) : threads_(threads < 1 ? 1 : threads) {}
  G1J msm_g1(const uint8_t* bases, const ScalarSet& s) override { return msm_pippenger<Fq>(bases, s, threads_); }
  G2J msm_g2(const uint8_t* bases, const ScalarSet& s) override { return msm_pippenger<Fq2>(bases, s, threads_); }
  void ntt(Fr* data, int log_n, bool inverse) override { ntt_inplace(data, log_n, inverse, threads_); }
  void scale_by_powers(Fr* data, size_t n, const Fr& g) override {
    // Each thread starts its range at g^lo.
    int t = n < 4096 ? 1 : threads_;
    size_t step = (n + t - 1) / t;
    std::vector<std::thread> pool;
    auto run = [&](size_t lo, size_t hi) {
      Limbs e{{lo, 0, 0, 0}};
      Fr p = Fr::pow(g, e);
      for (size_t i = lo; i < hi; i++) {
        data[i] = data[i] * p;
        p = p * g;
      }
    };
    for (int i = 1; i < t; i++) {
      size_t lo = i * step, hi = lo + step < n ? lo + step : n;
      if (lo < hi) pool.emplace_back(run, lo, hi);
    }
    run(0, step < n ? step : n);
    for (auto& th : pool) th.join();
  }

 private:
  int threads_;
};

}  // namespace

Backend* cpu_backend(int threads) { return new CpuBackend(threads); }
