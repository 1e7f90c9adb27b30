#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include "app/serve.h"
#include "core/status.h"
#include "social/graph/feeds.h"
#include "social/photos/media.h"

namespace kindred::social {
class AccountDeletion;
class StatusIndexer;
class StreamHub;
}

namespace kindred::app {

// One running Kindred: the store, the services and the HTTP server, built in dependency order
// and torn down in reverse. main() and the in-process API tests both use it.
class Instance {
 public:
  // `clock` may be null (the system clock is used); tests pass a ManualClock. Not owned.
  explicit Instance(ServeConfig config, const Clock* clock = nullptr);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // Opens the store, seeds demo data if asked, binds and starts serving.
  // Errors: InvalidArgument for a bad --listen; Unavailable if the store or the port cannot be
  // opened.
  Status start(std::ostream* access_log);
  uint16_t port() const;

  // The store cache of a node with Redis (store/cached_store.h): whether it answers from memory
  // now, and how often it has. Absent without one (one node, or no --redis-url).
  struct StoreCacheState {
    bool trusted = false;
    uint64_t hits = 0;
    uint64_t misses = 0;
  };
  std::optional<StoreCacheState> store_cache() const;
  std::string url() const;
  // Blocks until SIGINT or SIGTERM.
  void wait_for_signal();
  // Stops accepting, finishes in-flight requests, closes the store. Idempotent.
  void stop();
  // The photo service, for tests that hold processing or run the sweep. REQUIRES: started.
  social::MediaService& media_for_test();
  social::FeedService& feeds_for_test();
  // The status search indexer, for tests that wait for the index (flush()).
  social::StatusIndexer& indexer_for_test();
  // The streaming hub, for tests that wait until it delivered what is queued.
  social::StreamHub& streams_for_test();
  // Account deletion, for tests that wait until the background deletions are done.
  social::AccountDeletion& deletion_for_test();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kindred::app
