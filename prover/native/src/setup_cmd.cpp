// `zkinfer-prover setup [--threads N]`: the point arithmetic of zkinfer's phase-2 setup as a
// long-running process driven by prover/src/snark/native-setup.ts. Binary frames both ways on
// stdin/stdout (little-endian):
//   request: u32 op, u64 payload bytes, payload;   reply: u32 status (0 ok, 1 error), u64 bytes, payload
// Ops (payloads):
//   1 init:        u32 sources; per source u32 group (1 = G1, 2 = G2), u64 bytes, affine LEM points;
//                  u32 coefficients, 32 bytes |c| (little-endian) each, then one sign byte each
//   2 compose:     u32 group, u32 outputs, u32 count per output, u64 words, u32 words (2 per term:
//                  source << 30 | row, coefficient id)          -> outputs LEM points, then their U form
//   3 scale:       32 bytes k (standard form, < r), G1 LEM points -> k * each, LEM
//   4 differences: u64 n, n G1 LEM points a, n b                  -> U(a_i - b_i)
//   5 msm:         u32 group, u64 n, u32 scalar bytes s <= 32, n LEM points, n scalars (standard,
//                  < r)                                           -> sum s_i P_i, LEM (the key check's MSMs)
//   6 comb:        u32 group, one LEM point G, n scalars (32 bytes standard, < r)
//                                                                 -> k_i G as LEM points, then their U form
// The MSMs run on Backend (backend.hpp); compose, scale and differences on setup_points.hpp.
#include "setup_cmd.hpp"
#include <unistd.h>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include "backend.hpp"
#include "setup_points.hpp"

