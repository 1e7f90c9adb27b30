// The small routes beside the start-up ones: GET /api/oembed, GET /health, DELETE
// /api/v1/profile/avatar and /header, GET /oauth/userinfo and
// GET /.well-known/oauth-authorization-server.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "media/synth.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class OEmbedApi : public ThreePeopleApi {};

TEST_F(OEmbedApi, AStatusPageGivesRichOEmbed) {
  const std::string id = post_status(ann_, "Dawn over the <river>");
  const std::string page = std::string(kBaseUrl) + "/@ann/" + id;
  Reply r = get("/api/oembed?url=" + page + "&maxwidth=500");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json(r).as_object();
  EXPECT_EQ(str(o, "type"), "rich");
  EXPECT_EQ(str(o, "version"), "1.0");
  EXPECT_EQ(str(o, "title"), "New status by ann");
  EXPECT_EQ(str(o, "author_name"), "ann");
  EXPECT_EQ(str(o, "author_url"), std::string(kBaseUrl) + "/@ann");
  EXPECT_EQ(str(o, "provider_name"), "kindred.test");
  EXPECT_EQ(str(o, "provider_url"), std::string(kBaseUrl) + "/");
  EXPECT_EQ(num(o, "cache_age"), 86400);
  EXPECT_EQ(num(o, "width"), 500);
  EXPECT_TRUE(o.at("height").is_null());
  const std::string html = str(o, "html");
  EXPECT_NE(html.find("Dawn over the &lt;river&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"" + page + "\""), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // The ActivityPub form of the URL names the same status.
  Reply uri = get("/api/oembed?url=" + std::string(kBaseUrl) + "/users/ann/statuses/" + id);
  EXPECT_EQ(uri.status, 200);
  EXPECT_EQ(num(json(uri), "width"), 400) << "the default width";
}

TEST_F(OEmbedApi, AnythingElseIs404) {
  const std::string id = post_status(ann_, "hello");
  const std::string secret = post_status(ann_, "friends only", {{"visibility", "private"}});
  const std::string base(kBaseUrl);
  for (std::string url :
       {base + "/@ann/" + secret, base + "/@bob/" + id, base + "/@ann/123456789", base + "/@ann",
        "https://elsewhere.example/@ann/" + id, base + "/about", std::string()}) {
    Reply r = get("/api/oembed?url=" + url);
    EXPECT_EQ(r.status, 404) << url << " " << r.body;
  }
  EXPECT_EQ(get("/api/oembed").status, 404);
  EXPECT_EQ(get("/api/oembed?url=" + base + "/@ann/" + id + "&maxwidth=wide").status, 422);
}

TEST_F(OEmbedApi, HealthIsPlainOk) {
  Reply r = get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK");
  EXPECT_EQ(r.header("content-type").substr(0, 10), "text/plain");
}

TEST_F(OEmbedApi, DeletingTheAvatarOrHeaderGoesBackToTheDefaults) {
  media::SynthSpec spec;
  spec.width = 600;
  spec.height = 600;
  auto image = media::synthesize_image(spec);
  ASSERT_TRUE(image.has_value());
  Reply set = http().patch_multipart(
      "/api/v1/accounts/update_credentials",
      {{"avatar", *image, "me.jpg", "image/jpeg"}, {"header", *image, "header.jpg", "image/jpeg"}},
      ann_.token);
  ASSERT_EQ(set.status, 200) << set.body;
  ASSERT_EQ(str(json(set), "avatar").find("missing.png"), std::string::npos);

  Reply a = del("/api/v1/profile/avatar", ann_.token);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(str(json(a), "avatar"), std::string(kBaseUrl) + "/avatars/original/missing.png");
  EXPECT_EQ(str(json(a), "header").find("missing.png"), std::string::npos) << "header kept";
  EXPECT_TRUE(json(a).as_object().contains("source")) << "a CredentialAccount";
  Reply h = del("/api/v1/profile/header", ann_.token);
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_EQ(str(json(h), "header"), std::string(kBaseUrl) + "/headers/original/missing.png");
  EXPECT_EQ(del("/api/v1/profile/header", ann_.token).status, 200) << "idempotent";

  EXPECT_EQ(del("/api/v1/profile/avatar").status, 401);
  EXPECT_EQ(del("/api/v1/profile/avatar", default_app_token()).status, 422);
  App app = create_app("read");
  Reply grant = password_grant(app, "bob", std::string(kPassword), "read");
  EXPECT_EQ(del("/api/v1/profile/avatar", str(json(grant), "access_token")).status, 403);
}

TEST_F(OEmbedApi, UserinfoNeedsTheProfileScope) {
  App app = create_app("profile read");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "profile");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string token = str(json(grant), "access_token");
  Reply r = get("/oauth/userinfo", token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json(r).as_object();
  EXPECT_EQ(o.size(), 6u) << r.body;
  EXPECT_EQ(str(o, "iss"), std::string(kBaseUrl) + "/");
  EXPECT_EQ(str(o, "sub"), std::string(kBaseUrl) + "/users/ann");
  EXPECT_EQ(str(o, "preferred_username"), "ann");
  EXPECT_EQ(str(o, "name"), "");
  EXPECT_EQ(str(o, "profile"), std::string(kBaseUrl) + "/@ann");
  EXPECT_EQ(str(o, "picture"), std::string(kBaseUrl) + "/avatars/original/missing.png");
  EXPECT_EQ(request("POST", "/oauth/userinfo", "", {}, token).status, 200);

  EXPECT_EQ(get("/oauth/userinfo").status, 401);
  EXPECT_EQ(get("/oauth/userinfo", ann_.token).status, 403) << "read write follow has no profile";
}

TEST_F(OEmbedApi, OAuthDiscoveryListsWhatKindredSupports) {
  Reply r = get("/.well-known/oauth-authorization-server");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json(r).as_object();
  const std::string base(kBaseUrl);
  EXPECT_EQ(str(o, "issuer"), base + "/");
  EXPECT_EQ(str(o, "authorization_endpoint"), base + "/oauth/authorize");
  EXPECT_EQ(str(o, "token_endpoint"), base + "/oauth/token");
  EXPECT_EQ(str(o, "revocation_endpoint"), base + "/oauth/revoke");
  EXPECT_EQ(str(o, "userinfo_endpoint"), base + "/oauth/userinfo");
  EXPECT_EQ(str(o, "app_registration_endpoint"), base + "/api/v1/apps");
  EXPECT_EQ(o.at("response_types_supported"), boost::json::array{"code"});
  EXPECT_EQ(o.at("code_challenge_methods_supported"), boost::json::array{"S256"});
  EXPECT_EQ(o.at("grant_types_supported"),
            (boost::json::array{"authorization_code", "password", "client_credentials"}));
  const auto& scopes = o.at("scopes_supported").as_array();
  for (const char* s : {"read", "write", "follow", "push", "profile", "read:statuses"})
    EXPECT_NE(std::find(scopes.begin(), scopes.end(), boost::json::value(s)), scopes.end()) << s;
  // Every scope listed is one an app may register.
  for (const auto& s : scopes) {
    std::string scope(s.as_string());
    App app = create_app(scope, std::string(kOutOfBand), "Scope " + scope);
    EXPECT_FALSE(app.client_id.empty()) << scope;
  }
}

}  // namespace
}  // namespace kindred::testing
