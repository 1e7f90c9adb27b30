// POST /oauth/token (client_credentials, password, authorization_code with PKCE), GET and POST
// /oauth/authorize, POST /oauth/revoke, and scope enforcement on the API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "social/identity/secrets.h"
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

// An app's own tokens (no person behind them) expire after a day, and an app keeps at most 100:
// nobody can mint an unbounded pile of never-expiring tokens.
TEST_F(OAuthApi, AnAppTokenSaysWhenItExpiresAndStopsWorkingThen) {
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", app_.client_id},
                                  {"client_secret", app_.client_secret}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(num(json(r), "expires_in"), 24 * 60 * 60);
  const std::string token = str(json(r), "access_token");
  clock().advance_ms(24LL * 60 * 60 * 1000 - 1);
  EXPECT_EQ(get("/api/v1/apps/verify_credentials", token).status, 200);
  clock().advance_ms(1);
  Reply expired = get("/api/v1/apps/verify_credentials", token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body, "{\"error\":\"The access token expired\"}");
  EXPECT_EQ(get("/api/v1/apps/verify_credentials", token).status, 401);  // and stays gone
}

TEST_F(OAuthApi, APersonsTokenDoesNotExpire) {
  Reply r = password_grant(default_app(), "ann", kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json(r).as_object().contains("expires_in"));
  clock().advance_ms(400LL * 24 * 60 * 60 * 1000);
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", str(json(r), "access_token")).status, 200);
}

TEST_F(OAuthApi, AnAppKeepsItsHundredNewestTokens) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 101; ++i) {
    Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                    {"client_id", app_.client_id},
                                    {"client_secret", app_.client_secret}});
    ASSERT_EQ(r.status, 200) << r.body;
    tokens.push_back(str(json(r), "access_token"));
    clock().advance_ms(1);
  }
  EXPECT_EQ(get("/api/v1/apps/verify_credentials", tokens[0]).status, 401) << "the oldest went";
  EXPECT_EQ(get("/api/v1/apps/verify_credentials", tokens[1]).status, 200);
  EXPECT_EQ(get("/api/v1/apps/verify_credentials", tokens[100]).status, 200);
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

