// Support resources over HTTP: the public list, the Status extension on posts about a loss, and
// the admin directory API with its auth, role and bad-input answers. The clock starts on Friday
// 2024-03-01 at 12:00 UTC (12:00 in London): the seeded Miscarriage Association is open.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <sstream>

#include "api/kindred/support_json.h"
#include "app/admin.h"
#include "support/api_fixture.h"
#include "support/temp_dir.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

constexpr std::string_view kAdminPath = "/api/v1/kindred/admin/support_resources";
constexpr std::string_view kMessage = "If this post touches your own loss, support is available.";

class SupportApi : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    if (HasFatalFailure()) return;
    int rc = -1;
    restart([&] {
      app::RoleConfig c;
      c.data_dir = data_dir().string();
      c.username = "ann";
      rc = app::role(c);
    });
    ASSERT_EQ(rc, 0);
    admin_app_ =
        create_app("read write admin:read admin:write", std::string(kOutOfBand), "Admin App");
    admin_token_ = token_for(ann_, "read write admin:read admin:write");
    bob_admin_scopes_ = token_for(bob_, "read admin:read admin:write");
    ann_read_only_ = token_for(ann_, "read admin:read");
  }

  std::string token_for(const User& u, std::string_view scope) {
    Reply r = password_grant(admin_app_, u.username, kPassword, scope);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "access_token");
  }

  Reply put(std::string_view target, const bj::value& body, std::string_view token) {
    return request("PUT", target, bj::serialize(body), {{"Content-Type", "application/json"}},
                   token);
  }

  static bj::object valid_resource() {
    return bj::parse(
               R"({"name": "A helpline", "topics": ["pregnancy_loss"], "regions": ["GB", "ie"],
      "phone": "+44 1234 567890", "email": "help@example.org", "website": "https://example.org/help",
      "hours": {"time_zone": "Europe/Dublin",
                "weekly": [{"days": ["monday", "friday"], "opens": "10:00", "closes": "14:30"}]},
      "closures": [{"from": "2024-03-04", "to": null, "reason": "Staff training"}]})")
        .as_object();
  }

  std::string directory_file() {
    std::ifstream in(data_dir() / "support_resources.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static const bj::value* support_of(const bj::value& status) {
    const auto* k = status.as_object().if_contains("kindred");
    if (!k) return nullptr;
    return k->as_object().if_contains("support");
  }

  App admin_app_;
  std::string admin_token_, bob_admin_scopes_, ann_read_only_;
};

TEST_F(SupportApi, PublicListShowsTheSeedWithOpeningStateAndNeverClaimsUnknownHours) {
  Reply r = get("/api/v1/kindred/support_resources?topic=pregnancy_loss&region=GB");
  ASSERT_EQ(r.status, 200) << r.body;
  const bj::value list = json(r);
  ASSERT_EQ(ids(list), (std::vector<std::string>{"miscarriage-association", "tommys"}));
  const auto& ma = list.at(0);
  EXPECT_EQ(str(ma, "name"), "The Miscarriage Association");
  EXPECT_EQ(str(ma, "phone"), "01924 200799");
  EXPECT_EQ(str(ma, "email"), "info@miscarriageassociation.org.uk");
  EXPECT_EQ(
      bj::serialize(ma.at("hours")),
      R"({"time_zone":"Europe/London","weekly":[{"days":["monday","tuesday","wednesday","thursday","friday"],"opens":"09:00","closes":"16:00"}]})");
  EXPECT_EQ(ma.at("open_now"), bj::value(true));
  EXPECT_EQ(str(ma, "closes_at"), "2024-03-01T16:00:00.000Z");
  EXPECT_EQ(str(ma, "next_open_at"), "2024-03-04T09:00:00.000Z");
  const auto& tommys = list.at(1);
  EXPECT_EQ(str(tommys, "phone"), "0800 0147 800");
  EXPECT_TRUE(tommys.at("hours").is_null());
  EXPECT_TRUE(tommys.at("open_now").is_null());
  EXPECT_TRUE(tommys.at("next_open_at").is_null());
  EXPECT_TRUE(tommys.at("email").is_null());

  clock().set_ms(ApiTest::kStartMs + 5 * 3600 * 1000);  // 17:00: closed until Monday
  r = get("/api/v1/kindred/support_resources");
  EXPECT_EQ(json(r).at(0).at("open_now"), bj::value(false));
  EXPECT_EQ(str(json(r).at(0), "next_open_at"), "2024-03-04T09:00:00.000Z");
  EXPECT_EQ(str(json(r).at(0), "next_open_at_local"), "2024-03-04T09:00:00+00:00");
}

