// Grouped notifications (GET /api/v2/notifications and friends), likes as notifications,
// unread counts and read markers, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Strings = std::vector<std::string>;

class GroupedNotificationsApi : public ThreePeopleApi {
 protected:
  boost::json::object groups(const User& who, std::string_view query = "") {
    auto r = get("/api/v2/notifications" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = json(r);
    return v.is_object() ? v.as_object() : boost::json::object{};
  }
  // "type:key:count" of each group, newest first.
  Strings summary(const User& who, std::string_view query = "") {
    Strings out;
    auto page = groups(who, query);
    for (const auto& g : page["notification_groups"].as_array())
      out.push_back(str(g, "type") + ":" + str(g, "group_key") + ":" +
                    std::to_string(g.at("notifications_count").to_number<int64_t>()));
    return out;
  }
  int64_t unread(const User& who, std::string_view version = "v1", std::string_view query = "") {
    auto r = get("/api/" + std::string(version) + "/notifications/unread_count" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).at("count").to_number<int64_t>();
  }
  void like(const User& who, const std::string& status) {
    ASSERT_EQ(post("/api/v1/statuses/" + status + "/favourite", {}, who.token).status, 200);
  }
  void tick(int64_t ms = 1000) { clock().advance_ms(ms); }
  static std::string hour_of_start() { return std::to_string(kStartMs / 3'600'000); }
};

TEST_F(GroupedNotificationsApi, LikesOfOnePostAreOneGroupWithTheExactCount) {
  const std::string photo = post_status(ann_, "one year on");
  std::vector<User> fans;
  for (int i = 0; i < 12; ++i) {
    fans.push_back(register_user("fan" + std::to_string(i)));
    tick();
    like(fans.back(), photo);
  }
  like(ann_, photo);  // her own like is no news to her
  auto page = groups(ann_);
  ASSERT_EQ(page["notification_groups"].as_array().size(), 1u);
  const auto& g = page["notification_groups"].as_array()[0];
  EXPECT_EQ(str(g, "group_key"), "favourite-" + photo);
  EXPECT_EQ(str(g, "type"), "favourite");
  EXPECT_EQ(g.at("notifications_count").to_number<int64_t>(), 12);
  EXPECT_EQ(str(g, "status_id"), photo);
  // The newest likers first, at most 8, each one in "accounts" in full.
  const auto& samples = g.at("sample_account_ids").as_array();
  ASSERT_EQ(samples.size(), 8u);
  EXPECT_EQ(samples[0].as_string(), fans[11].id);
  EXPECT_EQ(samples[7].as_string(), fans[4].id);
  Strings account_ids;
  for (const auto& a : page["accounts"].as_array()) account_ids.push_back(str(a, "id"));
  for (const auto& s : samples)
    EXPECT_NE(std::find(account_ids.begin(), account_ids.end(), std::string(s.as_string())), account_ids.end());
  ASSERT_EQ(page["statuses"].as_array().size(), 1u);
  EXPECT_EQ(str(page["statuses"].as_array()[0], "id"), photo);
  EXPECT_FALSE(str(g, "page_max_id").empty());
  EXPECT_FALSE(str(g, "latest_page_notification_at").empty());

  // v1 names each liker (a post's first likes notify one by one; see ExactLikesApi).
  auto v1 = notification_kinds(ann_);
  ASSERT_EQ(v1.size(), 12u);
  EXPECT_EQ(v1[0], "favourite:" + fans[11].username);
  EXPECT_EQ(v1[11], "favourite:" + fans[0].username);

  // Taking a like back lowers the count at once.
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/unfavourite", {}, fans[11].token).status, 200);
  EXPECT_EQ(summary(ann_), (Strings{"favourite:favourite-" + photo + ":11"}));
  EXPECT_EQ(summary(fans[0]), (Strings{}));  // likers hear nothing
}

TEST_F(GroupedNotificationsApi, NewLikesBringAnOlderPostsGroupBackToTheTop) {
  const std::string first = post_status(ann_, "first");
  like(bob_, first);
  tick();
  post_status(cat_, "@ann hello");
  tick();
  like(cat_, first);  // within the minute: the group stays where it was
  EXPECT_EQ(summary(ann_, "?grouped_types[]=favourite").at(1), "favourite:favourite-" + first + ":2");
  tick(61'000);
  User dan = register_user("dan");
  like(dan, first);
  auto now = summary(ann_);
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0], "favourite:favourite-" + first + ":3");
}

