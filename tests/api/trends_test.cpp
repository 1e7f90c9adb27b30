// Trends through the real server: /api/v1/trends/statuses, /api/v1/trends/tags (and the old
// /api/v1/trends), /api/v1/trends/links, and /api/v1/timelines/link.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;
using Names = std::vector<std::string>;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class TrendsApi : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    if (HasFatalFailure()) return;
    dan_ = register_user("dan");
  }
  void like(const User& who, const std::string& id) {
    ASSERT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, who.token).status, 200);
  }
  void comment(const User& who, const std::string& id) {
    post_status(who, "a comment", {{"in_reply_to_id", id}});
  }
  Ids trending(std::string_view token = "", std::string_view query = "") {
    auto r = get("/api/v1/trends/statuses" + std::string(query), token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  static Names names(const Reply& r) {
    Names out;
    const auto v = json(r);
    for (const auto& t : v.as_array()) out.push_back(str(t, "name"));
    return out;
  }
  User dan_;
};

TEST_F(TrendsApi, PostsTrendByRecentLikesCommentsAndReblogs) {
  const std::string quiet = post_status(ann_, "one like only");
  const std::string liked = post_status(ann_, "liked by three");
  const std::string talked = post_status(bob_, "talked about");
  like(bob_, quiet);
  for (const User* u : {&bob_, &cat_, &dan_}) like(*u, liked);
  comment(cat_, talked);
  comment(dan_, talked);
  ASSERT_EQ(post("/api/v1/statuses/" + talked + "/reblog", {}, ann_.token).status, 200);
  // Comments count twice a like: 2 + 2 + 1 beats 3. One like is not a trend.
  EXPECT_EQ(trending(), (Ids{talked, liked}));
  EXPECT_EQ(trending(cat_.token), (Ids{talked, liked}));
  // Liking again changes nothing; one's own likes and comments count for nothing.
  like(bob_, quiet);
  like(ann_, quiet);
  comment(ann_, quiet);
  EXPECT_EQ(trending(), (Ids{talked, liked}));
}

TEST_F(TrendsApi, OnlyPublicTopLevelPostsWithoutAWarningTrend) {
  const std::string warned = post_status(ann_, "warned", {{"spoiler_text", "grief"}});
  const std::string sensitive = post_status(ann_, "sensitive", {{"sensitive", true}});
  const std::string unlisted = post_status(ann_, "unlisted", {{"visibility", "unlisted"}});
  const std::string parent = post_status(ann_, "parent");
  const std::string reply = post_status(bob_, "a reply", {{"in_reply_to_id", parent}});
  for (const std::string& id : {warned, sensitive, unlisted, reply})
    for (const User* u : {&cat_, &dan_}) like(*u, id);
  // Of these only the parent trends, by the comment on it.
  EXPECT_EQ(trending(), (Ids{parent}));
}

TEST_F(TrendsApi, PagingIsByOffsetWithLinkHeaders) {
  std::vector<std::string> posts;
  const std::vector<const User*> likers = {&cat_, &dan_};
  for (size_t i = 0; i < 3; ++i) {
    posts.push_back(post_status(ann_, "post " + std::to_string(i)));
    // A comment, and more likes for later posts: post 2 ranks first.
    comment(bob_, posts.back());
    for (size_t j = 0; j < i; ++j) like(*likers[j], posts.back());
  }
  auto page = get("/api/v1/trends/statuses?limit=2");
  EXPECT_EQ(ids(page), (Ids{posts[2], posts[1]}));
  EXPECT_EQ(link_url(page, "next"), std::string(kBaseUrl) + "/api/v1/trends/statuses?limit=2&offset=2");
  EXPECT_EQ(link_url(page, "prev"), "");
  auto next = follow_link(page, "next");
  EXPECT_EQ(ids(next), (Ids{posts[0]}));
  EXPECT_EQ(link_url(next, "next"), "");
  EXPECT_EQ(trending("", "?offset=1&limit=1"), (Ids{posts[1]}));
  EXPECT_EQ(get("/api/v1/trends/statuses?offset=x").status, 422);
  EXPECT_EQ(get("/api/v1/trends/statuses?limit=-1").status, 422);
}

TEST_F(TrendsApi, BlockedMutedAndFilteredAuthorsPostsAreLeftOutForTheViewer) {
  const std::string bobs = post_status(bob_, "bob's popular post");
  for (const User* u : {&ann_, &cat_, &dan_}) like(*u, bobs);
  EXPECT_EQ(trending(ann_.token), (Ids{bobs}));
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/block", {}, ann_.token).status, 200);
  EXPECT_EQ(trending(ann_.token), (Ids{}));
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, bob_.token).status, 200);
  EXPECT_EQ(trending(ann_.token), (Ids{}));
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/mute", {}, cat_.token).status, 200);
  EXPECT_EQ(trending(cat_.token), (Ids{}));
  EXPECT_EQ(trending(dan_.token), (Ids{bobs}));
  EXPECT_EQ(trending(), (Ids{bobs}));
  // A deleted post leaves at once.
  ASSERT_EQ(del("/api/v1/statuses/" + bobs, bob_.token).status, 200);
  EXPECT_EQ(trending(), (Ids{}));
}

