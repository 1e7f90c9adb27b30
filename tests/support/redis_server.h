#pragma once

// A throwaway redis-server for tests (Debian's redis-server): no persistence, listening on a Unix
// socket in its own temporary directory and, when asked, on a loopback TCP port. Each test starts
// its own (it is ready in a few milliseconds); kill() ends it as a crash would, start() brings it
// back on the same socket and port (empty: Redis keeps nothing on disk).

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/shared_state.h"
#include "core/status.h"
#include "support/temp_dir.h"

namespace kindred::testing {

class RedisServer {
 public:
  // `tcp`: also listen on a free loopback port.
  explicit RedisServer(bool tcp = false);
  ~RedisServer();  // stops the server
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts the server and waits until it answers on its socket (at most 5 s).
  // Errors: Internal with the server's log.
  Status start();
  // SIGKILL, then reaps it. Idempotent.
  void kill();

  // unix:///.../redis.sock, or redis://127.0.0.1:PORT with tcp.
  std::string url() const;
  std::string socket_path() const { return dir_.sub("redis.sock"); }
  uint16_t port() const { return port_; }
  // A node's shared state over this server (cluster::open_redis_state with default options); null,
  // with a test failure recorded, if the URL is refused.
  std::unique_ptr<SharedState> open_state() const;

 private:
  TempDir dir_;
  bool tcp_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// What a subscriber or an invalidation handler was given, in order, for tests to wait on. Its
// handlers share what they fill, so a message arriving after the test's Inbox is gone (the
// fixture's nodes outlive the test body) is harmless.
class Inbox {
 public:
  std::function<void(std::string_view)> handler() {
    return [box = box_](std::string_view bytes) {
      {
        std::scoped_lock lock(box->mu);
        box->got.emplace_back(bytes);
      }
      box->cv.notify_all();
    };
  }
  // Whether `n` had come within `limit`.
  bool wait_for(size_t n, std::chrono::milliseconds limit = std::chrono::seconds(3)) {
    std::unique_lock lock(box_->mu);
    return box_->cv.wait_for(lock, limit, [&] { return box_->got.size() >= n; });
  }
  std::vector<std::string> snapshot() {
    std::scoped_lock lock(box_->mu);
    return box_->got;
  }

 private:
  struct Box {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> got;  // GUARDED_BY(mu)
  };
  std::shared_ptr<Box> box_ = std::make_shared<Box>();
};

// A test with its own redis-server and two nodes' shared states over it.
class TwoSharedStates : public ::testing::Test {
 protected:
  void SetUp() override;
  RedisServer server;
  std::unique_ptr<SharedState> a, b;
};

}  // namespace kindred::testing
