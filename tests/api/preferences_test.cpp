// GET and PATCH /api/v1/kindred/preferences.
#include <boost/json.hpp>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

constexpr std::string_view kPath = "/api/v1/kindred/preferences";
constexpr std::string_view kDefaults =
    R"({"memories":true,"support_resources":true,"region":null,"time_zone":null,"default_comment_policy":"everyone"})";

class PreferencesApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
  }
  Reply patch_json(const boost::json::object& body, std::string_view token) {
    return request("PATCH", kPath, boost::json::serialize(body),
                   {{"Content-Type", "application/json"}}, token);
  }
  Reply patch_form(std::string body, std::string_view token) {
    return request("PATCH", kPath, std::move(body),
                   {{"Content-Type", "application/x-www-form-urlencoded"}}, token);
  }
  std::string current() { return get(kPath, ann_.token).body; }
  User ann_;
};

TEST_F(PreferencesApi, DefaultsBeforeAnyChange) {
  Reply r = get(kPath, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, kDefaults);
}

TEST_F(PreferencesApi, PatchJsonChangesOnlyTheFieldsGiven) {
  Reply r = patch_json({{"memories", false}, {"time_zone", "Europe/London"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.body,
      R"({"memories":false,"support_resources":true,"region":null,"time_zone":"Europe/London","default_comment_policy":"everyone"})");
  r = patch_json({{"support_resources", false}, {"region", "gb"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.body,
      R"({"memories":false,"support_resources":false,"region":"GB","time_zone":"Europe/London","default_comment_policy":"everyone"})");
  EXPECT_EQ(current(), r.body);
}

TEST_F(PreferencesApi, PatchFormWorksAndEmptyOrNullClears) {
  Reply r = patch_form(form_body({{"memories", "0"},
                                  {"support_resources", "false"},
                                  {"region", "DE"},
                                  {"time_zone", "America/Santiago"}}),
                       ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.body,
      R"({"memories":false,"support_resources":false,"region":"DE","time_zone":"America/Santiago","default_comment_policy":"everyone"})");
  r = patch_form(form_body({{"region", ""}, {"memories", "true"}}), ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.body,
      R"({"memories":true,"support_resources":false,"region":null,"time_zone":"America/Santiago","default_comment_policy":"everyone"})");
  r = patch_json({{"time_zone", nullptr}, {"support_resources", true}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, kDefaults);
}

TEST_F(PreferencesApi, BadInputIs422WithAClearErrorAndChangesNothing) {
  ASSERT_EQ(patch_json({{"region", "NZ"}, {"time_zone", "Pacific/Auckland"}}, ann_.token).status,
            200);
  const std::string before = current();
  struct Case {
    boost::json::object body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{{"memories", "maybe"}}, "Invalid value for parameter memories"},
      {{{"support_resources", boost::json::array{true}}},
       "Invalid value for parameter support_resources"},
      {{{"memories", boost::json::object{}}}, "Invalid value for parameter memories"},
      {{{"region", "XX"}}, "Validation failed: Region is not an ISO 3166-1 alpha-2 country code"},
      {{{"region", "GBR"}}, "Validation failed: Region is not an ISO 3166-1 alpha-2 country code"},
      {{{"region", 44}}, "Validation failed: Region is not an ISO 3166-1 alpha-2 country code"},
      {{{"region", boost::json::object{{"code", "GB"}}}}, "Invalid value for parameter region"},
      {{{"time_zone", "Mars/Olympus_Mons"}},
       "Validation failed: Time zone is not a known IANA time zone"},
      {{{"time_zone", "europe/london"}},
       "Validation failed: Time zone is not a known IANA time zone"},
      {{{"time_zone", "localtime"}}, "Validation failed: Time zone is not a known IANA time zone"},
      {{{"time_zone", "../../../etc/passwd"}},
       "Validation failed: Time zone is not a known IANA time zone"},
      {{{"time_zone", "+01:00"}}, "Validation failed: Time zone is not a known IANA time zone"},
      {{{"time_zone", "zone.tab"}}, "Validation failed: Time zone is not a known IANA time zone"},
      // One good field beside a bad one: nothing is written.
      {{{"memories", false}, {"region", "GB"}, {"time_zone", "Nowhere/Land"}},
       "Validation failed: Time zone is not a known IANA time zone"},
      {{{"memories", false}, {"region", "ZZ"}},
       "Validation failed: Region is not an ISO 3166-1 alpha-2 country code"},
  };
  for (const auto& c : cases) {
    Reply r = patch_json(c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << boost::json::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(str(json(r), "error"), c.error) << boost::json::serialize(c.body);
    EXPECT_EQ(current(), before) << boost::json::serialize(c.body);
  }
  Reply r =
      request("PATCH", kPath, "{not json", {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(current(), before);
}

TEST_F(PreferencesApi, NeedsAUserTokenWithAccountScopes) {
  EXPECT_EQ(get(kPath).status, 401);
  EXPECT_EQ(patch_json({{"memories", false}}, "").status, 401);
  Reply r = get(kPath, default_app_token());
  EXPECT_EQ(r.status, 422) << r.body;
  Reply grant = password_grant(default_app(), "ann", kPassword, "read");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string read_only = str(json(grant), "access_token");
  EXPECT_EQ(get(kPath, read_only).status, 200);
  r = patch_json({{"memories", false}}, read_only);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(current(), kDefaults);
}

TEST_F(PreferencesApi, EachPersonHasTheirOwnAndTheyOutliveARestart) {
  const User bob = register_user("bob");
  ASSERT_EQ(patch_json({{"memories", false}, {"region", "IN"}}, ann_.token).status, 200);
  restart();
  EXPECT_EQ(current(),
            R"({"memories":false,"support_resources":true,"region":"IN","time_zone":null,"default_comment_policy":"everyone"})");
  EXPECT_EQ(get(kPath, bob.token).body, kDefaults);
}

}  // namespace
}  // namespace kindred::testing
