// A snarkjs Groth16 proving key (.zkey), as snarkjs 0.7 writes it (src/zkey_utils.js):
// section 1 protocol (1 = Groth16); 2 the header: n8q, q, n8r, r, nVars, nPublic, domainSize,
// alpha1, beta1, beta2, gamma2, delta1, delta2; 3 IC; 4 the A and B matrix coefficients
// (u32 count, then per entry u32 matrix, u32 constraint, u32 signal, 32-byte value stored as
// c * R^2 mod r, so one Montgomery product with a standard-form witness value yields the
// Montgomery form of c * w); 5 A, 6 B1 (G1), 7 B2 (G2) per wire; 8 C per private wire;
// 9 H per domain row. Points affine, Montgomery, little-endian.
// Our sections 11-13, only in keys of circuits with a BSB22 commitment (docs/proof-format.md,
// prover/src/snark/zkey-commitment.ts): 11 u32 count (1), u32 challenge wire, u32 n, n u32
// committed wires; 12 P_j and 13 sigma*P_j (n G1 points each). 14-15 are the setup's.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "binfile.hpp"
#include "curve.hpp"

struct Zkey {
  std::unique_ptr<MappedBinFile> file;
  uint32_t n_vars = 0, n_public = 0, domain_size = 0;
  int log_domain = 0;
  G1A alpha1, beta1, delta1;
  G2A beta2, gamma2, delta2;
  Section coefs, a, b1, b2, c, h;
  uint32_t n_coefs = 0;
  // Per wire, 1 where the section's point is not the point at infinity (a wire with no entry in
  // that matrix: e.g. a LogUp inverse is in A only). The prover leaves the others out of each
  // MSM: a full-width scalar on an infinity base would still cost its windows (zkey.cpp).
  std::vector<uint8_t> a_live, b1_live, b2_live, c_live;
  // BSB22 commitment (empty `committed` without one).
  std::vector<uint32_t> committed;
  Section commit_p, commit_sigma_p;

  static std::unique_ptr<Zkey> load(const std::string& path);
  // Fills the *_live masks (one pass over A, B1, B2, C): the prover's key cache does it once
  // per key; `commit` never reads those sections, and skipping the pass halves its time.
  void mark_live_bases();
};
