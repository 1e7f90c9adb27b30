// The settings pages (/settings/...) through the real server, as a browser without JavaScript
// uses them: each form's change checked through the API, bad input shown again with a sentence
// (422) and nothing changed, forms without the CSRF token or from another site refused (403).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "media/synth.h"
#include "support/api_fixture.h"
#include "support/web_browser.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Fields = WebBrowser::Fields;

bool has(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

// Every value="..." of inputs named `name` in `html`, in order.
std::vector<std::string> input_values(std::string_view html, std::string_view name) {
  std::vector<std::string> out;
  const std::string key = "name=\"" + std::string(name) + "\" value=\"";
  for (size_t at = html.find(key); at != std::string_view::npos; at = html.find(key, at + 1)) {
    const size_t start = at + key.size();
    out.emplace_back(html.substr(start, html.find('"', start) - start));
  }
  return out;
}

std::string photo(int width, int height) {
  media::SynthSpec spec;
  spec.width = width;
  spec.height = height;
  spec.seed = 7;
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value());
  return bytes.has_value() ? *bytes : std::string();
}

class SettingsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ann_ = register_user("ann");
  }

  // A browser signed in as `who`.
  std::unique_ptr<WebBrowser> browser(const User& who) {
    auto b = std::make_unique<WebBrowser>(instance().port());
    EXPECT_TRUE(b->sign_in(who.username, kPassword));
    return b;
  }

  // GETs `page` (for its CSRF token), then POSTs `fields` to `target`.
  WebBrowser::Reply submit(WebBrowser& b, std::string_view page, std::string_view target, Fields fields) {
    EXPECT_EQ(b.get(page).status, 200) << page;
    return b.post(target, std::move(fields));
  }

  bj::object preferences(const User& who) {
    Reply r = get("/api/v1/kindred/preferences", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).as_object();
  }

  User ann_;
};

// A 303 to `path` (with its ?done= code).
void expect_see_other(const HttpClient::Reply& r, std::string_view path) {
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), path);
}

// ---- The frame --------------------------------------------------------------------------------

TEST_F(SettingsTest, IndexListsEverySectionAndTheNavMarksTheCurrentOne) {
  auto b = browser(ann_);
  auto r = b->get("/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const char* path : {"/settings/profile", "/settings/password", "/settings/sessions", "/settings/filters",
                           "/settings/hidden_words", "/settings/limits", "/settings/people", "/settings/comments",
                           "/settings/support", "/settings/memories", "/settings/appearance"}) {
    EXPECT_TRUE(has(r.body, std::string("href=\"") + path + "\"")) << path;
    auto page = b->get(path);
    ASSERT_EQ(page.status, 200) << path << page.body;
    EXPECT_TRUE(has(page.body, std::string("<a href=\"") + path + "\" aria-current=\"page\">")) << path;
    EXPECT_TRUE(has(page.body, "<nav class=\"settings-nav\" aria-label=\"Settings\">")) << path;
  }
}

TEST_F(SettingsTest, ASignedOutVisitorIsSentToSignIn) {
  WebBrowser b(instance().port());
  auto r = b.get("/settings/profile");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/auth/sign_in?return_to=%2Fsettings%2Fprofile");
}

TEST_F(SettingsTest, AnUnknownDoneCodeShowsNoConfirmation) {
  auto b = browser(ann_);
  auto r = b->get("/settings/comments?done=%3Cscript%3E");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(has(r.body, "role=\"status\""));
  EXPECT_FALSE(has(r.body, "<script>"));
  r = b->get("/settings/comments?done=saved");
  EXPECT_TRUE(has(r.body, "<p class=\"notice\" role=\"status\">Saved.</p>"));
}

