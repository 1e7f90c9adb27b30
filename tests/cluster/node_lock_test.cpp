// NodeLock: a mutex on this node and a TTL lock in the shared state for every node.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "cluster/redis_state.h"
#include "core/shared_state.h"
#include "support/redis_server.h"

namespace kindred {
namespace {

using namespace std::chrono_literals;
using testing::RedisServer;

class NodeLocks : public testing::TwoSharedStates {
 protected:
  std::mutex mutex_a, mutex_b;  // each node's own
};

TEST_F(NodeLocks, OneHolderAcrossNodesAndTheOtherWaitsOrGivesUp) {
  auto held = NodeLock::acquire(&mutex_a, a.get(), "kindred:lock:x");
  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(held->shared());
  const auto t0 = std::chrono::steady_clock::now();
  auto refused = NodeLock::acquire(&mutex_b, b.get(), "kindred:lock:x", 10'000, 100ms);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 80ms);
  EXPECT_TRUE(mutex_b.try_lock()) << "a refused lock keeps no mutex";
  mutex_b.unlock();
  // Freed on one node, taken on the other while it waits.
  std::thread release([&] {
    std::this_thread::sleep_for(50ms);
    held->release();
  });
  auto taken = NodeLock::acquire(&mutex_b, b.get(), "kindred:lock:x", 10'000, 2s);
  release.join();
  ASSERT_TRUE(taken.has_value()) << taken.status().to_string();
  EXPECT_TRUE(taken->shared());
}

TEST_F(NodeLocks, CountsExactlyWhenTwoNodesIncrementUnderIt) {
  // A read-modify-write that would lose updates without the lock: the value is read, the
  // thread yields, then it writes value + 1.
  std::atomic<int64_t> value{0};  // read and written apart: only the lock keeps updates
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto l = NodeLock::acquire(t % 2 ? &mutex_a : &mutex_b, t % 2 ? a.get() : b.get(), "kindred:lock:n");
        if (!l.has_value()) {
          ++failures;
          continue;
        }
        const int64_t read = value.load(std::memory_order_relaxed);
        std::this_thread::yield();
        value.store(read + 1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(value.load(), 200);
}

TEST_F(NodeLocks, RedisDownTheLocalMutexAloneIsTakenPromptly) {
  server.kill();
  const auto t0 = std::chrono::steady_clock::now();
  auto l = NodeLock::acquire(&mutex_a, a.get(), "kindred:lock:x");
  ASSERT_TRUE(l.has_value());
  EXPECT_FALSE(l->shared());
  EXPECT_FALSE(mutex_a.try_lock()) << "the local mutex is held";
  l->release();
  EXPECT_TRUE(mutex_a.try_lock());
  mutex_a.unlock();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 150ms);
}

TEST(NodeLock, WithoutSharedStateIsTheMutex) {
  std::mutex m;
  {
    auto l = NodeLock::acquire(&m, nullptr, "x");
    ASSERT_TRUE(l.has_value());
    EXPECT_FALSE(l->shared());
    EXPECT_FALSE(m.try_lock());
    NodeLock moved = std::move(*l);
    EXPECT_FALSE(m.try_lock());
  }
  EXPECT_TRUE(m.try_lock());
  m.unlock();
}

}  // namespace
}  // namespace kindred