TEST_F(SupportApi, PublicListFiltersAndRefusesUnknownTopicsAndRegions) {
  EXPECT_EQ(get("/api/v1/kindred/support_resources?region=fr").body, "[]");
  EXPECT_EQ(ids(get("/api/v1/kindred/support_resources?region=gb")).size(), 2u);
  Reply r = get("/api/v1/kindred/support_resources?topic=cooking");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"error":"Validation failed: Topic 'cooking' is not a known topic"})");
  r = get("/api/v1/kindred/support_resources?region=UK");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body,
            R"({"error":"Validation failed: Region 'UK' is not an ISO 3166-1 alpha-2 code"})");
}

TEST_F(SupportApi, AStatusAboutALossCarriesTheSupportCardAndOthersDoNot) {
  const std::string loss =
      post_status(bob_, "One year ago today we lost our son. We miss him every day.");
  const std::string sea = post_status(bob_, "A photo of the sea");
  const std::string sonnet = post_status(bob_, "We lost our sonnet in the move");

  for (std::string_view token : {std::string_view(""), std::string_view(cat_.token)}) {
    Reply r = get("/api/v1/statuses/" + loss, token);
    ASSERT_EQ(r.status, 200) << r.body;
    const bj::value status = json(r);
    const bj::value* card = support_of(status);
    ASSERT_NE(card, nullptr) << r.body;
    EXPECT_EQ(str(*card, "message"), kMessage);
    EXPECT_EQ(bj::serialize(card->at("topics")), R"(["pregnancy_loss"])");
    EXPECT_EQ(ids(card->at("resources")),
              (std::vector<std::string>{"miscarriage-association", "tommys"}));
    EXPECT_EQ(card->at("resources").at(0).at("open_now"), bj::value(true));
    EXPECT_TRUE(card->at("resources").at(1).at("open_now").is_null());
  }
  for (const std::string& id : {sea, sonnet}) {
    Reply r = get("/api/v1/statuses/" + id, cat_.token);
    EXPECT_FALSE(json(r).as_object().contains("kindred")) << r.body;
  }
  // In lists too: the account's timeline has one card, on the loss post.
  Reply page = get("/api/v1/accounts/" + bob_.id + "/statuses", cat_.token);
  int cards = 0;
  const bj::value statuses = json(page);
  for (const auto& s : statuses.as_array()) cards += support_of(s) != nullptr;
  EXPECT_EQ(cards, 1);
  // A reblog carries the card on the original it shows, not on itself.
  Reply reblog = post("/api/v1/statuses/" + loss + "/reblog", {}, cat_.token);
  ASSERT_EQ(reblog.status, 200) << reblog.body;
  EXPECT_EQ(support_of(json(reblog)), nullptr);
  EXPECT_NE(support_of(json(reblog).at("reblog")), nullptr);
}

TEST_F(SupportApi, AReadersPreferencesTurnTheCardOffOrMoveItsRegion) {
  const std::string loss = post_status(bob_, "Our miscarriage, one year on");
  auto prefs = [&](const bj::object& body) {
    Reply r = request("PATCH", "/api/v1/kindred/preferences", bj::serialize(body),
                      {{"Content-Type", "application/json"}}, cat_.token);
    EXPECT_EQ(r.status, 200) << r.body;
  };
  auto card_for_cat = [&] {
    const bj::value status = json(get("/api/v1/statuses/" + loss, cat_.token));
    return support_of(status) != nullptr;
  };
  EXPECT_TRUE(card_for_cat());
  prefs({{"support_resources", false}});
  EXPECT_FALSE(card_for_cat());
  EXPECT_NE(support_of(json(get("/api/v1/statuses/" + loss, ann_.token))),
            nullptr);  // others keep it
  prefs({{"support_resources", true}, {"region", "FR"}});
  EXPECT_FALSE(card_for_cat());  // nothing listed for France
  prefs({{"region", "gb"}});
  EXPECT_TRUE(card_for_cat());
}

TEST_F(SupportApi, AnEmptyDirectoryForTheRegionMeansNoCard) {
  for (const char* id : {"miscarriage-association", "tommys"})
    ASSERT_EQ(del(std::string(kAdminPath) + "/" + id, admin_token_).status, 200);
  const std::string loss = post_status(bob_, "Our miscarriage, one year on");
  EXPECT_EQ(support_of(json(get("/api/v1/statuses/" + loss, cat_.token))), nullptr);
}

