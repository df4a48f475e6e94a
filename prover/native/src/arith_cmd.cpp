#include "arith_cmd.hpp"
#include <chrono>
#include <stdexcept>
#include "msm.hpp"
#include "ntt.hpp"
#include "text.hpp"

namespace {

struct Args {
  const std::vector<std::string>& a;
  size_t pos = 1;
  Limbs next() {
    if (pos >= a.size()) throw std::runtime_error(a[0] + ": too few arguments");
    return parse_hex(a[pos++]);
  }
  void done() const {
    if (pos != a.size()) throw std::runtime_error(a[0] + ": too many arguments");
  }
};

template <class M>
Fp<M> fe(Args& in) {
  Limbs v = in.next();
  if (limbs::geq(v, M::p)) throw std::runtime_error("field element not below the modulus");
  return Fp<M>::from_std(v);
}
Fq2 fe2(Args& in) {
  Fq c0 = fe<FqModulus>(in);
  Fq c1 = fe<FqModulus>(in);
  return Fq2{c0, c1};
}
std::string hx(const Fq& x) { return to_hex(x.to_std()); }
std::string hx(const Fr& x) { return to_hex(x.to_std()); }

// Affine input, "0 0" for infinity; Jacobian via Z = 1.
G1J g1(Args& in) {
  Fq x = fe<FqModulus>(in), y = fe<FqModulus>(in);
  return G1J::from_affine(G1A{x, y});
}
G2J g2(Args& in) {
  Fq2 x = fe2(in), y = fe2(in);
  return G2J::from_affine(G2A{x, y});
}
std::vector<std::string> out1(const G1J& p) {
  G1A a = p.to_affine();
  return {hx(a.x), hx(a.y)};
}
std::vector<std::string> out2(const G2J& p) {
  G2A a = p.to_affine();
  return {hx(a.x.c0), hx(a.x.c1), hx(a.y.c0), hx(a.y.c1)};
}

template <class F, class Read>
Jacobian<F> msm(Args& in, Read read) {
  int threads = (int)in.next().v[0];
  std::vector<Affine<F>> bases;
  std::vector<Limbs> scalars;
  while (in.pos < in.a.size()) {
    bases.push_back(read(in).to_affine());
    Limbs k = in.next();
    if (limbs::geq(k, FrModulus::p)) throw std::runtime_error("scalar not below r");
    scalars.push_back(k);
  }
  ScalarSet s = ScalarSet::build((const uint8_t*)scalars.data(), scalars.size());
  return msm_pippenger<F>((const uint8_t*)bases.data(), s, threads);
}

double now_ns() { return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Nanoseconds per mixed addition (the MSM's bucket step) in a dependent chain, G1 then G2,
// and per Fr multiplication, each over `n` operations: the unit cost the benchmark
// multiplies by the number of MSM terms to get the prover's physical floor.
std::vector<std::string> bench_additions(Args& in) {
  size_t n = (size_t)in.next().v[0];
  if (n == 0) n = 1;
  G1A g1{Fq::from_u64(1), Fq::from_u64(2)};
  G1J a1 = G1J::dbl(G1J::from_affine(g1));
  double t0 = now_ns();
  for (size_t i = 0; i < n; i++) a1 = G1J::madd(a1, g1);
  double t1 = now_ns();
  // The G2 generator of EIP-197.
  G2A g2{Fq2{Fq::from_std(parse_hex("1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed")), Fq::from_std(parse_hex("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"))},
           Fq2{Fq::from_std(parse_hex("12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")), Fq::from_std(parse_hex("090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"))}};
  G2J a2 = G2J::dbl(G2J::from_affine(g2));
  double t2 = now_ns();
  for (size_t i = 0; i < n; i++) a2 = G2J::madd(a2, g2);
  double t3 = now_ns();
  Fr x = Fr::from_u64(7);
  for (size_t i = 0; i < n; i++) x = x * x;
  double t4 = now_ns();
  // Use the results so the loops are not optimized away.
  volatile bool sink = a1.is_inf() || a2.is_inf() || x.is_zero();
  (void)sink;
  auto ns = [](double v) { return to_hex(Limbs{{(u64)(v * 1000), 0, 0, 0}}); };  // picoseconds
  return {ns((t1 - t0) / n), ns((t3 - t2) / n), ns((t4 - t3) / n)};
}

}  // namespace

std::vector<std::string> arith_command(const std::vector<std::string>& args) {
  if (args.empty()) throw std::runtime_error("arith: no operation");
  const std::string& op = args[0];
  Args in{args};
  std::vector<std::string> res;
  if (op == "fq_add") { Fq a = fe<FqModulus>(in), b = fe<FqModulus>(in); res = {hx(a + b)}; }
  else if (op == "fq_sub") { Fq a = fe<FqModulus>(in), b = fe<FqModulus>(in); res = {hx(a - b)}; }
  else if (op == "fq_mul") { Fq a = fe<FqModulus>(in), b = fe<FqModulus>(in); res = {hx(a * b)}; }
  else if (op == "fq_sqr") { res = {hx(Fq::sqr(fe<FqModulus>(in)))}; }
  else if (op == "fr_sqr") { res = {hx(Fr::sqr(fe<FrModulus>(in)))}; }
  else if (op == "fq_neg") { res = {hx(Fq::neg(fe<FqModulus>(in)))}; }
  else if (op == "fq_inv") { res = {hx(Fq::inv(fe<FqModulus>(in)))}; }
  else if (op == "fr_add") { Fr a = fe<FrModulus>(in), b = fe<FrModulus>(in); res = {hx(a + b)}; }
  else if (op == "fr_sub") { Fr a = fe<FrModulus>(in), b = fe<FrModulus>(in); res = {hx(a - b)}; }
  else if (op == "fr_mul") { Fr a = fe<FrModulus>(in), b = fe<FrModulus>(in); res = {hx(a * b)}; }
  else if (op == "fr_inv") { res = {hx(Fr::inv(fe<FrModulus>(in)))}; }
  else if (op == "fr_root") { res = {hx(root_of_unity((int)in.next().v[0]))}; }
  else if (op == "fq2_mul") { Fq2 a = fe2(in), b = fe2(in); Fq2 c = a * b; res = {hx(c.c0), hx(c.c1)}; }
  else if (op == "fq2_sqr") { Fq2 c = Fq2::sqr(fe2(in)); res = {hx(c.c0), hx(c.c1)}; }
  else if (op == "fq2_inv") { Fq2 c = Fq2::inv(fe2(in)); res = {hx(c.c0), hx(c.c1)}; }
  else if (op == "g1_add") { G1J p = g1(in), q = g1(in); res = out1(G1J::add(p, q)); }
  else if (op == "g1_madd") { G1J p = g1(in), q = g1(in); res = out1(G1J::madd(p, q.to_affine())); }
  else if (op == "g1_dbl") { res = out1(G1J::dbl(g1(in))); }
  else if (op == "g1_mul") { G1J p = g1(in); Limbs k = in.next(); res = out1(G1J::mul(p, k)); }
  else if (op == "g2_add") { G2J p = g2(in), q = g2(in); res = out2(G2J::add(p, q)); }
  else if (op == "g2_madd") { G2J p = g2(in), q = g2(in); res = out2(G2J::madd(p, q.to_affine())); }
  else if (op == "g2_dbl") { res = out2(G2J::dbl(g2(in))); }
  else if (op == "g2_mul") { G2J p = g2(in); Limbs k = in.next(); res = out2(G2J::mul(p, k)); }
  else if (op == "bench_add") { res = bench_additions(in); }
  else if (op == "g1_msm") { res = out1(msm<Fq>(in, g1)); }
  else if (op == "g2_msm") { res = out2(msm<Fq2>(in, g2)); }
  else throw std::runtime_error("arith: unknown operation " + op);
  in.done();
  return res;
}
