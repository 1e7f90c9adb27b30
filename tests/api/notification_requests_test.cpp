// /api/v1/notifications/requests: list, show, accept, dismiss, their bulk forms and merged,
// through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Strings = std::vector<std::string>;

class NotificationRequestsApi : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    dan_ = register_user("dan");
    auto r = http().patch_json("/api/v2/notifications/policy", R"({"for_not_following":"filter"})",
                               ann_.token);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // username:count of each request, newest first.
  Strings requests_of(const User& who, std::string_view query = "") {
    auto r = get("/api/v1/notifications/requests" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    Strings out;
    const bj::value list = json(r);
    for (const auto& q : list.as_array())
      out.push_back(str(q.at("account"), "username") + ":" + str(q, "notifications_count"));
    return out;
  }
  // The id of `sender`'s request to `who` ("" when none).
  std::string request_id(const User& who, const User& sender) {
    const bj::value list = json(get("/api/v1/notifications/requests", who.token));
    for (const auto& q : list.as_array())
      if (str(q.at("account"), "id") == sender.id) return str(q, "id");
    return "";
  }
  void tick() { clock().advance_ms(1000); }
  User dan_;
};

TEST_F(NotificationRequestsApi, ARequestGathersOneSendersFilteredNotifications) {
  const std::string first = post_status(bob_, "@ann hello");
  tick();
  const std::string second = post_status(bob_, "@ann are you there?");
  tick();
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  auto r = get("/api/v1/notifications/requests", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(json(r).as_array().size(), 1u) << r.body;
  const bj::value list = json(r);
  const auto& q = list.as_array()[0];
  EXPECT_EQ(str(q, "notifications_count"), "3");
  EXPECT_EQ(str(q.at("account"), "id"), bob_.id);
  EXPECT_EQ(str(q.at("last_status"), "id"), second) << "the newest post among them";
  // Opened by the first, updated by the newest (the follow, two seconds later).
  EXPECT_EQ(str(q, "created_at"),
            str(json(get("/api/v1/statuses/" + first, ann_.token)), "created_at"));
  EXPECT_GT(str(q, "updated_at"), str(q, "created_at"));
  const std::string id = str(q, "id");
  auto one = get("/api/v1/notifications/requests/" + id, ann_.token);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json(one), q);
  EXPECT_EQ(get("/api/v1/notifications/requests/" + id, bob_.token).status, 404) << "not his";
  EXPECT_EQ(get("/api/v1/notifications/requests/12345", ann_.token).status, 404);
  EXPECT_EQ(get("/api/v1/notifications/requests/x", ann_.token).status, 404);
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
  EXPECT_EQ(get("/api/v1/notifications/unread_count", ann_.token).body, R"({"count":0})");
  EXPECT_EQ(get("/api/v2/notifications/unread_count", ann_.token).body, R"({"count":0})");
  EXPECT_EQ(
      json(get("/api/v2/notifications", ann_.token)).at("notification_groups").as_array().size(),
      0u);
}

TEST_F(NotificationRequestsApi, LikingAgainAddsNothingToTheRequest) {
  const std::string photo = post_status(ann_, "the garden");
  const std::string like = "/api/v1/statuses/" + photo + "/favourite";
  ASSERT_EQ(post(like, {}, bob_.token).status, 200);
  tick();
  ASSERT_EQ(post(like, {}, bob_.token).status, 200);
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:1"}));
  // A second post's like joins the same request.
  const std::string other = post_status(ann_, "the shed");
  tick();
  ASSERT_EQ(post("/api/v1/statuses/" + other + "/favourite", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + other + "/favourite", {}, bob_.token).status, 200);
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:2"}));
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
}

TEST_F(NotificationRequestsApi, ListPagesNewestFirstWithLinks) {
  post_status(bob_, "@ann one");
  tick();
  post_status(cat_, "@ann two");
  tick();
  post_status(dan_, "@ann three");
  tick();
  post_status(bob_, "@ann four");  // bob's request keeps its place: it is named by its first
  EXPECT_EQ(requests_of(ann_), (Strings{"dan:1", "cat:1", "bob:2"}));
  auto page = get("/api/v1/notifications/requests?limit=2", ann_.token);
  ASSERT_EQ(json(page).as_array().size(), 2u);
  auto next = follow_link(page, "next", ann_.token);
  ASSERT_EQ(next.status, 200) << next.body;
  ASSERT_EQ(json(next).as_array().size(), 1u);
  EXPECT_EQ(str(json(next).as_array()[0].at("account"), "username"), "bob");
  const std::string cat_request = request_id(ann_, cat_);
  EXPECT_EQ(requests_of(ann_, "?max_id=" + cat_request), (Strings{"bob:2"}));
  EXPECT_EQ(requests_of(ann_, "?since_id=" + cat_request), (Strings{"dan:1"}));
  EXPECT_EQ(requests_of(ann_, "?min_id=" + request_id(ann_, bob_) + "&limit=1"),
            (Strings{"cat:1"}));
  EXPECT_EQ(get("/api/v1/notifications/requests?limit=x", ann_.token).status, 422);
  auto summary = json(get("/api/v2/notifications/policy", ann_.token)).at("summary");
  EXPECT_EQ(num(summary, "pending_requests_count"), 3);
  EXPECT_EQ(num(summary, "pending_notifications_count"), 4);
}

