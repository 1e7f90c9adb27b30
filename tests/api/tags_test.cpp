// Hashtags through the real server: GET /api/v1/tags/:id, following and unfollowing a tag,
// GET /api/v1/followed_tags, and followed tags' public posts in the home feed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class TagsApi : public ThreePeopleApi {
 protected:
  // A token of `who` from the default app with only `scope`.
  std::string token_with(const User& who, std::string_view scope) {
    return str(json(password_grant(default_app(), who.username, kPassword, scope)), "access_token");
  }
  std::string say(const User& who, std::string_view text, const boost::json::object& extra = {}) {
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    return id;
  }
  Ids home(const User& who) {
    instance().feeds_for_test().wait_idle();
    auto r = get("/api/v1/timelines/home", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  // The names of a JSON array of tags.
  static std::vector<std::string> names(const Reply& r) {
    std::vector<std::string> out;
    const auto v = json(r);
    for (const auto& t : v.as_array()) out.push_back(str(t, "name"));
    return out;
  }
};

TEST_F(TagsApi, ATagHasItsUrlAndAWeekOfUsesAndAccounts) {
  say(ann_, "Morning in the #Garden");
  say(bob_, "#garden again");
  say(bob_, "and again, #GARDEN");
  say(cat_, "only followers see this #garden", {{"visibility", "private"}});

  auto r = get("/api/v1/tags/Garden");
  ASSERT_EQ(r.status, 200) << r.body;
  auto t = json(r);
  EXPECT_EQ(str(t, "name"), "garden");
  EXPECT_EQ(str(t, "url"), std::string(kBaseUrl) + "/tags/garden");
  // The id (Mastodon 4.4) is a string, the same for every spelling and every route.
  EXPECT_FALSE(str(t, "id").empty());
  EXPECT_EQ(str(json(get("/api/v1/tags/GARDEN")), "id"), str(t, "id"));
  EXPECT_EQ(str(json(post("/api/v1/tags/garden/follow", {}, cat_.token)), "id"), str(t, "id"));
  EXPECT_FALSE(t.as_object().contains("following"));  // signed out
  const auto& history = t.at("history").as_array();
  ASSERT_EQ(history.size(), 7u);
  const int64_t today = kStartMs / kDayMs * kDayMs;
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(str(history[i], "day"), std::to_string((today - static_cast<int64_t>(i) * kDayMs) / 1000));
    // Public posts only: the private one is not counted.
    EXPECT_EQ(str(history[i], "uses"), i == 0 ? "3" : "0");
    EXPECT_EQ(str(history[i], "accounts"), i == 0 ? "2" : "0");
  }

  // The next day the uses move down the week.
  clock().advance_ms(kDayMs);
  say(cat_, "#garden day two");
  t = json(get("/api/v1/tags/garden", ann_.token));
  EXPECT_EQ(str(t.at("history").at(0), "uses"), "1");
  EXPECT_EQ(str(t.at("history").at(1), "uses"), "3");
  EXPECT_EQ(t.at("following"), false);
  EXPECT_EQ(t.at("featuring"), false);
}

TEST_F(TagsApi, AnUnusedTagHasAnEmptyWeek) {
  auto t = json(get("/api/v1/tags/neverused", ann_.token));
  EXPECT_EQ(str(t, "name"), "neverused");
  for (const auto& d : t.at("history").as_array()) EXPECT_EQ(str(d, "uses"), "0");
}

TEST_F(TagsApi, ANameThatIsNoHashtagIsNotFoundAndFollowsNothing) {
  for (std::string_view bad : {"%23garden", "123", "a-b", "two%20words", "_"}) {
    auto r = get("/api/v1/tags/" + std::string(bad), ann_.token);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(str(json(r), "error"), "Record not found");
    EXPECT_EQ(post("/api/v1/tags/" + std::string(bad) + "/follow", {}, ann_.token).status, 404) << bad;
  }
  std::string too_long(101, 'a');
  EXPECT_EQ(get("/api/v1/tags/" + too_long).status, 404);
  EXPECT_EQ(get("/api/v1/tags/" + std::string(100, 'a')).status, 200);
  EXPECT_EQ(get("/api/v1/tags/caf%C3%A9").status, 200);  // non-ASCII names are hashtags too
  EXPECT_EQ(get("/api/v1/tags/caf%C3").status, 404);     // but not malformed UTF-8
  EXPECT_EQ(get("/api/v1/followed_tags", ann_.token).body, "[]");
}

