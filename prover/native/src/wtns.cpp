#include "wtns.hpp"
#include <cstring>
#include "field.hpp"

std::unique_ptr<Wtns> Wtns::load(const std::string& path) {
  auto w = std::make_unique<Wtns>();
  w->file = std::make_unique<MappedBinFile>(path, "wtns");
  if (w->file->version() != 2) throw std::runtime_error(path + ": wtns version " + std::to_string(w->file->version()) + ", expected 2");
  Section h = w->file->section(1);
  if (h.size != 40 || read_u32(h.data) != 32 || memcmp(h.data + 4, &FrModulus::p, 32) != 0) throw std::runtime_error(path + ": not a BN254 witness");
  w->n_witness = read_u32(h.data + 36);
  Section v = w->file->section(2);
  if (v.size != (uint64_t)w->n_witness * 32) throw std::runtime_error(path + ": witness section size does not match its header");
  w->values = v.data;
  return w;
}
