#include "scalars.hpp"
#include <cstring>

ScalarSet ScalarSet::build(const uint8_t* data, size_t n) {
  ScalarSet s;
  s.n = n;
  Limbs half{};  // (r - 1) / 2
  for (int i = 0; i < 4; i++) half.v[i] = (FrModulus::p.v[i] >> 1) | (i < 3 ? FrModulus::p.v[i + 1] << 63 : 0);
  Limbs minus1{};
  limbs::sub(minus1, FrModulus::p, Limbs{{1, 0, 0, 0}});
  for (size_t i = 0; i < n; i++) {
    Limbs v;
    memcpy(&v, data + 32 * i, 32);
    if (limbs::is_zero(v)) continue;
    if (v.v[0] == 1 && (v.v[1] | v.v[2] | v.v[3]) == 0) {
      s.plus_one.push_back((uint32_t)i);
      continue;
    }
    if (memcmp(&v, &minus1, 32) == 0) {
      s.minus_one.push_back((uint32_t)i);
      continue;
    }
    uint8_t negated = 0;
    // v > half, i.e. not (half >= v)
    if (!limbs::geq(half, v)) {
      limbs::sub(v, FrModulus::p, v);
      negated = 1;
    }
    s.idx.push_back((uint32_t)i);
    s.mag.push_back(v);
    s.neg.push_back(negated);
    int b = limbs::bit_length(v);
    s.bits_histogram[b]++;
    if (b > s.max_bits) s.max_bits = b;
  }
  return s;
}

ScalarSet ScalarSet::restricted(const std::vector<uint8_t>& live) const {
  ScalarSet s;
  s.n = n;
  for (uint32_t i : plus_one)
    if (live[i]) s.plus_one.push_back(i);
  for (uint32_t i : minus_one)
    if (live[i]) s.minus_one.push_back(i);
  for (size_t k = 0; k < idx.size(); k++) {
    if (!live[idx[k]]) continue;
    s.idx.push_back(idx[k]);
    s.mag.push_back(mag[k]);
    s.neg.push_back(neg[k]);
    int b = limbs::bit_length(mag[k]);
    s.bits_histogram[b]++;
    if (b > s.max_bits) s.max_bits = b;
  }
  return s;
}

ScalarStats scalar_stats(const ScalarSet& s) {
  ScalarStats st{};
  st.ones = s.plus_one.size() + s.minus_one.size();
  st.negatives = s.minus_one.size();
  st.zeros = s.n - st.ones - s.idx.size();
  for (size_t i = 0; i < s.idx.size(); i++) {
    if (s.neg[i]) st.negatives++;
  }
  for (int b = 0; b <= 256; b++) {
    size_t c = (size_t)s.bits_histogram[b];
    if (b <= 8) st.small8 += c;
    else if (b <= 16) st.small16 += c;
    else if (b <= 32) st.small32 += c;
    else if (b <= 64) st.small64 += c;
    else st.full += c;
  }
  return st;
}
