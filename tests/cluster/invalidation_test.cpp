// Invalidation: what one node changed, named once, reaches every node's handlers once.
#include "core/invalidation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <optional>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "support/redis_server.h"

namespace kindred {
namespace {

using namespace std::chrono_literals;
using Heard = testing::Inbox;

class Invalidations : public testing::TwoSharedStates {};

TEST_F(Invalidations, ReachEveryNodeOnceAndOnlyItsKind) {
  Invalidation on_a(a.get()), on_b(b.get());
  Heard tokens_a, tokens_b, blocks_b;
  on_a.on("token", tokens_a.handler());
  on_b.on("token", tokens_b.handler());
  on_b.on("block", blocks_b.handler());
  const std::string key_with_newlines("k1\nstill k1", 11);
  ASSERT_TRUE(on_a.publish("token", key_with_newlines).is_ok());
  // The publisher's own handlers ran before publish returned.
  EXPECT_EQ(tokens_a.snapshot(), std::vector<std::string>{key_with_newlines});
  ASSERT_TRUE(on_b.publish("block", "1:2").is_ok());
  ASSERT_TRUE(tokens_b.wait_for(1));
  ASSERT_TRUE(blocks_b.wait_for(1));
  EXPECT_EQ(tokens_b.snapshot(), std::vector<std::string>{key_with_newlines});
  EXPECT_EQ(blocks_b.snapshot(), std::vector<std::string>{"1:2"});
  // A node hears its own message back from Redis and skips it; nothing arrives twice. A later
  // message on the same channel marks the point by which a duplicate would have come.
  ASSERT_TRUE(on_b.publish("token", "last").is_ok());
  ASSERT_TRUE(tokens_a.wait_for(2));
  EXPECT_EQ(tokens_a.snapshot(), (std::vector<std::string>{key_with_newlines, "last"}));
  EXPECT_EQ(tokens_b.snapshot(), (std::vector<std::string>{key_with_newlines, "last"}));
}

TEST_F(Invalidations, RedisDownThisNodesHandlersStillRunAndPublishSaysUnavailable) {
  Invalidation on_a(a.get());
  Heard heard;
  on_a.on("token", heard.handler());
  server.kill();
  Status s = on_a.publish("token", "k");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(heard.snapshot(), std::vector<std::string>{"k"});
}

bool eventually(const std::function<bool()>& holds, std::chrono::milliseconds within = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < end) {
    if (holds()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return holds();
}

constexpr Invalidation::HeartbeatOptions kQuick{
    .expected_nodes = 2, .period = 20ms, .timeout = 150ms, .forget = 2000ms};

// Trust: a cache may answer from memory only while every node is heard through Redis.
TEST_F(Invalidations, TrustComesWhenEveryNodeIsHeardGoesWithRedisAndComesBackInANewEpoch) {
  Invalidation on_a(a.get()), on_b(b.get());
  EXPECT_FALSE(on_a.trust().trusted) << "no heartbeats yet";
  on_a.start_heartbeats(kQuick);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(on_a.trust().trusted) << "two nodes expected, one heard";
  on_b.start_heartbeats(kQuick);
  ASSERT_TRUE(eventually([&] { return on_a.trust().trusted && on_b.trust().trusted; }));
  const uint64_t before = on_a.trust().epoch;
  server.kill();
  ASSERT_TRUE(eventually([&] { return !on_a.trust().trusted && !on_b.trust().trusted; }, 1000ms));
  ASSERT_TRUE(server.start().is_ok());
  ASSERT_TRUE(eventually([&] { return on_a.trust().trusted && on_b.trust().trusted; }, 10'000ms));
  EXPECT_NE(on_a.trust().epoch, before) << "what was kept before Redis died is not answered from";
}

// A node cut off from Redis alone (its publishes fail, the others' do not): real Redis beneath,
// this node's publish made to fail.
class CutOff final : public SharedState {
 public:
  explicit CutOff(SharedState& real) : real_(real) {}
  std::atomic<bool> cut{false};
  bool is_shared() const override { return true; }
  Result<Count> incr_with_expiry(std::string_view k, int64_t w) override { return real_.incr_with_expiry(k, w); }
  Result<std::optional<std::string>> try_lock(std::string_view n, int64_t t) override { return real_.try_lock(n, t); }
  Status unlock(std::string_view n, std::string_view t) override { return real_.unlock(n, t); }
  Status publish(std::string_view channel, std::string_view bytes) override {
    if (cut) return Status::unavailable("cut off");
    return real_.publish(channel, bytes);
  }
  Status subscribe(std::string channel, Handler h) override { return real_.subscribe(std::move(channel), std::move(h)); }
  uint64_t subscription_generation() const override { return real_.subscription_generation(); }

 private:
  SharedState& real_;
};

TEST_F(Invalidations, ANodeWhosePublishFailedStaysQuietSoTheOthersCannotTrustMeanwhile) {
  CutOff cut_a(*a);
  Invalidation on_a(&cut_a), on_b(b.get());
  on_a.start_heartbeats(kQuick);
  on_b.start_heartbeats(kQuick);
  ASSERT_TRUE(eventually([&] { return on_a.trust().trusted && on_b.trust().trusted; }));
  cut_a.cut = true;
  const auto failed = std::chrono::steady_clock::now();
  ASSERT_EQ(on_a.publish("store", "x").code(), StatusCode::kUnavailable);
  EXPECT_FALSE(on_a.trust().trusted);
  // B, whose Redis is fine, stops trusting: A has gone quiet.
  ASSERT_TRUE(eventually([&] { return !on_b.trust().trusted; }, 1000ms));
  cut_a.cut = false;
  // A heartbeats again only after its quiet time (4 x timeout), so B trusts no sooner.
  ASSERT_TRUE(eventually([&] { return on_b.trust().trusted; }, 5000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - failed, 4 * kQuick.timeout);
}

// Messages published while a subscription is being made again are lost, however short the gap:
// the epoch moves, so nothing kept before is answered from.
TEST_F(Invalidations, ASubscriptionMadeAgainMovesTheEpoch) {
  Invalidation on_a(a.get()), on_b(b.get());
  on_a.start_heartbeats(kQuick);
  on_b.start_heartbeats(kQuick);
  ASSERT_TRUE(eventually([&] { return on_a.trust().trusted && on_b.trust().trusted; }));
  std::this_thread::sleep_for(300ms);
  const uint64_t before = on_a.trust().epoch;
  ASSERT_TRUE(eventually([&] { return on_a.trust().trusted && on_a.trust().epoch == before; }));
  const std::string kill = "redis-cli -s " + server.socket_path() + " CLIENT KILL TYPE pubsub >/dev/null";
  ASSERT_EQ(std::system(kill.c_str()), 0);
  ASSERT_TRUE(eventually([&] { return on_a.trust().epoch != before; }, 1000ms));
  EXPECT_TRUE(eventually([&] { return on_a.trust().trusted && on_b.trust().trusted; }));
}

TEST(Invalidation, OneNodeRunsItsHandlers) {
  Invalidation one(nullptr);
  Heard heard;
  one.on("account", heard.handler());
  ASSERT_TRUE(one.publish("account", "42").is_ok());
  ASSERT_TRUE(one.publish("other", "x").is_ok());
  EXPECT_EQ(heard.snapshot(), std::vector<std::string>{"42"});
  // Nothing to hear other nodes through: never trusted, so no cache keeps anything by it.
  one.start_heartbeats(kQuick);
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(one.trust().trusted);
}

}  // namespace
}  // namespace kindred
