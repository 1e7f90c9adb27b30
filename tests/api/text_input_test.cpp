// Every text a request carries is checked where parameters are read (api/mastodon/input.cpp):
// well-formed UTF-8, no C0 control characters but tab and line feed. Anything else is 422 and
// changes nothing, whichever encoding brought it (query, form, multipart, JSON) and whichever
// field it was meant for, so that no stored text can make a strict client's JSON reader fail.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class TextInputApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ann_ = register_user("ann");
  }
  int64_t statuses() { return num(stats(), "status_count"); }
  std::string display_name() {
    return str(json(get("/api/v1/accounts/verify_credentials", ann_.token)), "display_name");
  }
  User ann_;
};

// Percent-encoded bytes that are not acceptable text: invalid UTF-8 (a lone byte, a truncated
// sequence, overlong forms of '/' and of NUL, an encoded surrogate, a code point past U+10FFFF)
// and control characters.
const std::vector<std::string> kBadText = {
    "%FF",           "caf%C3",        "%C0%AF",     "%E0%80%AF",  "%C0%80",
    "%ED%A0%80",     "%F4%90%80%80",  "a%00b",      "a%1Bb",      "a%08b",
    "%C2",           "%80",
};

TEST_F(TextInputApi, FormStatusWithBadTextIs422AndPostsNothing) {
  for (const auto& bad : kBadText) {
    Reply r = post_form("/api/v1/statuses", "status=hello" + bad, ann_.token);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.body;
    EXPECT_NE(str(json(r), "error").find("parameter status"), std::string::npos) << r.body;
  }
  EXPECT_EQ(statuses(), 0);
}

TEST_F(TextInputApi, JsonEscapesCannotSpellControlCharacters) {
  for (const char* body : {R"({"status":"a\u0000b"})", R"({"status":"a\u001bb"})",
                           R"({"status":"ok","spoiler_text":"x\u0007"})"}) {
    Reply r = request("POST", "/api/v1/statuses", body, {{"Content-Type", "application/json"}},
                      ann_.token);
    EXPECT_EQ(r.status, 422) << body << ": " << r.body;
  }
  EXPECT_EQ(statuses(), 0);
}

TEST_F(TextInputApi, MultipartFieldsAreCheckedToo) {
  Reply r = http().post_multipart("/api/v1/statuses", {{"status", std::string("bad \xff\xfe")}},
                                  ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(statuses(), 0);
  Reply nul = http().patch_multipart("/api/v1/accounts/update_credentials",
                                     {{"display_name", std::string("An\0n", 4)}}, ann_.token);
  EXPECT_EQ(nul.status, 422) << nul.body;
  EXPECT_EQ(display_name(), "");
}

TEST_F(TextInputApi, ProfileWithBadTextIs422AndKeepsTheProfile) {
  ASSERT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "display_name=Ann", ann_.token)
                .status,
            200);
  for (const char* form : {"display_name=%FF", "note=a%00", "fields_attributes[0][name]=%C0%AF",
                           "fields_attributes[0][name]=Site&fields_attributes[0][value]=%1B"}) {
    Reply r = http().patch_form("/api/v1/accounts/update_credentials", form, ann_.token);
    EXPECT_EQ(r.status, 422) << form << ": " << r.body;
  }
  EXPECT_EQ(display_name(), "Ann");
}

TEST_F(TextInputApi, BadParameterNamesAndQueryStringsAre422) {
  EXPECT_EQ(post_form("/api/v1/statuses", "%FF=1&status=hi", ann_.token).status, 422);
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=%FF").status, 422);
  EXPECT_EQ(get("/api/v1/timelines/public?max_id=1%00").status, 422);
  EXPECT_EQ(statuses(), 0);
}