TEST_F(NotificationRequestsApi, AcceptingMovesThemBackAndLetsTheSenderThrough) {
  const std::string photo = post_status(ann_, "sea");
  post_status(cat_, "@ann from a friend of a friend");
  tick();
  post_status(bob_, "@ann first");
  tick();
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/favourite", {}, bob_.token).status, 200);
  tick();
  const std::string id = request_id(ann_, bob_);
  ASSERT_FALSE(id.empty());
  auto r = post("/api/v1/notifications/requests/" + id + "/accept", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(requests_of(ann_), (Strings{"cat:1"}));
  // Back in their places in time.
  EXPECT_EQ(notification_kinds(ann_), (Strings{"favourite:bob", "mention:bob"}));
  EXPECT_EQ(get("/api/v1/notifications/requests/" + id, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/notifications/requests/" + id + "/accept", {}, ann_.token).status, 404);
  post_status(bob_, "@ann now you hear me");
  EXPECT_EQ(notification_kinds(ann_), (Strings{"mention:bob", "favourite:bob", "mention:bob"}));
  EXPECT_EQ(requests_of(ann_), (Strings{"cat:1"}));
  EXPECT_EQ(get("/api/v1/notifications/requests/merged", ann_.token).body, R"({"merged":true})");
}

TEST_F(NotificationRequestsApi, DismissingDropsThemAndANewRequestMayOpenLater) {
  post_status(bob_, "@ann one");
  const std::string id = request_id(ann_, bob_);
  auto r = post("/api/v1/notifications/requests/" + id + "/dismiss", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(requests_of(ann_), (Strings{}));
  EXPECT_EQ(notification_kinds(ann_), (Strings{}));
  EXPECT_EQ(post("/api/v1/notifications/requests/" + id + "/dismiss", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/notifications/requests/" + id + "/dismiss", {}, bob_.token).status, 404);
  tick();
  post_status(bob_, "@ann two");
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:1"})) << "still filtered: a dismissal permits nothing";
  EXPECT_NE(request_id(ann_, bob_), id);
}

TEST_F(NotificationRequestsApi, BulkAcceptAndDismissTakeIdsAndPassOverOthers) {
  post_status(bob_, "@ann b");
  post_status(cat_, "@ann c");
  post_status(dan_, "@ann d");
  const std::string b = request_id(ann_, bob_), c = request_id(ann_, cat_),
                    d = request_id(ann_, dan_);
  auto r = post_form("/api/v1/notifications/requests/accept",
                     "id[]=" + b + "&id[]=" + c + "&id[]=12345&id[]=zzz", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(requests_of(ann_), (Strings{"dan:1"}));
  EXPECT_EQ(notification_kinds(ann_).size(), 2u);
  // Someone else's request is not theirs to dismiss.
  ASSERT_EQ(
      post("/api/v1/notifications/requests/dismiss", {{"id", bj::array{d}}}, bob_.token).status,
      200);
  EXPECT_EQ(requests_of(ann_), (Strings{"dan:1"}));
  ASSERT_EQ(
      post("/api/v1/notifications/requests/dismiss", {{"id", bj::array{d}}}, ann_.token).status,
      200);
  EXPECT_EQ(requests_of(ann_), (Strings{}));
  EXPECT_EQ(notification_kinds(ann_).size(), 2u);
  EXPECT_EQ(post("/api/v1/notifications/requests/dismiss", {}, ann_.token).status, 200)
      << "none given";
}

TEST_F(NotificationRequestsApi, NeedNotificationScopes) {
  post_status(bob_, "@ann hi");
  const std::string id = request_id(ann_, bob_);
  for (const char* path :
       {"/api/v1/notifications/requests", "/api/v1/notifications/requests/merged"})
    EXPECT_EQ(get(path).status, 401) << path;
  EXPECT_EQ(post("/api/v1/notifications/requests/" + id + "/accept", {}).status, 401);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read:notifications");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string reader = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/notifications/requests", reader).status, 200);
  EXPECT_EQ(get("/api/v1/notifications/requests/" + id, reader).status, 200);
  EXPECT_EQ(post("/api/v1/notifications/requests/" + id + "/accept", {}, reader).status, 403);
  EXPECT_EQ(post("/api/v1/notifications/requests/" + id + "/dismiss", {}, reader).status, 403);
  EXPECT_EQ(post("/api/v1/notifications/requests/accept", {{"id", bj::array{id}}}, reader).status,
            403);
  Reply other = password_grant(default_app(), "ann", kPassword, "write:statuses");
  const std::string writer = str(json(other), "access_token");
  EXPECT_EQ(get("/api/v1/notifications/requests", writer).status, 403);
  EXPECT_EQ(get("/api/v1/notifications/requests/merged", writer).status, 403);
  EXPECT_EQ(get("/api/v1/notifications/requests", default_app_token()).status, 422);
  EXPECT_EQ(requests_of(ann_), (Strings{"bob:1"})) << "nothing changed";
}

}  // namespace
}  // namespace kindred::testing
