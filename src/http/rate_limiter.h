#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/shared_state.h"

namespace kindred::http {

// Several nodes: their hits count in `state`'s shared counters (one per limiter name and key),
// so a limit holds for all of them together. While `state` is unavailable each node counts alone
// against its share: the limit divided by `nodes` (at least 1). No state: this node alone.
struct RateLimitSharing {
  SharedState* state = nullptr;  // borrowed; outlives the limiters
  int64_t nodes = 1;
};

// Fixed-window request counting per key (an account id, an IP), as Mastodon's rack-attack:
// at most `limit` hits per `period_ms` window; the window starts at the first hit.
// Thread-safe. Memory is bounded: expired windows are swept as new keys arrive (at most one sweep
// per period, so the cost is amortised), leaving only keys seen within the last period.
// Every hit counts, denied ones too, as rack-attack does; a client that keeps hammering stays
// denied until its window ends.
class RateLimiter {
 public:
  struct Decision {
    bool allowed;
    int64_t limit;
    int64_t remaining;
    int64_t reset_ms;  // when the current window ends (epoch ms)
  };

  using Sharing = RateLimitSharing;

  // `clock` is borrowed and must outlive this. `name` tells this limiter's shared counters from
  // other limiters' (same keys, other limits). REQUIRES: limit >= 0, period_ms > 0, nodes >= 1.
  RateLimiter(const Clock& clock, int64_t limit, int64_t period_ms, Sharing sharing = {},
              std::string_view name = "");
  // Counts one hit against `key` and says whether it is allowed: the first hit of a key (or the
  // first after its window ended) starts a window [now, now + period_ms); within it the first
  // `limit` hits are allowed. `remaining` is what is left after this hit (never negative) and
  // `reset_ms` the end of the window, for X-RateLimit-Remaining and X-RateLimit-Reset.
  // Shared: the window is the shared counter's (from the first hit on any node) and `reset_ms`
  // this node's clock plus what the counter has left.
  Decision hit(std::string_view key);

  // How many keys are tracked now (for tests of the sweep).
  size_t tracked_keys_for_test();

 private:
  struct Window {
    int64_t start_ms;
    int64_t count;
  };
  // Lets find() take a string_view without building a std::string per hit.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Counts against this node's own windows, allowing `limit`.
  Decision hit_local(std::string_view key, int64_t limit);

  const Clock& clock_;
  const int64_t limit_;
  const int64_t period_ms_;
  SharedState* const shared_;     // null: this node alone
  const int64_t fallback_limit_;  // this node's share while shared_ is unavailable
  const std::string prefix_;      // "kindred:rl:<name>:" before each shared key
  std::mutex mutex_;
  std::unordered_map<std::string, Window, KeyHash, std::equal_to<>> windows_;  // GUARDED_BY(mutex_)
  int64_t last_sweep_ms_ = 0;                                                  // GUARDED_BY(mutex_)
};

}  // namespace kindred::http
