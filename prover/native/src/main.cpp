// zkinfer-prover: the native Groth16 prover as a long-running process driven over pipes by
// zkinfer's proving workers (prover/src/snark/native.ts). One request per line on stdin,
// tab-separated, one JSON reply per line on stdout:
//   prove <zkey> <wtns path | -> <bytes> <r | -> <s | ->   ("-" witness: <bytes> raw witness
//         bytes follow the line, nVars values of 32 bytes little-endian; "-" r/s: random)
//   arith <op> <hex args...>                               (tests, see arith_cmd.cpp)
//   exit
// Usage: zkinfer-prover serve [--threads N]; `zkinfer-prover setup [--threads N]` serves the
// phase-2 setup's point arithmetic instead (binary frames, setup_cmd.cpp);
// `zkinfer-prover commit <zkey> [--threads N]` computes one BSB22 commitment D (commit_cmd.cpp). The proving key stays mapped between requests
// (the last eight keys, KeyCache), since position chunks prove with the same key many times.
#include <fcntl.h>
#include <chrono>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <list>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include "arith_cmd.hpp"
#include "commit_cmd.hpp"
#include "groth16.hpp"
#include "setup_cmd.hpp"
#include "text.hpp"
#include "wtns.hpp"

namespace {

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\', o += ch;
    else if ((unsigned char)ch < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", ch);
      o += buf;
    } else o += ch;
  }
  return o + "\"";
}
std::string dec(const Fq& x) { return json_string(to_decimal(x.to_std())); }

std::string proof_json(const Groth16Proof& p) {
  std::ostringstream o;
  o << "{\"pi_a\":[" << dec(p.a.x) << "," << dec(p.a.y) << ",\"1\"],";
  o << "\"pi_b\":[[" << dec(p.b.x.c0) << "," << dec(p.b.x.c1) << "],[" << dec(p.b.y.c0) << "," << dec(p.b.y.c1) << "],[\"1\",\"0\"]],";
  o << "\"pi_c\":[" << dec(p.c.x) << "," << dec(p.c.y) << ",\"1\"],\"protocol\":\"groth16\",\"curve\":\"bn128\"";
  if (p.has_commitment) {
    o << ",\"commitment\":[" << dec(p.d.x) << "," << dec(p.d.y) << ",\"1\"],\"commitmentPok\":[" << dec(p.pok.x) << "," << dec(p.pok.y) << ",\"1\"]";
  }
  o << "}";
  return o.str();
}

Limbs random_scalar() {
  static FILE* urandom = fopen("/dev/urandom", "rb");
  if (!urandom) throw std::runtime_error("cannot open /dev/urandom");
  for (;;) {
    Limbs v;
    if (fread(&v, 32, 1, urandom) != 1) throw std::runtime_error("cannot read /dev/urandom");
    v.v[3] &= (1ull << 62) - 1;  // 254 bits, then rejection below r
    if (!limbs::geq(v, FrModulus::p)) return v;
  }
}

// The last eight keys, identified by path, inode, size and modification time (a recompiled key
// is reloaded). A key is a memory-mapped file (the page cache's pages, nothing copied), so
// holding several costs address space, not memory. Eight, not two: a position layout's worker
// cycles through all its chunk kinds every position (stories260K: four), and with room for two
// an LRU cache reloaded the key of every proof.
class KeyCache {
 public:
  const Zkey& get(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": " + strerror(errno));
    std::string id = path + "|" + std::to_string(st.st_ino) + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    for (auto it = keys_.begin(); it != keys_.end(); ++it) {
      if (it->first == id) {
        keys_.splice(keys_.begin(), keys_, it);
        return *keys_.front().second;
      }
    }
    if (keys_.size() >= kCapacity) keys_.pop_back();
    std::unique_ptr<Zkey> key = Zkey::load(path);
    key->mark_live_bases();
    keys_.emplace_front(id, std::move(key));
    loads_++;
    return *keys_.front().second;
  }

  // Keys loaded (not found in the cache) so far; the reply reports it, so a client sees reloads.
  size_t loads() const { return loads_; }

 private:
  static constexpr size_t kCapacity = 8;
  std::list<std::pair<std::string, std::unique_ptr<Zkey>>> keys_;
  size_t loads_ = 0;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t t = line.find('\t', start);
    out.push_back(line.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) return out;
    start = t + 1;
  }
}

std::string stats_json(const ScalarStats& s) {
  std::ostringstream o;
  o << "{\"zeros\":" << s.zeros << ",\"ones\":" << s.ones << ",\"bits8\":" << s.small8 << ",\"bits16\":" << s.small16 << ",\"bits32\":" << s.small32
    << ",\"bits64\":" << s.small64 << ",\"full\":" << s.full << ",\"negatives\":" << s.negatives << "}";
  return o.str();
}

