// GET/PATCH /api/v2/notifications/policy and GET/PUT /api/v1/notifications/policy, and how a
// policy decides where a new notification goes, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Strings = std::vector<std::string>;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class NotificationPolicyApi : public ThreePeopleApi {
 protected:
  // The group keys of the grouped list's groups' types, newest first.
  Strings grouped_types(const User& who) {
    auto r = get("/api/v2/notifications", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    Strings out;
    const bj::value list = json(r);
    for (const auto& g : list.at("notification_groups").as_array()) out.push_back(str(g, "type"));
    return out;
  }
  Reply set_policy(const User& who, const std::string& json_body) {
    return http().patch_json("/api/v2/notifications/policy", json_body, who.token);
  }
  std::string policy(const User& who) {
    return get("/api/v2/notifications/policy", who.token).body;
  }
  Strings requests_of(const User& who) {
    auto r = get("/api/v1/notifications/requests", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    Strings out;
    const bj::value list = json(r);
    for (const auto& q : list.as_array())
      out.push_back(str(q.at("account"), "username") + ":" + str(q, "notifications_count"));
    return out;
  }
  void follow(const User& who, const User& whom) {
    ASSERT_EQ(post("/api/v1/accounts/" + whom.id + "/follow", {}, who.token).status, 200);
  }
};

TEST_F(NotificationPolicyApi, DefaultsAreMastodons) {
  auto r = get("/api/v2/notifications/policy", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.body,
      R"({"for_not_following":"accept","for_not_followers":"accept","for_new_accounts":"accept",)"
      R"("for_private_mentions":"filter","for_limited_accounts":"filter",)"
      R"("summary":{"pending_requests_count":0,"pending_notifications_count":0}})");
  auto v1 = get("/api/v1/notifications/policy", ann_.token);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(
      v1.body,
      R"({"filter_not_following":false,"filter_not_followers":false,"filter_new_accounts":false,)"
      R"("filter_private_mentions":true,)"
      R"("summary":{"pending_requests_count":0,"pending_notifications_count":0}})");
}

TEST_F(NotificationPolicyApi, PolicyIsNotTakenForAGroupKey) {
  // Before, GET /api/v2/notifications/policy reached /api/v2/notifications/:group_key (404).
  auto r = get("/api/v2/notifications/policy", ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("for_not_following"));
}

TEST_F(NotificationPolicyApi, PatchChangesOnlyTheValuesGiven) {
  auto r = set_policy(ann_, R"({"for_not_following":"filter","for_new_accounts":"drop"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "for_not_following"), "filter");
  EXPECT_EQ(str(json(r), "for_new_accounts"), "drop");
  EXPECT_EQ(str(json(r), "for_not_followers"), "accept");
  EXPECT_EQ(str(json(r), "for_private_mentions"), "filter");
  EXPECT_EQ(policy(ann_), r.body);
  EXPECT_EQ(str(json(get("/api/v2/notifications/policy", bob_.token)), "for_not_following"),
            "accept")
      << "one person's policy is theirs alone";
  // Form bodies too.
  auto form =
      http().patch_form("/api/v2/notifications/policy", "for_private_mentions=accept", ann_.token);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(str(json(form), "for_private_mentions"), "accept");
  EXPECT_EQ(str(json(form), "for_not_following"), "filter");
}

TEST_F(NotificationPolicyApi, BadValuesAre422AndChangeNothing) {
  const std::string before = policy(ann_);
  auto r = set_policy(ann_, R"({"for_not_following":"filter","for_not_followers":"maybe"})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(str(json(r), "error").find("for_not_followers"), std::string::npos) << r.body;
  EXPECT_EQ(set_policy(ann_, R"({"for_new_accounts":["drop"]})").status, 422);
  EXPECT_EQ(set_policy(ann_, R"({"for_new_accounts":"DROP"})").status, 422);
  EXPECT_EQ(set_policy(ann_, "[1]").status, 422);
  EXPECT_EQ(http()
                .put_json("/api/v1/notifications/policy", R"({"filter_not_following":"sometimes"})",
                          ann_.token)
                .status,
            422);
  EXPECT_EQ(policy(ann_), before);
}

TEST_F(NotificationPolicyApi, V1PutSetsFilterOrAccept) {
  auto r = http().put_json("/api/v1/notifications/policy",
                           R"({"filter_not_following":true,"filter_private_mentions":false})",
                           ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("filter_not_following").as_bool(), true);
  EXPECT_EQ(json(r).at("filter_private_mentions").as_bool(), false);
  EXPECT_EQ(str(json(get("/api/v2/notifications/policy", ann_.token)), "for_not_following"),
            "filter");
  EXPECT_EQ(str(json(get("/api/v2/notifications/policy", ann_.token)), "for_private_mentions"),
            "accept");
}

TEST_F(NotificationPolicyApi, NeedsASignedInUserWithNotificationScopes) {
  EXPECT_EQ(get("/api/v2/notifications/policy").status, 401);
  EXPECT_EQ(get("/api/v1/notifications/policy").status, 401);
  EXPECT_EQ(http()
                .patch_json("/api/v2/notifications/policy", R"({"for_not_following":"drop"})", "")
                .status,
            401);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read:statuses write:statuses");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string token = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v2/notifications/policy", token).status, 403);
  EXPECT_EQ(
      http()
          .patch_json("/api/v2/notifications/policy", R"({"for_not_following":"drop"})", token)
          .status,
      403);
  Reply reader = password_grant(default_app(), "ann", kPassword, "read:notifications");
  ASSERT_EQ(reader.status, 200) << reader.body;
  const std::string read_only = str(json(reader), "access_token");
  EXPECT_EQ(get("/api/v2/notifications/policy", read_only).status, 200);
  EXPECT_EQ(
      http()
          .patch_json("/api/v2/notifications/policy", R"({"for_not_following":"drop"})", read_only)
          .status,
      403);
  EXPECT_EQ(get("/api/v2/notifications/policy", default_app_token()).status, 422)
      << "an app is no user";
  EXPECT_EQ(str(json(get("/api/v2/notifications/policy", ann_.token)), "for_not_following"),
            "accept");
}

TEST_F(NotificationPolicyApi, NotFollowingFiltersStrangersAndLetsFriendsThrough) {
  // A loss post goes far: strangers' notifications wait in requests, friends' arrive.
  follow(ann_, cat_);
  ASSERT_EQ(set_policy(ann_, R"({"for_not_following":"filter"})").status, 200);
  const std::string photo = post_status(ann_, "the last photo of my father");
  post_status(bob_, "@ann so sorry");
  post_status(cat_, "@ann thinking of you");
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/favourite", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/favourite", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:cat", "mention:cat"}));
  EXPECT_EQ(grouped_types(ann_), (Strings{"favourite", "mention"}));
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:3"}));
  auto summary = json(get("/api/v2/notifications/policy", ann_.token)).at("summary");
  EXPECT_EQ(num(summary, "pending_requests_count"), 1);
  EXPECT_EQ(num(summary, "pending_notifications_count"), 3);
  // The grouped like count stays the post's exact like count, but names only the friend.
  auto groups = json(get("/api/v2/notifications", ann_.token)).at("notification_groups");
  EXPECT_EQ(num(groups.as_array()[0], "notifications_count"), 2);
  EXPECT_EQ(groups.as_array()[0].at("sample_account_ids"), (bj::array{cat_.id}));
}

TEST_F(NotificationPolicyApi, DropStoresNothing) {
  ASSERT_EQ(set_policy(ann_, R"({"for_not_following":"drop"})").status, 200);
  post_status(bob_, "@ann hello");
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
  EXPECT_EQ(requests_of(ann_), (Strings{}));
  EXPECT_EQ(num(json(get("/api/v2/notifications/policy", ann_.token)).at("summary"),
                "pending_notifications_count"),
            0);
  // Drop wins over filter when both match.
  ASSERT_EQ(set_policy(ann_, R"({"for_not_following":"filter","for_new_accounts":"drop"})").status,
            200);
  post_status(cat_, "@ann hi");
  EXPECT_EQ(requests_of(ann_), (Strings{}));
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
}

TEST_F(NotificationPolicyApi, PrivateMentionsFromStrangersAreFilteredByDefault) {
  const std::string mine = post_status(ann_, "@cat a private note", {{"visibility", "direct"}});
  post_status(bob_, "@ann psst", {{"visibility", "direct"}});
  post_status(cat_, "@ann in public");
  EXPECT_EQ(notification_kinds(ann_), (Strings{"mention:cat"}));
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:1"}));
  // A reply to one of her own posts is a response, and those she follows always get through.
  post_status(cat_, "@ann answering", {{"visibility", "direct"}, {"in_reply_to_id", mine}});
  follow(ann_, bob_);
  post_status(bob_, "@ann again", {{"visibility", "direct"}});
  EXPECT_EQ(notification_kinds(ann_), (Strings{"mention:bob", "mention:cat", "mention:cat"}));
}

TEST_F(NotificationPolicyApi, NewAccountsAreThoseYoungerThanThirtyDays) {
  ASSERT_EQ(set_policy(ann_, R"({"for_new_accounts":"filter"})").status, 200);
  post_status(bob_, "@ann I am new here");
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
  clock().advance_ms(31 * kDayMs);
  post_status(bob_, "@ann a month on");
  EXPECT_EQ(notification_kinds(ann_), (Strings{"mention:bob"}));
}

TEST_F(NotificationPolicyApi, NotFollowersCountsFollowsOfThreeDaysOrMore) {
  ASSERT_EQ(set_policy(ann_, R"({"for_not_followers":"filter"})").status, 200);
  follow(bob_, ann_);
  post_status(bob_, "@ann just followed you");
  EXPECT_EQ(notification_kinds(ann_), (Strings{})) << "the follow itself and the mention: a follower of minutes";
  clock().advance_ms(4 * kDayMs);
  post_status(bob_, "@ann four days on");
  EXPECT_EQ(notification_kinds(ann_), (Strings{"mention:bob"}));
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:2"}));
}

}  // namespace
}  // namespace kindred::testing
