#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/id.h"

namespace kindred::social {

// How many distinct accounts were active in a week, as a HyperLogLog sketch (Flajolet et al.
// 2007, with linear counting for small sets) — what Mastodon keeps in Redis (PFADD/PFCOUNT) for
// the logins of GET /api/v1/instance/activity. 2^14 one-byte registers: a 16 KiB record whatever
// the number of accounts and a standard error of 0.8%: exact for a handful, within a few for
// hundreds, within 2% for millions (tests/social/identity/login_sketch_test.cpp).
// Adding an account is one hash and at most a compare-and-swap on one register, with no lock and
// no store write; adding the same account twice changes nothing, so a sketch reloaded after a
// restart and fed again does not count anyone twice. Thread-safe.
class LoginSketch {
 public:
  static constexpr int kBits = 14;
  static constexpr size_t kRegisters = size_t{1} << kBits;

  void add(Id account);
  // The estimated number of distinct accounts added.
  int64_t estimate() const;
  // Register-wise maximum with `other` (both sketches then count the union).
  void merge(const LoginSketch& other);
  void clear();
  bool empty() const;

  // The registers as bytes (kRegisters of them), and back; decode refuses any other length.
  std::string encode() const;
  static bool decode(std::string_view bytes, LoginSketch& out);

 private:
  std::array<std::atomic<uint8_t>, kRegisters> registers_{};
};

}  // namespace kindred::social