TEST_F(TagsApi, FollowAndUnfollowAreIdempotent) {
  auto r = post("/api/v1/tags/Cats/follow", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "name"), "cats");
  EXPECT_EQ(json(r).at("following"), true);
  EXPECT_EQ(json(post("/api/v1/tags/cats/follow", {}, ann_.token)).at("following"), true);
  EXPECT_EQ(json(get("/api/v1/tags/cats", ann_.token)).at("following"), true);
  EXPECT_EQ(json(get("/api/v1/tags/cats", bob_.token)).at("following"), false);
  EXPECT_EQ(names(get("/api/v1/followed_tags", ann_.token)), (std::vector<std::string>{"cats"}));

  r = post("/api/v1/tags/cats/unfollow", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("following"), false);
  EXPECT_EQ(post("/api/v1/tags/cats/unfollow", {}, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/followed_tags", ann_.token).body, "[]");
}

TEST_F(TagsApi, FollowingNeedsAUserTokenWithWriteFollows) {
  EXPECT_EQ(post("/api/v1/tags/cats/follow", {}).status, 401);
  EXPECT_EQ(post("/api/v1/tags/cats/follow", {}, token_with(ann_, "read write:accounts")).status, 403);
  EXPECT_EQ(post("/api/v1/tags/cats/unfollow", {}, token_with(ann_, "read")).status, 403);
  EXPECT_EQ(post("/api/v1/tags/cats/follow", {}, default_app_token()).status, 422);
  EXPECT_EQ(post("/api/v1/tags/cats/follow", {}, token_with(ann_, "write:follows")).status, 200);
  EXPECT_EQ(post("/api/v1/tags/dogs/follow", {}, token_with(ann_, "follow")).status, 200);

  EXPECT_EQ(get("/api/v1/followed_tags").status, 401);
  EXPECT_EQ(get("/api/v1/followed_tags", token_with(ann_, "write read:accounts")).status, 403);
  EXPECT_EQ(get("/api/v1/followed_tags", default_app_token()).status, 422);
  EXPECT_EQ(names(get("/api/v1/followed_tags", token_with(ann_, "read:follows"))),
            (std::vector<std::string>{"dogs", "cats"}));
  // Showing a tag takes any token, or none.
  EXPECT_EQ(get("/api/v1/tags/cats", token_with(ann_, "write:statuses")).status, 200);
}

TEST_F(TagsApi, FeatureAndUnfeatureByNameAreIdempotentAndShowOnTheProfile) {
  auto r = post("/api/v1/tags/Gardens/feature", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "name"), "gardens");
  EXPECT_EQ(json(r).at("featuring"), true);
  EXPECT_EQ(json(post("/api/v1/tags/gardens/feature", {}, ann_.token)).at("featuring"), true);
  const std::string ann_id = str(me(ann_), "id");
  EXPECT_EQ(names(get("/api/v1/accounts/" + ann_id + "/featured_tags")),
            (std::vector<std::string>{"gardens"}))
      << "featured once, however often asked";
  r = post("/api/v1/tags/gardens/unfeature", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("featuring"), false);
  EXPECT_EQ(post("/api/v1/tags/gardens/unfeature", {}, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/accounts/" + ann_id + "/featured_tags").body, "[]");
}

TEST_F(TagsApi, FeaturingABadNameOrWithoutWriteAccountsChangesNothing) {
  EXPECT_EQ(post("/api/v1/tags/not%20a%20tag/feature", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/tags/gardens/feature", {}).status, 401);
  EXPECT_EQ(post("/api/v1/tags/gardens/feature", {}, token_with(ann_, "read write:follows")).status, 403);
  EXPECT_EQ(post("/api/v1/tags/gardens/unfeature", {}, default_app_token()).status, 422);
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(post("/api/v1/tags/t" + std::to_string(i) + "/feature", {}, ann_.token).status, 200);
  auto r = post("/api/v1/tags/eleventh/feature", {}, ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error"));
  EXPECT_EQ(names(get("/api/v1/accounts/" + str(me(ann_), "id") + "/featured_tags")).size(), 10u);
}

TEST_F(TagsApi, FollowedTagsArePagedNewestFirstWithLinkHeaders) {
  for (std::string_view t : {"one", "two", "three"}) {
    ASSERT_EQ(post("/api/v1/tags/" + std::string(t) + "/follow", {}, ann_.token).status, 200);
    clock().advance_ms(1000);
  }
  auto page = get("/api/v1/followed_tags?limit=2", ann_.token);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(names(page), (std::vector<std::string>{"three", "two"}));
  EXPECT_NE(link_url(page, "next").find("limit=2"), std::string::npos);
  auto next = follow_link(page, "next", ann_.token);
  EXPECT_EQ(names(next), (std::vector<std::string>{"one"}));
  EXPECT_EQ(names(follow_link(next, "prev", ann_.token)), (std::vector<std::string>{"three", "two"}));
  EXPECT_EQ(get("/api/v1/followed_tags?max_id=x", ann_.token).status, 422);
}

TEST_F(TagsApi, AFollowedTagsPublicPostsComeIntoTheHomeFeed) {
  ASSERT_EQ(post("/api/v1/tags/cats/follow", {}, ann_.token).status, 200);
  const std::string mine = say(ann_, "my own #cats");
  const std::string c1 = say(cat_, "Look at this one! #Cats");
  say(cat_, "unlisted #cats", {{"visibility", "unlisted"}});
  say(cat_, "for followers #cats", {{"visibility", "private"}});
  say(cat_, "not the tag #dogs");
  EXPECT_EQ(home(ann_), (Ids{c1, mine}));
  EXPECT_EQ(home(bob_), (Ids{}));  // follows neither cat nor the tag

  // Unfollowing the tag takes them out at once; following it again brings back what was written.
  ASSERT_EQ(post("/api/v1/tags/cats/unfollow", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{mine}));
  ASSERT_EQ(post("/api/v1/tags/cats/follow", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1, mine}));
}

TEST_F(TagsApi, ABlockedOrMutedAuthorsTaggedPostStaysOutOfTheHomeFeed) {
  ASSERT_EQ(post("/api/v1/tags/cats/follow", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/block", {}, ann_.token).status, 200);
  const std::string b1 = say(bob_, "bob's #cats");
  const std::string c1 = say(cat_, "cat's #cats");
  EXPECT_EQ(home(ann_), (Ids{c1}));
  // Blocked the other way round too.
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, cat_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{}));
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/unblock", {}, cat_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/mute", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{}));
  (void)b1;
}

TEST_F(TagsApi, AFollowedAuthorsTaggedPostIsInTheHomeFeedOnce) {
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/follow", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/tags/cats/follow", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/tags/kittens/follow", {}, ann_.token).status, 200);
  const std::string c1 = say(cat_, "#cats and #kittens");
  EXPECT_EQ(home(ann_), (Ids{c1}));
}

}  // namespace
}  // namespace kindred::testing
