// `kindred serve --store postgres`: the API over the PostgreSQL store (a fresh database in the
// test binary's throwaway cluster, support/pg_cluster.h). The store's behaviour is the
// conformance suite's (tests/store/); these check that the server runs on it end to end.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app/instance.h"
#include "app/serve.h"
#include "core/status.h"
#include "support/api_fixture.h"
#include "support/pg_cluster.h"

namespace kindred::testing {
namespace {

const ::testing::Environment* const kPgEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

class PostgresApi : public ApiTest {
 protected:
  PostgresApi() : ApiTest({.database_url = fresh_database_url()}) {}
};

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
