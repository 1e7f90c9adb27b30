#pragma once

#include <cstdint>

namespace kindred {

// splitmix64's finaliser: spreads nearby integers (ids) over all 64 bits, for lock stripes and
// lock keys.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace kindred
