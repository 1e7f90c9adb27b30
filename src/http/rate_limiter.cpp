#include "http/rate_limiter.h"

#include <algorithm>

namespace kindred::http {

RateLimiter::RateLimiter(const Clock& clock, int64_t limit, int64_t period_ms, Sharing sharing,
                         std::string_view name)
    : clock_(clock),
      limit_(limit),
      period_ms_(period_ms),
      shared_(sharing.state),
      fallback_limit_(std::max<int64_t>(limit == 0 ? 0 : 1, limit / std::max<int64_t>(1, sharing.nodes))),
      prefix_("kindred:rl:" + std::string(name) + ":") {}

RateLimiter::Decision RateLimiter::hit(std::string_view key) {
  if (shared_ == nullptr) return hit_local(key, limit_);
  std::string shared_key = prefix_;
  shared_key += key;
  auto c = shared_->incr_with_expiry(shared_key, period_ms_);
  if (!c.has_value()) return hit_local(key, fallback_limit_);
  return Decision{
      .allowed = c->count <= limit_,
      .limit = limit_,
      .remaining = std::max<int64_t>(0, limit_ - c->count),
      .reset_ms = clock_.now_ms() + c->ttl_ms,
  };
}

RateLimiter::Decision RateLimiter::hit_local(std::string_view key, int64_t limit) {
  const int64_t now = clock_.now_ms();
  std::scoped_lock lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (now - last_sweep_ms_ >= period_ms_ || now < last_sweep_ms_) {
      std::erase_if(windows_,
                    [&](const auto& kv) { return now >= kv.second.start_ms + period_ms_; });
      last_sweep_ms_ = now;
    }
    it = windows_.emplace(std::string(key), Window{now, 0}).first;
  } else if (now >= it->second.start_ms + period_ms_) {
    it->second = Window{now, 0};
  }
  Window& w = it->second;
  ++w.count;
  return Decision{
      .allowed = w.count <= limit,
      .limit = limit,
      .remaining = std::max<int64_t>(0, limit - w.count),
      .reset_ms = w.start_ms + period_ms_,
  };
}

size_t RateLimiter::tracked_keys_for_test() {
  std::scoped_lock lock(mutex_);
  return windows_.size();
}

}  // namespace kindred::http
