// Two Kindred nodes on one PostgreSQL database (`--store postgres --node-id`), each a real server
// on loopback: what one node writes, the other reads, and what one node cached is not answered
// from after another node changed it for longer than the stated bound (CacheAge, 500 ms; the
// promise is one second: a revoked token, a block, a suspension). Each test runs twice: the nodes
// alone (every read asks the database), and with Redis, where each node's store cache keeps what
// it read until a write on any node names it (store/cached_store.h).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "app/admin.h"
#include "app/instance.h"
#include "app/serve.h"
#include "social/model/record_cache.h"
#include "support/api_fixture.h"
#include "support/http_client.h"
#include "support/pg_cluster.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"

namespace kindred::testing {
namespace {

const ::testing::Environment* const kPgEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

// A fresh database for each test's two nodes: made for node 1, remembered for node 2.
std::string current_database;
const std::string& fresh_database() { return current_database = fresh_database_url(); }

using Clock = std::chrono::steady_clock;
constexpr auto kPromise = std::chrono::milliseconds(1000);

// Constructed before ApiTest, which is told its URL. Started only for the "WithRedis" runs.
struct MaybeRedis {
  RedisServer redis;
  static bool on() { return ::testing::WithParamInterface<bool>::GetParam(); }
};

// Node 1 is the fixture's server; node 2 another server on the same database, node number 2.
class TwoNodesApi : public MaybeRedis, public ApiTest, public ::testing::WithParamInterface<bool> {
 protected:
  TwoNodesApi()
      : ApiTest({.exact_like_notifications = kLine,
                 .database_url = fresh_database(),
                 .node_id = 1,
                 .redis_url = on() ? redis.url() : "",
                 .cluster_nodes = on() ? 2 : 1}) {}
  // A post's first two likes notify one by one (--exact-like-notifications), on both nodes.
  static constexpr size_t kLine = 2;

