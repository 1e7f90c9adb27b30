// Rate limits on /api/*: 300 requests per 5 minutes per account (or per IP when signed out), and
// 5 sign-ups per 30 minutes per IP, with X-RateLimit-* headers. Time moves only by the ManualClock.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

constexpr int64_t kMinute = 60 * 1000;

class RateLimitsApi : public ApiTest {
 protected:
  RateLimitsApi() : ApiTest({.rate_limits = true}) {}
};

TEST_F(RateLimitsApi, ApiRepliesCarryRateLimitHeaders) {
  Reply first = get("/api/v1/instance");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-ratelimit-limit"), "300");
  EXPECT_EQ(first.header("x-ratelimit-remaining"), "299");
  EXPECT_EQ(first.header("x-ratelimit-reset"), "2024-03-01T12:05:00.000Z");
  Reply second = get("/api/v1/instance");
  EXPECT_EQ(second.header("x-ratelimit-remaining"), "298");
  EXPECT_EQ(second.header("x-ratelimit-reset"), "2024-03-01T12:05:00.000Z");
}

TEST_F(RateLimitsApi, ErrorRepliesCarryRateLimitHeadersToo) {
  Reply r = get("/api/v1/statuses/12345");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("x-ratelimit-remaining"), "299");
}

TEST_F(RateLimitsApi, NonApiPathsAreNotCounted) {
  Reply r = get("/.well-known/nodeinfo");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("x-ratelimit-limit"));
  EXPECT_EQ(get("/api/v1/instance").header("x-ratelimit-remaining"), "299");
}

TEST_F(RateLimitsApi, The301stRequestWithinFiveMinutesIs429UntilTheWindowEnds) {
  for (int i = 1; i <= 300; ++i) {
    Reply r = get("/api/v1/instance");
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.body;
  }
  Reply refused = get("/api/v1/instance");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.body, "{\"error\":\"Too many requests\"}");
  EXPECT_EQ(refused.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(refused.header("x-ratelimit-reset"), "2024-03-01T12:05:00.000Z");

  clock().advance_ms(5 * kMinute - 1);
  EXPECT_EQ(get("/api/v1/instance").status, 429) << "one millisecond early";
  clock().advance_ms(1);
  Reply again = get("/api/v1/instance");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.header("x-ratelimit-remaining"), "299");
}

TEST_F(RateLimitsApi, SignedInUsersHaveTheirOwnBudget) {
  User ann = register_user("ann");
  int used = 0;
  while (get("/api/v1/instance").status == 200 && used < 400) ++used;
  ASSERT_LT(used, 400) << "the per-IP limit never triggered";
  Reply mine = get("/api/v1/accounts/verify_credentials", ann.token);
  EXPECT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.header("x-ratelimit-limit"), "300");
}

TEST_F(RateLimitsApi, SixthSignUpWithinHalfAnHourIs429AndCreatesNobody) {
  for (int i = 1; i <= 5; ++i) {
    Reply r = sign_up("user" + std::to_string(i));
    ASSERT_EQ(r.status, 200) << "sign-up " << i << ": " << r.body;
  }
  clock().advance_ms(29 * kMinute);
  Reply refused = sign_up("user6");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.body, "{\"error\":\"Too many requests\"}");
  EXPECT_EQ(refused.header("x-ratelimit-limit"), "5");
  EXPECT_EQ(refused.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=user6").status, 404);
  EXPECT_EQ(num(stats(), "user_count"), 5);
}

TEST_F(RateLimitsApi, PasswordGuessingIsLimitedPerIpAndRecoversAfterFiveMinutes) {
  const App& app = default_app();
  ASSERT_EQ(register_user("ann").token.empty(), false);
  int refused_at = 0;
  for (int i = 1; i <= 30 && refused_at == 0; ++i) {
    Reply r = password_grant(app, "ann", "wrong password");
    if (r.status == 429) {
      refused_at = i;
      EXPECT_EQ(r.body, "{\"error\":\"Too many requests\"}");
      EXPECT_EQ(r.header("x-ratelimit-limit"), "25");
      EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
    } else {
      ASSERT_EQ(r.status, 400) << r.body;
    }
  }
  ASSERT_GT(refused_at, 0) << "30 wrong passwords in a row were all answered";
  EXPECT_LE(refused_at, 26);
  EXPECT_EQ(password_grant(app, "ann", kPassword).status, 429);  // even the right one, for now
  clock().advance_ms(5 * kMinute);
  EXPECT_EQ(password_grant(app, "ann", kPassword).status, 200);
}