TEST_F(TrendsApi, InteractionsDecayAndOldPostsLeave) {
  const std::string older = post_status(ann_, "yesterday's");
  for (const User* u : {&bob_, &cat_, &dan_}) like(*u, older);
  clock().advance_ms(kDayMs);
  const std::string newer = post_status(bob_, "today's");
  for (const User* u : {&ann_, &cat_}) like(*u, newer);
  // Two likes now beat three likes a day ago (a half-life of 12 hours).
  EXPECT_EQ(trending(), (Ids{newer}));  // the older one's score fell under the threshold
  clock().advance_ms(8 * kDayMs);
  EXPECT_EQ(trending(), (Ids{}));
}

TEST_F(TrendsApi, TrendsAreRebuiltFromTheStoreAtStartUp) {
  const std::string liked = post_status(ann_, "liked #restart");
  post_status(bob_, "also #restart");
  for (const User* u : {&bob_, &cat_, &dan_}) like(*u, liked);
  restart();
  EXPECT_EQ(trending(), (Ids{liked}));
  EXPECT_EQ(names(get("/api/v1/trends/tags")), (Names{"restart"}));
  EXPECT_EQ(str(json(get("/api/v1/tags/restart")).at("history").at(0), "uses"), "2");
}

TEST_F(TrendsApi, TagsTrendWhenSeveralPeopleUseThem) {
  post_status(ann_, "#knitting");
  post_status(bob_, "#Knitting too");
  post_status(ann_, "#baking");
  post_status(bob_, "#baking");
  post_status(cat_, "#baking");
  for (int i = 0; i < 5; ++i) post_status(dan_, "#mine " + std::to_string(i));  // one person
  post_status(cat_, "hidden #secret", {{"visibility", "private"}});
  post_status(dan_, "hidden #secret", {{"visibility", "private"}});
  auto r = get("/api/v1/trends/tags", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(names(r), (Names{"baking", "knitting"}));
  const auto t = json(r).at(0);
  EXPECT_EQ(str(t, "url"), std::string(kBaseUrl) + "/tags/baking");
  EXPECT_EQ(str(t.at("history").at(0), "accounts"), "3");
  EXPECT_EQ(t.at("following"), false);
  // The old path answers the same.
  EXPECT_EQ(names(get("/api/v1/trends")), (Names{"baking", "knitting"}));
  auto page = get("/api/v1/trends/tags?limit=1");
  EXPECT_EQ(names(page), (Names{"baking"}));
  EXPECT_EQ(names(follow_link(page, "next")), (Names{"knitting"}));
  EXPECT_EQ(names(get("/api/v1/trends/tags?offset=2")), (Names{}));
  EXPECT_EQ(get("/api/v1/trends/tags?limit=abc").status, 422);
}

TEST_F(TrendsApi, LinksAreEmptyAndTheLinkTimelineIsNotFound) {
  auto links = get("/api/v1/trends/links");
  ASSERT_EQ(links.status, 200);
  EXPECT_EQ(links.body, "[]");
  EXPECT_EQ(get("/api/v1/trends/links?limit=5&offset=10", ann_.token).body, "[]");
  for (std::string_view q : {"?url=https%3A%2F%2Fexample.com%2Fnews", ""}) {
    auto r = get("/api/v1/timelines/link" + std::string(q), ann_.token);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(str(json(r), "error"), "Record not found");
  }
  EXPECT_EQ(get("/api/v1/timelines/link?url=x").status, 404);
}

class DemoTrendsApi : public ApiTest {
 protected:
  DemoTrendsApi() : ApiTest({.demo = true}) {}
};

// The demo's most loved post, Lena's about her daughter Iris, is what trends, and still is
// after a restart rebuilds the trends from the store.
TEST_F(DemoTrendsApi, TheMemorialPostTrends) {
  for (int round = 0; round < 2; ++round) {
    auto r = get("/api/v1/trends/statuses");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = json(r);
    const auto& all = body.as_array();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(str(all[0].at("account"), "username"), "lena");
    EXPECT_NE(str(all[0], "content").find("Iris"), std::string::npos) << str(all[0], "content");
    // A memorial account's post is never promoted, however loved.
    for (const auto& s : all) EXPECT_NE(str(s.at("account"), "username"), "arthur");
    if (round == 0) restart();
  }
}

}  // namespace
}  // namespace kindred::testing
