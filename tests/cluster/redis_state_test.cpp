#include "cluster/redis_state.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "support/redis_server.h"

namespace kindred::cluster {
namespace {

using namespace std::chrono_literals;
using testing::Inbox;
using testing::RedisServer;

// Waits until `pred` holds (at most `limit`).
template <class P>
bool eventually(P pred, std::chrono::milliseconds limit = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class TwoNodes : public testing::TwoSharedStates {};

TEST(RedisState, RejectsMalformedUrls) {
  for (const char* url : {"", "http://127.0.0.1:6379", "redis://", "redis://host:0", "redis://host:70000",
                          "redis://host:12x", "redis://host:6379/db", "unix://relative/path", "unix://"}) {
    RedisOptions o;
    o.url = url;
    auto s = open_redis_state(o);
    ASSERT_FALSE(s.has_value()) << url;
    EXPECT_EQ(s.error().code(), StatusCode::kInvalidArgument) << url;
  }
}

TEST_F(TwoNodes, CountsInOneWindowAcrossNodes) {
  EXPECT_TRUE(a->is_shared());
  for (int64_t i = 1; i <= 10; ++i) {
    SharedState& node = i % 2 ? *a : *b;
    auto c = node.incr_with_expiry("rl:k", 60'000);
    ASSERT_TRUE(c.has_value()) << c.status().to_string();
    EXPECT_EQ(c->count, i);
    EXPECT_GT(c->ttl_ms, 0);
    EXPECT_LE(c->ttl_ms, 60'000);
  }
  auto other = a->incr_with_expiry("rl:other", 60'000);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->count, 1);
  // A short window ends and the next hit starts a new one.
  ASSERT_EQ(a->incr_with_expiry("rl:short", 50)->count, 1);
  ASSERT_EQ(b->incr_with_expiry("rl:short", 50)->count, 2);
  std::this_thread::sleep_for(120ms);
  EXPECT_EQ(b->incr_with_expiry("rl:short", 50)->count, 1);
}

TEST_F(TwoNodes, CountsExactlyUnderConcurrentHits) {
  constexpr int kThreads = 8, kHits = 250;
  std::vector<std::thread> threads;
  std::atomic<int64_t> max_seen{0};
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SharedState& node = t % 2 ? *a : *b;
      for (int i = 0; i < kHits; ++i) {
        auto c = node.incr_with_expiry("rl:hot", 60'000);
        if (!c.has_value()) {
          ++failures;
          continue;
        }
        int64_t seen = max_seen.load();
        while (c->count > seen && !max_seen.compare_exchange_weak(seen, c->count)) {
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(max_seen.load(), kThreads * kHits);
}

TEST_F(TwoNodes, LocksAreExclusiveAcrossNodesAndExpire) {
  auto ta = a->try_lock("lock:media:1", 60'000);
  ASSERT_TRUE(ta.has_value());
  ASSERT_TRUE(ta->has_value());
  auto tb = b->try_lock("lock:media:1", 60'000);
  ASSERT_TRUE(tb.has_value());
  EXPECT_FALSE(tb->has_value());
  // Another lock name is free.
  auto other = b->try_lock("lock:media:2", 60'000);
  ASSERT_TRUE(other.has_value() && other->has_value());
  // A token that does not hold the lock frees nothing.
  ASSERT_TRUE(b->unlock("lock:media:1", "not-the-token").is_ok());
  EXPECT_FALSE(b->try_lock("lock:media:1", 60'000)->has_value());
  ASSERT_TRUE(a->unlock("lock:media:1", **ta).is_ok());
  auto tb2 = b->try_lock("lock:media:1", 60'000);
  ASSERT_TRUE(tb2.has_value() && tb2->has_value());
  EXPECT_NE(**ta, **tb2);
  // A holder that never unlocks loses it when its TTL ends; its late unlock leaves the new holder.
  auto short_lock = a->try_lock("lock:short", 50);
  ASSERT_TRUE(short_lock.has_value() && short_lock->has_value());
  EXPECT_FALSE(b->try_lock("lock:short", 50)->has_value());
  std::this_thread::sleep_for(120ms);
  auto taken = b->try_lock("lock:short", 60'000);
  ASSERT_TRUE(taken.has_value() && taken->has_value());
  ASSERT_TRUE(a->unlock("lock:short", **short_lock).is_ok());
  EXPECT_FALSE(a->try_lock("lock:short", 60'000)->has_value());
}

TEST_F(TwoNodes, PublishReachesEverySubscriberOnEveryNode) {
  Inbox on_a, on_b, elsewhere;
  ASSERT_TRUE(a->subscribe("kindred:test", on_a.handler()).is_ok());
  ASSERT_TRUE(b->subscribe("kindred:test", on_b.handler()).is_ok());
  ASSERT_TRUE(b->subscribe("kindred:other", elsewhere.handler()).is_ok());
  const std::string binary("one\0two\r\n", 9);
  ASSERT_TRUE(a->publish("kindred:test", binary).is_ok());
  ASSERT_TRUE(b->publish("kindred:test", "second").is_ok());
  ASSERT_TRUE(on_a.wait_for(2));
  ASSERT_TRUE(on_b.wait_for(2));
  EXPECT_EQ(on_a.snapshot(), (std::vector<std::string>{binary, "second"}));
  EXPECT_EQ(on_b.snapshot(), (std::vector<std::string>{binary, "second"}));
  EXPECT_TRUE(elsewhere.snapshot().empty());
}

// Publishes from many threads at once go out in groups (one write, then the replies): each returns
// OK once Redis answered it, every message arrives once on the other node, and one thread's
// messages arrive in the order it published them.
TEST_F(TwoNodes, ConcurrentPublishesEachArriveOnceInEachThreadsOrder) {
  Inbox on_b;
  ASSERT_TRUE(b->subscribe("kindred:test", on_b.handler()).is_ok());
  constexpr int kThreads = 8, kEach = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!a->publish("kindred:test", std::to_string(t) + ":" + std::to_string(i)).is_ok())
          ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(on_b.wait_for(kThreads * kEach));
  std::vector<int> next(kThreads, 0);
  for (const std::string& m : on_b.snapshot()) {
    const size_t colon = m.find(':');
    ASSERT_NE(colon, std::string::npos) << m;
    const int t = std::stoi(m.substr(0, colon)), i = std::stoi(m.substr(colon + 1));
    ASSERT_EQ(i, next[t]) << "thread " << t << "'s messages out of order or repeated";
    ++next[t];
  }
  EXPECT_EQ(next, std::vector<int>(kThreads, kEach));
}

TEST(RedisState, OverTcp) {
  RedisServer server(/*tcp=*/true);
  ASSERT_TRUE(server.start().is_ok());
  auto a = server.open_state();
  ASSERT_TRUE(a);
  EXPECT_TRUE(eventually([&] { return redis_state_connected(*a); }));
  auto c = a->incr_with_expiry("k", 1000);
  ASSERT_TRUE(c.has_value()) << c.status().to_string();
  EXPECT_EQ(c->count, 1);
}

// Redis killed: every call answers Unavailable promptly (the first finds the connection gone,
// the rest do not even try); when it is back, counters, locks and subscriptions work again.
TEST_F(TwoNodes, AnswersUnavailablePromptlyWhileDownAndRecovers) {
  Inbox inbox;
  ASSERT_TRUE(b->subscribe("kindred:test", inbox.handler()).is_ok());
  ASSERT_TRUE(a->incr_with_expiry("k", 60'000).has_value());

  server.kill();
  int64_t slowest_us = 0;
  for (int i = 0; i < 200; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto c = a->incr_with_expiry("k", 60'000);
    auto l = a->try_lock("lock", 1000);
    Status p = a->publish("kindred:test", "lost");
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    slowest_us = std::max<int64_t>(slowest_us, us);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code(), StatusCode::kUnavailable);
    ASSERT_FALSE(l.has_value());
    EXPECT_EQ(l.error().code(), StatusCode::kUnavailable);
    EXPECT_EQ(p.code(), StatusCode::kUnavailable);
  }
  EXPECT_LT(slowest_us, 150'000) << "a call waited for Redis";
  EXPECT_FALSE(redis_state_connected(*a));

  ASSERT_TRUE(server.start().is_ok());
  ASSERT_TRUE(eventually([&] { return a->incr_with_expiry("k", 60'000).has_value(); }));
  // Redis kept nothing: the counter starts again.
  EXPECT_LE(a->incr_with_expiry("k", 60'000)->count, 2);
  // The subscription is made again on its own.
  ASSERT_TRUE(eventually([&] {
    (void)a->publish("kindred:test", "back");
    return !inbox.snapshot().empty();
  }));
  for (const auto& m : inbox.snapshot()) EXPECT_EQ(m, "back");
}

TEST(RedisState, StartsWithoutRedisAndConnectsWhenItComes) {
  RedisServer server;
  auto a = server.open_state();
  ASSERT_TRUE(a);
  auto c = a->incr_with_expiry("k", 1000);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), StatusCode::kUnavailable);
  Inbox inbox;
  EXPECT_EQ(a->subscribe("kindred:test", inbox.handler()).code(), StatusCode::kUnavailable);
  ASSERT_TRUE(server.start().is_ok());
  ASSERT_TRUE(eventually([&] { return a->incr_with_expiry("k", 1000).has_value(); }));
  ASSERT_TRUE(eventually([&] {
    (void)a->publish("kindred:test", "hello");
    return !inbox.snapshot().empty();
  }));
}

TEST(LocalSharedState, CountsLocksAndPublishesInProcess) {
  ManualClock clock(1'000'000);
  LocalSharedState s(clock);
  EXPECT_FALSE(s.is_shared());
  EXPECT_EQ(s.incr_with_expiry("k", 100)->count, 1);
  clock.advance_ms(40);
  auto c = s.incr_with_expiry("k", 100);
  EXPECT_EQ(c->count, 2);
  EXPECT_EQ(c->ttl_ms, 60);
  clock.advance_ms(60);
  EXPECT_EQ(s.incr_with_expiry("k", 100)->count, 1);

  auto t = s.try_lock("l", 100);
  ASSERT_TRUE(t->has_value());
  EXPECT_FALSE(s.try_lock("l", 100)->has_value());
  ASSERT_TRUE(s.unlock("l", "other").is_ok());
  EXPECT_FALSE(s.try_lock("l", 100)->has_value());
  ASSERT_TRUE(s.unlock("l", **t).is_ok());
  auto t2 = s.try_lock("l", 100);
  ASSERT_TRUE(t2->has_value());
  clock.advance_ms(100);
  EXPECT_TRUE(s.try_lock("l", 100)->has_value());

  Inbox inbox;
  ASSERT_TRUE(s.subscribe("ch", inbox.handler()).is_ok());
  ASSERT_TRUE(s.publish("ch", "x").is_ok());
  ASSERT_TRUE(s.publish("other", "y").is_ok());
  EXPECT_EQ(inbox.snapshot(), std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace kindred::cluster