namespace {

using namespace setup;

struct Reader {
  const uint8_t* p;
  size_t left;
  const uint8_t* take(size_t n) {
    if (n > left) throw std::runtime_error("setup: request payload cut short");
    const uint8_t* q = p;
    p += n;
    left -= n;
    return q;
  }
  uint32_t u32() {
    uint32_t v;
    memcpy(&v, take(4), 4);
    return v;
  }
  uint64_t u64() {
    uint64_t v;
    memcpy(&v, take(8), 8);
    return v;
  }
};

struct Source {
  int group;
  std::vector<uint8_t> points;
};

struct State {
  std::vector<Source> sources;
  std::vector<Limbs> mag;
  std::vector<uint8_t> neg;
  std::vector<uint8_t> unit;  // |c| = 1
  bool loaded = false;
};

void init(State& st, Reader& in) {
  st = State{};
  uint32_t n = in.u32();
  for (uint32_t i = 0; i < n; i++) {
    Source s;
    s.group = (int)in.u32();
    if (s.group != 1 && s.group != 2) throw std::runtime_error("setup init: group must be 1 or 2");
    uint64_t bytes = in.u64();
    if (bytes % (s.group == 1 ? 64 : 128)) throw std::runtime_error("setup init: source size is not whole points");
    const uint8_t* p = in.take(bytes);
    s.points.assign(p, p + bytes);
    st.sources.push_back(std::move(s));
  }
  uint32_t nc = in.u32();
  const uint8_t* mags = in.take((size_t)nc * 32);
  const uint8_t* signs = in.take(nc);
  st.mag.resize(nc);
  memcpy(st.mag.data(), mags, (size_t)nc * 32);
  st.neg.assign(signs, signs + nc);
  st.unit.resize(nc);
  for (uint32_t i = 0; i < nc; i++) st.unit[i] = st.mag[i].v[0] == 1 && (st.mag[i].v[1] | st.mag[i].v[2] | st.mag[i].v[3]) == 0;
  st.loaded = true;
}

// From this many non-unit terms an output's terms go through one Pippenger MSM.
constexpr uint32_t WIDE = 32;

template <class F>
std::vector<uint8_t> compose(const State& st, Reader& in, int group, int threads) {
  using J = Jacobian<F>;
  using A = Affine<F>;
  if (!st.loaded) throw std::runtime_error("setup compose: no init");
  uint32_t n = in.u32();
  const uint8_t* cbytes = in.take((size_t)n * 4);
  std::vector<uint32_t> counts(n);
  memcpy(counts.data(), cbytes, (size_t)n * 4);
  uint64_t words = in.u64();
  const uint8_t* tbytes = in.take(words * 4);
  std::vector<uint32_t> terms(words);
  memcpy(terms.data(), tbytes, words * 4);
  std::vector<uint64_t> start(n + 1, 0);
  for (uint32_t j = 0; j < n; j++) start[j + 1] = start[j] + counts[j];
  if (2 * start[n] != words) throw std::runtime_error("setup compose: counts do not cover the terms");
  for (uint64_t t = 0; t < words; t += 2) {
    uint32_t src = terms[t] >> 30, row = terms[t] & ((1u << 30) - 1);
    if (src >= st.sources.size() || st.sources[src].group != group) throw std::runtime_error("setup compose: term from a source of another group");
    if ((size_t)row >= st.sources[src].points.size() / sizeof(A)) throw std::runtime_error("setup compose: row beyond its source");
    if (terms[t + 1] >= st.mag.size()) throw std::runtime_error("setup compose: unknown coefficient id");
  }
  const size_t affine = sizeof(A);
  std::vector<uint8_t> out(2 * (size_t)n * affine);
  uint8_t* lem = out.data();
  uint8_t* u = out.data() + (size_t)n * affine;
  // Jobs: contiguous outputs of about equal term counts, at most 4096 outputs each.
  std::vector<uint32_t> cuts{0};
  uint64_t per = start[n] / (16 * (uint64_t)(threads < 1 ? 1 : threads)) + 1;
  for (uint32_t j = 0; j < n;) {
    uint32_t first = j;
    while (j < n && j - first < 4096 && start[j] - start[first] < per) j++;
    if (j == first) j++;
    cuts.push_back(j);
  }
  parallel_jobs(cuts.size() - 1, threads, [&](size_t k) {
    uint32_t a = cuts[k], b = cuts[k + 1];
    std::vector<J> acc(b - a, J::inf());
    std::vector<A> bases;
    std::vector<Limbs> scalars;
    std::unique_ptr<Backend> single;
    for (uint32_t j = a; j < b; j++) {
      J sum = J::inf();
      bases.clear();
      scalars.clear();
      uint32_t wide = 0;
      for (uint64_t t = 2 * start[j]; t < 2 * start[j + 1]; t += 2) wide += !st.unit[terms[t + 1]];
      for (uint64_t t = 2 * start[j]; t < 2 * start[j + 1]; t += 2) {
        uint32_t src = terms[t] >> 30, row = terms[t] & ((1u << 30) - 1), id = terms[t + 1];
        const Limbs& m = st.mag[id];
        if (limbs::is_zero(m)) continue;
        A p = load<F>(st.sources[src].points.data() + (size_t)row * affine);
        if (st.neg[id]) p = negate(p);
        if (st.unit[id]) sum = J::madd(sum, p);
        else if (wide < WIDE) sum = J::add(sum, mul_short(p, m));
        else {
          bases.push_back(p);
          scalars.push_back(m);
        }
      }
      if (!bases.empty()) {
        if (!single) single.reset(cpu_backend(1));
        ScalarSet s = ScalarSet::build((const uint8_t*)scalars.data(), scalars.size());
        J m;
        if constexpr (sizeof(F) == 32) m = single->msm_g1((const uint8_t*)bases.data(), s);
        else m = single->msm_g2((const uint8_t*)bases.data(), s);
        sum = J::add(sum, m);
      }
      acc[j - a] = sum;
    }
    std::vector<A> aff(b - a);
    batch_to_affine(acc.data(), b - a, aff.data());
    for (uint32_t j = a; j < b; j++) {
      memcpy(lem + (size_t)j * affine, &aff[j - a], affine);
      to_u(u + (size_t)j * affine, aff[j - a]);
    }
  });
  return out;
}

Limbs scalar_below_r(const uint8_t* p, size_t bytes) {
  Limbs k{};
  memcpy(&k, p, bytes);
  if (limbs::geq(k, FrModulus::p)) throw std::runtime_error("setup: scalar not below r");
  return k;
}

// Ranges of about 2^12 points, each converted to affine with one inversion.
constexpr size_t BLOCK = 1 << 12;

std::vector<uint8_t> scale(Reader& in, int threads) {
  Limbs k = scalar_below_r(in.take(32), 32);
  if (in.left % 64) throw std::runtime_error("setup scale: not whole G1 points");
  size_t n = in.left / 64;
  const uint8_t* pts = in.take(in.left);
  const int w = 5;
  std::vector<int> digits = wnaf(k, w);
  std::vector<uint8_t> out(n * 64);
  parallel_jobs((n + BLOCK - 1) / BLOCK, threads, [&](size_t b) {
    size_t lo = b * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n;
    std::vector<G1J> jac(hi - lo);
    for (size_t i = lo; i < hi; i++) jac[i - lo] = mul_wnaf(load<Fq>(pts + 64 * i), digits, w);
    batch_to_affine(jac.data(), hi - lo, (G1A*)(out.data() + 64 * lo));
  });
  return out;
}

std::vector<uint8_t> differences(Reader& in, int threads) {
  uint64_t n = in.u64();
  const uint8_t* a = in.take(n * 64);
  const uint8_t* b = in.take(n * 64);
  std::vector<uint8_t> out(n * 64);
  parallel_jobs((n + BLOCK - 1) / BLOCK, threads, [&](size_t k) {
    size_t lo = k * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n;
    std::vector<G1J> jac(hi - lo);
    for (size_t i = lo; i < hi; i++) jac[i - lo] = G1J::madd(G1J::from_affine(load<Fq>(a + 64 * i)), negate(load<Fq>(b + 64 * i)));
    std::vector<G1A> aff(hi - lo);
    batch_to_affine(jac.data(), hi - lo, aff.data());
    for (size_t i = lo; i < hi; i++) to_u(out.data() + 64 * i, aff[i - lo]);
  });
  return out;
}

std::vector<uint8_t> msm(Reader& in, Backend& backend) {
  uint32_t group = in.u32();
  uint64_t n = in.u64();
  uint32_t sbytes = in.u32();
  if ((group != 1 && group != 2) || sbytes == 0 || sbytes > 32) throw std::runtime_error("setup msm: bad group or scalar size");
  size_t affine = group == 1 ? 64 : 128;
  const uint8_t* bases = in.take(n * affine);
  const uint8_t* raw = in.take(n * sbytes);
  std::vector<Limbs> scalars(n);
  for (uint64_t i = 0; i < n; i++) scalars[i] = scalar_below_r(raw + i * sbytes, sbytes);
  ScalarSet s = ScalarSet::build((const uint8_t*)scalars.data(), n);
  std::vector<uint8_t> out(affine);
  if (group == 1) {
    G1A r = backend.msm_g1(bases, s).to_affine();
    memcpy(out.data(), &r, affine);
  } else {
    G2A r = backend.msm_g2(bases, s).to_affine();
    memcpy(out.data(), &r, affine);
  }
  return out;
}

template <class F>
std::vector<uint8_t> comb(Reader& in, int threads) {
  using A = Affine<F>;
  const size_t affine = sizeof(A);
  A g = load<F>(in.take(affine));
  if (in.left % 32) throw std::runtime_error("setup comb: not whole scalars");
  size_t n = in.left / 32;
  const uint8_t* raw = in.take(in.left);
  std::vector<A> table = comb_table(g);
  std::vector<uint8_t> out(2 * n * affine);
  uint8_t* lem = out.data();
  uint8_t* u = out.data() + n * affine;
  parallel_jobs((n + BLOCK - 1) / BLOCK, threads, [&](size_t b) {
    size_t lo = b * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n;
    std::vector<Jacobian<F>> jac(hi - lo);
    for (size_t i = lo; i < hi; i++) jac[i - lo] = mul_comb(table, scalar_below_r(raw + 32 * i, 32));
    std::vector<A> aff(hi - lo);
    batch_to_affine(jac.data(), hi - lo, aff.data());
    for (size_t i = lo; i < hi; i++) {
      memcpy(lem + i * affine, &aff[i - lo], affine);
      to_u(u + i * affine, aff[i - lo]);
    }
  });
  return out;
}

bool read_all(void* buf, size_t n) {
  uint8_t* p = (uint8_t*)buf;
  while (n > 0) {
    ssize_t r = read(0, p, n);
    if (r <= 0) return false;
    p += r;
    n -= (size_t)r;
  }
  return true;
}

void write_all(const void* buf, size_t n) {
  const uint8_t* p = (const uint8_t*)buf;
  while (n > 0) {
    ssize_t r = write(1, p, n);
    if (r <= 0) throw std::runtime_error("setup: cannot write the reply");
    p += r;
    n -= (size_t)r;
  }
}

void reply(uint32_t status, const uint8_t* data, uint64_t n) {
  write_all(&status, 4);
  write_all(&n, 8);
  write_all(data, n);
}

}  // namespace

