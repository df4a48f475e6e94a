// The commitment D for witness generation. A LogUp circuit's witness needs its challenge
// c = H(D, publics, keyHash) before the wires after the commitment can be computed, so the
// witness builder (TypeScript, synchronous) runs this once per chunk: the committed values
// (n x 32 bytes, little-endian standard form, in the key's wire order) on stdin, one line on
// stdout: `<x> <y>` in decimal (affine D), or `infinity`; errors on stderr with exit code 1.
// The prover computes the same D again from the whole witness (groth16.cpp); a group element
// has one affine form, so both agree whatever the MSM's internal order.
#include <unistd.h>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <vector>
#include "backend.hpp"
#include "commit_cmd.hpp"
#include "scalars.hpp"
#include "text.hpp"
#include "zkey.hpp"

namespace {

std::vector<uint8_t> read_all_stdin() {
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  for (;;) {
    ssize_t got = read(0, buf, sizeof buf);
    if (got < 0) throw std::runtime_error(std::string("reading stdin: ") + strerror(errno));
    if (got == 0) return out;
    out.insert(out.end(), buf, buf + got);
  }
}

}  // namespace

int commit_main(const char* zkey_path, int threads) {
  try {
    std::unique_ptr<Zkey> key = Zkey::load(zkey_path);
    if (key->committed.empty()) throw std::runtime_error(std::string(zkey_path) + ": the key has no commitment");
    std::vector<uint8_t> values = read_all_stdin();
    size_t n = key->committed.size();
    if (values.size() != 32 * n) {
      throw std::runtime_error("commit: " + std::to_string(values.size()) + " bytes on stdin, the key commits to " + std::to_string(n) + " wires (" + std::to_string(32 * n) + " bytes)");
    }
    for (size_t i = 0; i < n; i++) {
      Limbs v;
      memcpy(&v, values.data() + 32 * i, 32);
      if (limbs::geq(v, FrModulus::p)) throw std::runtime_error("commit: value " + std::to_string(i) + " is not below r");
    }
    std::unique_ptr<Backend> backend(cpu_backend(threads));
    ScalarSet s = ScalarSet::build(values.data(), n);
    G1J d = backend->msm_g1(key->commit_p.data, s);
    if (d.is_inf()) std::cout << "infinity\n";
    else {
      G1A a = d.to_affine();
      std::cout << to_decimal(a.x.to_std()) << " " << to_decimal(a.y.to_std()) << "\n";
    }
    std::cout.flush();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "zkinfer-prover commit: " << e.what() << "\n";
    return 1;
  }
}