TEST_F(RateLimitsApi, SignUpsWorkAgainAfterHalfAnHour) {
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(sign_up("user" + std::to_string(i)).status, 200);
  ASSERT_EQ(sign_up("user6").status, 429);
  clock().advance_ms(30 * kMinute);
  Reply r = sign_up("user6");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 6);
}

TEST_F(RateLimitsApi, SignUpLimitDoesNotLimitOtherRequests) {
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(sign_up("user" + std::to_string(i)).status, 200);
  ASSERT_EQ(sign_up("user6").status, 429);
  EXPECT_EQ(get("/api/v1/instance").status, 200);
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=user1").status, 200);
}

// Limits are decided from the route that handles a request, so every spelling of a path the router
// accepts (today: with or without one trailing '/') draws on the same budget: once one spelling
// is refused, so is every other, and the budget is not doubled.
struct Attempts {
  int answered = 0;         // before the first 429
  int answered_after = 0;   // after it: must stay 0
  bool refused = false;
  void add(int status) {
    if (status == 429)
      refused = true;
    else
      ++(refused ? answered_after : answered);
  }
};

TEST_F(RateLimitsApi, PasswordGuessesWithATrailingSlashShareTheSignInLimit) {
  const App& app = default_app();
  ASSERT_FALSE(register_user("ann").token.empty());
  auto grant = [&](std::string_view target, std::string_view password) {
    return post(target, {{"grant_type", "password"},
                         {"client_id", app.client_id},
                         {"client_secret", app.client_secret},
                         {"username", "ann"},
                         {"password", password}});
  };
  Attempts guesses;
  for (int i = 0; i < 40; ++i)
    guesses.add(grant(i % 2 == 0 ? "/oauth/token/" : "/oauth/token", "wrong password").status);
  EXPECT_TRUE(guesses.refused) << "40 guesses over two spellings were all answered";
  EXPECT_LE(guesses.answered, 25);
  EXPECT_EQ(guesses.answered_after, 0) << "a spelling went on answering after the limit";
  EXPECT_EQ(grant("/oauth/token/", kPassword).status, 429);
  EXPECT_EQ(grant("/oauth/token", kPassword).status, 429);
}

TEST_F(RateLimitsApi, AppTokensWithATrailingSlashShareTheSignInLimit) {
  const App& app = default_app();
  boost::json::object body{{"grant_type", "client_credentials"},
                           {"client_id", app.client_id},
                           {"client_secret", app.client_secret}};
  Attempts mints;
  for (int i = 0; i < 40; ++i) mints.add(post(i % 2 == 0 ? "/oauth/token/" : "/oauth/token", body).status);
  EXPECT_TRUE(mints.refused);
  EXPECT_LE(mints.answered, 25);
  EXPECT_EQ(mints.answered_after, 0);
}

TEST_F(RateLimitsApi, AuthorizationFormWithATrailingSlashSharesTheSignInLimit) {
  Attempts posts;
  for (int i = 0; i < 40; ++i)
    posts.add(post_form(i % 2 == 0 ? "/oauth/authorize/" : "/oauth/authorize",
                        "username=ann&password=x")
                  .status);
  EXPECT_TRUE(posts.refused);
  EXPECT_LE(posts.answered, 25);
  EXPECT_EQ(posts.answered_after, 0);
}

TEST_F(RateLimitsApi, SignUpsWithATrailingSlashShareTheSignUpLimit) {
  const std::string token = default_app_token();
  Attempts sign_ups;
  for (int i = 1; i <= 10; ++i) {
    const std::string name = "user" + std::to_string(i);
    sign_ups.add(post(i % 2 == 0 ? "/api/v1/accounts/" : "/api/v1/accounts",
                      {{"username", name},
                       {"email", name + "@example.com"},
                       {"password", kPassword},
                       {"agreement", true},
                       {"locale", "en"}},
                      token)
                     .status);
  }
  EXPECT_TRUE(sign_ups.refused);
  EXPECT_EQ(sign_ups.answered, 5);
  EXPECT_EQ(sign_ups.answered_after, 0);
  EXPECT_EQ(num(stats(), "user_count"), 5);
}

TEST_F(RateLimitsApi, ApiPathsWithATrailingSlashAreCountedToo) {
  EXPECT_EQ(get("/api/v1/instance/").header("x-ratelimit-remaining"), "299");
  EXPECT_EQ(get("/api/v1/instance").header("x-ratelimit-remaining"), "298");
  EXPECT_EQ(get("/api/v1/timelines/public/").header("x-ratelimit-remaining"), "297");
}

}  // namespace
}  // namespace kindred::testing