int setup_serve(int threads) {
  std::unique_ptr<Backend> backend(cpu_backend(threads));
  State st;
  for (;;) {
    uint32_t op;
    uint64_t bytes;
    if (!read_all(&op, 4) || !read_all(&bytes, 8)) return 0;
    std::vector<uint8_t> payload(bytes);
    if (!read_all(payload.data(), bytes)) return 1;
    Reader in{payload.data(), payload.size()};
    try {
      std::vector<uint8_t> out;
      if (op == 1) init(st, in);
      else if (op == 2) {
        uint32_t group = in.u32();
        if (group == 1) out = compose<Fq>(st, in, 1, threads);
        else if (group == 2) out = compose<Fq2>(st, in, 2, threads);
        else throw std::runtime_error("setup compose: group must be 1 or 2");
      } else if (op == 3) out = scale(in, threads);
      else if (op == 4) out = differences(in, threads);
      else if (op == 5) out = msm(in, *backend);
      else if (op == 6) {
        uint32_t group = in.u32();
        if (group == 1) out = comb<Fq>(in, threads);
        else if (group == 2) out = comb<Fq2>(in, threads);
        else throw std::runtime_error("setup comb: group must be 1 or 2");
      }
      else throw std::runtime_error("setup: unknown op " + std::to_string(op));
      if (in.left != 0) throw std::runtime_error("setup: request payload longer than its op reads");
      reply(0, out.data(), out.size());
    } catch (const std::exception& e) {
      std::string msg = e.what();
      reply(1, (const uint8_t*)msg.data(), msg.size());
    }
  }
}