std::string prove_request(const std::vector<std::string>& f, KeyCache& keys, Backend& backend) {
  if (f.size() != 6) throw std::runtime_error("prove: expected 5 fields");
  size_t bytes = (size_t)std::stoull(f[3]);
  std::vector<uint8_t> inline_witness;
  if (f[2] == "-") {
    inline_witness.resize(bytes);
    if (bytes && !std::cin.read((char*)inline_witness.data(), (std::streamsize)bytes)) throw std::runtime_error("prove: witness bytes cut short");
  }
  auto k0 = std::chrono::steady_clock::now();
  const Zkey& key = keys.get(f[1]);
  double key_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - k0).count();
  std::unique_ptr<Wtns> file;
  const uint8_t* witness = inline_witness.data();
  size_t witness_bytes = inline_witness.size();
  if (f[2] != "-") {
    file = Wtns::load(f[2]);
    witness = file->values;
    witness_bytes = (size_t)file->n_witness * 32;
  }
  Limbs r = f[4] == "-" ? random_scalar() : parse_decimal(f[4]);
  Limbs s = f[5] == "-" ? random_scalar() : parse_decimal(f[5]);
  ProveTimings t;
  Groth16Proof proof = groth16_prove(key, witness, witness_bytes, r, s, backend, &t);
  std::ostringstream o;
  o << "{\"ok\":true,\"proof\":" << proof_json(proof) << ",\"publicSignals\":[";
  for (uint32_t i = 1; i <= key.n_public; i++) {
    Limbs v;
    memcpy(&v, witness + 32 * (size_t)i, 32);
    o << (i > 1 ? "," : "") << json_string(to_decimal(v));
  }
  o << "],\"timings\":{\"abc\":" << t.abc_ms << ",\"ntt\":" << t.ntt_ms << ",\"msmWires\":" << t.msm_wires_ms << ",\"msmH\":" << t.msm_h_ms << ",\"msmA\":" << t.msm_a_ms << ",\"msmB1\":" << t.msm_b1_ms << ",\"msmB2\":" << t.msm_b2_ms << ",\"msmC\":" << t.msm_c_ms << ",\"msmCommit\":" << t.msm_commit_ms << ",\"total\":" << t.total_ms << ",\"keyLoad\":" << key_ms << ",\"keysLoaded\":" << keys.loads() << "}";
  o << ",\"wireStats\":" << stats_json(scalar_stats(ScalarSet::build(witness, key.n_vars))) << "}";
  return o.str();
}

int serve(int threads) {
  std::unique_ptr<Backend> backend(cpu_backend(threads));
  KeyCache keys;
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> f = split_tabs(line);
    if (f[0] == "exit") break;
    std::string reply;
    try {
      if (f[0] == "prove") reply = prove_request(f, keys, *backend);
      else if (f[0] == "arith") {
        std::vector<std::string> res = arith_command(std::vector<std::string>(f.begin() + 1, f.end()));
        reply = "{\"ok\":true,\"result\":[";
        for (size_t i = 0; i < res.size(); i++) reply += (i ? "," : "") + json_string(res[i]);
        reply += "]}";
      } else if (f[0] == "ping") reply = "{\"ok\":true,\"threads\":" + std::to_string(threads) + "}";
      else throw std::runtime_error("unknown request " + f[0]);
    } catch (const std::exception& e) {
      reply = "{\"ok\":false,\"error\":" + json_string(e.what()) + "}";
    }
    std::cout << reply << "\n" << std::flush;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = (int)std::thread::hardware_concurrency();
  if (threads < 1) threads = 1;
  std::string mode = argc > 1 ? argv[1] : "";
  const char* zkey = nullptr;
  int first_option = 2;
  if (mode == "commit" && argc > 2) zkey = argv[2], first_option = 3;
  for (int i = first_option; i < argc; i++) {
    if (std::string(argv[i]) == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else {
      std::cerr << "zkinfer-prover: unknown argument " << argv[i] << "\n";
      return 2;
    }
  }
  if ((mode != "serve" && mode != "setup" && !(mode == "commit" && zkey)) || threads < 1 || threads > 256) {
    std::cerr << "usage: zkinfer-prover serve|setup [--threads N] | commit <zkey> [--threads N]\n";
    return 2;
  }
  if (mode == "commit") return commit_main(zkey, threads);
  return mode == "setup" ? setup_serve(threads) : serve(threads);
}
