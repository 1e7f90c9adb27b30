// The routes Mastodon apps call as they start: GET /api/v1/preferences, /api/v1/custom_emojis,
// /api/v1/instance/peers and /api/v1/instance/translation_languages.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using StartupApi = ApiTest;

TEST_F(StartupApi, PreferencesSayTheAccountsDefaultsInMastodonsKeys) {
  User ann = register_user("ann");
  Reply r = get("/api/v1/preferences", ann.token);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::object p = json(r).as_object();
  EXPECT_EQ(p.size(), 5u) << r.body;
  EXPECT_EQ(p.at("posting:default:visibility"), "public");
  EXPECT_EQ(p.at("posting:default:sensitive"), false);
  EXPECT_EQ(p.at("posting:default:language"), boost::json::value(str(me(ann).at("source"), "language")))
      << "the same language as the account's source";
  EXPECT_EQ(p.at("reading:expand:media"), "default");
  EXPECT_EQ(p.at("reading:expand:spoilers"), false);
}

TEST_F(StartupApi, PreferencesNeedAPersonsTokenWithReadAccounts) {
  EXPECT_EQ(get("/api/v1/preferences").status, 401);
  EXPECT_EQ(get("/api/v1/preferences", "not-a-token").status, 401);
  EXPECT_EQ(get("/api/v1/preferences", default_app_token()).status, 422) << "an app's own token";
  User ann = register_user("ann");
  App app = create_app("write");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "write");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string write_only = str(json(grant), "access_token");
  Reply r = get("/api/v1/preferences", write_only);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(json(r).as_object().contains("error"));
}

TEST_F(StartupApi, NoCustomEmojisPeersOrTranslationsAreEmptyNotMissing) {
  for (const char* path : {"/api/v1/custom_emojis", "/api/v1/instance/peers"}) {
    Reply r = get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_TRUE(json(r).is_array()) << path;
    EXPECT_TRUE(json(r).as_array().empty()) << path;
  }
  Reply t = get("/api/v1/instance/translation_languages");
  ASSERT_EQ(t.status, 200);
  EXPECT_TRUE(json(t).is_object());
  EXPECT_TRUE(json(t).as_object().empty());
}

}  // namespace
}  // namespace kindred::testing
