// GET /api/v1/directory: the profile directory, by recent activity or newest first.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class DirectoryApi : public ThreePeopleApi {
 protected:
  std::vector<std::string> directory(std::string_view query, const std::string& token = "") {
    Reply r = get("/api/v1/directory" + std::string(query), token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
};

TEST_F(DirectoryApi, NewListsNewestAccountsFirstAsAccounts) {
  Reply r = get("/api/v1/directory?order=new");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<std::string>{cat_.id, bob_.id, ann_.id}));
  const auto first = json(r).as_array()[0];
  EXPECT_EQ(str(first, "username"), "cat");
  EXPECT_TRUE(first.as_object().contains("followers_count"));
  EXPECT_FALSE(first.as_object().contains("source")) << "not a CredentialAccount";
}

TEST_F(DirectoryApi, ActiveListsRecentPostersFirstAndTheRestAfter) {
  post_status(ann_, "an old post");
  clock().advance_ms(86'400'000);
  post_status(bob_, "a newer post");
  EXPECT_EQ(directory(""), (std::vector<std::string>{bob_.id, ann_.id, cat_.id}))
      << "active is the default";
  EXPECT_EQ(directory("?order=active"), (std::vector<std::string>{bob_.id, ann_.id, cat_.id}));
}

TEST_F(DirectoryApi, OffsetAndLimitPage) {
  EXPECT_EQ(directory("?order=new&limit=2"), (std::vector<std::string>{cat_.id, bob_.id}));
  EXPECT_EQ(directory("?order=new&limit=2&offset=2"), (std::vector<std::string>{ann_.id}));
  EXPECT_TRUE(directory("?order=new&offset=10").empty());
  EXPECT_EQ(directory("?order=new&limit=0").size(), 1u) << "limit is at least 1";
  EXPECT_EQ(directory("?order=new&local=true").size(), 3u) << "every account is local";
}

TEST_F(DirectoryApi, HidesWhomTheViewerBlocksOrMutesAndWhoBlocksThem) {
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/block", {}, ann_.token).status, 200);
  EXPECT_EQ(directory("?order=new", ann_.token), (std::vector<std::string>{cat_.id, ann_.id}));
  EXPECT_EQ(directory("?order=new", bob_.token), (std::vector<std::string>{cat_.id, bob_.id}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/mute", {}, ann_.token).status, 200);
  EXPECT_EQ(directory("?order=new", ann_.token), (std::vector<std::string>{ann_.id}));
  EXPECT_EQ(directory("?order=new").size(), 3u) << "signed out, everyone";
}

TEST_F(DirectoryApi, BadParametersAreRefused) {
  EXPECT_EQ(get("/api/v1/directory?order=popular").status, 400);
  EXPECT_EQ(get("/api/v1/directory?offset=-1").status, 422);
  EXPECT_EQ(get("/api/v1/directory?limit=many").status, 422);
}

class DirectoryWithApproval : public ApiTest {
 protected:
  DirectoryWithApproval() : ApiTest({.registrations = social::RegistrationMode::kApproval}) {}
};

TEST_F(DirectoryWithApproval, AccountsAwaitingApprovalAreNotListed) {
  ASSERT_EQ(sign_up("pending").status, 200);
  Reply r = get("/api/v1/directory?order=new");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
}

}  // namespace
}  // namespace kindred::testing
