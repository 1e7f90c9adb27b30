// Every text a request carries is checked where parameters are read (api/mastodon/input.cpp):
// well-formed UTF-8, no C0 control characters but tab and line feed. Anything else is 422 and
// changes nothing, whichever encoding brought it (query, form, multipart, JSON) and whichever
// field it was meant for, so that no stored text can make a strict client's JSON reader fail.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

}  // namespace
}  // namespace kindred::testing
