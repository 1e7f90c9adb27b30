// POST /oauth/token (client_credentials, password, authorization_code with PKCE), GET and POST
// /oauth/authorize, POST /oauth/revoke, and scope enforcement on the API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

// RFC 7636 appendix B: this verifier's S256 challenge.
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
constexpr std::string_view kRedirect = "https://roll.example/callback";

// The value of `name` in the query of `url`, or "" (values here are URL-safe, no decoding needed).
std::string query_value(const std::string& url, std::string_view name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return {};
  size_t pos = q + 1;
  while (pos < url.size()) {
    size_t end = url.find('&', pos);
    if (end == std::string::npos) end = url.size();
    std::string_view piece = std::string_view(url).substr(pos, end - pos);
    if (piece.substr(0, name.size()) == name && piece.size() > name.size() &&
        piece[name.size()] == '=')
      return std::string(piece.substr(name.size() + 1));
    pos = end + 1;
  }
  return {};
}

class OAuthApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    app_ = create_app("read write", std::string(kRedirect), "Photo Roll");
    ann_ = register_user("ann");
  }

  // POST /oauth/authorize as ann, approving (or `decision`), with PKCE S256 and state "xyz".
  Reply authorize(std::string_view decision = "approve", std::string_view password = kPassword,
                  std::string_view redirect_uri = kRedirect) {
    return post_form("/oauth/authorize", form_body({{"client_id", app_.client_id},
                                                    {"redirect_uri", redirect_uri},
                                                    {"scope", "read write"},
                                                    {"code_challenge", kChallenge},
                                                    {"code_challenge_method", "S256"},
                                                    {"state", "xyz"},
                                                    {"username", "ann"},
                                                    {"password", password},
                                                    {"decision", decision}}));
  }

  // Approves and returns the code from the redirect.
  std::string code() {
    Reply r = authorize();
    EXPECT_EQ(r.status, 302) << r.body;
    return query_value(r.header("location"), "code");
  }

  Reply exchange(std::string_view code, std::string_view verifier,
                 std::string_view redirect_uri = kRedirect) {
    return post("/oauth/token", {{"grant_type", "authorization_code"},
                                 {"client_id", app_.client_id},
                                 {"client_secret", app_.client_secret},
                                 {"redirect_uri", redirect_uri},
                                 {"code", code},
                                 {"code_verifier", verifier}});
  }

  App app_;
  User ann_;
};

// --- client_credentials ---

TEST_F(OAuthApi, ClientCredentialsIssuesAnAppTokenWithTheAppScopes) {
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", app_.client_id},
                                  {"client_secret", app_.client_secret}});
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value t = json(r);
  EXPECT_EQ(str(t, "token_type"), "Bearer");
  EXPECT_EQ(str(t, "scope"), "read write");
  EXPECT_EQ(num(t, "created_at"), kStartMs / 1000);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_EQ(get("/api/v1/apps/verify_credentials", str(t, "access_token")).status, 200);
}

