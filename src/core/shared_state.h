#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace kindred {

// What Kindred nodes share that need not be durable: fixed-window counters (rate limits), locks
// with a time to live, and publish/subscribe (live updates, cache invalidation). One process alone
// uses LocalSharedState (what this process knows is all there is); several nodes use Redis
// (cluster/redis_state.h), the only code that speaks to it.
//
// Every call returns promptly: when the shared service is unreachable it answers Unavailable at
// once (never waits for it to come back), and callers fall back to what the node knows alone.
// Thread-safe.
class SharedState {
 public:
  virtual ~SharedState() = default;

  // True when other processes share this state (Redis); false for LocalSharedState.
  virtual bool is_shared() const = 0;

  // A counter after one more hit, and how long its window has left.
  struct Count {
    int64_t count = 0;
    int64_t ttl_ms = 0;
  };
  // Adds 1 to the counter `key`; one that is absent (or whose window ended) starts at 1 with a
  // window of `window_ms`. The counter and its expiry change together (one atomic step).
  // REQUIRES: window_ms > 0. Errors: Unavailable.
  virtual Result<Count> incr_with_expiry(std::string_view key, int64_t window_ms) = 0;

  // Takes the lock `name` for `ttl_ms` if nobody holds it: its token (to unlock with), or none
  // when another holder has it. A holder that dies frees it when the TTL ends.
  // REQUIRES: ttl_ms > 0. Errors: Unavailable.
  virtual Result<std::optional<std::string>> try_lock(std::string_view name, int64_t ttl_ms) = 0;
  // Frees `name` if `token` still holds it (a lock that expired and was taken again is left to
  // its new holder). Errors: Unavailable.
  virtual Status unlock(std::string_view name, std::string_view token) = 0;

  // Gives `bytes` to every subscriber of `channel` on every node, this one included; at most once
  // each, and nothing is kept for a node that is not connected at that moment.
  // Errors: Unavailable.
  virtual Status publish(std::string_view channel, std::string_view bytes) = 0;
  // Calls `handler` with what is published on `channel` from now on, on a thread of the shared
  // state's own, one message at a time; it must not block for long. Handlers cannot be removed:
  // subscribe what lives as long as this. OK once the subscription is in force; Unavailable when
  // the service is down (the subscription is kept and made when it comes back).
  using Handler = std::function<void(std::string_view bytes)>;
  virtual Status subscribe(std::string channel, Handler handler) = 0;
  // Moves every time the subscriptions are lost or made again (a reconnect): messages published
  // meanwhile were not delivered, and a subscriber that must know (Invalidation) watches this.
  virtual uint64_t subscription_generation() const { return 0; }
};

// A lock held on this node (a mutex, when given) and, with shared state, on every node (`name` in
// it, for at most `ttl_ms`: a node that dies holding it frees it then). While the shared state is
// unavailable only the local mutex is held, which is what one node had before. Move-only; frees
// the shared lock, then the mutex, when destroyed.
class NodeLock {
 public:
  NodeLock() = default;
  NodeLock(NodeLock&& other) noexcept { *this = std::move(other); }
  NodeLock& operator=(NodeLock&& other) noexcept;
  ~NodeLock() { release(); }

  // Takes `local` (may be null), then `name` in `shared` (may be null), trying again every few
  // milliseconds while another node holds it. Errors: Unavailable when another node held it for
  // all of `wait` (the mutex is then released too).
  static Result<NodeLock> acquire(std::mutex* local, SharedState* shared, std::string name,
                                  int64_t ttl_ms = 10'000,
                                  std::chrono::milliseconds wait = std::chrono::milliseconds(5'000));
  // Whether the shared lock is held (false on one node, or while Redis is down).
  bool shared() const { return !token_.empty(); }
  void release();

 private:
  std::unique_lock<std::mutex> local_;
  SharedState* state_ = nullptr;
  std::string name_;
  std::string token_;  // empty: no shared lock held
};

// The channel caches are invalidated on: what a node changed that others may hold (its format is
// the publisher's and the subscriber's business; see docs/scaling/redis.md).
inline constexpr std::string_view kInvalidateChannel = "kindred:invalidate";

// This process alone: counters, locks and subscribers in memory. Publish calls this process's
// subscribers on the publisher's thread.
class LocalSharedState final : public SharedState {
 public:
  // `clock` is borrowed and must outlive this.
  explicit LocalSharedState(const Clock& clock) : clock_(clock) {}

  bool is_shared() const override { return false; }
  Result<Count> incr_with_expiry(std::string_view key, int64_t window_ms) override;
  Result<std::optional<std::string>> try_lock(std::string_view name, int64_t ttl_ms) override;
  Status unlock(std::string_view name, std::string_view token) override;
  Status publish(std::string_view channel, std::string_view bytes) override;
  Status subscribe(std::string channel, Handler handler) override;

 private:
  struct Entry {
    std::string value;  // a counter's decimal count, or a lock's token
    int64_t expires_ms = 0;
  };
  // Drops expired entries (at most once a second). REQUIRES: mutex_ held.
  void sweep(int64_t now);

  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mutex_)
  int64_t last_sweep_ms_ = 0;                        // GUARDED_BY(mutex_)
  uint64_t next_token_ = 1;                          // GUARDED_BY(mutex_)
  std::mutex handlers_mutex_;
  std::map<std::string, std::vector<Handler>, std::less<>> handlers_;  // GUARDED_BY(handlers_mutex_)
};

}  // namespace kindred
