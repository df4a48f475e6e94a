// The heavy kernels of a Groth16 proof behind one interface, so that another implementation
// (e.g. a GPU one) can replace the CPU's without touching the prover: the G1 and G2
// multi-scalar multiplications and the number-theoretic transforms over Fr.
#pragma once
#include <cstddef>
#include "curve.hpp"
#include "scalars.hpp"

class Backend {
 public:
  virtual ~Backend() {}
  // sum_i s_i P_i over affine bases in .zkey layout (64 bytes a G1 point, 128 a G2 point).
  virtual G1J msm_g1(const uint8_t* bases, const ScalarSet& scalars) = 0;
  virtual G2J msm_g2(const uint8_t* bases, const ScalarSet& scalars) = 0;
  // In place, natural order in and out, over the 2^log_n-th roots of unity of Fr
  // (Montgomery form). inverse: evaluations -> coefficients, including the 1/n.
  virtual void ntt(Fr* data, int log_n, bool inverse) = 0;
  // data[i] *= g^i (moves a polynomial's coefficients to the coset g * domain).
  virtual void scale_by_powers(Fr* data, size_t n, const Fr& g) = 0;
};

// The multi-threaded CPU implementation.
Backend* cpu_backend(int threads);