TEST_F(SupportApi, AdminCreatesReplacesAndDeletesAndTheFileKeepsIt) {
  Reply created = post(kAdminPath, valid_resource(), admin_token_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = str(json(created), "id");
  EXPECT_EQ(bj::serialize(json(created).at("regions")), R"(["GB","IE"])");
  EXPECT_EQ(bj::serialize(json(created).at("closures")),
            R"([{"from":"2024-03-04","to":"2024-03-04","reason":"Staff training"}])");
  // Friday 12:00 in Dublin is within 10:00-14:30; Monday the 4th is closed, so Friday the 8th.
  EXPECT_EQ(json(created).at("open_now"), bj::value(true));
  EXPECT_EQ(str(json(created), "next_open_at"), "2024-03-08T10:00:00.000Z");

  Reply list = get(kAdminPath, admin_token_);
  EXPECT_EQ(ids(list), (std::vector<std::string>{"miscarriage-association", "tommys", id}));
  EXPECT_NE(directory_file().find("A helpline"), std::string::npos);

  bj::object changed = valid_resource();
  changed["name"] = "A renamed helpline";
  changed["hours"] = nullptr;
  changed["closures"] = bj::array();
  Reply replaced = put(std::string(kAdminPath) + "/" + id, changed, admin_token_);
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(str(json(replaced), "id"), id);
  EXPECT_TRUE(json(replaced).at("open_now").is_null());
  // What a GET returns can be PUT back as it is (computed fields are ignored).
  Reply again = put(std::string(kAdminPath) + "/" + id, json(replaced), admin_token_);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, replaced.body);

  restart();
  list = get("/api/v1/kindred/support_resources?region=IE");
  ASSERT_EQ(ids(list), std::vector<std::string>{id});
  EXPECT_EQ(str(json(list).at(0), "name"), "A renamed helpline");

  Reply deleted = del(std::string(kAdminPath) + "/" + id, admin_token_);
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(get("/api/v1/kindred/support_resources?region=IE").body, "[]");
  EXPECT_EQ(directory_file().find("A renamed helpline"), std::string::npos);
}

TEST_F(SupportApi, AdminApiNeedsAUserTokenWithAdminScopeAndTheAdminRole) {
  const std::string item = std::string(kAdminPath) + "/tommys";
  const std::string before = directory_file();
  Reply r = get(kAdminPath);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"error":"The access token is invalid"})");
  EXPECT_EQ(post(kAdminPath, valid_resource(), "not-a-token").status, 401);
  // Bob has the scopes but not the role.
  for (Reply reply :
       {get(kAdminPath, bob_admin_scopes_), post(kAdminPath, valid_resource(), bob_admin_scopes_),
        put(item, valid_resource(), bob_admin_scopes_), del(item, bob_admin_scopes_)}) {
    EXPECT_EQ(reply.status, 403);
    EXPECT_EQ(reply.body, R"({"error":"This action is not allowed"})");
  }
  // Ann has the role, but these tokens lack admin:write (or any admin scope).
  for (Reply reply : {post(kAdminPath, valid_resource(), ann_read_only_), del(item, ann_read_only_),
                      get(kAdminPath, ann_.token), put(item, valid_resource(), ann_.token)}) {
    EXPECT_EQ(reply.status, 403);
    EXPECT_EQ(reply.body, R"({"error":"This action is outside the authorized scopes"})");
  }
  EXPECT_EQ(get(kAdminPath, ann_read_only_).status, 200);
  // An app token has no user, so no role.
  App app = create_app("read admin:read admin:write");
  EXPECT_EQ(get(kAdminPath, app_token(app)).status, 422);
  // Taking the role away takes the API away; the command refuses unknown accounts.
  restart([&] {
    app::RoleConfig c;
    c.data_dir = data_dir().string();
    c.username = "ann";
    c.off = true;
    EXPECT_EQ(app::role(c), 0);
    c.username = "nobody";
    EXPECT_EQ(app::role(c), 1);
  });
  EXPECT_EQ(get(kAdminPath, admin_token_).status, 403);
  EXPECT_EQ(directory_file(), before);
}

