#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace kindred::http {

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

  // `clock` is borrowed and must outlive this. REQUIRES: limit >= 0, period_ms > 0.
  RateLimiter(const Clock& clock, int64_t limit, int64_t period_ms);
  // Counts one hit against `key` and says whether it is allowed: the first hit of a key (or the
  // first after its window ended) starts a window [now, now + period_ms); within it the first
  // `limit` hits are allowed. `remaining` is what is left after this hit (never negative) and
  // `reset_ms` the end of the window, for X-RateLimit-Remaining and X-RateLimit-Reset.
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
  const Clock& clock_;
  const int64_t limit_;
  const int64_t period_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window, KeyHash, std::equal_to<>> windows_;  // GUARDED_BY(mutex_)
  int64_t last_sweep_ms_ = 0;                                                  // GUARDED_BY(mutex_)
};

}  // namespace kindred::http