TEST_F(GroupedNotificationsApi, FollowsOfOneHourGroupUnlessTheClientAsksNotTo) {
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  tick();
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, cat_.token).status, 200);
  const std::string key = "follow-0-" + hour_of_start();
  EXPECT_EQ(summary(ann_), (Strings{"follow:" + key + ":2"}));
  auto page = groups(ann_);
  const auto& g = page["notification_groups"].as_array()[0];
  EXPECT_EQ(g.at("sample_account_ids").as_array()[0].as_string(), cat_.id);  // newest first
  EXPECT_FALSE(g.as_object().contains("status_id"));

  // A client that cannot show grouped follows gets them one by one.
  auto single = summary(ann_, "?grouped_types[]=favourite");
  ASSERT_EQ(single.size(), 2u);
  EXPECT_EQ(single[0].substr(0, 17), "follow:ungrouped-");

  // Another hour, another group.
  tick(3'600'000);
  User dan = register_user("dan");
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, dan.token).status, 200);
  auto two = summary(ann_);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1], "follow:" + key + ":2");

  // One group by key, its accounts, and dismissing it.
  auto one = get("/api/v2/notifications/" + key, ann_.token);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json(one).at("notification_groups").as_array().size(), 1u);
  auto accounts = get("/api/v2/notifications/" + key + "/accounts", ann_.token);
  ASSERT_EQ(accounts.status, 200);
  ASSERT_EQ(json(accounts).as_array().size(), 2u);
  EXPECT_EQ(str(json(accounts).as_array()[0], "id"), cat_.id);
  EXPECT_EQ(get("/api/v2/notifications/" + key, bob_.token).status, 404);  // not his
  ASSERT_EQ(post("/api/v2/notifications/" + key + "/dismiss", {}, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v2/notifications/" + key, ann_.token).status, 404);
  EXPECT_EQ(summary(ann_).size(), 1u);
}

TEST_F(GroupedNotificationsApi, ReblogsOfOnePostInOneHourAreOneGroup) {
  const std::string photo = post_status(ann_, "photo");
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/reblog", {}, bob_.token).status, 200);
  tick();
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/reblog", {}, cat_.token).status, 200);
  const std::string key = "reblog-" + photo + "-" + hour_of_start();
  EXPECT_EQ(summary(ann_), (Strings{"reblog:" + key + ":2"}));
  auto accounts = get("/api/v2/notifications/" + key + "/accounts", ann_.token);
  ASSERT_EQ(accounts.status, 200);
  EXPECT_EQ(json(accounts).as_array().size(), 2u);
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/unreblog", {}, bob_.token).status, 200);
  EXPECT_EQ(summary(ann_), (Strings{"reblog:" + key + ":1"}));
}

TEST_F(GroupedNotificationsApi, GroupsByKeyAndBadKeys) {
  const std::string photo = post_status(ann_, "photo");
  like(bob_, photo);
  const std::string mention = post_status(cat_, "@ann look");
  auto page = groups(ann_);
  ASSERT_EQ(page["notification_groups"].as_array().size(), 2u);
  const std::string mention_key = str(page["notification_groups"].as_array()[0], "group_key");
  EXPECT_EQ(mention_key.substr(0, 10), "ungrouped-");
  EXPECT_EQ(get("/api/v2/notifications/" + mention_key, ann_.token).status, 200);
  auto likes = get("/api/v2/notifications/favourite-" + photo, ann_.token);
  ASSERT_EQ(likes.status, 200) << likes.body;
  EXPECT_EQ(json(likes).at("notification_groups").as_array()[0].at("notifications_count").to_number<int64_t>(), 1);
  auto likers = get("/api/v2/notifications/favourite-" + photo + "/accounts", ann_.token);
  ASSERT_EQ(likers.status, 200);
  EXPECT_EQ(str(json(likers).as_array()[0], "id"), bob_.id);
  EXPECT_EQ(get("/api/v2/notifications/favourite-" + photo, cat_.token).status, 404);
  for (std::string bad : {"nonsense", "favourite-", "favourite-abc", "ungrouped-0", "mention-1-2",
                          "follow-1", "follow-1-x", "poll-1-2", "favourite-99999999"}) {
    auto r = get("/api/v2/notifications/" + bad, ann_.token);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_TRUE(json(r).as_object().contains("error")) << bad;
    EXPECT_EQ(post("/api/v2/notifications/" + bad + "/dismiss", {}, ann_.token).status, 200) << bad;
  }
  EXPECT_EQ(summary(ann_).size(), 2u);  // bad keys dismissed nothing
  ASSERT_EQ(post("/api/v2/notifications/favourite-" + photo + "/dismiss", {}, cat_.token).status, 200);
  EXPECT_EQ(summary(ann_).size(), 2u);  // nor someone else's dismissal
  ASSERT_EQ(post("/api/v2/notifications/favourite-" + photo + "/dismiss", {}, ann_.token).status, 200);
  EXPECT_EQ(summary(ann_).size(), 1u);
  EXPECT_EQ(get("/api/v2/notifications").status, 401);
  EXPECT_EQ(get("/api/v2/notifications?limit=x", ann_.token).status, 422);
  EXPECT_EQ(get("/api/v2/notifications?expand_accounts=some", ann_.token).status, 422);
  EXPECT_EQ(get("/api/v2/notifications?types[]=reblog", ann_.token).body.find("ungrouped"), std::string::npos);
  (void)mention;
}

TEST_F(GroupedNotificationsApi, PagingVisitsEveryGroupOnce) {
  Strings posted;
  for (int i = 0; i < 5; ++i) {
    posted.push_back(post_status(bob_, "@ann number " + std::to_string(i)));
    tick();
    const std::string photo = post_status(ann_, "photo " + std::to_string(i));
    like(cat_, photo);
    tick();
  }
  Strings all = summary(ann_);
  ASSERT_EQ(all.size(), 10u);
  Strings paged;
  auto page = get("/api/v2/notifications?limit=3", ann_.token);
  for (int guard = 0; guard < 10; ++guard) {
    ASSERT_EQ(page.status, 200) << page.body;
    const boost::json::value body = json(page);
    for (const auto& g : body.at("notification_groups").as_array())
      paged.push_back(str(g, "type") + ":" + str(g, "group_key") + ":" +
                      std::to_string(g.at("notifications_count").to_number<int64_t>()));
    if (page.header("Link").find("rel=\"next\"") == std::string::npos) break;
    page = follow_link(page, "next", ann_.token);
  }
  EXPECT_EQ(paged, all);
  // Newer than a group: min_id walks back up.
  auto newer = get("/api/v2/notifications?limit=2&min_id=" +
                       str(json(get("/api/v2/notifications?limit=4", ann_.token)).at("notification_groups").as_array()[3], "page_min_id"),
                   ann_.token);
  ASSERT_EQ(newer.status, 200);
  EXPECT_EQ(json(newer).at("notification_groups").as_array().size(), 2u);
}

TEST_F(GroupedNotificationsApi, DeletedPostsAndBlockedLikersDisappear) {
  const std::string photo = post_status(ann_, "photo");
  like(bob_, photo);
  tick();
  like(cat_, photo);
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/block", {}, ann_.token).status, 200);
  auto page = groups(ann_);
  ASSERT_EQ(page["notification_groups"].as_array().size(), 1u);
  const auto& samples = page["notification_groups"].as_array()[0].at("sample_account_ids").as_array();
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].as_string(), bob_.id);
  ASSERT_EQ(del("/api/v1/statuses/" + photo, ann_.token).status, 200);
  EXPECT_EQ(summary(ann_), (Strings{}));
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
}

