// A Groth16 proof (Groth, "On the Size of Pairing-based Non-interactive Arguments",
// EUROCRYPT 2016) from a snarkjs proving key and a witness, computed as snarkjs 0.7's
// groth16 prover does (src/groth16_prove.js), so its proofs verify against the same key:
//   A = alpha + sum w_i A_i + r delta                (G1)
//   B = beta  + sum w_i B_i + s delta                (G2, and in G1 for C)
//   C = sum_{private, not committed} w_i C_i + sum_j h_j H_j + s A + r B1 - r s delta
// and for a key with a BSB22 commitment (Belling-Soleimanian-Begassat, ePrint 2022/1072) over
// the committed wires J: D = sum_{j in J} w_j P_j, pi = sum_{j in J} w_j sigma P_j.
// where h are the values of (a * b - c) on the coset w_{2n} * domain: a, b are the A and B
// matrices times the witness per row, c = a * b, each interpolated (inverse NTT), shifted to
// the coset (coefficient i times w_{2n}^i) and evaluated there (NTT); the key's H points are
// made for exactly these values.
#pragma once
#include <string>
#include "backend.hpp"
#include "zkey.hpp"

struct Groth16Proof {
  G1A a;
  G2A b;
  G1A c;
  bool has_commitment = false;
  G1A d, pok;
};

struct ProveTimings {
  double abc_ms = 0, ntt_ms = 0, msm_wires_ms = 0, msm_h_ms = 0, total_ms = 0;
  // msm_wires_ms split by MSM (A, B in G1, B in G2, C, and D with pi).
  double msm_a_ms = 0, msm_b1_ms = 0, msm_b2_ms = 0, msm_c_ms = 0, msm_commit_ms = 0;
};

// `witness`: nVars field elements, 32 bytes little-endian standard form each (the .wtns
// section 2 layout). r, s: the proof's randomness, standard form (< r).
Groth16Proof groth16_prove(const Zkey& key, const uint8_t* witness, size_t witness_bytes, const Limbs& r, const Limbs& s, Backend& backend, ProveTimings* timings);

// Throws unless every value is a field element below r.
void check_witness(const uint8_t* witness, size_t n);