// Every form refuses a POST without its token, or with another site's Origin, and changes nothing.
TEST_F(SettingsTest, FormsWithoutTheCsrfTokenOrFromAnotherSiteAre403AndChangeNothing) {
  auto other = browser(ann_);
  auto b = browser(ann_);
  ASSERT_EQ(b->get("/settings").status, 200);
  const std::vector<std::pair<std::string, Fields>> forms = {
      {"/settings/profile", {{"display_name", "Evil"}, {"note", "pwned"}}},
      {"/settings/password", {{"current_password", std::string(kPassword)}, {"new_password", "evil evil evil"}}},
      {"/settings/sessions/end_others", {}},
      {"/settings/apps/revoke", {{"app_id", default_app().id}}},
      {"/settings/filters", {{"title", "x"}, {"keywords", "x"}, {"context", "home"}, {"filter_action", "hide"}, {"expires_in", "never"}}},
      {"/settings/hidden_words", {{"words", "evil"}}},
      {"/settings/limits", {{"days", "7"}}},
      {"/settings/comments", {{"comment_policy", "nobody"}}},
      {"/settings/support", {{"region", "DE"}, {"time_zone", "Europe/Berlin"}}},
      {"/settings/memories", {}},
      {"/settings/memories/ranges", {{"start_date", "2020-01-01"}, {"end_date", "2020-01-02"}}},
      {"/settings/appearance", {{"theme", "dark"}}},
  };
  for (const auto& [target, fields] : forms) {
    auto no_token = b->post(target, fields, false);
    EXPECT_EQ(no_token.status, 403) << target;
    Fields with_wrong = fields;
    with_wrong.emplace_back("csrf", "not-the-token");
    EXPECT_EQ(b->post(target, with_wrong).status, 403) << target;
    auto evil = b->post(target, fields, true, {{"Origin", "http://evil.example"}});
    EXPECT_EQ(evil.status, 403) << target;
    EXPECT_FALSE(evil.has_header("set-cookie") && has(evil.header("set-cookie"), "kindred_theme")) << target;
  }
  // Nothing changed.
  auto account = me(ann_);
  EXPECT_EQ(str(account, "display_name"), "");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 200);
  auto prefs = preferences(ann_);
  EXPECT_EQ(str(prefs, "default_comment_policy"), "everyone");
  EXPECT_TRUE(prefs.at("region").is_null());
  EXPECT_TRUE(prefs.at("memories").as_bool());
  EXPECT_EQ(json(get("/api/v2/filters", ann_.token)).as_array().size(), 0u);
  EXPECT_EQ(json(get("/api/v1/kindred/hidden_words", ann_.token)).at("words").as_array().size(), 0u);
  EXPECT_FALSE(json(get("/api/v1/kindred/limits", ann_.token)).at("active").as_bool());
  EXPECT_EQ(json(get("/api/v1/kindred/memories/hidden_ranges", ann_.token)).as_array().size(), 0u);
  EXPECT_EQ(b->cookies().count("kindred_theme"), 0u);
  // Still signed in with the old password, in both browsers.
  EXPECT_EQ(b->get("/settings").status, 200);
  EXPECT_EQ(other->get("/settings").status, 200);
  EXPECT_TRUE(WebBrowser(instance().port()).sign_in("ann", kPassword));
}

// ---- Profile ----------------------------------------------------------------------------------

TEST_F(SettingsTest, ProfileSavesNameBioFieldsAndPrivacy) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/profile", "/settings/profile",
                  {{"display_name", "Ann Example"},
                   {"note", "Line one\r\nLine two"},
                   {"field_name_1", "Website"},
                   {"field_value_1", "https://ann.example"},
                   {"field_name_2", ""},
                   {"field_value_2", ""},
                   {"field_name_3", "Pronouns"},
                   {"field_value_3", "she/her"},
                   {"locked", "1"},
                   {"indexable", "1"}});
  expect_see_other(r, "/settings/profile?done=saved");
  auto a = me(ann_);
  EXPECT_EQ(str(a, "display_name"), "Ann Example");
  EXPECT_TRUE(a.at("locked").as_bool());
  EXPECT_TRUE(a.at("indexable").as_bool());
  const auto& fields = a.at("fields").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(str(fields[0], "name"), "Website");
  EXPECT_EQ(str(fields[1], "name"), "Pronouns");
  EXPECT_EQ(str(a.at("source"), "note"), "Line one\nLine two");

  auto page = b->get("/settings/profile?done=saved");
  EXPECT_TRUE(has(page.body, "role=\"status\">Saved.</p>"));
  EXPECT_TRUE(has(page.body, "value=\"Ann Example\""));
  EXPECT_TRUE(has(page.body, "id=\"locked\" name=\"locked\" value=\"1\" checked"));

  // Unticking a box turns it off.
  r = b->post("/settings/profile", {{"display_name", "Ann Example"}, {"note", ""}});
  EXPECT_EQ(r.status, 303);
  a = me(ann_);
  EXPECT_FALSE(a.at("locked").as_bool());
  EXPECT_FALSE(a.at("indexable").as_bool());
  EXPECT_EQ(a.at("fields").as_array().size(), 0u);
}

