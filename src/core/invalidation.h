#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
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

 private:
  struct Target;  // what the subscription holds: outlives this if a message is in flight
  void run(std::string_view kind, std::string_view key);
  void on_message(std::string_view bytes);

  SharedState* shared_;
  uint64_t origin_ = 0;
  std::shared_ptr<Target> target_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Handler>, std::less<>> handlers_;  // GUARDED_BY(mutex_)
};

}  // namespace kindred
