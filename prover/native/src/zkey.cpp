#include "zkey.hpp"
#include <cstring>

namespace {

bool equals_modulus(const uint8_t* p, const Limbs& m) { return memcmp(p, &m, 32) == 0; }

void expect_size(const std::string& path, const char* what, const Section& s, uint64_t size) {
  if (s.size != size) throw std::runtime_error(path + ": " + what + " section has " + std::to_string(s.size) + " bytes, expected " + std::to_string(size));
}

// 1 per point of `s` (n points of `stride` bytes) that is not all zero bytes (snarkjs writes the
// point at infinity as zeros in affine LEM form).
std::vector<uint8_t> live_points(const Section& s, size_t n, size_t stride) {
  std::vector<uint8_t> live(n, 0);
  for (size_t i = 0; i < n; i++) {
    const uint8_t* p = s.data + i * stride;
    for (size_t k = 0; k < stride; k++) {
      if (p[k]) {
        live[i] = 1;
        break;
      }
    }
  }
  return live;
}

}  // namespace

std::unique_ptr<Zkey> Zkey::load(const std::string& path) {
  auto z = std::make_unique<Zkey>();
  z->file = std::make_unique<MappedBinFile>(path, "zkey");
  const MappedBinFile& f = *z->file;
  Section proto = f.section(1);
  if (proto.size < 4 || read_u32(proto.data) != 1) throw std::runtime_error(path + ": not a Groth16 proving key");
  Section hdr = f.section(2);
  // n8q q n8r r nVars nPublic domainSize alpha1 beta1 beta2 gamma2 delta1 delta2
  const uint64_t expected = 4 + 32 + 4 + 32 + 12 + 64 * 2 + 128 * 2 + 64 + 128;
  expect_size(path, "header", hdr, expected);
  const uint8_t* p = hdr.data;
  if (read_u32(p) != 32 || !equals_modulus(p + 4, FqModulus::p) || read_u32(p + 36) != 32 || !equals_modulus(p + 40, FrModulus::p)) {
    throw std::runtime_error(path + ": not a BN254 (bn128) key");
  }
  p += 72;
  z->n_vars = read_u32(p);
  z->n_public = read_u32(p + 4);
  z->domain_size = read_u32(p + 8);
  p += 12;
  if (z->domain_size == 0 || (z->domain_size & (z->domain_size - 1))) throw std::runtime_error(path + ": domain size is not a power of two");
  while ((1u << z->log_domain) < z->domain_size) z->log_domain++;
  if (z->log_domain >= 28) throw std::runtime_error(path + ": domain of 2^28 or more rows is not supported");
  if (z->n_public + 1 > z->n_vars) throw std::runtime_error(path + ": more public inputs than wires");
  memcpy(&z->alpha1, p, 64);
  memcpy(&z->beta1, p + 64, 64);
  memcpy(&z->beta2, p + 128, 128);
  memcpy(&z->gamma2, p + 256, 128);
  memcpy(&z->delta1, p + 384, 64);
  memcpy(&z->delta2, p + 448, 128);
  z->coefs = f.section(4);
  if (z->coefs.size < 4) throw std::runtime_error(path + ": coefficient section too short");
  z->n_coefs = read_u32(z->coefs.data);
  expect_size(path, "coefficient", z->coefs, 4 + (uint64_t)z->n_coefs * 44);
  z->a = f.section(5);
  z->b1 = f.section(6);
  z->b2 = f.section(7);
  z->c = f.section(8);
  z->h = f.section(9);
  expect_size(path, "A", z->a, (uint64_t)z->n_vars * 64);
  expect_size(path, "B1", z->b1, (uint64_t)z->n_vars * 64);
  expect_size(path, "B2", z->b2, (uint64_t)z->n_vars * 128);
  expect_size(path, "C", z->c, (uint64_t)(z->n_vars - z->n_public - 1) * 64);
  expect_size(path, "H", z->h, (uint64_t)z->domain_size * 64);
  // Each coefficient entry's matrix, row and wire must lie inside the key.
  const uint8_t* e = z->coefs.data + 4;
  for (uint32_t i = 0; i < z->n_coefs; i++, e += 44) {
    if (read_u32(e) > 1 || read_u32(e + 4) >= z->domain_size || read_u32(e + 8) >= z->n_vars) {
      throw std::runtime_error(path + ": coefficient " + std::to_string(i) + " out of range");
    }
  }
  if (f.has(11)) {
    Section w = f.section(11);
    if (w.size < 12 || read_u32(w.data) != 1) throw std::runtime_error(path + ": section 11 must hold exactly one commitment");
    uint32_t n = read_u32(w.data + 8);
    expect_size(path, "committed wires", w, 12 + 4 * (uint64_t)n);
    if (n == 0) throw std::runtime_error(path + ": a commitment to no wire");
    for (uint32_t k = 0; k < n; k++) {
      uint32_t j = read_u32(w.data + 12 + 4 * k);
      if (j <= z->n_public || j >= z->n_vars || (k > 0 && j <= z->committed.back())) throw std::runtime_error(path + ": committed wires must be private and increasing");
      z->committed.push_back(j);
    }
    z->commit_p = f.section(12);
    z->commit_sigma_p = f.section(13);
    expect_size(path, "commitment P", z->commit_p, (uint64_t)n * 64);
    expect_size(path, "commitment sigma P", z->commit_sigma_p, (uint64_t)n * 64);
  }
  return z;
}

void Zkey::mark_live_bases() {
  a_live = live_points(a, n_vars, 64);
  b1_live = live_points(b1, n_vars, 64);
  b2_live = live_points(b2, n_vars, 128);
  c_live = live_points(c, n_vars - n_public - 1, 64);
}
