// Endorsements (featured accounts), private notes on accounts, and accounts and statuses by id[]:
// POST /api/v1/accounts/:id/endorse, /unendorse (/pin, /unpin), GET /api/v1/endorsements,
// GET /api/v1/accounts/:id/endorsements, POST /api/v1/accounts/:id/note, GET /api/v1/accounts,
// GET /api/v1/statuses.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class EndorsementsApi : public ThreePeopleApi {
 protected:
  Reply act(const User& who, const User& target, std::string_view action,
            const boost::json::object& body = {}) {
    return post("/api/v1/accounts/" + target.id + "/" + std::string(action), body, who.token);
  }
  boost::json::value rel(const User& who, const User& other) {
    Reply r = get("/api/v1/accounts/relationships?id[]=" + other.id, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto list = json(r).as_array();
    return list.empty() ? boost::json::value() : list[0];
  }
};

TEST_F(EndorsementsApi, EndorsingAFollowedAccountShowsInRelationshipAndLists) {
  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  ASSERT_EQ(act(ann_, cat_, "follow").status, 200);
  Reply r = act(ann_, bob_, "endorse");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("endorsed"), true);
  EXPECT_EQ(act(ann_, bob_, "endorse").status, 200) << "idempotent";
  ASSERT_EQ(act(ann_, cat_, "pin").status, 200) << "the older name";
  EXPECT_EQ(rel(ann_, bob_).at("endorsed"), true);
  EXPECT_EQ(rel(bob_, ann_).at("endorsed"), false);

  Reply mine = get("/api/v1/endorsements", ann_.token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(ids(mine), (std::vector<std::string>{cat_.id, bob_.id}));
  Reply theirs = get("/api/v1/accounts/" + ann_.id + "/endorsements");
  ASSERT_EQ(theirs.status, 200) << "public";
  EXPECT_EQ(ids(theirs), (std::vector<std::string>{cat_.id, bob_.id}));

  Reply un = act(ann_, cat_, "unendorse");
  ASSERT_EQ(un.status, 200);
  EXPECT_EQ(json(un).at("endorsed"), false);
  ASSERT_EQ(act(ann_, bob_, "unpin").status, 200);
  EXPECT_EQ(get("/api/v1/endorsements", ann_.token).body, "[]");
}

TEST_F(EndorsementsApi, EndorsementsPageWithLinkHeaders) {
  std::vector<User> people;
  for (int i = 0; i < 3; ++i) {
    people.push_back(register_user("p" + std::to_string(i)));
    ASSERT_EQ(act(ann_, people.back(), "follow").status, 200);
    ASSERT_EQ(act(ann_, people.back(), "endorse").status, 200);
  }
  Reply first = get("/api/v1/endorsements?limit=2", ann_.token);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(ids(first), (std::vector<std::string>{people[2].id, people[1].id}));
  ASSERT_FALSE(link_url(first, "next").empty()) << first.body;
  Reply second = follow_link(first, "next", ann_.token);
  EXPECT_EQ(ids(second), (std::vector<std::string>{people[0].id}));
  Reply other = get("/api/v1/accounts/" + ann_.id + "/endorsements?limit=2");
  EXPECT_EQ(ids(follow_link(other, "next")), (std::vector<std::string>{people[0].id}));
}

TEST_F(EndorsementsApi, OnlyFollowedAccountsAndUnfollowingOrBlockingEndsIt) {
  Reply r = act(ann_, bob_, "endorse");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error"));
  EXPECT_EQ(get("/api/v1/endorsements", ann_.token).body, "[]") << "nothing stored";
  EXPECT_EQ(post("/api/v1/accounts/123456789/endorse", {}, ann_.token).status, 404);
  EXPECT_EQ(act(ann_, bob_, "endorse", {}).status, 422);

  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  ASSERT_EQ(act(ann_, bob_, "endorse").status, 200);
  ASSERT_EQ(act(ann_, bob_, "unfollow").status, 200);
  EXPECT_EQ(rel(ann_, bob_).at("endorsed"), false);
  EXPECT_EQ(get("/api/v1/endorsements", ann_.token).body, "[]");

  ASSERT_EQ(act(ann_, cat_, "follow").status, 200);
  ASSERT_EQ(act(ann_, cat_, "endorse").status, 200);
  ASSERT_EQ(act(cat_, ann_, "block").status, 200);
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id + "/endorsements").body, "[]");
}

