// Follows, follow requests, blocks, mutes and relationships, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class RelationshipsApi : public ThreePeopleApi {
 protected:

  Reply act(const User& who, const User& target, std::string_view action,
            const boost::json::object& body = {}) {
    return post("/api/v1/accounts/" + target.id + "/" + std::string(action), body, who.token);
  }
  boost::json::value rel(const User& who, const User& other) {
    auto r = get("/api/v1/accounts/relationships?id[]=" + other.id, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = json(r);
    EXPECT_EQ(v.as_array().size(), 1u) << r.body;
    return v.as_array().empty() ? boost::json::value() : v.as_array()[0];
  }
  bool flag(const boost::json::value& r, std::string_view key) {
    return r.is_object() && r.as_object().contains(key) && r.at(key).as_bool();
  }
  int64_t followers(const User& u) { return num(json(get("/api/v1/accounts/" + u.id)), "followers_count"); }
  int64_t following(const User& u) { return num(json(get("/api/v1/accounts/" + u.id)), "following_count"); }

};

TEST_F(RelationshipsApi, FollowAndUnfollowAreIdempotentWithExactCounts) {
  for (int i = 0; i < 2; ++i) {
    auto r = act(ann_, bob_, "follow");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(flag(json(r), "following"));
    EXPECT_EQ(str(json(r), "id"), bob_.id);
  }
  EXPECT_EQ(followers(bob_), 1);
  EXPECT_EQ(following(ann_), 1);
  EXPECT_TRUE(flag(rel(bob_, ann_), "followed_by"));
  EXPECT_FALSE(flag(rel(bob_, ann_), "following"));

  EXPECT_EQ(ids(get("/api/v1/accounts/" + bob_.id + "/followers")), std::vector<std::string>{ann_.id});
  EXPECT_EQ(ids(get("/api/v1/accounts/" + ann_.id + "/following")), std::vector<std::string>{bob_.id});

  for (int i = 0; i < 2; ++i) {
    auto r = act(ann_, bob_, "unfollow");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(flag(json(r), "following"));
  }
  EXPECT_EQ(followers(bob_), 0);
  EXPECT_EQ(following(ann_), 0);
}

