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

}  // namespace
}  // namespace kindred::testing
