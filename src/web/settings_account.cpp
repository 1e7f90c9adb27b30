// Settings of the account itself: the profile (with its pictures), the password, the browsers
// signed in and the apps given access, and the look of the pages in this browser.
#include <array>

#include "social/identity/scopes.h"
#include "social/model/text.h"
#include "web/escape.h"
#include "web/routes.h"
#include "web/session.h"
#include "web/settings_pages.h"

namespace kindred::web::settings {

namespace {

// ---- Profile ----------------------------------------------------------------------------------

constexpr const char* kProfileKeys[] = {"error",        "display_name_error", "note_error", "avatar_error",
                                        "header_error", "header",             "has_avatar"};

// The profile form, filled from the account (a GET) or from what was sent (a form shown again).
Data profile_data(const PageContext& c, const social::Account& a, bool from_form) {
  Data d = form_data(c, {});
  for (const char* k : kProfileKeys) d.set(k, false);
  d.set("display_name", from_form ? c.field("display_name") : a.display_name);
  d.set("note", from_form ? c.field("note") : a.note);
  Data fields = list();
  for (size_t i = 0; i < social::kMaxProfileFields; ++i) {
    const std::string n = std::to_string(i + 1);
    Data f;
    f.set("n", n);
    std::string name, value;
    if (from_form) {
      name = c.field("field_name_" + n);
      value = c.field("field_value_" + n);
    } else if (i < a.fields.size()) {
      name = a.fields[i].name;
      value = a.fields[i].value;
    }
    f.set("name", name);
    f.set("value", value);
    f.set("field_error", false);
    fields.push_back(std::move(f));
  }
  d.set("fields", std::move(fields));
  d.set("avatar", avatar_path(a));
  d.set("has_avatar", !a.avatar.empty());
  if (!a.header.empty()) d.set("header", media_path(a.header));
  d.set("locked", from_form ? ticked(c, "locked") : a.locked);
  d.set("indexable", from_form ? ticked(c, "indexable") : a.indexable);
  d.set("max_mb", std::to_string(c.s.media.config().limits.max_bytes >> 20));
  return d;
}

http::Response profile_form(const PageContext& c, int status, const Data& d) {
  return settings_page(c, Section::kProfile, status, c.render("settings_profile", d));
}

http::Response profile_page(const PageContext& c) {
  return profile_form(c, 200, profile_data(c, c.me->account, false));
}

// The sentence for a field that is too long (the message `key`, {max} filled), or "" when it fits.
std::string too_long(const PageContext& c, std::string_view text, size_t max, social::Counting counting, std::string_view key) {
  if (social::check_length(key, text, max, counting).is_ok()) return "";
  return c.t(key, {{"max", c.number(static_cast<int64_t>(max))}});
}

http::Response profile_post(const PageContext& c) {
  const social::Account& me = c.me->account;
  Data d = profile_data(c, me, true);
  bool bad = false;
  auto error = [&](const char* key, std::string sentence) {
    d.set(key, std::move(sentence));
    bad = true;
  };
  const std::string kUnsavable =
      c.t("settings_account.this_has_characters_that_cannot");

  social::ProfileEdit edit;
  auto name = text_field(c, "display_name");
  if (!name) {
    error("display_name_error", std::string(kUnsavable));
  } else if (auto e = too_long(c, *name, social::kMaxDisplayNameChars, social::Counting::kLiteral,
                              "settings_account.your_display_name_is_too_long");
             !e.empty()) {
    error("display_name_error", e);
  } else if (social::only_invisible(*name)) {
    error("display_name_error", c.t("settings_account.your_display_name_has_only"));
  } else if (!me.verified && social::has_check_mark(*name)) {
    error("display_name_error",
          c.t("settings_account.your_display_name_cannot_contain"));
  } else {
    edit.display_name = *name;
  }
  auto note = text_field(c, "note");
  if (!note) {
    error("note_error", std::string(kUnsavable));
  } else if (auto e = too_long(c, *note, social::kMaxNoteChars, social::Counting::kLinksAs23,
                              "settings_account.your_bio_can_have_at");
             !e.empty()) {
    error("note_error", e);
  } else {
    edit.note = *note;
  }

  // The field rows, each checked; an error goes beside its row.
  std::vector<social::ProfileField> fields;
  Data rows = list();
  for (size_t i = 0; i < social::kMaxProfileFields; ++i) {
    const std::string n = std::to_string(i + 1);
    auto label = text_field(c, "field_name_" + n);
    auto value = text_field(c, "field_value_" + n);
    Data f;
    f.set("n", n);
    f.set("name", c.field("field_name_" + n));
    f.set("value", c.field("field_value_" + n));
    f.set("field_error", false);
    if (!label || !value) {
      f.set("field_error", std::string(kUnsavable));
      bad = true;
    } else if (!social::check_length("", *label, social::kMaxFieldChars).is_ok() ||
               !social::check_length("", *value, social::kMaxFieldChars).is_ok()) {
      f.set("field_error", c.t("settings_account.a_label_and_its_content"));
      bad = true;
    } else {
      fields.push_back({*label, *value});
    }
    rows.push_back(std::move(f));
  }
  d.set("fields", std::move(rows));
  edit.fields = std::move(fields);
  edit.locked = ticked(c, "locked");
  edit.indexable = ticked(c, "indexable");

  // Pictures: a file input left empty sends a part with no name and no bytes.
  const size_t max_bytes = c.s.media.config().limits.max_bytes;
  int images = 0;
  for (const auto& part : c.files) {
    std::optional<std::string>* target = part.name == "avatar" ? &edit.avatar
                                         : part.name == "header" ? &edit.header
                                                                 : nullptr;
    if (!target) continue;
    const char* key = part.name == "avatar" ? "avatar_error" : "header_error";
    if (part.data.empty() && part.filename.empty()) continue;
    if (part.data.empty()) {
      error(key, c.t("settings_account.that_file_is_empty_choose"));
    } else if (part.data.size() > max_bytes) {
      error(key, c.t("settings_account.that_file_is_larger_than", {{"max", c.number(static_cast<int64_t>(max_bytes >> 20))}}));
    } else {
      target->emplace(part.data);
      ++images;
    }
  }
  if (!edit.avatar && ticked(c, "remove_avatar")) edit.avatar.emplace();
  if (!edit.header && ticked(c, "remove_header")) edit.header.emplace();

  if (bad) {
    d.set("error", c.t("settings_account.some_of_your_changes_need"));
    return profile_form(c, 422, d);
  }
  auto updated = c.s.profiles.update(me.id, edit);
  if (!updated.has_value()) {
    const Status& st = updated.error();
    if (st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kTooLarge)
      return failure(c, st);
    const std::string sentence =
        st.code() == StatusCode::kTooLarge
            ? c.t("settings_account.that_photo_is_larger_than", {{"max", c.number(static_cast<int64_t>(max_bytes >> 20))}})
            : c.t("settings_account.that_file_is_not_a");
    if (images == 1 && edit.avatar && !edit.avatar->empty())
      d.set("avatar_error", sentence);
    else if (images == 1 && edit.header && !edit.header->empty())
      d.set("header_error", sentence);
    d.set("error", images > 0 ? c.t("settings_account.one_of_your_photos_could")
                              : c.t("settings_account.your_profile_could_not_be"));
    return profile_form(c, 422, d);
  }
  return done(Section::kProfile, Done::kSaved);
}

// ---- Password ---------------------------------------------------------------------------------

http::Response password_form(const PageContext& c, int status, Data d) {
  return settings_page(c, Section::kPassword, status, c.render("settings_password", d));
}

http::Response password_page(const PageContext& c) {
  return password_form(c, 200, form_data(c, {"current_error", "new_error"}));
}

http::Response password_post(const PageContext& c) {
  Data d = form_data(c, {"current_error", "new_error"});
  const std::string current = c.field("current_password");
  const std::string next = c.field("new_password");
  bool bad = false;
  if (current.empty()) {
    d.set("current_error", c.t("settings_account.enter_the_password_you_use"));
    bad = true;
  }
  if (next.size() < 8) {
    d.set("new_error", c.t("settings_account.your_new_password_needs_at"));
    bad = true;
  } else if (next.size() > 72) {
    d.set("new_error", c.t("settings_account.your_new_password_can_have"));
    bad = true;
  }
  if (bad) return password_form(c, 422, std::move(d));
  // Guesses at the current password count against the sign-in budget of the account, so a
  // borrowed session cannot try passwords without end.
  if (http::RateLimiter* limiter = c.s.limiters.sign_in_account;
      limiter && !limiter->hit("account:" + social::ascii_lower(c.me->account.username)).allowed) {
    d.set("current_error", c.t("settings_account.too_many_password_attempts"));
    return password_form(c, 429, std::move(d));
  }
  Status st = c.s.accounts.change_password(c.me->account.id, current, next);
  if (!st.is_ok()) {
    if (st.code() == StatusCode::kUnauthenticated) {
      d.set("current_error", c.t("settings_account.that_is_not_your_current"));
      return password_form(c, 422, std::move(d));
    }
    if (st.code() == StatusCode::kInvalidArgument) {
      d.set("new_error", c.t("settings_account.choose_a_password_of_8"));
      return password_form(c, 422, std::move(d));
    }
    return failure(c, st);
  }
  // Every other browser is signed out (apps keep their tokens; the page says so).
  Status ended = c.s.sessions.end_all_except(c.me->account.id, c.me->session.id);
  if (!ended.is_ok()) return failure(c, ended);
  return done(Section::kPassword, Done::kPasswordChanged);
}

// ---- Sessions and apps ------------------------------------------------------------------------

// "Firefox on Linux" from a User-Agent, or the agent itself cut short when it is not one of the
// common browsers.
std::string browser_name(const PageContext& c, std::string_view ua) {
  if (ua.empty()) return c.t("settings_account.an_unknown_browser");
  auto has = [&](std::string_view s) { return ua.find(s) != std::string_view::npos; };
  std::string browser;
  if (has("Firefox/")) browser = "Firefox";
  else if (has("Edg/")) browser = "Edge";
  else if (has("OPR/")) browser = "Opera";
  else if (has("Chrome/") || has("Chromium/")) browser = "Chrome";
  else if (has("Safari/")) browser = "Safari";
  std::string system;
  if (has("Android")) system = "Android";
  else if (has("iPhone") || has("iPad")) system = "iOS";
  else if (has("Windows")) system = "Windows";
  else if (has("Mac OS X") || has("Macintosh")) system = "macOS";
  else if (has("CrOS")) system = "ChromeOS";
  else if (has("Linux")) system = "Linux";
  if (!browser.empty()) return system.empty() ? browser : c.t("settings_account.browser_on_system", {{"browser", browser}, {"system", system}});
  return snippet(ua, 60);
}

// What an app's scopes let it do, in words.
std::string scope_words(const PageContext& c, std::string_view scopes) {
  std::vector<std::string> words;
  auto add = [&](std::string w) {
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(std::move(w));
  };
  size_t at = 0;
  while (at < scopes.size()) {
    size_t end = scopes.find(' ', at);
    if (end == std::string_view::npos) end = scopes.size();
    const std::string_view s = scopes.substr(at, end - at);
    at = end + 1;
    if (s.empty()) continue;
    if (s == "read") add(c.t("settings_account.read_everything_on_your_account"));
    else if (s == "write") add(c.t("settings_account.post_and_change_things_for"));
    else if (s == "follow") add(c.t("settings_account.follow_block_and_mute_people"));
    else if (s == "push") add(c.t("settings_account.send_you_push_notifications"));
    else if (s == "profile") add(c.t("settings_account.see_your_profile"));
    else if (s.starts_with("read:")) add(c.t("settings_account.read_your", {{"what", s.substr(5)}}));
    else if (s.starts_with("write:")) add(c.t("settings_account.change_your", {{"what", s.substr(6)}}));
    else if (s.starts_with("admin:")) add(c.t("settings_account.moderate_the_server"));
    else add(std::string(s));
  }
  if (words.empty()) return c.t("settings_account.it_may_read_everything_on");
  // "a, b and c": the last two joined by list.end, each before them by list.middle.
  std::string list = words.back();
  if (words.size() > 1) {
    list = c.t("list.end", {{"first", words[words.size() - 2]}, {"rest", list}});
    for (size_t i = words.size() - 2; i-- > 0;) list = c.t("list.middle", {{"first", words[i]}, {"rest", list}});
  }
  std::string out = c.t("settings_account.it_may", {{"list", list}});
  for (char& ch : out)
    if (ch == '_') ch = ' ';
  return out;
}

http::Response sessions_form(const PageContext& c, int status, std::string error) {
  auto sessions = c.s.sessions.list(c.me->account.id);
  if (!sessions.has_value()) return failure(c, sessions.error());
  auto apps = c.s.oauth.authorized_apps(c.me->account.id);
  if (!apps.has_value()) return failure(c, apps.error());
  Data d = form_data(c, {"error"});
  if (!error.empty()) d.set("error", std::move(error));
  Data items = list();
  size_t others = 0;
  for (const auto& s : *sessions) {
    const bool current = s.id == c.me->session.id;
    if (!current) ++others;
    Data item;
    item.set("id", s.id.to_string());
    item.set("browser", browser_name(c, s.user_agent));
    item.set("where_when",
             c.t_html("settings_sessions.from_ip_signed_in",
                      {{"ip", escape_html(s.ip.empty() ? c.t("settings_sessions.an_unknown_address") : s.ip)},
                       {"signed_in", time_html(c, s.created_at_ms)},
                       {"last_seen", time_html(c, s.last_seen_ms ? s.last_seen_ms : s.created_at_ms)}}));
    item.set("current", current);
    items.push_back(std::move(item));
  }
  d.set("sessions", std::move(items));
  d.set("others", others > 0);
  Data app_items = list();
  for (const auto& a : *apps) {
    Data item;
    item.set("id", a.app.id.to_string());
    item.set("name", a.app.name.empty() ? std::string(c.t("settings_account.an_unnamed_app")) : a.app.name);
    const std::string site = safe_url(a.app.website);
    item.set("website", site.empty() || site.front() == '/' || site.front() == '?' || site.front() == '#'
                            ? Data(false)
                            : Data(site));
    item.set("can", scope_words(c, a.scopes));
    item.set("since", date_text(c, a.first_authorized_ms));
    app_items.push_back(std::move(item));
  }
  d.set("has_apps", !apps->empty());
  d.set("apps", std::move(app_items));
  return settings_page(c, Section::kSessions, status, c.render("settings_sessions", d));
}

http::Response sessions_page(const PageContext& c) { return sessions_form(c, 200, ""); }

http::Response end_session_post(const PageContext& c) {
  auto id = id_field(c, "session_id");
  if (!id) return sessions_form(c, 422, c.t("settings_account.choose_a_browser_to_sign"));
  if (*id == c.me->session.id)
    return sessions_form(c, 422, c.t("settings_account.to_sign_out_of_this"));
  Status st = c.s.sessions.end(c.me->account.id, *id);
  if (st.is_not_found()) return sessions_form(c, 422, c.t("settings_account.that_browser_was_already_signed"));
  if (!st.is_ok()) return failure(c, st);
  return done(Section::kSessions, Done::kSignedOut);
}

http::Response end_other_sessions_post(const PageContext& c) {
  Status st = c.s.sessions.end_all_except(c.me->account.id, c.me->session.id);
  if (!st.is_ok()) return failure(c, st);
  return done(Section::kSessions, Done::kSignedOutOthers);
}

http::Response revoke_app_post(const PageContext& c) {
  auto id = id_field(c, "app_id");
  if (!id) return sessions_form(c, 422, c.t("settings_account.choose_an_app_from_the"));
  Status st = c.s.oauth.revoke_app(c.me->account.id, *id);
  if (st.is_not_found()) return sessions_form(c, 422, c.t("settings_account.that_app_no_longer_has"));
  if (!st.is_ok()) return failure(c, st);
  return done(Section::kSessions, Done::kRevoked);
}

// ---- Appearance -------------------------------------------------------------------------------

constexpr std::string_view kThemeCookie = "kindred_theme";
constexpr int64_t kYearS = 365LL * 24 * 60 * 60;

http::Response appearance_form(const PageContext& c, int status, std::string_view theme, bool error) {
  Data d = form_data(c, {"error"});
  if (error) d.set("error", c.t("settings_account.choose_one_of_the_three"));
  d.set("system", theme != "light" && theme != "dark");
  d.set("light", theme == "light");
  d.set("dark", theme == "dark");
  return settings_page(c, Section::kAppearance, status, c.render("settings_appearance", d));
}

http::Response appearance_page(const PageContext& c) {
  auto theme = cookie(c.req, kThemeCookie);
  return appearance_form(c, 200, theme ? *theme : "", false);
}

http::Response appearance_post(const PageContext& c) {
  const std::string theme = c.field("theme");
  if (theme != "system" && theme != "light" && theme != "dark") {
    auto now = cookie(c.req, kThemeCookie);
    return appearance_form(c, 422, now ? *now : "", true);
  }
  http::Response r = done(Section::kAppearance, Done::kSaved);
  r.set_header("Set-Cookie", theme == "system" ? set_cookie(c.s.config, kThemeCookie, "", -1)
                                               : set_cookie(c.s.config, kThemeCookie, theme, kYearS));
  return r;
}

}  // namespace

void register_account_settings(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  auto& router = r.router;
  router.add(Method::kGet, "/settings/profile", signed_in_page(r.s, r.assets, r.limiter, profile_page));
  http::RouteOptions upload;
  upload.blocking = true;  // photos are decoded and resized off the network threads
  upload.max_body_bytes = 2 * r.s.media.config().limits.max_bytes + 64 * 1024;
  router.add(Method::kPost, "/settings/profile", action(r.s, r.assets, r.limiter, user, profile_post), upload);

  router.add(Method::kGet, "/settings/password", signed_in_page(r.s, r.assets, r.limiter, password_page));
  // Checking and hashing a password takes a while: off the network threads.
  router.add_blocking(Method::kPost, "/settings/password", action(r.s, r.assets, r.limiter, user, password_post));

  router.add(Method::kGet, "/settings/sessions", signed_in_page(r.s, r.assets, r.limiter, sessions_page));
  router.add(Method::kPost, "/settings/sessions/end", action(r.s, r.assets, r.limiter, user, end_session_post));
  router.add(Method::kPost, "/settings/sessions/end_others",
             action(r.s, r.assets, r.limiter, user, end_other_sessions_post));
  router.add(Method::kPost, "/settings/apps/revoke", action(r.s, r.assets, r.limiter, user, revoke_app_post));

  router.add(Method::kGet, "/settings/appearance", signed_in_page(r.s, r.assets, r.limiter, appearance_page));
  router.add(Method::kPost, "/settings/appearance", action(r.s, r.assets, r.limiter, user, appearance_post));
}

}  // namespace kindred::web::settings