TEST_F(SettingsTest, ProfileUploadsAnAvatarAndAHeaderAndShowsThem) {
  auto b = browser(ann_);
  ASSERT_EQ(b->get("/settings/profile").status, 200);
  auto r = b->post_multipart("/settings/profile",
                             {{"display_name", "Ann"},
                              {"note", ""},
                              {"avatar", photo(300, 300), "me.jpg", "image/jpeg"},
                              {"header", photo(900, 300), "wide.jpg", "image/jpeg"}});
  expect_see_other(r, "/settings/profile?done=saved");
  auto a = me(ann_);
  EXPECT_FALSE(has(str(a, "avatar"), "missing")) << str(a, "avatar");
  EXPECT_FALSE(has(str(a, "header"), "missing")) << str(a, "header");
  auto page = b->get("/settings/profile");
  EXPECT_TRUE(has(page.body, "class=\"preview-avatar\" src=\"/system/media/"));
  EXPECT_TRUE(has(page.body, "class=\"preview-header\" src=\"/system/media/"));

  // An empty file input (nothing chosen) keeps the pictures; "remove" removes one.
  const std::string avatar = str(a, "avatar");
  r = b->post_multipart("/settings/profile", {{"display_name", "Ann"},
                                              {"avatar", "", "", "application/octet-stream"},
                                              {"remove_header", "1"}});
  EXPECT_EQ(r.status, 303) << r.body;
  a = me(ann_);
  EXPECT_EQ(str(a, "avatar"), avatar);
  EXPECT_TRUE(has(str(a, "header"), "missing")) << str(a, "header");
}

