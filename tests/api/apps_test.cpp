// POST /api/v1/apps and GET /api/v1/apps/verify_credentials.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using AppsApi = ApiTest;

TEST_F(AppsApi, CreateReturnsTheAppWithItsCredentials) {
  Reply r = post("/api/v1/apps", {{"client_name", "Photo Roll"},
                                  {"redirect_uris", "https://roll.example/cb"},
                                  {"scopes", "read write"},
                                  {"website", "https://roll.example"}});
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value app = json(r);
  EXPECT_FALSE(str(app, "id").empty());
  EXPECT_EQ(str(app, "name"), "Photo Roll");
  EXPECT_EQ(str(app, "website"), "https://roll.example");
  EXPECT_EQ(str(app, "redirect_uri"), "https://roll.example/cb");
  EXPECT_EQ(app.at("redirect_uris"), (boost::json::array{"https://roll.example/cb"}));
  EXPECT_EQ(app.at("scopes"), (boost::json::array{"read", "write"}));
  EXPECT_GE(str(app, "client_id").size(), 32u);
  EXPECT_GE(str(app, "client_secret").size(), 32u);
  EXPECT_NE(str(app, "client_id"), str(app, "client_secret"));
}

TEST_F(AppsApi, CreateAcceptsAFormBodyWithSeveralRedirectUris) {
  Reply r = post_form("/api/v1/apps",
                      "client_name=Roll&scopes=read+write%3Astatuses&redirect_uris=https%3A%2F%2Fa."
                      "example%2Fcb+urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob");
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value app = json(r);
  EXPECT_EQ(app.at("redirect_uris"),
            (boost::json::array{"https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob"}));
  EXPECT_EQ(app.at("scopes"), (boost::json::array{"read", "write:statuses"}));
}

// docs.joinmastodon.org shows every call as `curl -F ...`, which sends multipart/form-data.
TEST_F(AppsApi, CreateAcceptsMultipartFormDataAsInTheMastodonDocs) {
  Reply r = http().post_multipart("/api/v1/apps", {{"client_name", "Curl"},
                                                   {"redirect_uris", std::string(kOutOfBand)},
                                                   {"scopes", "read write"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "name"), "Curl");
}

TEST_F(AppsApi, TwoAppsGetDifferentCredentials) {
  App a = create_app();
  App b = create_app();
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.client_id, b.client_id);
  EXPECT_NE(a.client_secret, b.client_secret);
}

TEST_F(AppsApi, CreateWithoutNameIs422) {
  Reply r = post("/api/v1/apps", {{"redirect_uris", std::string(kOutOfBand)}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error")) << r.body;
}

TEST_F(AppsApi, CreateWithBlankNameIs422) {
  Reply r = post("/api/v1/apps", {{"client_name", ""}, {"redirect_uris", std::string(kOutOfBand)}});
  EXPECT_EQ(r.status, 422) << r.body;
}

TEST_F(AppsApi, CreateWithoutRedirectUriIs422) {
  Reply r = post("/api/v1/apps", {{"client_name", "Roll"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error")) << r.body;
}

TEST_F(AppsApi, CreateWithRelativeRedirectUriIs422) {
  Reply r = post("/api/v1/apps", {{"client_name", "Roll"}, {"redirect_uris", "/callback"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(str(json(r), "error").find("Redirect URI"), std::string::npos) << r.body;
}

TEST_F(AppsApi, CreateWithRedirectUriFragmentIs422) {
  Reply r = post("/api/v1/apps",
                 {{"client_name", "Roll"}, {"redirect_uris", "https://roll.example/cb#frag"}});
  EXPECT_EQ(r.status, 422) << r.body;
}

TEST_F(AppsApi, CreateWithUnknownScopeIs422) {
  Reply r = post("/api/v1/apps", {{"client_name", "Roll"},
                                  {"redirect_uris", std::string(kOutOfBand)},
                                  {"scopes", "read fly:to-the-moon"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error")) << r.body;
}

TEST_F(AppsApi, CreateWithNonStringNameIs422) {
  Reply r = post("/api/v1/apps", {{"client_name", boost::json::array{"a"}},
                                  {"redirect_uris", std::string(kOutOfBand)}});
  EXPECT_EQ(r.status, 422) << r.body;
}

TEST_F(AppsApi, VerifyCredentialsWithAppTokenShowsTheAppWithoutSecrets) {
  App app = create_app("read write", std::string(kOutOfBand), "Photo Roll");
  Reply r = get("/api/v1/apps/verify_credentials", app_token(app));
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value v = json(r);
  EXPECT_EQ(str(v, "name"), "Photo Roll");
  EXPECT_EQ(str(v, "id"), app.id);
  EXPECT_FALSE(v.as_object().contains("client_secret")) << r.body;
}

TEST_F(AppsApi, VerifyCredentialsWithUserTokenShowsTheApp) {
  User ann = register_user("ann");
  Reply r = get("/api/v1/apps/verify_credentials", ann.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "name"), "Test App");
}

TEST_F(AppsApi, VerifyCredentialsWithoutTokenIs401) {
  Reply r = get("/api/v1/apps/verify_credentials");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
}

TEST_F(AppsApi, VerifyCredentialsWithUnknownTokenIs401) {
  Reply r = get("/api/v1/apps/verify_credentials", "not-a-token");
  EXPECT_EQ(r.status, 401) << r.body;
}

}  // namespace
}  // namespace kindred::testing
