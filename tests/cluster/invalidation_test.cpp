// Invalidation: what one node changed, named once, reaches every node's handlers once.
#include "core/invalidation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
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

TEST(Invalidation, OneNodeRunsItsHandlers) {
  Invalidation one(nullptr);
  Heard heard;
  one.on("account", heard.handler());
  ASSERT_TRUE(one.publish("account", "42").is_ok());
  ASSERT_TRUE(one.publish("other", "x").is_ok());
  EXPECT_EQ(heard.snapshot(), std::vector<std::string>{"42"});
}

}  // namespace
}  // namespace kindred
