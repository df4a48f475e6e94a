#include "text.hpp"
#include <algorithm>
#include <stdexcept>

std::string to_decimal(const Limbs& v) {
  Limbs x = v;
  std::string out;
  const u64 base = 10000000000000000000ull;  // 10^19 < 2^64
  while (!limbs::is_zero(x)) {
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
      u128 cur = (rem << 64) | x.v[i];
      x.v[i] = (u64)(cur / base);
      rem = cur % base;
    }
    u64 chunk = (u64)rem;
    for (int d = 0; d < 19; d++) {
      out.push_back((char)('0' + chunk % 10));
      chunk /= 10;
    }
  }
  while (out.size() > 1 && out.back() == '0') out.pop_back();
  if (out.empty()) out = "0";
  std::reverse(out.begin(), out.end());
  return out;
}

Limbs parse_decimal(const std::string& s) {
  if (s.empty() || s.size() > 78) throw std::runtime_error("not a decimal number: '" + s + "'");
  Limbs x{{0, 0, 0, 0}};
  for (char ch : s) {
    if (ch < '0' || ch > '9') throw std::runtime_error("not a decimal number: '" + s + "'");
    u128 carry = (u64)(ch - '0');
    for (int i = 0; i < 4; i++) {
      u128 cur = (u128)x.v[i] * 10 + carry;
      x.v[i] = (u64)cur;
      carry = cur >> 64;
    }
    if (carry) throw std::runtime_error("decimal number too large: '" + s + "'");
  }
  return x;
}

std::string to_hex(const Limbs& v) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 3; i >= 0; i--) {
    for (int k = 60; k >= 0; k -= 4) out.push_back(digits[(v.v[i] >> k) & 15]);
  }
  size_t nz = out.find_first_not_of('0');
  return nz == std::string::npos ? "0" : out.substr(nz);
}

Limbs parse_hex(const std::string& s) {
  if (s.empty() || s.size() > 64) throw std::runtime_error("not a hex number: '" + s + "'");
  Limbs x{{0, 0, 0, 0}};
  int pos = 0;
  for (size_t k = s.size(); k-- > 0; pos += 4) {
    char ch = s[k];
    u64 d;
    if (ch >= '0' && ch <= '9') d = (u64)(ch - '0');
    else if (ch >= 'a' && ch <= 'f') d = (u64)(ch - 'a' + 10);
    else if (ch >= 'A' && ch <= 'F') d = (u64)(ch - 'A' + 10);
    else throw std::runtime_error("not a hex number: '" + s + "'");
    x.v[pos >> 6] |= d << (pos & 63);
  }
  return x;
}
