// Radix-2 number-theoretic transform over Fr (Cooley-Tukey, iterative, bit-reversed input
// permutation), natural order in and out, as ffjavascript's Fr.fft / Fr.ifft that snarkjs's
// prover and the powers-of-tau Lagrange bases use.
// Roots of unity: r - 1 = 2^28 t (t odd); with g the smallest quadratic non-residue mod r,
// g^t has order 2^28 and w_k = (g^t)^(2^(28-k)) generates the domain of size 2^k.
#pragma once
#include "field.hpp"

constexpr int FR_TWO_ADICITY = 28;

// A primitive 2^k-th root of unity (k <= 28), the one snarkjs's domains use.
Fr root_of_unity(int k);

// Transforms data[0 .. 2^log_n) in place on `threads` threads.
void ntt_inplace(Fr* data, int log_n, bool inverse, int threads);