TEST_F(TextInputApi, TabsNewlinesAndAnyLanguageAreWelcome) {
  Reply r = post_form("/api/v1/statuses",
                      "status=" + std::string("Tag%C3%BCbersicht%09%E2%9D%A4%EF%B8%8F%0A%F0%9F%8C%8A"),
                      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  Reply deleted = del("/api/v1/statuses/" + str(json(r), "id"), ann_.token);
  EXPECT_EQ(str(json(deleted), "text"), "Tagübersicht\t❤️\n🌊");
}

TEST_F(TextInputApi, WindowsAndOldMacLineEndingsBecomeLineFeeds) {
  Reply r = post_form("/api/v1/statuses", "status=one%0D%0Atwo%0Dthree", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  Reply deleted = del("/api/v1/statuses/" + str(json(r), "id"), ann_.token);
  EXPECT_EQ(str(json(deleted), "text"), "one\ntwo\nthree");
}

// Length limits that no URL can side-step (a 900 KB display name and a 900 KB post were taken,
// and a page of 20 posts weighed 11.6 MB).
TEST_F(TextInputApi, AUrlInANameOrFieldCountsItsWholeLength) {
  const std::string long_url = "https://example.com/" + std::string(900 * 1024, 'a');
  for (const char* field : {"display_name", "note"}) {
    Reply r = request("PATCH", "/api/v1/accounts/update_credentials",
                      boost::json::serialize(boost::json::object{{field, long_url}}),
                      {{"Content-Type", "application/json"}}, ann_.token);
    EXPECT_EQ(r.status, 422) << field << ": " << r.body.substr(0, 200);
  }
  Reply name = request("PATCH", "/api/v1/accounts/update_credentials",
                       R"({"display_name":"https://example.com/abcdefghijklmnop"})",
                       {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(name.status, 422) << "36 characters of URL in a 30-character name";
  EXPECT_EQ(str(json(name), "error"),
            "Validation failed: Display name is too long (maximum is 30 characters)");
  Reply field = http().patch_form(
      "/api/v1/accounts/update_credentials",
      "fields_attributes[0][name]=Site&fields_attributes[0][value]=https://example.com/" +
          std::string(250, 'b'),
      ann_.token);
  EXPECT_EQ(field.status, 422) << field.body;
  EXPECT_EQ(display_name(), "");
}

TEST_F(TextInputApi, AStatusUrlOver4096CharactersCountsAsText) {
  const std::string url = "https://example.com/" + std::string(5000, 'a');
  Reply r = post("/api/v1/statuses", {{"status", "look " + url}}, ann_.token);
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 200);
  EXPECT_EQ(str(json(r), "error"), "Validation failed: Text character limit of 500 exceeded");
  // One at the limit is a link and counts 23.
  const std::string ok_url = "https://example.com/" + std::string(4096 - 20, 'a');
  EXPECT_EQ(post("/api/v1/statuses", {{"status", "look " + ok_url}}, ann_.token).status, 200);
  EXPECT_EQ(statuses(), 1);
}

TEST_F(TextInputApi, AStatusOfManyLongLinksMeetsTheByteCap) {
  // 15 links of 3,000 characters: 359 characters as counted, but 45 KB, over 64 bytes for each
  // of the 500 characters allowed.
  std::string text;
  for (int i = 0; i < 15; ++i) text += "https://example.com/" + std::to_string(i) + std::string(2979, 'z') + " ";
  Reply r = post("/api/v1/statuses", {{"status", text}}, ann_.token);
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 200);
  EXPECT_EQ(statuses(), 0);
}

TEST_F(TextInputApi, AFamilyEmojiIsOneCharacter) {
  std::string family = "\U0001F469\u200D\U0001F469\u200D\U0001F467";  // 18 bytes, 5 code points
  std::string text;
  for (int i = 0; i < 500; ++i) text += family;
  EXPECT_EQ(post("/api/v1/statuses", {{"status", text}}, ann_.token).status, 200);
  std::string name;
  for (int i = 0; i < 30; ++i) name += family;
  EXPECT_EQ(http().patch_form("/api/v1/accounts/update_credentials", form_body({{"display_name", name}}),
                              ann_.token)
                .status,
            200);
}

TEST_F(TextInputApi, ADisplayNameOfOnlyInvisibleCharactersIs422) {
  for (const char* name : {"%E2%80%8B", "%E3%85%A4%E3%85%A4", "%E2%A0%80", "%E2%80%8B%20%E2%80%8D"}) {
    Reply r = http().patch_form("/api/v1/accounts/update_credentials",
                                std::string("display_name=") + name, ann_.token);
    EXPECT_EQ(r.status, 422) << name << ": " << r.body;
    EXPECT_EQ(str(json(r), "error"),
              "Validation failed: Display name can't be only invisible characters");
  }
  EXPECT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "display_name=", ann_.token).status,
            200)
      << "an empty name is fine: apps show the username";
}

TEST_F(TextInputApi, DirectionControlsLeftOpenInANameAreClosed) {
  // U+202E (right-to-left override) would turn every word shown after the name.
  Reply r = http().patch_form("/api/v1/accounts/update_credentials",
                              "display_name=%E2%80%AEanneL&fields_attributes[0][name]=%E2%81%A7Site"
                              "&fields_attributes[0][value]=x%E2%80%AC",
                              ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(display_name(), "\u202E" "anneL" "\u202C");
  auto field = json(r).at("fields").at(0);
  EXPECT_EQ(str(field, "name"), "\u2067Site\u2069");
  EXPECT_EQ(str(field, "value"), "x");
}

TEST_F(TextInputApi, OnlyAVerifiedAccountMayWearACheckMark) {
  Reply r = http().patch_form("/api/v1/accounts/update_credentials",
                              form_body({{"display_name", "Lena \u2714\uFE0F"}}), ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(str(json(r), "error").find("check mark"), std::string::npos) << r.body;
  EXPECT_EQ(display_name(), "");
  // Once an admin verifies the account, its name may carry one.
  int rc = -1;
  restart([&] {
    app::VerifyConfig c;
    c.data_dir = data_dir().string();
    c.username = "ann";
    rc = app::verify(c);
  });
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(http().patch_form("/api/v1/accounts/update_credentials",
                              form_body({{"display_name", "Ann \u2714"}}), ann_.token)
                .status,
            200);
}

}  // namespace
}  // namespace kindred::testing
