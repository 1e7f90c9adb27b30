#include "social/identity/login_sketch.h"

#include <bit>
#include <cmath>

namespace kindred::social {
namespace {

// SplitMix64's finaliser: ids are time-ordered, so their bits must be spread before bucketing.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void LoginSketch::add(Id account) {
  const uint64_t h = mix(account.value);
  const size_t index = h >> (64 - kBits);
  // The rank of the first 1 bit in the remaining 50 bits (a guard bit bounds it at 51).
  const uint64_t rest = (h << kBits) | (uint64_t{1} << (kBits - 1));
  const auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  std::atomic<uint8_t>& r = registers_[index];
  uint8_t seen = r.load(std::memory_order_relaxed);
  while (seen < rank && !r.compare_exchange_weak(seen, rank, std::memory_order_relaxed)) {
  }
}

int64_t LoginSketch::estimate() const {
  constexpr double m = kRegisters;
  double sum = 0;
  size_t zeros = 0;
  for (const auto& r : registers_) {
    const uint8_t v = r.load(std::memory_order_relaxed);
    sum += std::ldexp(1.0, -v);
    if (v == 0) ++zeros;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  double e = alpha * m * m / sum;
  // Small sets: linear counting over the empty registers is far more accurate.
  if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));
  return std::llround(e);
}

void LoginSketch::merge(const LoginSketch& other) {
  for (size_t i = 0; i < kRegisters; ++i) {
    const uint8_t v = other.registers_[i].load(std::memory_order_relaxed);
    uint8_t seen = registers_[i].load(std::memory_order_relaxed);
    while (seen < v && !registers_[i].compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
    }
  }
}

void LoginSketch::clear() {
  for (auto& r : registers_) r.store(0, std::memory_order_relaxed);
}

bool LoginSketch::empty() const {
  for (const auto& r : registers_)
    if (r.load(std::memory_order_relaxed) != 0) return false;
  return true;
}

std::string LoginSketch::encode() const {
  std::string out(kRegisters, '\0');
  for (size_t i = 0; i < kRegisters; ++i)
    out[i] = static_cast<char>(registers_[i].load(std::memory_order_relaxed));
  return out;
}

bool LoginSketch::decode(std::string_view bytes, LoginSketch& out) {
  if (bytes.size() != kRegisters) return false;
  constexpr auto kMaxRank = static_cast<unsigned char>(64 - kBits + 1);
  for (char c : bytes)
    if (static_cast<unsigned char>(c) > kMaxRank) return false;
  for (size_t i = 0; i < kRegisters; ++i)
    out.registers_[i].store(static_cast<uint8_t>(bytes[i]), std::memory_order_relaxed);
  return true;
}

}  // namespace kindred::social