  void SetUp() override {
    if (on()) {
      ASSERT_TRUE(redis.start().is_ok());
    }
    ApiTest::SetUp();
    app::ServeConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.sub("node2");
    config.base_url = std::string(kBaseUrl);
    config.threads = 2;
    config.access_log = false;
    config.fast_password_hashing = true;
    config.store = "postgres";
    config.database_url = current_database;
    config.node_id = 2;
    config.exact_like_notifications = kLine;
    if (on()) {
      config.redis_url = redis.url();
      config.cluster_nodes = 2;
    }
    node2_ = std::make_unique<app::Instance>(config, &clock2_);
    Status started = node2_->start(nullptr);
    ASSERT_TRUE(started.is_ok()) << started.to_string();
    http2_ = std::make_unique<HttpClient>("127.0.0.1", node2_->port());
    if (on()) {
      // Both nodes answer from their store caches once each has heard both.
      const auto until = Clock::now() + std::chrono::seconds(5);
      while (!(instance().store_cache()->trusted && node2_->store_cache()->trusted) && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ASSERT_TRUE(instance().store_cache()->trusted && node2_->store_cache()->trusted);
    } else {
      ASSERT_FALSE(node2_->store_cache().has_value());
    }
  }
  void TearDown() override {
    http2_.reset();
    if (node2_) node2_->stop();
    ApiTest::TearDown();
  }

  Reply get2(std::string_view target, std::string_view token) {
    return http2_->request("GET", target, "", {{"Authorization", "Bearer " + std::string(token)}});
  }
  Reply post2(std::string_view target, std::string_view token) {
    return http2_->post_json(target, "{}", token);
  }

  // How long until `check` holds, polling every 20 ms; fails the test past two seconds.
  template <class Check>
  std::chrono::milliseconds time_until(Check check) {
    const auto start = Clock::now();
    while (!check()) {
      if (Clock::now() - start > std::chrono::seconds(2)) {
        ADD_FAILURE() << "not within two seconds";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  }

  TempDir dir_;
  ManualClock clock2_{kStartMs};
  std::unique_ptr<app::Instance> node2_;
  std::unique_ptr<HttpClient> http2_;
};

TEST_P(TwoNodesApi, WhatOneNodeWritesTheOtherReadsAndCountsStayExact) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  const std::string photo = post_status(ann, "a photo");
  ASSERT_FALSE(photo.empty());
  // Bob likes on node 2; node 1 counts it, and node 2 refuses nothing node 1 issued.
  Reply liked = post2("/api/v1/statuses/" + photo + "/favourite", bob.token);
  ASSERT_EQ(liked.status, 200) << liked.body;
  EXPECT_EQ(liked.json().at("favourites_count").as_int64(), 1);
  Reply seen = get("/api/v1/statuses/" + photo, bob.token);
  EXPECT_EQ(seen.json().at("favourites_count").as_int64(), 1);
  EXPECT_EQ(seen.json().at("favourited"), true);
  // Liking again on node 1 counts once.
  Reply again = post("/api/v1/statuses/" + photo + "/favourite", {}, bob.token);
  EXPECT_EQ(again.json().at("favourites_count").as_int64(), 1);
  // A post written on node 2 carries node 2's number and reads on node 1.
  Reply written = http2_->post_json("/api/v1/statuses", R"({"status":"from node two"})", ann.token);
  ASSERT_EQ(written.status, 200) << written.body;
  const std::string id = std::string(written.json().at("id").as_string());
  EXPECT_EQ(std::stoull(id) % IdGenerator::kMaxNodes, 2u);
  EXPECT_EQ(get("/api/v1/statuses/" + id, bob.token).status, 200);
  // A count node 2 has read (and, with Redis, remembers) moves when node 1 likes.
  User cat = register_user("cat");
  ASSERT_EQ(get2("/api/v1/statuses/" + photo, cat.token).json().at("favourites_count").as_int64(), 1);
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/favourite", {}, cat.token).status, 200);
  const auto took = time_until([&] {
    return get2("/api/v1/statuses/" + photo, cat.token).json().at("favourites_count").as_int64() == 2;
  });
  EXPECT_LE(took, kPromise);
  EXPECT_EQ(get2("/api/v1/statuses/" + photo, cat.token).json().at("favourited"), true);
  if (on()) {
    EXPECT_GT(node2_->store_cache()->hits, 0u);
  }
}

// Neither node reads the post's like count before a like: the write itself decides whether the
// like notifies (below the line) or not, so the line holds whichever node each like reaches.
TEST_P(TwoNodesApi, APostsFirstLikesNotifyOnWhicheverNodeTheyReach) {
  User ann = register_user("ann");
  const std::string photo = post_status(ann, "a photo");
  std::vector<User> fans;
  for (const char* name : {"bob", "cat", "dan", "eve"}) fans.push_back(register_user(name));
  const auto like = [&](size_t fan, int node) {
    const std::string target = "/api/v1/statuses/" + photo + "/favourite";
    Reply r = node == 1 ? post(target, {}, fans[fan].token) : post2(target, fans[fan].token);
    EXPECT_EQ(r.status, 200) << r.body;
  };
  like(0, 2);
  like(1, 1);
  like(1, 2);  // again, on the other node: nothing new
  like(2, 2);  // past the line: no notification of its own
  like(3, 1);
  EXPECT_EQ(notification_kinds(ann), (std::vector<std::string>{"favourite:cat", "favourite:bob"}));
  EXPECT_EQ(get("/api/v1/statuses/" + photo, ann.token).json().at("favourites_count").as_int64(),
            4);
  // Three likes taken back bring the post under the line again: past the bound in which each node
  // remembers the post as past it (CacheAge), the next new like notifies.
  for (size_t fan : {0, 2, 3}) {
    Reply r = post2("/api/v1/statuses/" + photo + "/unfavourite", fans[fan].token);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(social::CacheAge::max_ms() + 50));
  like(2, 1);
  EXPECT_EQ(notification_kinds(ann), (std::vector<std::string>{"favourite:dan", "favourite:cat"}));
}

TEST_P(TwoNodesApi, ATokenRevokedOnOneNodeIsRefusedOnTheOtherWithinASecond) {
  User ann = register_user("ann");
  // Node 2 has authenticated (and cached) the token.
  ASSERT_EQ(get2("/api/v1/accounts/verify_credentials", ann.token).status, 200);
  Reply revoked = post("/oauth/revoke", {{"client_id", default_app().client_id},
                                         {"client_secret", default_app().client_secret},
                                         {"token", ann.token}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann.token).status, 401);
  const auto took = time_until(
      [&] { return get2("/api/v1/accounts/verify_credentials", ann.token).status == 401; });
  EXPECT_LE(took, kPromise);
  RecordProperty("revoked_token_refused_on_node_2_ms", std::to_string(took.count()));
}

TEST_P(TwoNodesApi, ABlockOnOneNodeHoldsOnTheOtherWithinASecond) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  const std::string photo = post_status(bob, "bob's photo");
  // Ann reads Bob's post on node 2 (post and account cached there).
  ASSERT_EQ(get2("/api/v1/statuses/" + photo, ann.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann.id + "/block", {}, bob.token).status, 200);
  const auto took = time_until([&] {
    return post2("/api/v1/statuses/" + photo + "/favourite", ann.token).status == 404;
  });
  EXPECT_LE(took, kPromise);
  EXPECT_EQ(get("/api/v1/statuses/" + photo, bob.token).json().at("favourites_count").as_int64(), 0);
}

// A viewer without filters costs no filter read on either node, yet their first filter, made on
// one node, applies on the other at once (the exact count, not a cached "none", says so).
TEST_P(TwoNodesApi, AFirstFilterMadeOnOneNodeAppliesOnTheOtherAtOnce) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  const std::string photo = post_status(bob, "Category theory at the lighthouse");
  auto filtered = [&] { return get2("/api/v1/statuses/" + photo, ann.token).json().at("filtered"); };
  ASSERT_EQ(boost::json::serialize(filtered()), "[]");
  boost::json::object filter{{"title", "Cats"},
                             {"context", boost::json::array{"home", "public"}},
                             {"filter_action", "warn"},
                             {"keywords_attributes",
                              boost::json::array{boost::json::object{{"keyword", "cat"}, {"whole_word", false}}}}};
  ASSERT_EQ(post("/api/v2/filters", filter, ann.token).status, 200);
  const auto results = filtered().as_array();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].at("filter").at("title").as_string(), "Cats");
  EXPECT_EQ(boost::json::serialize(results[0].at("keyword_matches")), R"(["Cat"])");
}

