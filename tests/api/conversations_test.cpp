// Mastodon's direct conversations (GET /api/v1/conversations, POST /:id/read, DELETE /:id), built
// from direct posts, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Ids = std::vector<std::string>;

class ConversationsApi : public ThreePeopleApi {
 protected:
  // A direct post by `who`; waits until it is in everyone's conversations.
  std::string dm(const User& who, std::string_view text, const bj::object& extra = {}) {
    bj::object body = extra;
    body["visibility"] = "direct";
    std::string id = post_status(who, text, body);
    clock().advance_ms(1000);
    instance().feeds_for_test().wait_idle();
    return id;
  }
  bj::array conversations(const User& who, std::string_view query = "") {
    Reply r = get("/api/v1/conversations" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json(r).as_array() : bj::array{};
  }
  static std::string last(const bj::value& c) { return str(c.at("last_status"), "id"); }
  static Ids usernames(const bj::value& c) {
    Ids out;
    for (const auto& a : c.at("accounts").as_array()) out.push_back(str(a, "username"));
    return out;
  }
};

TEST_F(ConversationsApi, ADirectPostStartsAConversationForEachParticipant) {
  const std::string s = dm(ann_, "@bob @cat dinner?");
  auto mine = conversations(ann_);
  ASSERT_EQ(mine.size(), 1u);
  const auto& c = mine[0].as_object();
  EXPECT_EQ(c.size(), 4u);  // id, unread, accounts, last_status
  EXPECT_FALSE(str(c, "id").empty());
  EXPECT_EQ(c.at("unread"), bj::value(false));  // one's own post is read
  EXPECT_EQ(usernames(c), (Ids{"bob", "cat"}));
  EXPECT_EQ(last(c), s);
  EXPECT_EQ(str(c.at("last_status"), "visibility"), "direct");
  for (const User* u : {&bob_, &cat_}) {
    auto theirs = conversations(*u);
    ASSERT_EQ(theirs.size(), 1u);
    EXPECT_NE(str(theirs[0], "id"), str(c, "id"));  // each person has their own
    EXPECT_EQ(theirs[0].at("unread"), bj::value(true));
    EXPECT_EQ(last(theirs[0]), s);
    EXPECT_EQ(usernames(theirs[0]).size(), 2u);
  }
}

TEST_F(ConversationsApi, RepliesInTheThreadJoinTheConversation) {
  const std::string first = dm(ann_, "@bob hi");
  const std::string id = str(conversations(ann_)[0], "id");
  const std::string reply = dm(bob_, "@ann hello", {{"in_reply_to_id", first}});
  auto mine = conversations(ann_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(str(mine[0], "id"), id);
  EXPECT_EQ(last(mine[0]), reply);
  EXPECT_EQ(mine[0].at("unread"), bj::value(true));
  auto bobs = conversations(bob_);
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0].at("unread"), bj::value(false));  // his own reply was the last
  EXPECT_EQ(usernames(bobs[0]), (Ids{"ann"}));
}

TEST_F(ConversationsApi, OtherThreadsAndPeopleAreOtherConversationsNewestFirstWithLinks) {
  const std::string a = dm(ann_, "@bob one");
  const std::string b = dm(ann_, "@cat two");
  const std::string c = dm(ann_, "@bob another thread");
  auto all = conversations(ann_);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ((Ids{last(all[0]), last(all[1]), last(all[2])}), (Ids{c, b, a}));
  Reply page = get("/api/v1/conversations?limit=2", ann_.token);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(json(page).as_array().size(), 2u);
  EXPECT_EQ(link_url(page, "next"),
            std::string(kBaseUrl) + "/api/v1/conversations?limit=2&max_id=" + b);
  EXPECT_EQ(link_url(page, "prev"),
            std::string(kBaseUrl) + "/api/v1/conversations?limit=2&min_id=" + c);
  Reply next = follow_link(page, "next", ann_.token);
  ASSERT_EQ(json(next).as_array().size(), 1u);
  EXPECT_EQ(last(json(next).as_array()[0]), a);
  auto newer = conversations(ann_, "?since_id=" + a);
  EXPECT_EQ(newer.size(), 2u);
  EXPECT_EQ(get("/api/v1/conversations?max_id=x", ann_.token).status, 422);
}

