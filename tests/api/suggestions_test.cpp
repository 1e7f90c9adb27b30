// Follow suggestions: GET /api/v2/suggestions (and the deprecated v1), DELETE
// /api/v1/suggestions/:id; and GET /api/v1/accounts/familiar_followers.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class SuggestionsApi : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    if (HasFatalFailure()) return;
    dan_ = register_user("dan");
    eve_ = register_user("eve");
  }
  void follow(const User& who, const User& whom) {
    ASSERT_EQ(post("/api/v1/accounts/" + whom.id + "/follow", {}, who.token).status, 200);
  }
  std::vector<std::string> suggested(const User& who, std::string_view query = "") {
    Reply r = get("/api/v2/suggestions" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto list = json(r);
    for (const auto& s : list.as_array()) out.push_back(str(s.at("account"), "id"));
    return out;
  }
  User dan_, eve_;
};

TEST_F(SuggestionsApi, FriendsOfFriendsComeFirstThenPopularAccounts) {
  // Ann follows bob and cat; both follow dan, bob also follows eve, and so does dan.
  follow(ann_, bob_);
  follow(ann_, cat_);
  follow(bob_, dan_);
  follow(cat_, dan_);
  follow(bob_, eve_);
  follow(dan_, eve_);
  Reply r = get("/api/v2/suggestions", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = json(r).as_array();
  ASSERT_EQ(list.size(), 2u) << r.body;
  // Dan is followed by two of ann's follows, eve by one.
  EXPECT_EQ(str(list[0].at("account"), "id"), dan_.id);
  EXPECT_EQ(str(list[1].at("account"), "id"), eve_.id);
  for (const auto& s : list) {
    EXPECT_EQ(str(s, "source"), "past_interactions");
    EXPECT_EQ(s.at("sources"), boost::json::array{"friends_of_friends"});
  }

  // Someone new to the instance gets the popular accounts (posted or followed), most followed
  // first; never themselves.
  User fay = register_user("fay");
  Reply f = get("/api/v2/suggestions", fay.token);
  auto popular = json(f).as_array();
  ASSERT_GE(popular.size(), 2u) << f.body;
  EXPECT_EQ(str(popular[0].at("account"), "id"), eve_.id);
  EXPECT_EQ(str(popular[0], "source"), "global");
  EXPECT_EQ(popular[0].at("sources"), boost::json::array{"most_followed"});
  for (const auto& s : popular) EXPECT_NE(str(s.at("account"), "id"), fay.id);
}

TEST_F(SuggestionsApi, NeverSelfFollowedRequestedBlockedOrMuted) {
  post_status(ann_, "hi");
  post_status(bob_, "hi");
  post_status(cat_, "hi");
  post_status(dan_, "hi");
  post_status(eve_, "hi");
  auto all = suggested(ann_);
  EXPECT_EQ(all.size(), 4u);
  follow(ann_, bob_);
  ASSERT_EQ(request("PATCH", "/api/v1/accounts/update_credentials", R"({"locked":true})",
                    {{"Content-Type", "application/json"}}, cat_.token)
                .status,
            200);
  follow(ann_, cat_);  // a request: cat is locked
  ASSERT_EQ(post("/api/v1/accounts/" + dan_.id + "/mute", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, eve_.token).status, 200);
  EXPECT_TRUE(suggested(ann_).empty()) << "bob followed, cat requested, dan muted, eve blocks ann";
}

TEST_F(SuggestionsApi, DismissedSuggestionsStayAwayForThatPersonOnly) {
  post_status(dan_, "hi");
  ASSERT_EQ(suggested(ann_), (std::vector<std::string>{dan_.id}));
  Reply d = del("/api/v1/suggestions/" + dan_.id, ann_.token);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.body, "{}");
  EXPECT_TRUE(suggested(ann_).empty());
  EXPECT_EQ(suggested(bob_), (std::vector<std::string>{dan_.id}));
}

TEST_F(SuggestionsApi, DismissingAnUnknownAccountIsNoErrorAndChangesNothing) {
  post_status(dan_, "hi");
  for (const char* id : {"123456789", "not-an-id"}) {
    Reply d = del(std::string("/api/v1/suggestions/") + id, ann_.token);
    EXPECT_EQ(d.status, 200) << id;
    EXPECT_EQ(d.body, "{}");
  }
  EXPECT_EQ(suggested(ann_), (std::vector<std::string>{dan_.id}));
  EXPECT_EQ(del("/api/v1/suggestions/" + dan_.id).status, 401);
  EXPECT_EQ(suggested(ann_), (std::vector<std::string>{dan_.id}));
}

TEST_F(SuggestionsApi, MemorialAccountsAreNeverSuggested) {
  post_status(dan_, "hi");
  post_status(eve_, "hi");
  restart([&] {
    app::VerifyConfig c;
    c.data_dir = data_dir().string();
    c.username = "dan";
    ASSERT_EQ(app::memorial(c), 0);
  });
  EXPECT_EQ(suggested(ann_), (std::vector<std::string>{eve_.id}));
}

TEST_F(SuggestionsApi, V1IsAListOfAccountsAndLimitsApply) {
  post_status(dan_, "hi");
  post_status(eve_, "hi");
  Reply v1 = get("/api/v1/suggestions", ann_.token);
  ASSERT_EQ(v1.status, 200) << v1.body;
  auto accounts = json(v1).as_array();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_FALSE(str(accounts[0], "username").empty());
  EXPECT_EQ(suggested(ann_, "?limit=1").size(), 1u);
  EXPECT_EQ(get("/api/v1/suggestions?limit=1", ann_.token).status, 200);
  EXPECT_EQ(json(get("/api/v1/suggestions?limit=1", ann_.token)).as_array().size(), 1u);
  EXPECT_EQ(get("/api/v2/suggestions?limit=x", ann_.token).status, 422);
}

TEST_F(SuggestionsApi, NeedAPersonsToken) {
  for (const char* path : {"/api/v2/suggestions", "/api/v1/suggestions"}) {
    EXPECT_EQ(get(path).status, 401) << path;
    EXPECT_EQ(get(path, default_app_token()).status, 422) << path;
  }
  App app = create_app("write");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "write");
  EXPECT_EQ(get("/api/v2/suggestions", str(json(grant), "access_token")).status, 403);
}

TEST_F(SuggestionsApi, FamiliarFollowersAreThoseOneFollowsWhoFollowThem) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  follow(bob_, dan_);
  follow(cat_, dan_);
  follow(eve_, dan_);  // ann does not follow eve
  Reply r = get("/api/v1/accounts/familiar_followers?id[]=" + dan_.id + "&id[]=" + eve_.id +
                    "&id[]=123456789",
                ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = json(r).as_array();
  ASSERT_EQ(list.size(), 2u) << "unknown ids are skipped";
  EXPECT_EQ(str(list[0], "id"), dan_.id);
  EXPECT_EQ(ids(list[0].at("accounts")), (std::vector<std::string>{cat_.id, bob_.id}));
  EXPECT_EQ(str(list[1], "id"), eve_.id);
  EXPECT_TRUE(list[1].at("accounts").as_array().empty());
  EXPECT_EQ(get("/api/v1/accounts/familiar_followers?id[]=" + dan_.id).status, 401);
  App app = create_app("read:accounts");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "read:accounts");
  EXPECT_EQ(
      get("/api/v1/accounts/familiar_followers?id[]=" + dan_.id, str(json(grant), "access_token"))
          .status,
      403);
}

}  // namespace
}  // namespace kindred::testing
