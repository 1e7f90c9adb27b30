// The instance's texts and figures: GET /api/v1/instance/activity, /rules, /domain_blocks,
// /extended_description, /privacy_policy, /terms_of_service, and source_url in /api/v2/instance.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using InstanceTextsApi = ApiTest;

constexpr int64_t kWeekMs = 7 * 86'400'000LL;

TEST_F(InstanceTextsApi, ActivityCountsTwelveWeeksAsMastodonsStrings) {
  User ann = register_user("ann");  // a registration and, with the token's use, a login
  post_status(ann, "one");
  post_status(ann, "two");
  clock().advance_ms(kWeekMs);
  User bob = register_user("bob");
  post_status(bob, "three");
  Reply r = get("/api/v1/instance/activity");
  ASSERT_EQ(r.status, 200) << r.body;
  auto weeks = json(r).as_array();
  ASSERT_EQ(weeks.size(), 12u);
  for (const auto& w : weeks) {
    ASSERT_EQ(w.as_object().size(), 4u);
    for (const char* key : {"week", "statuses", "logins", "registrations"})
      EXPECT_TRUE(w.at(key).is_string()) << key;
  }
  // The current week first, each starting on a Monday at midnight UTC, a week apart.
  const int64_t first = std::stoll(str(weeks[0], "week"));
  EXPECT_EQ(first % 86'400, 0);
  EXPECT_EQ((first / 86'400 + 4) % 7, 1) << "a Monday (1970-01-01 was a Thursday)";
  EXPECT_LE(first * 1000, kStartMs + kWeekMs);
  EXPECT_GT(first * 1000 + kWeekMs, kStartMs + kWeekMs);
  EXPECT_EQ(std::stoll(str(weeks[1], "week")), first - 7 * 86'400);
  EXPECT_EQ(str(weeks[0], "statuses"), "1");
  EXPECT_EQ(str(weeks[0], "registrations"), "1");
  EXPECT_EQ(str(weeks[0], "logins"), "1") << "bob used his token this week";
  EXPECT_EQ(str(weeks[1], "statuses"), "2");
  EXPECT_EQ(str(weeks[1], "registrations"), "1");
  EXPECT_EQ(str(weeks[1], "logins"), "1") << "ann, once however often";
  EXPECT_EQ(str(weeks[11], "statuses"), "0");
}

TEST_F(InstanceTextsApi, NoRulesAndNoDomainBlocksAreEmptyLists) {
  for (const char* path : {"/api/v1/instance/rules", "/api/v1/instance/domain_blocks"}) {
    Reply r = get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "[]") << path;
  }
}

TEST_F(InstanceTextsApi, TextsAreShippedAsDefaultsAnAdminCanEdit) {
  for (const char* name : {"extended_description", "privacy_policy"}) {
    Reply r = get(std::string("/api/v1/instance/") + name);
    ASSERT_EQ(r.status, 200) << name;
    auto o = json(r).as_object();
    EXPECT_EQ(o.size(), 2u) << r.body;
    EXPECT_EQ(str(o, "content").substr(0, 3), "<p>") << r.body;
    EXPECT_FALSE(str(o, "updated_at").empty());
    EXPECT_TRUE(std::filesystem::exists(data_dir() / (std::string(name) + ".txt")))
        << "the default is written for the admin to edit";
  }
  EXPECT_NE(str(json(get("/api/v1/instance/extended_description")), "content").find("Kindred"),
            std::string::npos);

  const auto path = data_dir() / "privacy_policy.txt";
  {
    std::ofstream out(path, std::ios::trunc);
    out << "We keep <nothing>.\nReally.\n\nAsk us.";
  }
  Reply r = get("/api/v1/instance/privacy_policy");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(str(json(r), "content"), "<p>We keep &lt;nothing&gt;.<br>Really.</p><p>Ask us.</p>");
  // The time is the file's.
  const auto mtime = std::filesystem::last_write_time(path);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                        .count();
  const std::string updated = str(json(r), "updated_at");
  ASSERT_GE(updated.size(), 19u);
  std::time_t t = static_cast<std::time_t>(secs);
  char expected[32];
  std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  EXPECT_EQ(updated.substr(0, 19), expected);
}

TEST_F(InstanceTextsApi, TermsOfServiceAreOneVersionInEffectSinceTheFilesDate) {
  Reply r = get("/api/v1/instance/terms_of_service");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json(r).as_object();
  EXPECT_EQ(o.size(), 4u) << r.body;
  EXPECT_EQ(o.at("effective"), true);
  EXPECT_TRUE(o.at("succeeded_by").is_null());
  const std::string date = str(o, "effective_date");
  ASSERT_EQ(date.size(), 10u) << r.body;
  EXPECT_EQ(str(o, "content").substr(0, 3), "<p>");
  Reply same = get("/api/v1/instance/terms_of_service/" + date);
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(same.body, r.body);
  Reply other = get("/api/v1/instance/terms_of_service/1999-01-01");
  EXPECT_EQ(other.status, 404);
  EXPECT_TRUE(json(other).as_object().contains("error"));
}

TEST_F(InstanceTextsApi, InstanceV2NamesWhereTheSourceIs) {
  Reply r = get("/api/v2/instance");
  ASSERT_EQ(r.status, 200);
  const std::string url = str(json(r), "source_url");
  EXPECT_EQ(url.substr(0, 8), "https://") << r.body;
}

class CustomSourceUrl : public ApiTest {
 protected:
  CustomSourceUrl() : ApiTest({.source_url = "https://example.org/our-fork"}) {}
};

TEST_F(CustomSourceUrl, SourceUrlIsConfigurable) {
  EXPECT_EQ(str(json(get("/api/v2/instance")), "source_url"), "https://example.org/our-fork");
}

}  // namespace
}  // namespace kindred::testing
