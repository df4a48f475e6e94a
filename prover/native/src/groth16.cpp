#include "groth16.hpp"
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <vector>
#include "ntt.hpp"

namespace {

double now_ms() { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

Fr load_fr(const uint8_t* p) {
  Fr x;
  memcpy(&x.l, p, 32);
  return x;
}

// The values of a*b - c on the coset, standard form (the H query's scalars).
std::vector<uint8_t> quotient_values(const Zkey& key, const uint8_t* witness, Backend& backend, ProveTimings& t) {
  double t0 = now_ms();
  const size_t n = key.domain_size;
  std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n);
  const uint8_t* e = key.coefs.data + 4;
  for (uint32_t i = 0; i < key.n_coefs; i++, e += 44) {
    uint32_t matrix = read_u32(e), row = read_u32(e + 4), wire = read_u32(e + 8);
    // coef is c R^2 (Montgomery of c R), the witness standard: the product is Montgomery c w.
    Fr term = load_fr(e + 12) * load_fr(witness + 32 * (size_t)wire);
    Fr& slot = matrix == 0 ? a[row] : b[row];
    slot = slot + term;
  }
  for (size_t i = 0; i < n; i++) c[i] = a[i] * b[i];
  double t1 = now_ms();
  const Fr shift = root_of_unity(key.log_domain + 1);
  for (std::vector<Fr>* v : {&a, &b, &c}) {
    backend.ntt(v->data(), key.log_domain, true);
    backend.scale_by_powers(v->data(), n, shift);
    backend.ntt(v->data(), key.log_domain, false);
  }
  std::vector<uint8_t> out(32 * n);
  for (size_t i = 0; i < n; i++) {
    Limbs h = (a[i] * b[i] - c[i]).to_std();
    memcpy(out.data() + 32 * i, &h, 32);
  }
  t.abc_ms += t1 - t0;
  t.ntt_ms += now_ms() - t1;
  return out;
}

}  // namespace

void check_witness(const uint8_t* witness, size_t n) {
  for (size_t i = 0; i < n; i++) {
    Limbs v;
    memcpy(&v, witness + 32 * i, 32);
    if (limbs::geq(v, FrModulus::p)) throw std::runtime_error("witness value " + std::to_string(i) + " is not below r");
  }
}

Groth16Proof groth16_prove(const Zkey& key, const uint8_t* witness, size_t witness_bytes, const Limbs& r, const Limbs& s, Backend& backend, ProveTimings* timings) {
  ProveTimings t;
  double t0 = now_ms();
  if (witness_bytes != (size_t)key.n_vars * 32) {
    throw std::runtime_error("witness has " + std::to_string(witness_bytes / 32) + " values, the key " + std::to_string(key.n_vars) + " wires");
  }
  if (limbs::geq(r, FrModulus::p) || limbs::geq(s, FrModulus::p)) throw std::runtime_error("randomness not below r");
  check_witness(witness, key.n_vars);
  if (key.a_live.size() != key.n_vars) throw std::runtime_error("the key's live-base masks are not marked (Zkey::mark_live_bases)");
  std::vector<uint8_t> h = quotient_values(key, witness, backend, t);

  double t1 = now_ms();
  ScalarSet wires = ScalarSet::build(witness, key.n_vars);
  const size_t first_private = (size_t)key.n_public + 1;
  // Committed wires are the commitment's (D), not C's: their scalars are zeroed in C's set (their
  // L points are the point at infinity too), and D, pi are sums over them alone.
  std::vector<uint8_t> priv_values(witness + 32 * first_private, witness + 32 * (size_t)key.n_vars);
  std::vector<uint8_t> committed_values(32 * key.committed.size());
  for (size_t k = 0; k < key.committed.size(); k++) {
    uint8_t* v = priv_values.data() + 32 * (key.committed[k] - first_private);
    memcpy(committed_values.data() + 32 * k, v, 32);
    memset(v, 0, 32);
  }
  ScalarSet priv = ScalarSet::build(priv_values.data(), key.n_vars - first_private);
  // Each MSM over the wires whose base is not at infinity (zkey.hpp *_live): the others add
  // nothing, but a full-width scalar among them would widen every window's work.
  double m0 = now_ms();
  G1J a = backend.msm_g1(key.a.data, wires.restricted(key.a_live));
  double m1 = now_ms();
  G1J b1 = backend.msm_g1(key.b1.data, wires.restricted(key.b1_live));
  double m2 = now_ms();
  G2J b2 = backend.msm_g2(key.b2.data, wires.restricted(key.b2_live));
  double m3 = now_ms();
  G1J c = backend.msm_g1(key.c.data, priv.restricted(key.c_live));
  double m4 = now_ms();
  Groth16Proof proof;
  if (!key.committed.empty()) {
    ScalarSet cs = ScalarSet::build(committed_values.data(), key.committed.size());
    proof.has_commitment = true;
    proof.d = backend.msm_g1(key.commit_p.data, cs).to_affine();
    proof.pok = backend.msm_g1(key.commit_sigma_p.data, cs).to_affine();
  }
  double t2 = now_ms();
  t.msm_a_ms = m1 - m0;
  t.msm_b1_ms = m2 - m1;
  t.msm_b2_ms = m3 - m2;
  t.msm_c_ms = m4 - m3;
  t.msm_commit_ms = t2 - m4;
  ScalarSet hs = ScalarSet::build(h.data(), key.domain_size);
  G1J hsum = backend.msm_g1(key.h.data, hs);
  double t3 = now_ms();

  const G1J delta1 = G1J::from_affine(key.delta1);
  a = G1J::add(G1J::add(a, G1J::from_affine(key.alpha1)), G1J::mul(delta1, r));
  b2 = G2J::add(G2J::add(b2, G2J::from_affine(key.beta2)), G2J::mul(G2J::from_affine(key.delta2), s));
  b1 = G1J::add(G1J::add(b1, G1J::from_affine(key.beta1)), G1J::mul(delta1, s));
  Fr rs = Fr::from_std(r) * Fr::from_std(s);
  Limbs minus_rs = Fr::neg(rs).to_std();
  c = G1J::add(c, hsum);
  c = G1J::add(c, G1J::mul(a, s));
  c = G1J::add(c, G1J::mul(b1, r));
  c = G1J::add(c, G1J::mul(delta1, minus_rs));

  t.msm_wires_ms = t2 - t1;
  t.msm_h_ms = t3 - t2;
  t.total_ms = now_ms() - t0;
  if (timings) *timings = t;
  proof.a = a.to_affine();
  proof.b = b2.to_affine();
  proof.c = c.to_affine();
  return proof;
}
