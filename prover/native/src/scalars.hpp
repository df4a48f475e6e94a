// The scalars of one multi-scalar multiplication, sorted by what they cost. Our witnesses are
// mostly 0 and 1 and small signed integers (DESIGN.md "Measured engine limits": 55-67 % zeros,
// 19-31 % ones, about 6 % negatives): zeros are dropped, +-1 are plain point additions, and a
// scalar above (r-1)/2 is taken as the magnitude r - s of the negated point, so a small
// negative integer costs what a small positive one does. Pippenger's windows above a
// scalar's bit length then hold no digit for it and cost nothing.
#pragma once
#include <cstdint>
#include <vector>
#include "field.hpp"

struct ScalarSet {
  size_t n = 0;                      // points the set was built for
  std::vector<uint32_t> plus_one;    // indices with scalar 1
  std::vector<uint32_t> minus_one;   // indices with scalar r - 1
  std::vector<uint32_t> idx;         // the others (nonzero)
  std::vector<Limbs> mag;            // their magnitudes, <= (r-1)/2
  std::vector<uint8_t> neg;          // 1: the point enters negated
  int bits_histogram[257] = {0};     // of the magnitudes in `mag`
  int max_bits = 0;

  // From standard-form scalars (< r), read unaligned from `data` with a stride of 32 bytes.
  static ScalarSet build(const uint8_t* data, size_t n);
  // The same scalars without those at indices where live[i] is 0 (bases at infinity), with
  // the histogram and max_bits of what is left: the window choice and count then see only
  // the scalars that contribute.
  ScalarSet restricted(const std::vector<uint8_t>& live) const;
};

// The counts the benchmark prints (how structured a witness is).
struct ScalarStats {
  size_t zeros, ones, small8, small16, small32, small64, full, negatives;
};
ScalarStats scalar_stats(const ScalarSet& s);