TEST_F(SettingsTest, ProfileWithATooLongNameIs422WithASentenceAndSavesNothing) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/profile", "/settings/profile",
                  {{"display_name", std::string(31, 'a')}, {"note", "A new bio"}, {"locked", "1"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Your display name can have at most 30 characters."));
  EXPECT_TRUE(has(r.body, "aria-describedby=\"display_name-hint display_name-error\" aria-invalid=\"true\""));
  EXPECT_TRUE(has(r.body, "A new bio"));  // what was typed is kept
  EXPECT_FALSE(has(r.body, "Validation failed"));
  auto a = me(ann_);
  EXPECT_EQ(str(a.at("source"), "note"), "");
  EXPECT_FALSE(a.at("locked").as_bool());
}

TEST_F(SettingsTest, ProfileWithAFileThatIsNotAPhotoIs422AndSavesNothing) {
  auto b = browser(ann_);
  ASSERT_EQ(b->get("/settings/profile").status, 200);
  auto r = b->post_multipart("/settings/profile", {{"display_name", "Changed"},
                                                   {"avatar", "this is not an image", "me.jpg", "image/jpeg"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has(r.body, "That file is not a photo Kindred can read"));
  EXPECT_TRUE(has(r.body, "id=\"avatar-error\""));
  auto a = me(ann_);
  EXPECT_EQ(str(a, "display_name"), "");
  EXPECT_TRUE(has(str(a, "avatar"), "missing"));
}

TEST_F(SettingsTest, ProfileWithTooManyCharactersInAFieldIs422) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/profile", "/settings/profile",
                  {{"display_name", "Ann"}, {"field_name_2", "Label"}, {"field_value_2", std::string(256, 'v')}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "id=\"field-2-error\">A label and its content can have at most 255 characters each."));
  EXPECT_EQ(str(me(ann_), "display_name"), "");
}

// ---- Password ---------------------------------------------------------------------------------

TEST_F(SettingsTest, PasswordChangeEndsOtherSessionsAndKeepsThisOne) {
  auto other = browser(ann_);
  auto b = browser(ann_);
  ASSERT_EQ(other->get("/settings").status, 200);
  auto r = submit(*b, "/settings/password", "/settings/password",
                  {{"current_password", std::string(kPassword)}, {"new_password", "a brand new password"}});
  expect_see_other(r, "/settings/password?done=password");
  auto page = b->get("/settings/password?done=password");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Every other browser signed in to your account was signed out"));
  // The other browser is signed out; this one is not.
  auto gone = other->get("/settings");
  EXPECT_EQ(gone.status, 303);
  EXPECT_TRUE(has(gone.header("location"), "/auth/sign_in"));
  EXPECT_EQ(b->get("/settings").status, 200);
  // The new password signs in; the old one no longer does.
  EXPECT_TRUE(WebBrowser(instance().port()).sign_in("ann", "a brand new password"));
  EXPECT_FALSE(WebBrowser(instance().port()).sign_in("ann", kPassword));
}

TEST_F(SettingsTest, PasswordWithTheWrongCurrentOneOrTooShortANewOneIs422AndChangesNothing) {
  auto other = browser(ann_);
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/password", "/settings/password",
                  {{"current_password", "not my password"}, {"new_password", "a brand new password"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "That is not your current password. Nothing was changed."));
  r = b->post("/settings/password", {{"current_password", std::string(kPassword)}, {"new_password", "short"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Your new password needs at least 8 characters."));
  EXPECT_EQ(other->get("/settings").status, 200);
  EXPECT_TRUE(WebBrowser(instance().port()).sign_in("ann", kPassword));
}

// ---- Sessions and apps ------------------------------------------------------------------------

TEST_F(SettingsTest, SessionsListsBrowsersAndSignsOutAnother) {
  auto other = browser(ann_);
  auto b = browser(ann_);
  auto page = b->get("/settings/sessions");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "(This browser)"));
  EXPECT_TRUE(has(page.body, "From 127.0.0.1."));
  const auto ids = input_values(page.body, "session_id");
  ASSERT_EQ(ids.size(), 1u);  // the other one: this browser has no sign-out form here
  auto r = b->post("/settings/sessions/end", {{"session_id", ids[0]}});
  expect_see_other(r, "/settings/sessions?done=signed_out");
  EXPECT_EQ(other->get("/settings").status, 303);
  EXPECT_EQ(b->get("/settings").status, 200);
}

TEST_F(SettingsTest, SessionsSignOutEverywhereElse) {
  auto one = browser(ann_);
  auto two = browser(ann_);
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/sessions", "/settings/sessions/end_others", {});
  expect_see_other(r, "/settings/sessions?done=signed_out_others");
  EXPECT_EQ(one->get("/settings").status, 303);
  EXPECT_EQ(two->get("/settings").status, 303);
  auto page = b->get("/settings/sessions?done=signed_out_others");
  EXPECT_TRUE(has(page.body, "Every other browser is signed out."));
  EXPECT_TRUE(input_values(page.body, "session_id").empty());
}

TEST_F(SettingsTest, SessionsWithAnUnknownOrMalformedIdIs422) {
  auto other = browser(ann_);
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/sessions", "/settings/sessions/end", {{"session_id", "12345"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "That browser was already signed out."));
  r = b->post("/settings/sessions/end", {{"session_id", "abc"}});
  EXPECT_EQ(r.status, 422);
  r = b->post("/settings/apps/revoke", {{"app_id", "not-an-id"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(other->get("/settings").status, 200);
}

TEST_F(SettingsTest, RevokingAnAppMakesItsTokenStopWorking) {
  auto b = browser(ann_);
  ASSERT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 200);
  auto page = b->get("/settings/sessions");
  EXPECT_TRUE(has(page.body, "Test App"));
  EXPECT_TRUE(has(page.body, "It may read everything on your account, post and change things for you and follow, block and mute people for you."));
  const auto apps = input_values(page.body, "app_id");
  ASSERT_EQ(apps.size(), 1u);
  auto r = b->post("/settings/apps/revoke", {{"app_id", apps[0]}});
  expect_see_other(r, "/settings/sessions?done=revoked");
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 401);
  page = b->get("/settings/sessions?done=revoked");
  EXPECT_TRUE(has(page.body, "No app has access to your account."));
  // Again: it has no access left.
  r = b->post("/settings/apps/revoke", {{"app_id", apps[0]}});
  EXPECT_EQ(r.status, 422);
}

// ---- Filters ----------------------------------------------------------------------------------

TEST_F(SettingsTest, FiltersAreCreatedChangedAndDeleted) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/filters/new", "/settings/filters",
                  {{"title", "Spoilers"},
                   {"keywords", "dragons\r\n  finale \r\n\r\ndragons"},
                   {"whole_word", "1"},
                   {"context", "home"},
                   {"context", "thread"},
                   {"filter_action", "blur"},
                   {"expires_in", "3600"}});
  expect_see_other(r, "/settings/filters?done=filter_created");
  auto list = json(get("/api/v2/filters", ann_.token)).as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& f = list[0];
  EXPECT_EQ(str(f, "title"), "Spoilers");
  EXPECT_EQ(str(f, "filter_action"), "blur");
  EXPECT_EQ(bj::serialize(f.at("context")), R"(["home","thread"])");
  EXPECT_FALSE(f.at("expires_at").is_null());
  const auto& keywords = f.at("keywords").as_array();
  ASSERT_EQ(keywords.size(), 2u);
  EXPECT_EQ(str(keywords[0], "keyword"), "dragons");
  EXPECT_EQ(str(keywords[1], "keyword"), "finale");
  EXPECT_TRUE(keywords[0].at("whole_word").as_bool());
  const std::string id = str(f, "id");

  auto page = b->get("/settings/filters");
  EXPECT_TRUE(has(page.body, "Spoilers"));
  EXPECT_TRUE(has(page.body, "Words: dragons, finale"));
  EXPECT_TRUE(has(page.body, "Blur photos in: Home feed, Posts and their comments."));

  // Edit: one keyword kept (same id), one removed, one added; the end time kept.
  auto edit = b->get("/settings/filters/" + id);
  ASSERT_EQ(edit.status, 200);
  EXPECT_TRUE(has(edit.body, "<option value=\"keep\" selected>"));
  r = b->post("/settings/filters/" + id, {{"title", "Spoilers!"},
                                         {"keywords", "dragons\nwinter"},
                                         {"context", "public"},
                                         {"filter_action", "hide"},
                                         {"expires_in", "keep"}});
  expect_see_other(r, "/settings/filters?done=saved");
  auto changed = json(get("/api/v2/filters/" + id, ann_.token));
  EXPECT_EQ(str(changed, "title"), "Spoilers!");
  EXPECT_EQ(str(changed, "filter_action"), "hide");
  EXPECT_EQ(bj::serialize(changed.at("context")), R"(["public"])");
  EXPECT_EQ(str(changed, "expires_at"), str(f, "expires_at"));
  const auto& now = changed.at("keywords").as_array();
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(str(now[0], "id"), str(keywords[0], "id"));
  EXPECT_EQ(str(now[1], "keyword"), "winter");
  EXPECT_FALSE(now[0].at("whole_word").as_bool());

  r = b->post("/settings/filters/" + id + "/delete", {});
  expect_see_other(r, "/settings/filters?done=filter_deleted");
  EXPECT_EQ(json(get("/api/v2/filters", ann_.token)).as_array().size(), 0u);
  EXPECT_EQ(b->get("/settings/filters/" + id).status, 404);
}

TEST_F(SettingsTest, FiltersWithBadInputAre422AndCreateNothing) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/filters/new", "/settings/filters",
                  {{"title", "  "}, {"keywords", ""}, {"filter_action", "explode"}, {"expires_in", "99"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Give the filter a name."));
  EXPECT_TRUE(has(r.body, "Enter at least one word or phrase, one on each line."));
  EXPECT_TRUE(has(r.body, "Choose at least one place where the filter applies."));
  EXPECT_TRUE(has(r.body, "Choose what the filter does."));
  EXPECT_TRUE(has(r.body, "Choose when the filter ends."));
  r = b->post("/settings/filters", {{"title", std::string(257, 't')}, {"keywords", "x"}, {"context", "everywhere"},
                                    {"filter_action", "warn"}, {"expires_in", "never"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "A name can have at most 256 characters."));
  EXPECT_TRUE(has(r.body, "Choose the places from the list."));
  EXPECT_EQ(json(get("/api/v2/filters", ann_.token)).as_array().size(), 0u);
  // Another person's filter, or none, is not found.
  EXPECT_EQ(b->post("/settings/filters/12345", {{"title", "x"}}).status, 404);
  EXPECT_EQ(b->post("/settings/filters/12345/delete", {}).status, 404);
}

// ---- Hidden words -----------------------------------------------------------------------------

TEST_F(SettingsTest, HiddenWordsAreSavedWithBuiltInLists) {
  auto b = browser(ann_);
  auto page = b->get("/settings/hidden_words");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "Comments on your posts that contain these words are hidden from everyone but their writers until you review them."));
  const auto lists = input_values(page.body, "builtin_list");
  Fields fields = {{"words", "nasty\r\n  awful thing \r\nnasty\r\n"}};
  if (!lists.empty()) fields.emplace_back("builtin_list", lists[0]);
  auto r = b->post("/settings/hidden_words", fields);
  expect_see_other(r, "/settings/hidden_words?done=saved");
  auto w = json(get("/api/v1/kindred/hidden_words", ann_.token));
  EXPECT_EQ(bj::serialize(w.at("words")), R"(["nasty","awful thing"])");
  EXPECT_EQ(w.at("builtin_lists").as_array().size(), lists.empty() ? 0u : 1u);
  page = b->get("/settings/hidden_words");
  EXPECT_TRUE(has(page.body, "nasty\nawful thing\n</textarea>"));
}

TEST_F(SettingsTest, HiddenWordsWithoutLettersOrAnUnknownListAre422AndSaveNothing) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/hidden_words", "/settings/hidden_words", {{"words", "fine\n!!!"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "has no letters or numbers, so it would never match a comment."));
  r = b->post("/settings/hidden_words", {{"words", "fine"}, {"builtin_list", "xx"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Choose lists from those shown."));
  r = b->post("/settings/hidden_words", {{"words", std::string(101, 'w')}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "is longer than 100 characters"));
  EXPECT_EQ(json(get("/api/v1/kindred/hidden_words", ann_.token)).at("words").as_array().size(), 0u);
}

// ---- Limits -----------------------------------------------------------------------------------

TEST_F(SettingsTest, LimitsTurnOnForAWhileAndOff) {
  auto b = browser(ann_);
  auto page = b->get("/settings/limits");
  EXPECT_TRUE(has(page.body, "Limits are off."));
  auto r = b->post("/settings/limits", {{"days", "3"}});
  expect_see_other(r, "/settings/limits?done=limits_on");
  auto v = json(get("/api/v1/kindred/limits", ann_.token));
  EXPECT_TRUE(v.at("active").as_bool());
  EXPECT_FALSE(v.at("recent_followers").as_bool());
  page = b->get("/settings/limits");
  // 2024-03-01 12:00 UTC + 3 days.
  EXPECT_TRUE(has(page.body, "Limits are on until <time datetime=\"2024-03-04T12:00:00Z\">4 March 2024, 12:00 UTC</time>."))
      << page.body;
  r = b->post("/settings/limits/end", {});
  expect_see_other(r, "/settings/limits?done=limits_off");
  EXPECT_FALSE(json(get("/api/v1/kindred/limits", ann_.token)).at("active").as_bool());
}

TEST_F(SettingsTest, LimitsWithAnUnofferedLengthAre422) {
  auto b = browser(ann_);
  for (const char* days : {"5", "0", "29", "", "seven"}) {
    auto r = submit(*b, "/settings/limits", "/settings/limits", {{"days", days}, {"recent_followers", "1"}});
    EXPECT_EQ(r.status, 422) << days;
    EXPECT_TRUE(has(r.body, "Choose how long Limits should last.")) << days;
  }
  EXPECT_FALSE(json(get("/api/v1/kindred/limits", ann_.token)).at("active").as_bool());
}

// ---- People -----------------------------------------------------------------------------------

TEST_F(SettingsTest, PeopleListsRestrictedBlockedAndMutedWithAnUndoEach) {
  User bob = register_user("bob");
  User cat = register_user("cat");
  User dan = register_user("dan");
  ASSERT_EQ(post("/api/v1/accounts/" + cat.id + "/block", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/kindred/accounts/" + bob.id + "/restrict", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + dan.id + "/mute", {{"duration", 3600}}, ann_.token).status, 200);
  auto b = browser(ann_);
  auto page = b->get("/settings/people");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page.body, "@bob"));
  EXPECT_TRUE(has(page.body, "@cat"));
  EXPECT_TRUE(has(page.body, "@dan"));
  EXPECT_TRUE(has(page.body, "Muted until 1 March 2024, 13:00 UTC."));

  expect_see_other(b->post("/settings/people/unrestrict", {{"account_id", bob.id}}), "/settings/people?done=saved");
  expect_see_other(b->post("/settings/people/unblock", {{"account_id", cat.id}}), "/settings/people?done=saved");
  expect_see_other(b->post("/settings/people/unmute", {{"account_id", dan.id}}), "/settings/people?done=saved");
  auto rel = json(get("/api/v1/accounts/relationships?id[]=" + cat.id + "&id[]=" + dan.id, ann_.token)).as_array();
  ASSERT_EQ(rel.size(), 2u);
  EXPECT_FALSE(rel[0].at("blocking").as_bool());
  EXPECT_FALSE(rel[1].at("muting").as_bool());
  page = b->get("/settings/people");
  EXPECT_TRUE(has(page.body, "You have not restricted anyone."));
  EXPECT_TRUE(has(page.body, "You have not blocked anyone."));
  EXPECT_TRUE(has(page.body, "You have not muted anyone."));
}

TEST_F(SettingsTest, PeopleWithAnUnknownOrMalformedIdIs422) {
  User cat = register_user("cat");
  ASSERT_EQ(post("/api/v1/accounts/" + cat.id + "/block", {}, ann_.token).status, 200);
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/people", "/settings/people/unblock", {{"account_id", "nonsense"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Choose a person from the lists."));
  r = b->post("/settings/people/unblock", {{"account_id", "99999"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "That account no longer exists."));
  auto rel = json(get("/api/v1/accounts/relationships?id[]=" + cat.id, ann_.token)).as_array();
  EXPECT_TRUE(rel.at(0).at("blocking").as_bool());
}

// ---- Comments ---------------------------------------------------------------------------------

TEST_F(SettingsTest, CommentsSavesTheDefaultPolicyAndRefusesAnUnknownOne) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/comments", "/settings/comments", {{"comment_policy", "followers"}});
  expect_see_other(r, "/settings/comments?done=saved");
  EXPECT_EQ(str(preferences(ann_), "default_comment_policy"), "followers");
  auto page = b->get("/settings/comments");
  EXPECT_TRUE(has(page.body, "value=\"followers\" checked"));
  r = b->post("/settings/comments", {{"comment_policy", "robots"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Choose who may comment."));
  EXPECT_EQ(str(preferences(ann_), "default_comment_policy"), "followers");
}

// ---- Support ----------------------------------------------------------------------------------

TEST_F(SettingsTest, SupportSavesCardsRegionAndTimeZone) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/support", "/settings/support", {{"region", " gb "}, {"time_zone", "Europe/London"}});
  expect_see_other(r, "/settings/support?done=saved");
  auto p = preferences(ann_);
  EXPECT_FALSE(p.at("support_resources").as_bool());
  EXPECT_EQ(str(p, "region"), "GB");
  EXPECT_EQ(str(p, "time_zone"), "Europe/London");
  // Empty fields clear them.
  r = b->post("/settings/support", {{"support_resources", "1"}, {"region", ""}, {"time_zone", ""}});
  EXPECT_EQ(r.status, 303);
  p = preferences(ann_);
  EXPECT_TRUE(p.at("support_resources").as_bool());
  EXPECT_TRUE(p.at("region").is_null());
  EXPECT_TRUE(p.at("time_zone").is_null());
}

TEST_F(SettingsTest, SupportWithAnUnknownRegionOrTimeZoneIs422AndSavesNothing) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/support", "/settings/support",
                  {{"region", "XX"}, {"time_zone", "Mars/Olympus"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Enter your country as its two-letter code"));
  EXPECT_TRUE(has(r.body, "Enter a time zone by its name"));
  EXPECT_TRUE(has(r.body, "value=\"Mars/Olympus\""));
  r = b->post("/settings/support", {{"region", "DE"}, {"time_zone", "../../etc/passwd"}});
  EXPECT_EQ(r.status, 422);
  auto p = preferences(ann_);
  EXPECT_TRUE(p.at("support_resources").as_bool());
  EXPECT_TRUE(p.at("region").is_null());
  EXPECT_TRUE(p.at("time_zone").is_null());
}

// ---- Memories ---------------------------------------------------------------------------------

TEST_F(SettingsTest, MemoriesTurnOffAndKeepDaysPeopleAndPostsOut) {
  User bob = register_user("bob");
  const std::string post_id = post_status(ann_, "A day to remember");
  ASSERT_EQ(post("/api/v1/kindred/memories/hidden_accounts", {{"account_id", bob.id}}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/kindred/memories/hidden_statuses", {{"status_id", post_id}}, ann_.token).status, 200);
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/memories", "/settings/memories", {});
  expect_see_other(r, "/settings/memories?done=saved");
  EXPECT_FALSE(preferences(ann_).at("memories").as_bool());

  r = b->post("/settings/memories/ranges", {{"start_date", "2021-06-01"}, {"end_date", "2021-06-30"}, {"note", "June"}});
  expect_see_other(r, "/settings/memories?done=range_added");
  auto ranges = json(get("/api/v1/kindred/memories/hidden_ranges", ann_.token)).as_array();
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(str(ranges[0], "start_date"), "2021-06-01");
  EXPECT_EQ(str(ranges[0], "end_date"), "2021-06-30");
  auto page = b->get("/settings/memories");
  EXPECT_TRUE(has(page.body, "1 June 2021 to 30 June 2021"));
  EXPECT_TRUE(has(page.body, "@bob"));
  EXPECT_TRUE(has(page.body, "A day to remember"));

  expect_see_other(b->post("/settings/memories/ranges/remove", {{"range_id", str(ranges[0], "id")}}),
                   "/settings/memories?done=removed");
  expect_see_other(b->post("/settings/memories/people/remove", {{"account_id", bob.id}}),
                   "/settings/memories?done=removed");
  expect_see_other(b->post("/settings/memories/posts/remove", {{"status_id", post_id}}),
                   "/settings/memories?done=removed");
  EXPECT_EQ(json(get("/api/v1/kindred/memories/hidden_ranges", ann_.token)).as_array().size(), 0u);
  EXPECT_EQ(json(get("/api/v1/kindred/memories/hidden_accounts", ann_.token)).as_array().size(), 0u);
  EXPECT_EQ(json(get("/api/v1/kindred/memories/hidden_statuses", ann_.token)).as_array().size(), 0u);
  r = b->post("/settings/memories", {{"memories", "1"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_TRUE(preferences(ann_).at("memories").as_bool());
}

TEST_F(SettingsTest, MemoriesWithBadDatesOrUnknownIdsAre422AndSaveNothing) {
  auto b = browser(ann_);
  auto r = submit(*b, "/settings/memories", "/settings/memories/ranges", {{"start_date", "2021-02-30"}, {"end_date", "2021-03-01"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Enter the first day as a date"));
  r = b->post("/settings/memories/ranges", {{"start_date", "2021-03-10"}, {"end_date", "2021-03-01"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "The last day cannot come before the first day."));
  r = b->post("/settings/memories/ranges", {{"start_date", "2000-01-01"}, {"end_date", "2020-01-01"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "A range can be at most ten years long."));
  r = b->post("/settings/memories/ranges", {{"start_date", "2021-03-01"}, {"note", std::string(201, 'n')}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "The note can have at most 200 characters."));
  r = b->post("/settings/memories/ranges/remove", {{"range_id", "12345"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "That was already removed."));
  r = b->post("/settings/memories/posts/remove", {{"status_id", "x"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json(get("/api/v1/kindred/memories/hidden_ranges", ann_.token)).as_array().size(), 0u);
}

// ---- Appearance -------------------------------------------------------------------------------

TEST_F(SettingsTest, AppearanceSetsTheThemeOnEveryPageOfThisBrowser) {
  auto b = browser(ann_);
  EXPECT_TRUE(has(b->get("/explore").body, "<html lang=\"en\">"));
  auto r = submit(*b, "/settings/appearance", "/settings/appearance", {{"theme", "dark"}});
  expect_see_other(r, "/settings/appearance?done=saved");
  EXPECT_TRUE(has(r.header("set-cookie"), "kindred_theme=dark"));
  EXPECT_TRUE(has(r.header("set-cookie"), "Max-Age=31536000"));
  EXPECT_TRUE(has(b->get("/explore").body, "<html lang=\"en\" data-theme=\"dark\">"));
  auto page = b->get("/settings/appearance");
  EXPECT_TRUE(has(page.body, "value=\"dark\" checked"));
  // A signed-out page of the same browser follows it too: it is the browser's, not the account's.
  WebBrowser visitor(instance().port());
  visitor.set_cookie("kindred_theme", "light");
  EXPECT_TRUE(has(visitor.get("/explore").body, "data-theme=\"light\""));
  visitor.set_cookie("kindred_theme", "\"><script>");
  EXPECT_TRUE(has(visitor.get("/explore").body, "<html lang=\"en\">"));

  r = b->post("/settings/appearance", {{"theme", "purple"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "Choose one of the three looks."));
  EXPECT_EQ(b->cookies().at("kindred_theme"), "dark");
  r = b->post("/settings/appearance", {{"theme", "system"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(b->cookies().count("kindred_theme"), 0u);
  EXPECT_TRUE(has(b->get("/explore").body, "<html lang=\"en\">"));
}

}  // namespace
}  // namespace kindred::testing
