#include "core/id.h"

#include <charconv>

namespace kindred {

std::optional<Id> Id::parse(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return Id(v);
}

Id IdGenerator::next() {
  const uint64_t floor = Id::at_ms(clock_.now_ms()).value;
  uint64_t last = last_.load(std::memory_order_relaxed);
  for (;;) {
    const uint64_t candidate = last >= floor ? last + 1 : floor;
    if (last_.compare_exchange_weak(last, candidate, std::memory_order_relaxed)) return Id(candidate);
  }
}

void IdGenerator::observe(Id id) {
  uint64_t last = last_.load(std::memory_order_relaxed);
  while (last < id.value &&
         !last_.compare_exchange_weak(last, id.value, std::memory_order_relaxed)) {
  }
}

}  // namespace kindred