TEST_F(ConversationsApi, OnlyDirectPostsMakeConversations) {
  post_status(ann_, "@bob public");
  post_status(ann_, "@bob followers", {{"visibility", "private"}});
  instance().feeds_for_test().wait_idle();
  EXPECT_TRUE(conversations(ann_).empty());
  EXPECT_TRUE(conversations(bob_).empty());
}

TEST_F(ConversationsApi, ADirectPostToNobodyIsAConversationWithOneself) {
  const std::string s = dm(ann_, "a note to self");
  auto mine = conversations(ann_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(usernames(mine[0]), (Ids{"ann"}));
  EXPECT_EQ(last(mine[0]), s);
}

TEST_F(ConversationsApi, ReadMarksItReadForTheCallerOnly) {
  dm(ann_, "@bob hi");
  const std::string id = str(conversations(bob_)[0], "id");
  Reply r = post("/api/v1/conversations/" + id + "/read", {}, bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), id);
  EXPECT_EQ(json(r).at("unread"), bj::value(false));
  EXPECT_EQ(conversations(bob_)[0].at("unread"), bj::value(false));
  // Another person's conversation does not exist for them.
  const std::string anns = str(conversations(ann_)[0], "id");
  r = post("/api/v1/conversations/" + anns + "/read", {}, bob_.token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"Record not found"})");
  EXPECT_EQ(post("/api/v1/conversations/nonsense/read", {}, bob_.token).status, 404);
  // A new post makes it unread again.
  dm(ann_, "@bob still there?", {{"in_reply_to_id", last(conversations(ann_)[0])}});
  EXPECT_EQ(conversations(bob_)[0].at("unread"), bj::value(true));
}

TEST_F(ConversationsApi, DeleteRemovesItForTheCallerOnly) {
  const std::string first = dm(ann_, "@bob hi");
  const std::string id = str(conversations(bob_)[0], "id");
  const std::string anns = str(conversations(ann_)[0], "id");
  EXPECT_EQ(del("/api/v1/conversations/" + anns, bob_.token).status, 404);
  Reply r = del("/api/v1/conversations/" + id, bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_TRUE(conversations(bob_).empty());
  EXPECT_EQ(conversations(ann_).size(), 1u);
  EXPECT_EQ(del("/api/v1/conversations/" + id, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/conversations/" + id + "/read", {}, bob_.token).status, 404);
  // A later post of the thread starts it again, as a new conversation.
  dm(ann_, "@bob hello?", {{"in_reply_to_id", first}});
  auto again = conversations(bob_);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(str(again[0], "id"), id);
}

TEST_F(ConversationsApi, BlockedOrMutedAuthorsStartNoConversation) {
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/mute", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, cat_.token).status, 200);
  dm(ann_, "@bob @cat hi");
  EXPECT_TRUE(conversations(bob_).empty());
  EXPECT_TRUE(conversations(cat_).empty());
  EXPECT_EQ(conversations(ann_).size(), 1u);
}

TEST_F(ConversationsApi, ADeletedLastStatusGivesWayToTheOneBefore) {
  const std::string first = dm(ann_, "@bob one");
  const std::string second = dm(bob_, "@ann two", {{"in_reply_to_id", first}});
  ASSERT_EQ(del("/api/v1/statuses/" + second, bob_.token).status, 200);
  auto mine = conversations(ann_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(last(mine[0]), first);
  ASSERT_EQ(del("/api/v1/statuses/" + first, ann_.token).status, 200);
  EXPECT_TRUE(conversations(ann_).empty());
}

TEST_F(ConversationsApi, NeedsAUserWithTheRightScopes) {
  dm(ann_, "@bob hi");
  const std::string id = str(conversations(ann_)[0], "id");
  EXPECT_EQ(get("/api/v1/conversations").status, 401);
  EXPECT_EQ(post("/api/v1/conversations/" + id + "/read", {}).status, 401);
  EXPECT_EQ(del("/api/v1/conversations/" + id).status, 401);
  EXPECT_EQ(get("/api/v1/conversations", default_app_token()).status, 422);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read:statuses");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string reader = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/conversations", reader).status, 200);
  EXPECT_EQ(post("/api/v1/conversations/" + id + "/read", {}, reader).status, 403);
  EXPECT_EQ(del("/api/v1/conversations/" + id, reader).status, 403);
  grant = password_grant(default_app(), "ann", kPassword, "write:conversations");
  const std::string writer = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/conversations", writer).status, 403);
  EXPECT_EQ(conversations(ann_).size(), 1u);
}

}  // namespace
}  // namespace kindred::testing