TEST_F(SupportApi, EachBadFieldIs422AndLeavesTheDirectoryAsItWas) {
  const std::string before_file = directory_file();
  const std::string before_list = get(kAdminPath, admin_token_).body;
  struct Case {
    const char* field;
    const char* value;  // JSON
    const char* error;
  };
  const Case cases[] = {
      {"name", R"("   ")", "Validation failed: Name can't be blank"},
      {"name", "42", "Validation failed: Name must be a string"},
      {"topics", R"([])", "Validation failed: Topics can't be blank"},
      {"topics", R"(["cooking"])", "Validation failed: Topic 'cooking' is not a known topic"},
      {"topics", R"("pregnancy_loss")", "Validation failed: Topics must be an array of strings"},
      {"regions", R"(["UK"])", "Validation failed: Region 'UK' is not an ISO 3166-1 alpha-2 code"},
      {"regions", R"(["GBR"])",
       "Validation failed: Region 'GBR' is not an ISO 3166-1 alpha-2 code"},
      {"regions", R"([])", "Validation failed: Regions can't be blank"},
      {"phone", R"("call us")",
       "Validation failed: Phone must be digits, spaces, +, -, ( and ) (at most 32)"},
      {"email", R"("help at example.org")", "Validation failed: Email is not an email address"},
      {"email", R"("help@localhost")", "Validation failed: Email is not an email address"},
      {"website", "\"javascript:alert(1)\"", "Validation failed: Website must be an http(s) URL"},
      {"website", R"("https://")", "Validation failed: Website must be an http(s) URL"},
      {"hours",
       R"({"time_zone": "Europe/Atlantis", "weekly": [{"days": ["monday"], "opens": "09:00", "closes": "16:00"}]})",
       "Validation failed: Time zone 'Europe/Atlantis' is not an IANA time zone"},
      {"hours",
       R"({"time_zone": "GMT+1", "weekly": [{"days": ["monday"], "opens": "09:00", "closes": "16:00"}]})",
       "Validation failed: Time zone 'GMT+1' is not an IANA time zone"},
      {"hours", R"({"weekly": [{"days": ["monday"], "opens": "09:00", "closes": "16:00"}]})",
       "Validation failed: Hours time zone can't be blank"},
      {"hours", R"({"time_zone": "Europe/London", "weekly": []})",
       "Validation failed: Hours weekly can't be blank (hours are null when not known)"},
      {"hours",
       R"({"time_zone": "Europe/London", "weekly": [{"days": ["mon"], "opens": "09:00", "closes": "16:00"}]})",
       "Validation failed: Day 'mon' is not monday..sunday"},
      {"hours",
       R"({"time_zone": "Europe/London", "weekly": [{"days": ["monday"], "opens": "9:00", "closes": "16:00"}]})",
       "Validation failed: Opens '9:00' is not a time HH:MM"},
      {"hours",
       R"({"time_zone": "Europe/London", "weekly": [{"days": ["monday"], "opens": "09:00", "closes": "25:00"}]})",
       "Validation failed: Closes '25:00' is not a time HH:MM (up to 24:00)"},
      {"hours",
       R"({"time_zone": "Europe/London", "weekly": [{"days": ["monday"], "opens": "16:00", "closes": "09:00"}]})",
       "Validation failed: Closes must be after opens (16:00-09:00)"},
      {"hours", R"("9 to 5")",
       "Validation failed: Hours must be null or an object with time_zone and weekly"},
      {"closures", R"([{"from": "2024-02-30"}])",
       "Validation failed: Closure from '2024-02-30' is not a date YYYY-MM-DD"},
      {"closures", R"([{"from": "2024-12-28", "to": "2024-12-25"}])",
       "Validation failed: Closure to is before from"},
      {"closures", R"([{"from": "2024-01-01", "to": "2025-06-01"}])",
       "Validation failed: Closure is longer than a year"},
      {"colour", R"("blue")", "Validation failed: unknown field 'colour'"},
  };
  for (const auto& c : cases) {
    bj::object body = valid_resource();
    body[c.field] = bj::parse(c.value);
    for (Reply r :
         {post(kAdminPath, body, admin_token_),
          put(std::string(kAdminPath) + "/miscarriage-association", body, admin_token_)}) {
      EXPECT_EQ(r.status, 422) << c.field << " " << c.value;
      EXPECT_EQ(r.body, bj::serialize(bj::object{{"error", c.error}})) << c.field << " " << c.value;
    }
  }
  bj::object no_contact = valid_resource();
  for (const char* f : {"phone", "email", "website"}) no_contact[f] = nullptr;
  Reply r = post(kAdminPath, no_contact, admin_token_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"error":"Validation failed: a phone, email or website is needed"})");
  // Not JSON, or not an object.
  for (std::string body :
       {std::string("{\"name\": "), std::string("[1,2]"), std::string("name=x")}) {
    r = request("POST", kAdminPath, body, {{"Content-Type", "application/json"}}, admin_token_);
    EXPECT_EQ(r.status, 422) << body;
    EXPECT_EQ(r.body, R"({"error":"Validation failed: the body must be a JSON object"})") << body;
  }
  EXPECT_EQ(directory_file(), before_file);
  EXPECT_EQ(get(kAdminPath, admin_token_).body, before_list);
}

