#pragma once

// How Kindred's values become PostgreSQL's (no libpq here: plain byte work, tested alone).

#include <cstdint>
#include <string>
#include <string_view>

namespace kindred::store::pg {

// A 64-bit id (unsigned) as the bigint stored for it: the top bit flipped, so that SQL's signed
// order is the ids' numeric order (id 0 is INT64_MIN, 2^64-1 is INT64_MAX).
constexpr int64_t to_db(uint64_t id) { return static_cast<int64_t>(id ^ (uint64_t{1} << 63)); }
constexpr uint64_t from_db(int64_t stored) {
  return static_cast<uint64_t>(stored) ^ (uint64_t{1} << 63);
}

// PostgreSQL's binary form of an int8: 8 bytes, big-endian.
inline std::string int8_binary(int64_t v) {
  std::string out(8, '\0');
  const auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>(u >> (56 - 8 * i));
  return out;
}

// REQUIRES: bytes.size() == 8
inline int64_t int8_from_binary(std::string_view bytes) {
  uint64_t u = 0;
  for (char c : bytes) u = (u << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(u);
}

}  // namespace kindred::store::pg
