// Cross-origin requests from browser-based Mastodon apps, as Mastodon's rack-cors rules allow
// them: any origin, no credentials, on /api/*, /oauth/token, /oauth/revoke, /.well-known/* and
// /nodeinfo/*; never on the sign-in and consent page.
#include <gtest/gtest.h>

#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

constexpr const char* kOrigin = "https://app.example";

class CorsApi : public ApiTest {
 protected:
  CorsApi() : ApiTest({.rate_limits = true}) {}
  Reply preflight(std::string_view target, std::string method, std::string headers = "") {
    HttpClient::Headers h{{"Origin", kOrigin}, {"Access-Control-Request-Method", std::move(method)}};
    if (!headers.empty()) h.emplace_back("Access-Control-Request-Headers", std::move(headers));
    return request("OPTIONS", target, "", h);
  }
  Reply from_origin(std::string_view method, std::string_view target, std::string body = "",
                    std::string_view token = "") {
    HttpClient::Headers h{{"Origin", kOrigin}};
    if (!body.empty()) h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return request(method, target, std::move(body), h, token);
  }
};

TEST_F(CorsApi, PreflightOnTheApiIsAnsweredWithoutReachingAHandler) {
  User ann = register_user("ann");
  Reply r = preflight("/api/v1/statuses", "POST", "authorization, content-type, idempotency-key");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  EXPECT_EQ(r.header("access-control-allow-methods"), "POST, PUT, DELETE, GET, PATCH, OPTIONS");
  EXPECT_EQ(r.header("access-control-allow-headers"), "authorization, content-type, idempotency-key");
  EXPECT_EQ(r.header("access-control-max-age"), "7200");
  EXPECT_FALSE(r.has_header("access-control-allow-credentials"));
  EXPECT_FALSE(r.has_header("x-ratelimit-limit")) << "a preflight is not counted";
  // Nothing was posted.
  EXPECT_EQ(num(json(get("/api/v1/accounts/verify_credentials", ann.token)), "statuses_count"), 0);
}

TEST_F(CorsApi, PreflightOnAParameterRouteAndWithATrailingSlash) {
  EXPECT_EQ(preflight("/api/v1/statuses/123/favourite", "POST").status, 204);
  EXPECT_EQ(preflight("/oauth/token/", "POST").status, 204);
}

TEST_F(CorsApi, ApiAnswersCarryTheOriginAndExposeHeaders) {
  for (const char* target : {"/api/v1/instance", "/api/v1/timelines/public", "/api/v1/statuses/1"}) {
    Reply r = from_origin("GET", target);
    EXPECT_EQ(r.header("access-control-allow-origin"), "*") << target;
    EXPECT_EQ(r.header("access-control-expose-headers"),
              "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id")
        << target;
    EXPECT_FALSE(r.has_header("access-control-allow-credentials")) << target;
  }
  EXPECT_EQ(from_origin("GET", "/api/v1/statuses/1").status, 404) << "errors carry them too";
  EXPECT_EQ(from_origin("GET", "/api/v1/no_such_route").header("access-control-allow-origin"), "*");
}

TEST_F(CorsApi, TokenRevokeAndDiscoveryAllowAnyOrigin) {
  const App& app = default_app();
  Reply token = from_origin("POST", "/oauth/token",
                            "grant_type=client_credentials&client_id=" + app.client_id +
                                "&client_secret=" + app.client_secret);
  EXPECT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(token.header("access-control-allow-origin"), "*");
  EXPECT_EQ(from_origin("POST", "/oauth/revoke", "client_id=x&client_secret=y&token=z")
                .header("access-control-allow-origin"),
            "*");
  EXPECT_EQ(from_origin("GET", "/.well-known/nodeinfo").header("access-control-allow-origin"), "*");
  EXPECT_EQ(from_origin("GET", "/nodeinfo/2.0").header("access-control-allow-origin"), "*");
}

TEST_F(CorsApi, TheSignInAndConsentPageIsNotCrossOrigin) {
  Reply page = from_origin("GET", "/oauth/authorize?response_type=code&client_id=x");
  EXPECT_FALSE(page.has_header("access-control-allow-origin"));
  Reply pre = preflight("/oauth/authorize", "POST");
  EXPECT_FALSE(pre.has_header("access-control-allow-origin"));
  EXPECT_NE(pre.status, 204);
}

TEST_F(CorsApi, RequestsWithoutAnOriginGetNoCorsHeaders) {
  Reply r = get("/api/v1/instance");
  EXPECT_FALSE(r.has_header("access-control-allow-origin"));
  EXPECT_EQ(request("OPTIONS", "/api/v1/instance", "", {}).status, 405);
}

}  // namespace
}  // namespace kindred::testing