TEST_F(SupportApi, UnknownIdsAre404) {
  for (Reply r : {put(std::string(kAdminPath) + "/nope", valid_resource(), admin_token_),
                  del(std::string(kAdminPath) + "/nope", admin_token_)}) {
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"error":"Record not found"})");
  }
}

TEST(SupportStart, ARegionThatIsNotAnIsoCodeStopsStart) {
  TempDir dir;
  app::ServeConfig c;
  c.listen = "127.0.0.1:0";
  c.data_dir = dir.path().string();
  c.access_log = false;
  c.region = "UK";
  app::Instance instance(c);
  Status s = instance.start(nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--region must be an ISO 3166-1 alpha-2 code, got 'UK'");
}

// The directory file: every field survives a save and a load, the save leaves no temp file, and a
// save that cannot be written fails without touching what is there.
TEST(SupportFile, SavesWholeAndLoadsEveryFieldBack) {
  TempDir dir;
  social::SupportResource r;
  r.id = "a-helpline";
  r.name = "A \"quoted\" helpline";
  r.topics = {"pregnancy_loss"};
  r.regions = {"GB", "IE"};
  r.phone = "0800 000 000";
  r.email = "help@example.org";
  r.website = "https://example.org/";
  r.time_zone = "Europe/London";
  r.hours = {{{"monday", "friday"}, "09:00", "16:00"}, {{"saturday"}, "10:00", "12:00"}};
  r.closures = {{"2026-12-25", "2026-12-28", "Christmas"}};
  api::SupportFile file(dir.sub("support_resources.json"));
  ASSERT_TRUE(file.save({r}).is_ok());
  EXPECT_FALSE(std::filesystem::exists(dir.sub("support_resources.json.tmp")));
  auto loaded = file.load(dir.sub("no-seed-needed.json"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_FALSE(loaded->from_seed);
  ASSERT_EQ(loaded->directory.size(), 1u);
  const auto& back = loaded->directory[0];
  EXPECT_EQ(back.id, r.id);
  EXPECT_EQ(back.name, r.name);
  EXPECT_EQ(back.regions, r.regions);
  EXPECT_EQ(back.email, r.email);
  EXPECT_EQ(back.website, r.website);
  EXPECT_EQ(back.time_zone, r.time_zone);
  ASSERT_EQ(back.hours.size(), 2u);
  EXPECT_EQ(back.hours[0].days, r.hours[0].days);
  EXPECT_EQ(back.hours[1].closes, "12:00");
  ASSERT_EQ(back.closures.size(), 1u);
  EXPECT_EQ(back.closures[0].to, "2026-12-28");
  EXPECT_EQ(back.closures[0].reason, "Christmas");

  api::SupportFile nowhere(dir.sub("missing-dir/support_resources.json"));
  EXPECT_EQ(nowhere.save({r}).code(), StatusCode::kUnavailable);
  auto seeded = nowhere.load(dir.sub("support_resources.json"));  // no file yet: the seed
  ASSERT_TRUE(seeded.has_value());
  EXPECT_TRUE(seeded->from_seed);
}

// A hand edit that breaks the file stops the server at start, naming the file and the problem,
// rather than serving a directory that is not the one on disk.
TEST(SupportStart, ABrokenDirectoryFileStopsStartWithAClearError) {
  TempDir dir;
  std::ofstream(dir.path() / "support_resources.json")
      << R"({"version": 1, "resources": [{"id": "x", "name": "X", "topics": ["pregnancy_loss"],
            "regions": ["GB"], "phone": "123", "hours": {"time_zone": "Mars/Olympus",
            "weekly": [{"days": ["monday"], "opens": "09:00", "closes": "10:00"}]}}]})";
  app::ServeConfig c;
  c.listen = "127.0.0.1:0";
  c.data_dir = dir.path().string();
  c.access_log = false;
  app::Instance instance(c);
  Status s = instance.start(nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("support_resources.json: Validation failed: Time zone 'Mars/Olympus'"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace kindred::testing
