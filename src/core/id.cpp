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
  // The first id of this millisecond that is this node's (every id when step_ is 1).
  const uint64_t floor = Id::at_ms(clock_.now_ms()).value + node_;
  uint64_t last = last_.load(std::memory_order_relaxed);
  for (;;) {
    // The next of this node's ids above `last` (last may be another node's id, from observe()).
    const uint64_t above = last - last % step_ + node_;
    const uint64_t next_own = above > last ? above : above + step_;
    const uint64_t candidate = next_own >= floor ? next_own : floor;
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
