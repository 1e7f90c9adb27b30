// GET /api/v1/notifications and friends, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Strings = std::vector<std::string>;

class NotificationsApi : public ThreePeopleApi {
 protected:
  explicit NotificationsApi(ServerOptions options = {}) : ThreePeopleApi(options) {}
  void tick() { clock().advance_ms(1000); }
};

TEST_F(NotificationsApi, MentionsFollowsAndLikes) {
  const std::string photo = post_status(ann_, "a photo of the sea");
  tick();
  // A post's first likes (--exact-like-notifications) notify one by one, as Mastodon's.
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/favourite", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/favourite", {}, cat_.token).status, 200);
  tick();
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, cat_.token).status, 200);  // once
  tick();
  const std::string reply = post_status(cat_, "lovely", {{"in_reply_to_id", photo}});
  tick();
  post_status(bob_, "hey @ann, look");
  EXPECT_EQ(notification_kinds(ann_),
            (Strings{"mention:bob", "mention:cat", "follow:cat", "favourite:cat", "favourite:bob"}));

  auto list = json(get("/api/v1/notifications", ann_.token));
  EXPECT_EQ(str(list.as_array()[1].at("status"), "id"), reply);
  EXPECT_FALSE(str(list.as_array()[1], "created_at").empty());
  EXPECT_FALSE(list.as_array()[2].as_object().contains("status"));  // follows carry none

  EXPECT_EQ(notification_kinds(ann_, "?types[]=mention"), (Strings{"mention:bob", "mention:cat"}));
  EXPECT_EQ(notification_kinds(ann_, "?exclude_types[]=mention"),
            (Strings{"follow:cat", "favourite:cat", "favourite:bob"}));
  EXPECT_EQ(notification_kinds(ann_, "?account_id=" + cat_.id), (Strings{"mention:cat", "follow:cat", "favourite:cat"}));
  EXPECT_EQ(notification_kinds(ann_, "?types[]=reblog"), (Strings{}));  // nobody reblogged anything
  EXPECT_EQ(notification_kinds(bob_), (Strings{}));  // acting yourself notifies nobody else
  EXPECT_EQ(get("/api/v1/notifications").status, 401);
  EXPECT_EQ(get("/api/v1/notifications?limit=x", ann_.token).status, 422);
}