TEST_P(TwoNodesApi, AnAccountDeletedOnOneNodeIsGoneOnTheOtherWithinASecond) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  ASSERT_EQ(get2("/api/v1/accounts/" + ann.id, bob.token).status, 200);  // cached on node 2
  Reply deleted = post("/api/v1/kindred/account/delete", {{"password", std::string(kPassword)}},
                       ann.token);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  const auto took =
      time_until([&] { return get2("/api/v1/accounts/" + ann.id, bob.token).status == 404; });
  EXPECT_LE(took, kPromise);
}

// `kindred admin --database-url`: an admin command works on the shared database while both
// nodes run, and both nodes see its change within a second (the moderation marks and the account
// are read again once older than the bound).
TEST_P(TwoNodesApi, AnAdminCommandOnTheDatabaseReachesBothRunningNodes) {
  User sam = register_user("sam");
  // Both nodes have read (and cached) Sam's account.
  ASSERT_EQ(get("/api/v1/accounts/verify_credentials", sam.token).status, 200);
  ASSERT_EQ(get2("/api/v1/accounts/verify_credentials", sam.token).status, 200);
  app::set_admin_database_url(current_database);
  // With Redis, the command is given it as the nodes are, and they hear of its writes.
  app::set_admin_redis_url(on() ? redis.url() : "");
  app::RoleConfig moderator;
  moderator.username = "sam";
  moderator.role = "moderator";
  const int made = app::role(moderator);
  app::set_admin_database_url("");
  app::set_admin_redis_url("");
  ASSERT_EQ(made, 0);
  const auto took = time_until([&] {
    Reply a = get("/api/v1/accounts/verify_credentials", sam.token);
    Reply b = get2("/api/v1/accounts/verify_credentials", sam.token);
    return a.status == 200 && b.status == 200 && a.json().at("role").at("name") == "Moderator" &&
           b.json().at("role").at("name") == "Moderator";
  });
  EXPECT_LE(took, kPromise);
}

INSTANTIATE_TEST_SUITE_P(Nodes, TwoNodesApi, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return std::string(param.param ? "WithRedis" : "Alone");
                         });

}  // namespace
}  // namespace kindred::testing
