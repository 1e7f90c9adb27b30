// POST/GET/PUT/DELETE /api/v1/push/subscription: Web Push subscriptions, one per access token,
// stored (this instance sends no pushes), through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

// base64url (no padding) of an uncompressed P-256 point (0x04 then 64 bytes) and of 16 bytes.
constexpr std::string_view kP256dh =
    "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A";
constexpr std::string_view kAuth = "ZGVmZ2hpamtsbW5vcHFycw";
constexpr std::string_view kEndpoint = "https://push.example.net/send/abc123";

class PushApi : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    push_app_ = create_app("read write push");
    token_ = token_for(ann_);
  }
  std::string token_for(const User& who) {
    Reply grant = password_grant(push_app_, who.username, kPassword, "push");
    EXPECT_EQ(grant.status, 200) << grant.body;
    return str(json(grant), "access_token");
  }
  static bj::object subscription(std::string_view endpoint = kEndpoint,
                                 std::string_view p256dh = kP256dh, std::string_view auth = kAuth) {
    return {
        {"subscription", {{"endpoint", endpoint}, {"keys", {{"p256dh", p256dh}, {"auth", auth}}}}},
        {"data", {{"alerts", {{"mention", true}, {"favourite", true}}}, {"policy", "followed"}}}};
  }
  Reply subscribe(const bj::object& body) {
    return post("/api/v1/push/subscription", body, token_);
  }
  Reply current() { return get("/api/v1/push/subscription", token_); }
  App push_app_;
  std::string token_;
};

TEST_F(PushApi, SubscribeAnswersTheSubscription) {
  auto r = subscribe(subscription());
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json(r);
  EXPECT_FALSE(str(v, "id").empty());
  EXPECT_EQ(str(v, "endpoint"), kEndpoint);
  EXPECT_EQ(str(v, "policy"), "followed");
  EXPECT_EQ(str(v, "server_key"), "") << "no VAPID key: this instance sends no pushes";
  const auto& alerts = v.at("alerts").as_object();
  EXPECT_TRUE(alerts.at("mention").as_bool());
  EXPECT_TRUE(alerts.at("favourite").as_bool());
  EXPECT_FALSE(alerts.at("follow").as_bool());
  EXPECT_FALSE(alerts.at("admin.sign_up").as_bool());
  EXPECT_EQ(alerts.size(), 10u);
  EXPECT_EQ(current().body, r.body);
}

TEST_F(PushApi, FormBodiesWorkToo) {
  auto r = post_form("/api/v1/push/subscription",
                     "subscription[endpoint]=https%3A%2F%2Fpush.example.net%2Fx"
                     "&subscription[keys][p256dh]=" +
                         std::string(kP256dh) + "&subscription[keys][auth]=" + std::string(kAuth) +
                         "&data[alerts][follow]=1&data[alerts][mention]=0",
                     token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json(r).at("alerts").at("follow").as_bool());
  EXPECT_FALSE(json(r).at("alerts").at("mention").as_bool());
  EXPECT_EQ(str(json(r), "policy"), "all");
}

TEST_F(PushApi, OnePerTokenAndANewOneReplacesIt) {
  const std::string first = str(json(subscribe(subscription())), "id");
  auto again = subscribe(subscription("https://push.example.net/other"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(str(json(again), "id"), first);
  EXPECT_EQ(str(json(current()), "endpoint"), "https://push.example.net/other");
  // Another token of the same person has its own (none yet).
  const std::string second_token = token_for(ann_);
  EXPECT_EQ(get("/api/v1/push/subscription", second_token).status, 404);
  EXPECT_EQ(get("/api/v1/push/subscription", token_for(bob_)).status, 404);
}

TEST_F(PushApi, UpdateChangesAlertsAndPolicy) {
  ASSERT_EQ(subscribe(subscription()).status, 200);
  auto r = http().put_json("/api/v1/push/subscription",
                           R"({"data":{"alerts":{"follow":true,"reblog":true},"policy":"none"}})",
                           token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json(r).at("alerts").at("follow").as_bool());
  EXPECT_FALSE(json(r).at("alerts").at("mention").as_bool()) << "the alerts given replace the old";
  EXPECT_EQ(str(json(r), "policy"), "none");
  EXPECT_EQ(str(json(r), "endpoint"), kEndpoint);
  EXPECT_EQ(current().body, r.body);
}

TEST_F(PushApi, DeleteRemovesIt) {
  ASSERT_EQ(subscribe(subscription()).status, 200);
  auto r = del("/api/v1/push/subscription", token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(current().status, 404);
  EXPECT_EQ(current().body, R"({"error":"Record not found"})");
  EXPECT_EQ(del("/api/v1/push/subscription", token_).status, 200) << "none is fine";
  EXPECT_EQ(
      http().put_json("/api/v1/push/subscription", R"({"data":{"policy":"all"}})", token_).status,
      404);
}

TEST_F(PushApi, BadInputIs422AndStoresNothing) {
  const std::string p256dh_short =
      "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-Pw";
  const std::string p256dh_not_a_point =
      "BQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A";
  for (const bj::object& bad :
       {subscription("not a url"), subscription("ftp://push.example.net/x"),
        subscription("https://"), subscription(kEndpoint, p256dh_short),
        subscription(kEndpoint, p256dh_not_a_point), subscription(kEndpoint, "!!!"),
        subscription(kEndpoint, kP256dh, "ZGVm"), subscription(kEndpoint, kP256dh, ""),
        bj::object{{"data", {{"alerts", {{"mention", true}}}}}}}) {
    auto r = subscribe(bad);
    EXPECT_EQ(r.status, 422) << bj::serialize(bad) << " " << r.body;
  }
  auto bad_policy = subscription();
  bad_policy["data"].as_object()["policy"] = "sometimes";
  EXPECT_EQ(subscribe(bad_policy).status, 422);
  auto bad_alert = subscription();
  bad_alert["data"].as_object()["alerts"].as_object()["mention"] = "maybe";
  EXPECT_EQ(subscribe(bad_alert).status, 422);
  EXPECT_EQ(current().status, 404) << "nothing stored";
  ASSERT_EQ(subscribe(subscription()).status, 200);
  const std::string before = current().body;
  EXPECT_EQ(
      http().put_json("/api/v1/push/subscription", R"({"data":{"policy":"maybe"}})", token_).status,
      422);
  EXPECT_EQ(subscribe(subscription("nope")).status, 422);
  EXPECT_EQ(current().body, before) << "a refused change keeps the old one";
}

TEST_F(PushApi, NeedsThePushScope) {
  EXPECT_EQ(get("/api/v1/push/subscription").status, 401);
  EXPECT_EQ(post("/api/v1/push/subscription", subscription()).status, 401);
  // The default app's tokens have read write follow, not push.
  EXPECT_EQ(get("/api/v1/push/subscription", ann_.token).status, 403);
  EXPECT_EQ(post("/api/v1/push/subscription", subscription(), ann_.token).status, 403);
  EXPECT_EQ(del("/api/v1/push/subscription", ann_.token).status, 403);
  EXPECT_EQ(get("/api/v1/push/subscription", app_token(push_app_)).status, 422)
      << "an app is no user";
}

}  // namespace
}  // namespace kindred::testing