TEST_F(NotificationsApi, LikingAgainNotifiesNoOneAgain) {
  const std::string photo = post_status(ann_, "a photo of the sea");
  const std::string like = "/api/v1/statuses/" + photo + "/favourite";
  ASSERT_EQ(post(like, {}, bob_.token).status, 200);
  tick();
  ASSERT_EQ(post(like, {}, bob_.token).status, 200);  // written with the like, only if it is new
  tick();
  ASSERT_EQ(post(like, {}, bob_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:bob"}));
  EXPECT_EQ(json(get("/api/v1/statuses/" + photo, ann_.token)).at("favourites_count").as_int64(),
            1);
  EXPECT_EQ(get("/api/v1/notifications/unread_count", ann_.token).body, R"({"count":1})");
}

TEST_F(NotificationsApi, UndoneActionsAndDeletedPostsDisappear) {
  const std::string photo = post_status(ann_, "photo");
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  const std::string mention = post_status(cat_, "@ann hello, " + photo);
  EXPECT_EQ(notification_kinds(ann_).size(), 2u);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/unfollow", {}, bob_.token).status, 200);
  ASSERT_EQ(del("/api/v1/statuses/" + mention, cat_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
}

TEST_F(NotificationsApi, BlocksAndMutesHideNotifications) {
  post_status(bob_, "@ann one");
  post_status(cat_, "@ann two");
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/block", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/mute", {}, ann_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/mute", {{"notifications", false}}, ann_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"mention:cat"}));
}

TEST_F(NotificationsApi, FollowRequestsNotifyTheLockedAccount) {
  ASSERT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "locked=true", ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"follow_request:bob"}));
  ASSERT_EQ(post("/api/v1/follow_requests/" + bob_.id + "/authorize", {}, ann_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));  // no longer a request
}

TEST_F(NotificationsApi, GetDismissClearAndPaging) {
  for (int i = 0; i < 5; ++i) {
    post_status(bob_, "@ann number " + std::to_string(i));
    tick();
  }
  auto page = get("/api/v1/notifications?limit=2", ann_.token);
  ASSERT_EQ(json(page).as_array().size(), 2u);
  auto next = follow_link(page, "next", ann_.token);
  EXPECT_EQ(json(next).as_array().size(), 2u);
  const std::string id = str(json(page).as_array()[0], "id");
  auto one = get("/api/v1/notifications/" + id, ann_.token);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(str(json(one), "type"), "mention");
  EXPECT_EQ(get("/api/v1/notifications/" + id, bob_.token).status, 404);
  Reply not_his = post("/api/v1/notifications/" + id + "/dismiss", {}, bob_.token);
  EXPECT_EQ(not_his.status, 404) << "not his: as Mastodon, it is not found";
  EXPECT_EQ(not_his.body, R"({"error":"Record not found"})");
  EXPECT_EQ(notification_kinds(ann_).size(), 5u);
  ASSERT_EQ(post("/api/v1/notifications/" + id + "/dismiss", {}, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/notifications/" + id, ann_.token).status, 404);
  EXPECT_EQ(notification_kinds(ann_).size(), 4u);
  EXPECT_EQ(post("/api/v1/notifications/" + id + "/dismiss", {}, ann_.token).status, 404)
      << "already dismissed";
  EXPECT_EQ(post("/api/v1/notifications/12345/dismiss", {}, ann_.token).status, 404);
  ASSERT_EQ(post("/api/v1/notifications/clear", {}, ann_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
  EXPECT_EQ(post("/api/v1/notifications/clear", {}).status, 401);
}

// With --exact-like-notifications 2: a post's first two likes notify one by one, the likes
// beyond share the post's one notice (naming its newest liker), and grouped notifications count
// them all in one group either way.
class ExactLikesApi : public NotificationsApi {
 protected:
  ExactLikesApi() : NotificationsApi({.exact_like_notifications = 2}) {}
  Reply like(const User& who, const std::string& post_id, std::string_view action = "favourite") {
    return post("/api/v1/statuses/" + post_id + "/" + std::string(action), {}, who.token);
  }
  // The grouped list's like group of `post_id`: "count:sample usernames".
  std::string like_group(const std::string& post_id) {
    auto page = json(get("/api/v2/notifications", ann_.token));
    for (const auto& g : page.at("notification_groups").as_array()) {
      if (str(g, "group_key") != "favourite-" + post_id) continue;
      return std::to_string(num(g, "notifications_count")) + ":" +
             std::to_string(g.at("sample_account_ids").as_array().size());
    }
    return "none";
  }
};

TEST_F(ExactLikesApi, FirstLikesNotifyOneByOneAndLaterOnesShareANotice) {
  const User dan = register_user("dan");
  const User eve = register_user("eve");
  const std::string photo = post_status(ann_, "the garden");
  tick();
  ASSERT_EQ(like(bob_, photo).status, 200);
  tick();
  ASSERT_EQ(like(cat_, photo).status, 200);
  tick();
  ASSERT_EQ(like(cat_, photo).status, 200);  // again: nothing new
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:cat", "favourite:bob"}));
  EXPECT_EQ(like_group(photo), "2:2");
  // Beyond the first two, the post's one notice stands for the rest, naming the newest liker
  // (it moves at most once a minute).
  clock().advance_ms(61'000);
  ASSERT_EQ(like(dan, photo).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:dan", "favourite:cat", "favourite:bob"}));
  clock().advance_ms(61'000);
  ASSERT_EQ(like(eve, photo).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:eve", "favourite:cat", "favourite:bob"}));
  EXPECT_EQ(like_group(photo), "4:4");
  // A like taken back takes its notification with it; made again, it is new.
  ASSERT_EQ(like(bob_, photo, "unfavourite").status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:eve", "favourite:cat"}));
  EXPECT_EQ(like_group(photo), "3:3");
  // Dismissing the like group in v2 dismisses the likes' own notifications too.
  ASSERT_EQ(post("/api/v2/notifications/favourite-" + photo + "/dismiss", {}, ann_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
}

TEST_F(ExactLikesApi, OtherPostsCountTheirOwnLikes) {
  const std::string one = post_status(ann_, "one");
  const std::string two = post_status(ann_, "two");
  tick();
  ASSERT_EQ(like(bob_, one).status, 200);
  ASSERT_EQ(like(cat_, one).status, 200);
  tick();
  ASSERT_EQ(like(bob_, two).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:bob", "favourite:cat", "favourite:bob"}));
  EXPECT_EQ(get("/api/v1/notifications/unread_count", ann_.token).body, R"({"count":3})");
  EXPECT_EQ(get("/api/v2/notifications/unread_count", ann_.token).body, R"({"count":2})");
}

}  // namespace
}  // namespace kindred::testing