TEST_F(RelationshipsApi, BadFollowsAreRefused) {
  auto self = act(ann_, ann_, "follow");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_FALSE(str(json(self), "error").empty());
  EXPECT_EQ(post("/api/v1/accounts/999999999/follow", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/accounts/not-an-id/follow", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}).status, 401);
  EXPECT_EQ(act(ann_, bob_, "follow", {{"reblogs", "perhaps"}}).status, 422);
  EXPECT_EQ(following(ann_), 0);
}

TEST_F(RelationshipsApi, LockedAccountsGetFollowRequests) {
  ASSERT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "locked=true", bob_.token).status, 200);
  auto r = act(ann_, bob_, "follow");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(flag(json(r), "following"));
  EXPECT_TRUE(flag(json(r), "requested"));
  EXPECT_TRUE(flag(rel(bob_, ann_), "requested_by"));
  EXPECT_EQ(followers(bob_), 0);
  ASSERT_EQ(act(cat_, bob_, "follow").status, 200);

  EXPECT_EQ(ids(get("/api/v1/follow_requests", bob_.token)),
            (std::vector<std::string>{cat_.id, ann_.id}));
  auto ok = post("/api/v1/follow_requests/" + ann_.id + "/authorize", {}, bob_.token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(flag(json(ok), "followed_by"));
  auto no = post("/api/v1/follow_requests/" + cat_.id + "/reject", {}, bob_.token);
  ASSERT_EQ(no.status, 200);
  EXPECT_FALSE(flag(json(no), "followed_by"));
  EXPECT_EQ(followers(bob_), 1);
  EXPECT_TRUE(flag(rel(ann_, bob_), "following"));
  EXPECT_FALSE(flag(rel(cat_, bob_), "requested"));
  EXPECT_EQ(ids(get("/api/v1/follow_requests", bob_.token)), std::vector<std::string>{});
  // No request: nothing to authorize.
  EXPECT_EQ(post("/api/v1/follow_requests/" + cat_.id + "/authorize", {}, bob_.token).status, 404);

  // A withdrawn request disappears.
  ASSERT_EQ(act(cat_, bob_, "follow").status, 200);
  ASSERT_EQ(act(cat_, bob_, "unfollow").status, 200);
  EXPECT_EQ(ids(get("/api/v1/follow_requests", bob_.token)), std::vector<std::string>{});
}

TEST_F(RelationshipsApi, RemoveFromFollowers) {
  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  auto r = act(bob_, ann_, "remove_from_followers");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(flag(json(r), "followed_by"));
  EXPECT_EQ(followers(bob_), 0);
  EXPECT_EQ(following(ann_), 0);
}

TEST_F(RelationshipsApi, BlockingEndsFollowsAndHidesEverything) {
  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  ASSERT_EQ(act(bob_, ann_, "follow").status, 200);
  const std::string post_id = post_status(bob_, "bob's photo");

  auto r = act(bob_, ann_, "block");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(flag(json(r), "blocking"));
  EXPECT_FALSE(flag(json(r), "following"));
  EXPECT_FALSE(flag(json(r), "followed_by"));
  EXPECT_TRUE(flag(rel(ann_, bob_), "blocked_by"));
  EXPECT_EQ(followers(ann_), 0);
  EXPECT_EQ(followers(bob_), 0);
  EXPECT_EQ(ids(get("/api/v1/blocks", bob_.token)), std::vector<std::string>{ann_.id});

  // Ann, blocked, can neither see, like, reply to, nor follow Bob.
  EXPECT_EQ(get("/api/v1/statuses/" + post_id, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/" + post_id + "/favourite", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses", {{"status", "hey"}, {"in_reply_to_id", post_id}}, ann_.token).status, 404);
  EXPECT_EQ(act(ann_, bob_, "follow").status, 403);
  EXPECT_EQ(ids(get("/api/v1/accounts/" + bob_.id + "/statuses", ann_.token)), std::vector<std::string>{});
  // Bob does not see Ann's either; others still see Bob's post.
  const std::string ann_post = post_status(ann_, "ann's photo");
  EXPECT_EQ(get("/api/v1/statuses/" + ann_post, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/statuses/" + post_id, cat_.token).status, 200);

  ASSERT_EQ(act(bob_, ann_, "unblock").status, 200);
  EXPECT_EQ(get("/api/v1/statuses/" + post_id, ann_.token).status, 200);
  EXPECT_FALSE(flag(rel(ann_, bob_), "following"));  // follows do not come back
  EXPECT_EQ(act(bob_, bob_, "block").status, 403);
}

TEST_F(RelationshipsApi, MutesExpireAndCarryTheNotificationsChoice) {
  auto r = act(ann_, bob_, "mute", {{"notifications", false}, {"duration", 3600}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(flag(json(r), "muting"));
  EXPECT_FALSE(flag(json(r), "muting_notifications"));
  EXPECT_EQ(ids(get("/api/v1/mutes", ann_.token)), std::vector<std::string>{bob_.id});
  // Muting again replaces the settings.
  auto again = act(ann_, bob_, "mute", {{"notifications", true}, {"duration", 3600}});
  EXPECT_TRUE(flag(json(again), "muting_notifications"));

  clock().advance_ms(3601 * 1000);
  EXPECT_FALSE(flag(rel(ann_, bob_), "muting"));
  EXPECT_EQ(ids(get("/api/v1/mutes", ann_.token)), std::vector<std::string>{});

  ASSERT_EQ(act(ann_, cat_, "mute").status, 200);
  EXPECT_TRUE(flag(rel(ann_, cat_), "muting_notifications"));  // notifications default true
  ASSERT_EQ(act(ann_, cat_, "unmute").status, 200);
  EXPECT_FALSE(flag(rel(ann_, cat_), "muting"));

  EXPECT_EQ(act(ann_, cat_, "mute", {{"duration", -5}}).status, 422);
  EXPECT_EQ(act(ann_, cat_, "mute", {{"notifications", "maybe"}}).status, 422);
  EXPECT_EQ(act(ann_, ann_, "mute").status, 403);
  EXPECT_FALSE(flag(rel(ann_, cat_), "muting"));
}

TEST_F(RelationshipsApi, RelationshipsSkipUnknownIds) {
  ASSERT_EQ(act(ann_, bob_, "follow").status, 200);
  auto r = get("/api/v1/accounts/relationships?id[]=" + bob_.id + "&id[]=999999&id[]=x&id[]=" +
                   cat_.id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json(r);
  ASSERT_EQ(v.as_array().size(), 2u);
  EXPECT_TRUE(flag(v.as_array()[0], "following"));
  EXPECT_FALSE(flag(v.as_array()[1], "following"));
  EXPECT_EQ(get("/api/v1/accounts/relationships?id[]=" + bob_.id).status, 401);
}

TEST_F(RelationshipsApi, FollowersPageWithLinksAndClampedLimits) {
  std::vector<User> fans;
  for (int i = 0; i < 5; ++i) {
    fans.push_back(register_user("fan" + std::to_string(i)));
    ASSERT_EQ(act(fans.back(), ann_, "follow").status, 200);
    clock().advance_ms(1000);
  }
  auto page = get("/api/v1/accounts/" + ann_.id + "/followers?limit=2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(ids(page), (std::vector<std::string>{fans[4].id, fans[3].id}));
  auto next = follow_link(page, "next");
  EXPECT_EQ(ids(next), (std::vector<std::string>{fans[2].id, fans[1].id}));
  auto last = follow_link(next, "next");
  EXPECT_EQ(ids(last), (std::vector<std::string>{fans[0].id}));
  EXPECT_EQ(ids(get("/api/v1/accounts/" + ann_.id + "/followers?limit=1000")).size(), 5u);
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id + "/followers?max_id=abc").status, 422);
  EXPECT_EQ(get("/api/v1/accounts/999999/followers").status, 404);
}

TEST_F(RelationshipsApi, PrivatePostsReachFollowersOnly) {
  const std::string id = post_status(ann_, "for my followers", {{"visibility", "private"}});
  EXPECT_EQ(get("/api/v1/statuses/" + id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/statuses/" + id).status, 404);
  ASSERT_EQ(act(bob_, ann_, "follow").status, 200);
  EXPECT_EQ(get("/api/v1/statuses/" + id, bob_.token).status, 200);
  EXPECT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, bob_.token).status, 200);
  EXPECT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, cat_.token).status, 404);
  ASSERT_EQ(act(bob_, ann_, "unfollow").status, 200);
  EXPECT_EQ(get("/api/v1/statuses/" + id, bob_.token).status, 404);
}

}  // namespace
}  // namespace kindred::testing
