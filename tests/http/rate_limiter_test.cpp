#include "http/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace kindred::http {
namespace {

constexpr int64_t kStart = 1'800'000'000'000;

TEST(RateLimiter, AllowsLimitHitsPerWindowThenDenies) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, 3, 1000);
  for (int64_t remaining : {2, 1, 0}) {
    auto d = limiter.hit("ip:1");
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, remaining);
    EXPECT_EQ(d.reset_ms, kStart + 1000);
  }
  auto denied = limiter.hit("ip:1");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_EQ(denied.reset_ms, kStart + 1000);
}

TEST(RateLimiter, WindowStartsAtFirstHitAndEndsAfterThePeriod) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, 1, 1000);
  clock.advance_ms(250);
  EXPECT_TRUE(limiter.hit("a").allowed);
  clock.advance_ms(999);
  auto still = limiter.hit("a");
  EXPECT_FALSE(still.allowed);
  EXPECT_EQ(still.reset_ms, kStart + 1250);
  clock.advance_ms(1);
  auto fresh = limiter.hit("a");
  EXPECT_TRUE(fresh.allowed);
  EXPECT_EQ(fresh.reset_ms, kStart + 2250);
}

TEST(RateLimiter, KeysAreCountedSeparately) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, 1, 1000);
  EXPECT_TRUE(limiter.hit("account:1").allowed);
  EXPECT_FALSE(limiter.hit("account:1").allowed);
  EXPECT_TRUE(limiter.hit("account:2").allowed);
}

TEST(RateLimiter, ZeroLimitDeniesEverything) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, 0, 1000);
  EXPECT_FALSE(limiter.hit("a").allowed);
}

TEST(RateLimiter, ExpiredKeysAreSweptWhenNewKeysArrive) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, 5, 1000);
  for (int i = 0; i < 100; ++i) (void)limiter.hit("old:" + std::to_string(i));
  EXPECT_EQ(limiter.tracked_keys_for_test(), 100u);
  clock.advance_ms(600);
  (void)limiter.hit("recent");
  clock.advance_ms(600);  // old windows ended; "recent" has 400 ms left
  (void)limiter.hit("new");
  EXPECT_EQ(limiter.tracked_keys_for_test(), 2u);
  // The surviving window kept its count.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.hit("recent").allowed);
  EXPECT_FALSE(limiter.hit("recent").allowed);
}

TEST(RateLimiter, ConcurrentHitsAreCountedExactly) {
  ManualClock clock(kStart);
  RateLimiter limiter(clock, 5000, 60'000);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.hit("shared").allowed) allowed.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 5000);
}

}  // namespace
}  // namespace kindred::http