// A CSP form-action applies to the redirect after the form is posted: with one, Chrome and Safari
// block the redirect to a native app's own scheme. The page sends none (as Mastodon) and still
// refuses to be framed.
TEST_F(OAuthApi, AuthorizePageLetsTheFormRedirectToAnAppsOwnScheme) {
  App native = create_app("read", "myapp://oauth", "Native");
  Reply page = get("/oauth/authorize?response_type=code&client_id=" + native.client_id +
                   "&redirect_uri=myapp%3A%2F%2Foauth");
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string csp = page.header("content-security-policy");
  EXPECT_EQ(csp.find("form-action"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page.header("x-frame-options"), "DENY");
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
  // RFC 6749 §4.1.2: a code presented twice may have been stolen; the token it bought is revoked.
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", via_code.token).status, 401)
      << "the first token must be revoked";
  EXPECT_EQ(exchange(c, kVerifier).status, 400);
}

// --- redirect URIs, PKCE and scopes in detail ---

class OAuthDetailsApi : public OAuthApi {
 protected:
  Reply authorize_with(const App& app, std::string_view redirect_uri, std::string_view challenge,
                       std::string_view method) {
    return post_form("/oauth/authorize", form_body({{"client_id", app.client_id},
                                                    {"redirect_uri", redirect_uri},
                                                    {"scope", "read"},
                                                    {"code_challenge", challenge},
                                                    {"code_challenge_method", method},
                                                    {"username", "ann"},
                                                    {"password", kPassword},
                                                    {"decision", "approve"}}));
  }
  Reply exchange_for(const App& app, std::string_view code, std::string_view redirect_uri,
                     std::string_view verifier) {
    return post("/oauth/token", {{"grant_type", "authorization_code"},
                                 {"client_id", app.client_id},
                                 {"client_secret", app.client_secret},
                                 {"redirect_uri", redirect_uri},
                                 {"code", code},
                                 {"code_verifier", verifier}});
  }
};

TEST_F(OAuthDetailsApi, RedirectUrisThatRunCodeAreRefusedAtRegistration) {
  for (const char* uri : {"javascript:alert(1)", "JavaScript:alert(document.cookie)",
                          "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"}) {
    Reply r = post("/api/v1/apps", {{"client_name", "Evil"}, {"redirect_uris", uri}});
    EXPECT_EQ(r.status, 422) << uri << ": " << r.body;
  }
  EXPECT_EQ(post("/api/v1/apps", {{"client_name", "Native"}, {"redirect_uris", "myapp://oauth"}}).status,
            200);
}

TEST_F(OAuthDetailsApi, PlainPkceIsRefused) {
  Reply plain = authorize_with(app_, kRedirect, kVerifier, "plain");
  EXPECT_EQ(plain.status, 400) << plain.body;
  EXPECT_FALSE(plain.has_header("location"));
  Reply unnamed = authorize_with(app_, kRedirect, kVerifier, "");  // would default to plain
  EXPECT_EQ(unnamed.status, 400) << unnamed.body;
  Reply not_a_digest = authorize_with(app_, kRedirect, "short", "S256");
  EXPECT_EQ(not_a_digest.status, 400) << not_a_digest.body;
}

TEST_F(OAuthDetailsApi, VerifierOutsideRfc7636sFormatIsInvalidGrantEvenIfItHashesRight) {
  for (std::string verifier : {std::string("short"), std::string(129, 'a'),
                               std::string(42, 'a') + " ", std::string(43, 'a') + "+/"}) {
    Reply r = authorize_with(app_, kRedirect, social::pkce_s256(verifier), "S256");
    ASSERT_EQ(r.status, 302) << r.body;
    Reply t = exchange_for(app_, query_value(r.header("location"), "code"), kRedirect, verifier);
    EXPECT_EQ(t.status, 400) << verifier << ": " << t.body;
    EXPECT_EQ(str(json(t), "error"), "invalid_grant");
  }
  const std::string longest(128, '~');
  Reply r = authorize_with(app_, kRedirect, social::pkce_s256(longest), "S256");
  ASSERT_EQ(r.status, 302) << r.body;
  EXPECT_EQ(exchange_for(app_, query_value(r.header("location"), "code"), kRedirect, longest).status,
            200);
}

TEST_F(OAuthDetailsApi, LoopbackRedirectUrisTakeAnyPort) {
  App native = create_app("read", "http://127.0.0.1/callback", "Desktop");
  for (const char* asked : {"http://127.0.0.1:53123/callback", "http://127.0.0.1/callback"}) {
    Reply r = authorize_with(native, asked, kChallenge, "S256");
    ASSERT_EQ(r.status, 302) << asked << ": " << r.body;
    EXPECT_EQ(r.header("location").rfind(std::string(asked) + "?code=", 0), 0u) << r.header("location");
    Reply t = exchange_for(native, query_value(r.header("location"), "code"), asked, kVerifier);
    EXPECT_EQ(t.status, 200) << t.body;
  }
  App v6 = create_app("read", "http://[::1]:8000/cb", "Desktop6");
  EXPECT_EQ(authorize_with(v6, "http://[::1]:9/cb", kChallenge, "S256").status, 302);
  for (const char* asked : {"http://127.0.0.1:53123/other", "http://127.0.0.1.evil.example/callback",
                            "http://127.0.0.1:53123@evil.example/callback",
                            "https://127.0.0.1:53123/callback", "http://localhost:53123/callback"}) {
    Reply r = authorize_with(native, asked, kChallenge, "S256");
    EXPECT_EQ(r.status, 400) << asked << ": " << r.body;
    EXPECT_FALSE(r.has_header("location")) << asked;
  }
  // Only loopback addresses: another host's port must match exactly.
  EXPECT_EQ(authorize_with(app_, "https://roll.example:444/callback", kChallenge, "S256").status, 400);
}

TEST_F(OAuthDetailsApi, ProfileScopedTokenMayVerifyCredentialsOnly) {
  App profile_app = create_app("profile", std::string(kRedirect), "Sign in with Kindred");
  Reply grant = password_grant(profile_app, "ann", kPassword, "profile");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string token = str(json(grant), "access_token");
  Reply me = get("/api/v1/accounts/verify_credentials", token);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(json(me), "username"), "ann");
  EXPECT_EQ(get("/api/v1/timelines/home", token).status, 403);
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id + "/followers", token).status, 403);
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
