#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/shared_state.h"

namespace kindred {

// Cache invalidation between nodes. After a commit, the node that changed something names it by
// kind and key (kind "token" key a token's hash, kind "block" key "blocker:blocked"...); every node
// runs the handlers registered for that kind: this one at once, on the caller's thread, the
// others when the message reaches them through kInvalidateChannel ("kindred:invalidate"), on the
// shared state's thread (at most once each; this node's own message is skipped).
//
// Nothing is kept for a node that is not subscribed at that moment: while Redis is down, or for a
// node that just came back, caches must rely on their own bound (a TTL, a version check). One node
// (no shared state): handlers run on this node only. Thread-safe.
//
// Trust. A cache that keeps entries until they are invalidated (store::CachedStore) must know
// that no invalidation can have been missed. With start_heartbeats(), every node publishes a
// heartbeat every `period`; this node is trusted while, at its last check (one per period), it had
// heard within `timeout` of its sending its own heartbeat (its subscription works and is not
// lagging) and those of at least `expected_nodes` nodes in all, no node it heard within `forget`
// has gone quiet, and its subscription was not lost or remade since the last check
// (SharedState::subscription_generation). A node whose publish fails stops its heartbeats for 4 x
// timeout, so the others stop trusting before it can heartbeat again. Every loss of trust, every
// return of it, and every node heard anew moves the epoch: entries a cache filled in an earlier
// epoch are never answered from again.
class Invalidation {
 public:
  // `shared` may be null (one node); borrowed, outlives this.
  explicit Invalidation(SharedState* shared);
  Invalidation(const Invalidation&) = delete;
  Invalidation& operator=(const Invalidation&) = delete;
  ~Invalidation();

  using Handler = std::function<void(std::string_view key)>;
  // Runs `handler` for every invalidation of `kind` from now on. REQUIRES: kind holds no '\n'.
  void on(std::string kind, Handler handler);
  // Tells every node that `key` of `kind` changed. This node's handlers have run when it returns.
  // Errors: Unavailable when the other nodes could not be told (Redis down).
  // REQUIRES: kind holds no '\n'.
  Status publish(std::string_view kind, std::string_view key);

  struct Trust {
    bool trusted = false;
    uint64_t epoch = 0;
  };
  // Whether entries filled in `epoch` may be answered from now. Never trusted without shared
  // state or before start_heartbeats(); lapses on its own if the checks stop (a stalled thread).
  Trust trust() const {
    const uint64_t epoch = epoch_.load(std::memory_order_acquire);
    const int64_t until = trusted_until_ms_.load(std::memory_order_acquire);
    // The epoch read again: trust lost (or regained) between the two reads is not trusted.
    const bool same = epoch_.load(std::memory_order_acquire) == epoch;
    return {same && until != 0 && now_ms() < until, epoch};
  }

  struct HeartbeatOptions {
    int expected_nodes = 1;  // --cluster-nodes: fewer heard is not trusted
    std::chrono::milliseconds period{50};
    std::chrono::milliseconds timeout{250};
    std::chrono::milliseconds forget{5000};  // a node quiet this long is taken as gone
  };
  // Starts the heartbeat thread (stopped by stop_heartbeats or the destructor). No-op without
  // shared state. REQUIRES: called at most once, before any message can arrive that matters.
  void start_heartbeats(HeartbeatOptions options);
  // Stops heartbeating (the other nodes soon stop counting this one) and trusting. Idempotent.
  void stop_heartbeats();

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  struct Target;  // what the subscription holds: outlives this if a message is in flight
  void run(std::string_view kind, std::string_view key);
  void on_message(std::string_view bytes);
  void heard(uint64_t origin, std::string_view stamp);
  void heartbeat_loop();
  void check_trust();
  void lose_trust();

  SharedState* shared_;
  uint64_t origin_ = 0;
  std::shared_ptr<Target> target_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Handler>, std::less<>> handlers_;  // GUARDED_BY(mutex_)

  HeartbeatOptions heartbeat_;              // set before the heartbeat thread, read by it
  std::atomic<int64_t> timeout_ms_{250};    // heartbeat_.timeout, for the other threads
  uint64_t last_generation_ = 0;            // the heartbeat thread's: the subscription's last
  std::atomic<int64_t> trusted_until_ms_{0};  // 0: not trusted
  std::atomic<uint64_t> epoch_{1};
  std::atomic<int64_t> quiet_until_ms_{0};  // no heartbeats before this (a publish failed)
  std::mutex heard_mutex_;
  std::unordered_map<uint64_t, int64_t> last_heard_ms_;  // GUARDED_BY(heard_mutex_), by origin
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // GUARDED_BY(stop_mutex_)
  std::thread heartbeats_;
};

}  // namespace kindred