TEST_F(GroupedNotificationsApi, UnreadCountsFollowTheNotificationsMarker) {
  EXPECT_EQ(unread(ann_), 0);
  Strings mentions;
  for (int i = 0; i < 3; ++i) {
    mentions.push_back(post_status(bob_, "@ann " + std::to_string(i)));
    tick();
  }
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  tick();
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, cat_.token).status, 200);
  EXPECT_EQ(unread(ann_), 5);
  EXPECT_EQ(unread(ann_, "v2"), 4);  // the two follows are one group
  EXPECT_EQ(unread(ann_, "v1", "?types[]=follow"), 2);
  EXPECT_EQ(unread(ann_, "v1", "?limit=2"), 2);  // capped

  // No marker yet: GET /api/v1/markers answers {} for it.
  auto none = get("/api/v1/markers?timeline[]=notifications", ann_.token);
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(json(none).as_object().empty());
  // Read up to the newest follow.
  const boost::json::value listed = json(get("/api/v1/notifications", ann_.token));
  const auto& list = listed.as_array();
  const std::string newest = str(list[0], "id"), second = str(list[1], "id");
  auto set = post("/api/v1/markers", {{"notifications", boost::json::object{{"last_read_id", second}}}}, ann_.token);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(str(json(set).at("notifications"), "last_read_id"), second);
  EXPECT_EQ(json(set).at("notifications").at("version").to_number<int64_t>(), 1);
  EXPECT_EQ(unread(ann_), 1);
  ASSERT_EQ(post_form("/api/v1/markers", "notifications%5Blast_read_id%5D=" + newest, ann_.token).status, 200);
  EXPECT_EQ(unread(ann_), 0);
  auto both = json(get("/api/v1/markers?timeline[]=notifications&timeline[]=home", ann_.token));
  EXPECT_EQ(str(both.at("notifications"), "last_read_id"), newest);
  EXPECT_EQ(both.at("notifications").at("version").to_number<int64_t>(), 2);
  EXPECT_FALSE(both.as_object().contains("home"));
  EXPECT_TRUE(json(get("/api/v1/markers", ann_.token)).as_object().empty());  // none asked for

  // Bad input changes nothing.
  auto bad = post("/api/v1/markers", {{"notifications", boost::json::object{{"last_read_id", "soon"}}}}, ann_.token);
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(json(bad).as_object().contains("error"));
  EXPECT_EQ(post("/api/v1/markers", {}, ann_.token).status, 422);
  EXPECT_EQ(post("/api/v1/markers", {{"home", "x"}}, ann_.token).status, 422);
  EXPECT_EQ(str(json(get("/api/v1/markers?timeline[]=notifications", ann_.token)).at("notifications"), "last_read_id"), newest);
  EXPECT_EQ(get("/api/v1/markers").status, 401);
  EXPECT_EQ(get("/api/v1/notifications/unread_count").status, 401);
  EXPECT_EQ(get("/api/v1/notifications/unread_count?limit=-1", ann_.token).status, 422);
  // Markers are per person.
  EXPECT_TRUE(json(get("/api/v1/markers?timeline[]=notifications", bob_.token)).as_object().empty());
}

}  // namespace
}  // namespace kindred::testing