TEST_F(EndorsementsApi, ScopesAreMastodons) {
  EXPECT_EQ(act(User{}, bob_, "endorse").status, 401);
  EXPECT_EQ(get("/api/v1/endorsements").status, 401);
  EXPECT_EQ(get("/api/v1/endorsements", default_app_token()).status, 422);
  App app = create_app("read");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "read");
  const std::string read_only = str(json(grant), "access_token");
  EXPECT_EQ(post("/api/v1/accounts/" + bob_.id + "/endorse", {}, read_only).status, 403);
  EXPECT_EQ(post("/api/v1/accounts/" + bob_.id + "/note", {{"comment", "x"}}, read_only).status,
            403);
  EXPECT_EQ(get("/api/v1/endorsements", read_only).status, 200);
}

TEST_F(EndorsementsApi, ANoteShowsInRelationshipToItsWriterOnly) {
  Reply r = act(ann_, bob_, "note", {{"comment", "Met at the <photo> walk"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "note"), "Met at the <photo> walk");
  EXPECT_EQ(str(rel(ann_, bob_), "note"), "Met at the <photo> walk");
  EXPECT_EQ(str(rel(bob_, ann_), "note"), "");
  ASSERT_EQ(act(ann_, bob_, "note", {{"comment", "Changed"}}).status, 200);
  EXPECT_EQ(str(rel(ann_, bob_), "note"), "Changed");
  ASSERT_EQ(act(ann_, bob_, "note", {{"comment", ""}}).status, 200);
  EXPECT_EQ(str(rel(ann_, bob_), "note"), "");
  ASSERT_EQ(act(ann_, bob_, "note", {{"comment", "Again"}}).status, 200);
  ASSERT_EQ(act(ann_, bob_, "note").status, 200) << "no comment clears it";
  EXPECT_EQ(str(rel(ann_, bob_), "note"), "");
}

TEST_F(EndorsementsApi, ANoteLongerThan2000CharactersIsRefusedAndNothingChanges) {
  ASSERT_EQ(act(ann_, bob_, "note", {{"comment", "Kept"}}).status, 200);
  Reply r = act(ann_, bob_, "note", {{"comment", std::string(2001, 'a')}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(str(json(r), "error").find("2000"), std::string::npos) << r.body;
  EXPECT_EQ(str(rel(ann_, bob_), "note"), "Kept");
  EXPECT_EQ(act(ann_, bob_, "note", {{"comment", std::string(2000, 'a')}}).status, 200);
  EXPECT_EQ(act(ann_, bob_, "note", {{"comment", boost::json::array{"a"}}}).status, 422);
  EXPECT_EQ(post("/api/v1/accounts/123456789/note", {{"comment", "x"}}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/accounts/" + bob_.id + "/note", {{"comment", "x"}}).status, 401);
}

TEST_F(EndorsementsApi, AccountsByIdSkipUnknownOnes) {
  Reply r = get("/api/v1/accounts?id[]=" + bob_.id + "&id[]=123456789&id[]=nope&id[]=" + ann_.id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<std::string>{bob_.id, ann_.id}));
  EXPECT_EQ(get("/api/v1/accounts").body, "[]");
  std::string many = "/api/v1/accounts?";
  for (int i = 0; i < 41; ++i) many += "id[]=" + std::to_string(1000 + i) + "&";
  EXPECT_EQ(get(many).status, 422) << "more than 40";
}

TEST_F(EndorsementsApi, StatusesByIdApplyVisibilityPerStatus) {
  const std::string open = post_status(ann_, "for everyone");
  const std::string friends = post_status(ann_, "for followers", {{"visibility", "private"}});
  Reply out = get("/api/v1/statuses?id[]=" + friends + "&id[]=" + open + "&id[]=123456789");
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(ids(out), (std::vector<std::string>{open})) << "signed out: only the public one";
  EXPECT_EQ(ids(get("/api/v1/statuses?id[]=" + friends + "&id[]=" + open, ann_.token)),
            (std::vector<std::string>{friends, open}));
  ASSERT_EQ(act(bob_, ann_, "follow").status, 200);
  EXPECT_EQ(ids(get("/api/v1/statuses?id[]=" + friends, bob_.token)),
            (std::vector<std::string>{friends}));
  ASSERT_EQ(act(ann_, cat_, "block").status, 200);
  EXPECT_EQ(get("/api/v1/statuses?id[]=" + open, cat_.token).body, "[]") << "blocked";
  std::string many = "/api/v1/statuses?";
  for (int i = 0; i < 21; ++i) many += "id[]=" + std::to_string(1000 + i) + "&";
  EXPECT_EQ(get(many).status, 422) << "more than 20";
}

}  // namespace
}  // namespace kindred::testing