TEST_F(OAuthApi, ClientCredentialsAcceptsAFormBody) {
  Reply r = post_form("/oauth/token", form_body({{"grant_type", "client_credentials"},
                                                 {"client_id", app_.client_id},
                                                 {"client_secret", app_.client_secret},
                                                 {"scope", "read"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "scope"), "read");
}

// docs.joinmastodon.org obtains tokens with `curl -F ...` (multipart/form-data).
TEST_F(OAuthApi, ClientCredentialsAcceptsMultipartFormDataAsInTheMastodonDocs) {
  Reply r = http().post_multipart("/oauth/token", {{"grant_type", "client_credentials"},
                                                   {"client_id", app_.client_id},
                                                   {"client_secret", app_.client_secret},
                                                   {"redirect_uri", std::string(kRedirect)}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "token_type"), "Bearer");
}

TEST_F(OAuthApi, ClientCredentialsAskingBeyondTheAppScopesIs400InvalidScope) {
  App reader = create_app("read");
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", reader.client_id},
                                  {"client_secret", reader.client_secret},
                                  {"scope", "read write"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_scope");
}

TEST_F(OAuthApi, UnknownScopeIs400InvalidScope) {
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", app_.client_id},
                                  {"client_secret", app_.client_secret},
                                  {"scope", "read fly"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_scope");
}

TEST_F(OAuthApi, BadClientSecretIs401InvalidClient) {
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", app_.client_id},
                                  {"client_secret", "not-the-secret"}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_client");
  EXPECT_FALSE(str(json(r), "error_description").empty()) << r.body;
}

TEST_F(OAuthApi, UnknownClientIdIs401InvalidClient) {
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", "nobody"},
                                  {"client_secret", app_.client_secret}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_client");
}

TEST_F(OAuthApi, UnknownGrantTypeIs400UnsupportedGrantType) {
  Reply r = post("/oauth/token", {{"grant_type", "implicit"},
                                  {"client_id", app_.client_id},
                                  {"client_secret", app_.client_secret}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "unsupported_grant_type");
}

TEST_F(OAuthApi, MissingGrantTypeIs400InvalidRequest) {
  Reply r =
      post("/oauth/token", {{"client_id", app_.client_id}, {"client_secret", app_.client_secret}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_request");
}

TEST_F(OAuthApi, MalformedTokenRequestIs400InvalidRequest) {
  Reply r =
      request("POST", "/oauth/token", "{\"grant_type\":", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_request");
}

// --- password ---

TEST_F(OAuthApi, PasswordGrantWithTheRightPasswordIssuesAUserToken) {
  Reply r = password_grant(app_, "ann", kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "scope"), "read write");
  User again{ann_.id, "ann", str(json(r), "access_token")};
  EXPECT_EQ(str(me(again), "id"), ann_.id);
}

TEST_F(OAuthApi, PasswordGrantAcceptsTheEmailAnyCase) {
  Reply r = password_grant(app_, "ANN@Example.com", kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST_F(OAuthApi, PasswordGrantWithWrongPasswordAndUnknownUserGiveIdenticalErrors) {
  Reply wrong = password_grant(app_, "ann", "wrong password!");
  Reply unknown = password_grant(app_, "nobody", kPassword);
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(str(json(wrong), "error"), "invalid_grant");
  EXPECT_EQ(unknown.status, wrong.status);
  EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(OAuthApi, PasswordGrantWithNarrowerScopeIssuesThatScope) {
  Reply r = password_grant(app_, "ann", kPassword, "read:accounts");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "scope"), "read:accounts");
}

// --- authorization_code with PKCE ---

TEST_F(OAuthApi, AuthorizePageIsAnHtmlFormNamingTheApp) {
  Reply r = get("/oauth/authorize?response_type=code&client_id=" + app_.client_id +
                "&redirect_uri=https%3A%2F%2Froll.example%2Fcallback&scope=read+write"
                "&code_challenge=" +
                std::string(kChallenge) + "&code_challenge_method=S256&state=xyz");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type").substr(0, 9), "text/html");
  EXPECT_NE(r.body.find("Photo Roll"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<form method=\"post\" action=\"/oauth/authorize\">"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"xyz\""), std::string::npos) << "state must be carried";
  EXPECT_NE(r.body.find(std::string(kChallenge)), std::string::npos) << "challenge must be carried";
}

TEST_F(OAuthApi, AuthorizePageEscapesTheAppName) {
  App evil = create_app("read", std::string(kRedirect), "<script>alert(1)</script>");
  Reply r = get("/oauth/authorize?response_type=code&client_id=" + evil.client_id +
                "&redirect_uri=https%3A%2F%2Froll.example%2Fcallback");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("<script>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("&lt;script&gt;"), std::string::npos) << r.body;
}

TEST_F(OAuthApi, AuthorizePageWithUnregisteredRedirectUriIs400) {
  Reply r = get("/oauth/authorize?response_type=code&client_id=" + app_.client_id +
                "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_FALSE(r.has_header("location"));
}

TEST_F(OAuthApi, AuthorizePageWithUnknownClientIs400) {
  Reply r =
      get("/oauth/authorize?response_type=code&client_id=nobody"
          "&redirect_uri=https%3A%2F%2Froll.example%2Fcallback");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(OAuthApi, AuthorizePageWithoutResponseTypeCodeIs400) {
  Reply r = get("/oauth/authorize?response_type=token&client_id=" + app_.client_id +
                "&redirect_uri=https%3A%2F%2Froll.example%2Fcallback");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(OAuthApi, ApprovingRedirectsWithCodeAndState) {
  Reply r = authorize();
  ASSERT_EQ(r.status, 302) << r.body;
  const std::string location = r.header("location");
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?code=", 0), 0u) << location;
  EXPECT_GE(query_value(location, "code").size(), 32u) << location;
  EXPECT_EQ(query_value(location, "state"), "xyz") << location;
}

TEST_F(OAuthApi, CodeWithTheRightVerifierBuysAUserTokenOnce) {
  const std::string c = code();
  Reply first = exchange(c, kVerifier);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(str(json(first), "scope"), "read write");
  User via_code{ann_.id, "ann", str(json(first), "access_token")};
  EXPECT_EQ(str(me(via_code), "username"), "ann");

  Reply second = exchange(c, kVerifier);
  EXPECT_EQ(second.status, 400) << second.body;
  EXPECT_EQ(str(json(second), "error"), "invalid_grant");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", via_code.token).status, 200)
      << "the first token stays valid";
}

TEST_F(OAuthApi, CodeWithAWrongVerifierIs400InvalidGrant) {
  Reply r = exchange(code(), "a-completely-different-verifier-of-fourty-three-c");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

TEST_F(OAuthApi, CodeWithoutVerifierIs400InvalidGrant) {
  Reply r = exchange(code(), "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

TEST_F(OAuthApi, CodeWithAnotherRedirectUriIs400InvalidGrant) {
  Reply r = exchange(code(), kVerifier, "https://other.example/cb");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

TEST_F(OAuthApi, CodeForAnotherAppIs400InvalidGrant) {
  const std::string c = code();
  App other = create_app("read write", std::string(kRedirect));
  Reply r = post("/oauth/token", {{"grant_type", "authorization_code"},
                                  {"client_id", other.client_id},
                                  {"client_secret", other.client_secret},
                                  {"redirect_uri", kRedirect},
                                  {"code", c},
                                  {"code_verifier", kVerifier}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

TEST_F(OAuthApi, CodeExpiresAfterTenMinutes) {
  const std::string c = code();
  clock().advance_ms(10 * 60 * 1000 + 1);
  Reply r = exchange(c, kVerifier);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

TEST_F(OAuthApi, UnknownCodeIs400InvalidGrant) {
  Reply r = exchange("no-such-code", kVerifier);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

TEST_F(OAuthApi, DenyingRedirectsWithAccessDeniedAndNoCode) {
  Reply r = authorize("deny", "");
  ASSERT_EQ(r.status, 302) << r.body;
  const std::string location = r.header("location");
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
  EXPECT_EQ(query_value(location, "error"), "access_denied") << location;
  EXPECT_EQ(query_value(location, "state"), "xyz") << location;
  EXPECT_EQ(query_value(location, "code"), "") << location;
}

TEST_F(OAuthApi, AuthorizeWithAWrongPasswordShowsTheFormAgainWithoutRedirect) {
  Reply r = authorize("approve", "wrong password!");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_FALSE(r.has_header("location"));
  EXPECT_NE(r.body.find("<form"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Invalid email or password."), std::string::npos) << r.body;
}

TEST_F(OAuthApi, AuthorizeToAnUnregisteredRedirectUriIs400WithoutRedirect) {
  Reply r = authorize("approve", kPassword, "https://evil.example/cb");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_FALSE(r.has_header("location"));
}

TEST_F(OAuthApi, OutOfBandRedirectShowsTheCodeOnAPage) {
  App cli = create_app("read", std::string(kOutOfBand), "CLI");
  Reply r = post_form("/oauth/authorize", form_body({{"client_id", cli.client_id},
                                                     {"redirect_uri", kOutOfBand},
                                                     {"scope", "read"},
                                                     {"username", "ann"},
                                                     {"password", kPassword},
                                                     {"decision", "approve"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const size_t start = r.body.find("<code id=\"code\">");
  ASSERT_NE(start, std::string::npos) << r.body;
  const size_t from = start + std::string_view("<code id=\"code\">").size();
  const std::string c = r.body.substr(from, r.body.find('<', from) - from);
  Reply token = post("/oauth/token", {{"grant_type", "authorization_code"},
                                      {"client_id", cli.client_id},
                                      {"client_secret", cli.client_secret},
                                      {"redirect_uri", kOutOfBand},
                                      {"code", c}});
  EXPECT_EQ(token.status, 200) << token.body;
}

// --- revoke ---

TEST_F(OAuthApi, RevokedTokenIs401Afterwards) {
  Reply granted = password_grant(app_, "ann", kPassword);
  const std::string token = str(json(granted), "access_token");
  ASSERT_EQ(get("/api/v1/accounts/verify_credentials", token).status, 200);
  Reply r = post(
      "/oauth/revoke",
      {{"client_id", app_.client_id}, {"client_secret", app_.client_secret}, {"token", token}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", token).status, 401);
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 200)
      << "other tokens of the same user stay valid";
}

TEST_F(OAuthApi, RevokingAnUnknownTokenIsFine) {
  Reply r = post("/oauth/revoke", {{"client_id", app_.client_id},
                                   {"client_secret", app_.client_secret},
                                   {"token", "never-issued"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(OAuthApi, RevokingAnotherAppsTokenIs403AndTheTokenSurvives) {
  App other = create_app();
  Reply r = post("/oauth/revoke", {{"client_id", other.client_id},
                                   {"client_secret", other.client_secret},
                                   {"token", ann_.token}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(str(json(r), "error"), "unauthorized_client");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 200);
}

TEST_F(OAuthApi, RevokeWithABadClientSecretIs401AndTheTokenSurvives) {
  Reply granted = password_grant(app_, "ann", kPassword);
  const std::string token = str(json(granted), "access_token");
  Reply r = post("/oauth/revoke",
                 {{"client_id", app_.client_id}, {"client_secret", "wrong"}, {"token", token}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_client");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", token).status, 200);
}

// --- tokens on the API ---

TEST_F(OAuthApi, TokenInTheAccessTokenQueryParameterIsAccepted) {
  Reply r = get("/api/v1/accounts/verify_credentials?access_token=" + ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(OAuthApi, ReadOnlyTokenGets403PostingAStatusAndNothingIsPosted) {
  const std::string read_only =
      str(json(password_grant(app_, "ann", kPassword, "read")), "access_token");
  Reply r = post("/api/v1/statuses", {{"status", "hello"}}, read_only);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty());
  EXPECT_EQ(num(me(ann_), "statuses_count"), 0);
}

TEST_F(OAuthApi, ReadOnlyTokenGets403FavouritingAndTheCountStays) {
  const std::string id = post_status(ann_, "like me");
  const std::string read_only =
      str(json(password_grant(app_, "ann", kPassword, "read")), "access_token");
  Reply r = post("/api/v1/statuses/" + id + "/favourite", {}, read_only);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + id)), "favourites_count"), 0);
}

TEST_F(OAuthApi, ReadOnlyTokenCanStillRead) {
  const std::string read_only =
      str(json(password_grant(app_, "ann", kPassword, "read")), "access_token");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", read_only).status, 200);
  EXPECT_EQ(get("/api/v1/favourites", read_only).status, 200);
}

TEST_F(OAuthApi, GranularWriteStatusesTokenCannotFavourite) {
  const std::string id = post_status(ann_, "like me");
  const std::string token =
      str(json(password_grant(app_, "ann", kPassword, "read write:statuses")), "access_token");
  EXPECT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, token).status, 403);
  EXPECT_EQ(post("/api/v1/statuses", {{"status", "allowed"}}, token).status, 200);
}

TEST_F(OAuthApi, AppOnlyTokenOnVerifyCredentialsIs422) {
  Reply r = get("/api/v1/accounts/verify_credentials", app_token(app_));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(json(r), "error"), "This method requires an authenticated user");
}

TEST_F(OAuthApi, AppOnlyTokenCannotPostAStatus) {
  Reply r = post("/api/v1/statuses", {{"status", "hello"}}, app_token(app_));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(num(stats(), "status_count"), 0);
}

}  // namespace
}  // namespace kindred::testing
