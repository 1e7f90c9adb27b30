#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace kindred {

// A 64-bit, time-ordered identifier: milliseconds since the Unix epoch in the high 48 bits and a
// sequence in the low 16, as Mastodon's snowflake ids. Zero means "none". Sent as a decimal string.
struct Id {
  uint64_t value = 0;

  static constexpr int kSequenceBits = 16;
  constexpr Id() = default;
  constexpr explicit Id(uint64_t v) : value(v) {}
  // The smallest id at `ms`; useful as a range bound.
  static constexpr Id at_ms(int64_t ms) { return Id(static_cast<uint64_t>(ms) << kSequenceBits); }
  constexpr int64_t ms() const { return static_cast<int64_t>(value >> kSequenceBits); }
  constexpr bool is_none() const { return value == 0; }
  auto operator<=>(const Id&) const = default;

  std::string to_string() const { return std::to_string(value); }
  // Parses a decimal id; nullopt for empty, non-digit or overflowing text.
  static std::optional<Id> parse(std::string_view text);
};

// Hands out strictly increasing ids from an injected clock. If the clock stalls or steps back, ids
// keep increasing from the last one issued. Thread-safe and lock-free.
//
// Several nodes writing one database each generate ids; a node number (0..kMaxNodes-1) keeps
// their ids apart: with nodes, the low kNodeBits of every id name the node that issued it and
// the sequence steps by kMaxNodes (1,024 ids per millisecond per node instead of 65,536).
// A generator without a node number issues every id, as a single process always has.
class IdGenerator {
 public:
  static constexpr int kNodeBits = 6;
  static constexpr uint64_t kMaxNodes = uint64_t{1} << kNodeBits;

  explicit IdGenerator(const Clock& clock) : clock_(clock) {}
  // REQUIRES: node < kMaxNodes.
  IdGenerator(const Clock& clock, uint64_t node) : clock_(clock), node_(node), step_(kMaxNodes) {}
  Id next();
  // Never hand out an id at or below `id` again (used after opening a store with existing ids).
  void observe(Id id);

 private:
  const Clock& clock_;
  const uint64_t node_ = 0;
  const uint64_t step_ = 1;
  std::atomic<uint64_t> last_{0};
};

}  // namespace kindred

template <>
struct std::hash<kindred::Id> {
  size_t operator()(const kindred::Id& id) const noexcept { return std::hash<uint64_t>()(id.value); }
};
