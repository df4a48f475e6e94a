// An iden3 witness file (.wtns v2, as snarkjs 0.7 reads it in src/wtns_utils.js): section 1
// n8 = 32, the prime r, nWitness; section 2 the values, 32 bytes little-endian standard form.
#pragma once
#include <memory>
#include <string>
#include "binfile.hpp"

struct Wtns {
  std::unique_ptr<MappedBinFile> file;
  uint32_t n_witness = 0;
  const uint8_t* values = nullptr;

  static std::unique_ptr<Wtns> load(const std::string& path);
};
