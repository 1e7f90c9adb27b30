// http::RateLimiter counting through shared state: one limit for every node while Redis answers,
// each node's share of it while Redis is down.
#include <gtest/gtest.h>

#include <chrono>

#include "cluster/redis_state.h"
#include "http/rate_limiter.h"
#include "support/redis_server.h"

namespace kindred::http {
namespace {

using testing::RedisServer;

class SharedRateLimit : public testing::TwoSharedStates {
 protected:
  SystemClock clock;
};

TEST_F(SharedRateLimit, OneLimitForEveryNode) {
  RateLimiter on_a(clock, 5, 60'000, {a.get(), 2}, "api");
  RateLimiter on_b(clock, 5, 60'000, {b.get(), 2}, "api");
  for (int i = 0; i < 5; ++i) {
    auto d = (i % 2 ? on_b : on_a).hit("ip:1");
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_GT(d.reset_ms, clock.now_ms());
    EXPECT_LE(d.reset_ms, clock.now_ms() + 60'000);
  }
  EXPECT_FALSE(on_a.hit("ip:1").allowed);
  EXPECT_FALSE(on_b.hit("ip:1").allowed);
  // Another key, and another limiter's counter for the same key, are their own.
  EXPECT_TRUE(on_a.hit("ip:2").allowed);
  RateLimiter media(clock, 5, 60'000, {a.get(), 2}, "media");
  EXPECT_TRUE(media.hit("ip:1").allowed);
  // Nothing was counted in the nodes' own windows.
  EXPECT_EQ(on_a.tracked_keys_for_test(), 0u);
}

TEST_F(SharedRateLimit, RedisDownEachNodeAllowsItsShareAndAnswersPromptly) {
  RateLimiter on_a(clock, 5, 60'000, {a.get(), 2}, "sign_in");
  RateLimiter on_b(clock, 5, 60'000, {b.get(), 2}, "sign_in");
  EXPECT_TRUE(on_a.hit("ip:1").allowed);
  server.kill();
  const auto t0 = std::chrono::steady_clock::now();
  // 5 / 2 nodes = 2 each, counted by each node alone.
  EXPECT_TRUE(on_a.hit("ip:1").allowed);
  EXPECT_TRUE(on_a.hit("ip:1").allowed);
  auto refused = on_a.hit("ip:1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 2);
  EXPECT_TRUE(on_b.hit("ip:1").allowed);
  EXPECT_TRUE(on_b.hit("ip:1").allowed);
  EXPECT_FALSE(on_b.hit("ip:1").allowed);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, std::chrono::milliseconds(300)) << "a hit waited for Redis";

  // Back: the shared count is in force again (Redis kept nothing, so it starts afresh).
  ASSERT_TRUE(server.start().is_ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!cluster::redis_state_connected(*a) || !cluster::redis_state_connected(*b)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int i = 0; i < 5; ++i) EXPECT_TRUE((i % 2 ? on_b : on_a).hit("ip:1").allowed) << i;
  EXPECT_FALSE(on_a.hit("ip:1").allowed);
  EXPECT_EQ(on_a.hit("ip:1").limit, 5);
}

TEST(SharedRateLimitShare, IsTheLimitOverTheNodesAndAtLeastOne) {
  ManualClock clock(1'000'000);
  cluster::RedisOptions o;
  o.url = "unix:///nonexistent/kindred-test/redis.sock";  // never up: always the fallback
  auto down = cluster::open_redis_state(o);
  ASSERT_TRUE(down.has_value());
  RateLimiter three(clock, 10, 1000, {down->get(), 3}, "x");
  EXPECT_EQ(three.hit("k").limit, 3);
  RateLimiter many(clock, 2, 1000, {down->get(), 8}, "x");
  EXPECT_EQ(many.hit("k").limit, 1);
  RateLimiter none(clock, 0, 1000, {down->get(), 8}, "x");
  EXPECT_FALSE(none.hit("k").allowed);
}

}  // namespace
}  // namespace kindred::http
