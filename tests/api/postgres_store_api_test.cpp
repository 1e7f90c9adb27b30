// `kindred serve --store postgres`: the API over the PostgreSQL store (a fresh database in the
// test binary's throwaway cluster, support/pg_cluster.h). The store's behaviour is the
// conformance suite's (tests/store/); these check that the server runs on it end to end.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app/instance.h"
#include "app/serve.h"
#include "core/id.h"
#include "core/status.h"
#include "support/api_fixture.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace kindred::testing {
namespace {

const ::testing::Environment* const kPgEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

class PostgresApi : public ApiTest {
 protected:
  PostgresApi() : ApiTest({.database_url = remembered(fresh_database_url())}) {}
  // The test's database (the base class is built first, so it cannot be a member set there).
  static std::string remembered(std::string url) { return url_ = std::move(url); }
  static inline std::string url_;
};

// While the database's connections die (a failover), a like answers 503 at worst, never 404
// ("Record not found" would be final to a client), and the same like sent again lands once.
TEST_F(PostgresApi, ALikeWhileTheDatabaseGoesAwayIsUnavailableNeverNotFound) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  const std::string photo = post_status(ann, "a photo");
  ASSERT_FALSE(photo.empty());
  ASSERT_EQ(get("/api/v1/statuses/" + photo, bob.token).status, 200);  // post and token cached
  auto cluster = PgCluster::shared();
  ASSERT_TRUE(cluster.has_value());
  ASSERT_TRUE((*cluster)
                  ->psql(url_,
                         // Waits (up to 5 s) until each backend has ended: the like must
                         // not reach a backend still winding down.
                         "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                         " WHERE datname = current_database() AND pid <> pg_backend_pid()")
                  .is_ok());
  int unavailable = 0;
  for (int attempt = 0; attempt < 40; ++attempt) {
    Reply liked = post("/api/v1/statuses/" + photo + "/favourite", {}, bob.token);
    ASSERT_NE(liked.status, 404) << liked.body;
    if (liked.status == 200) {
      EXPECT_EQ(num(json(liked), "favourites_count"), 1);
      break;
    }
    EXPECT_EQ(liked.status, 503) << liked.body;
    EXPECT_TRUE(json(liked).as_object().contains("error")) << liked.body;
    ++unavailable;
  }
  // Reads that meet a dead connection are sent again on a new one, and the pool then drops the
  // other idle connections, so the like may land at once; a write that meets one is 503 (the
  // store's ConnectionsTheServerEndsAreReplaced).
  EXPECT_LE(unavailable, 1);
  Reply status = get("/api/v1/statuses/" + photo, bob.token);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(num(json(status), "favourites_count"), 1);
}

TEST_F(PostgresApi, PeoplePostLikeAndFollowAndItAllSurvivesARestart) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  const std::string photo = post_status(ann, "a photo");
  ASSERT_FALSE(photo.empty());
  Reply liked = post("/api/v1/statuses/" + photo + "/favourite", {}, bob.token);
  ASSERT_EQ(liked.status, 200) << liked.body;
  EXPECT_EQ(num(json(liked), "favourites_count"), 1);
  Reply again = post("/api/v1/statuses/" + photo + "/favourite", {}, bob.token);
  EXPECT_EQ(num(json(again), "favourites_count"), 1);
  Reply followed = post("/api/v1/accounts/" + ann.id + "/follow", {}, bob.token);
  ASSERT_EQ(followed.status, 200) << followed.body;

  ASSERT_NO_FATAL_FAILURE(restart());

  Reply status = get("/api/v1/statuses/" + photo, bob.token);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(num(json(status), "favourites_count"), 1);
  EXPECT_EQ(json(status).at("favourited"), true);
  Reply home = get("/api/v1/timelines/home", bob.token);
  ASSERT_EQ(home.status, 200) << home.body;
  EXPECT_EQ(ids(home), (std::vector<std::string>{photo}));
  EXPECT_EQ(num(me(ann), "followers_count"), 1);
  // Ids keep increasing after the restart (the id generator observed the stored ones).
  const std::string later = post_status(ann, "later");
  EXPECT_GT(std::stoull(later), std::stoull(photo));
}

TEST_F(PostgresApi, ATakenUsernameIsRefused) {
  register_user("ann");
  Reply taken = sign_up("ANN", {{"email", "other@example.com"}});
  EXPECT_EQ(taken.status, 422) << taken.body;
  EXPECT_EQ(str(json(taken), "error"), "Validation failed: Username has already been taken");
  EXPECT_EQ(num(stats(), "user_count"), 1);
}

// A node with --node-id issues ids that carry its number, keeps it across restarts (the claim
// is its data directory's), and a second node asking for the same number is refused.
class PostgresNodeApi : public ApiTest {
 protected:
  PostgresNodeApi() : ApiTest({.database_url = url(), .node_id = 5}) {}
  // One database for both nodes (made when the test runs, not when tests are listed).
  static const std::string& url() {
    static const std::string url = fresh_database_url();
    return url;
  }
};

TEST_F(PostgresNodeApi, IdsCarryTheNodeNumberAndASecondNodeCannotTakeIt) {
  User ann = register_user("ann");
  const std::string photo = post_status(ann, "a photo");
  ASSERT_FALSE(photo.empty());
  EXPECT_EQ(std::stoull(photo) % IdGenerator::kMaxNodes, 5u);
  EXPECT_EQ(std::stoull(ann.id) % IdGenerator::kMaxNodes, 5u);

  TempDir other;
  app::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.store = "postgres";
  config.database_url = url();
  config.data_dir = other.sub("data");
  config.node_id = 5;
  {
    app::Instance second(config);
    Status refused = second.start(nullptr);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.message().find("--node-id 5 is held by another node"), std::string::npos)
        << refused.message();
  }
  config.node_id = 6;
  {
    app::Instance second(config);
    ASSERT_TRUE(second.start(nullptr).is_ok());
    second.stop();
  }
  // The first node restarts with its own number, and its ids keep increasing.
  ASSERT_NO_FATAL_FAILURE(restart());
  const std::string later = post_status(ann, "later");
  EXPECT_GT(std::stoull(later), std::stoull(photo));
  EXPECT_EQ(std::stoull(later) % IdGenerator::kMaxNodes, 5u);
}

TEST(PostgresServe, NodeIdNeedsStorePostgres) {
  TempDir dir;
  app::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir.sub("data");
  config.node_id = 1;
  app::Instance instance(config);
  EXPECT_EQ(instance.start(nullptr).code(), StatusCode::kInvalidArgument);
}

TEST(PostgresServe, StorePostgresWithoutADatabaseUrlDoesNotStart) {
  app::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.store = "postgres";
  app::Instance instance(config);
  EXPECT_EQ(instance.start(nullptr).code(), StatusCode::kInvalidArgument);
}

TEST(PostgresServe, ADatabaseUrlWithoutStorePostgresDoesNotStart) {
  app::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.database_url = "host=/nonexistent-kindred-cluster";
  app::Instance instance(config);
  EXPECT_EQ(instance.start(nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kindred::testing
