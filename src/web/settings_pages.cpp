// The settings pages' shared frame: the nav of every section, the confirmation a form leaves
// (?done=), and /settings, the index that says in a sentence what each section is for.
#include "web/settings_pages.h"

#include <array>

#include "core/utf8.h"
#include "social/model/calendar.h"
#include "web/routes.h"
#include "web/session.h"

namespace kindred::web {

namespace settings {

namespace {

struct SectionInfo {
  Section section;
  std::string_view path;
  std::string_view name;     // in the nav and as the page's heading
  std::string_view summary;  // one sentence on the index
};

constexpr std::array<SectionInfo, 12> kSections = {{
    {Section::kIndex, "/settings", "Settings", ""},
    {Section::kProfile, "/settings/profile", "Profile",
     "Your name, bio, profile fields and pictures, and who may follow you."},
    {Section::kPassword, "/settings/password", "Password", "Change the password you sign in with."},
    {Section::kSessions, "/settings/sessions", "Sessions and apps",
     "See where you are signed in and which apps may use your account, and sign them out."},
    {Section::kFilters, "/settings/filters", "Filters",
     "Hide or put a warning on posts that contain words you choose."},
    {Section::kHiddenWords, "/settings/hidden_words", "Hidden words",
     "Hold comments on your posts that contain words you choose until you review them."},
    {Section::kLimits, "/settings/limits", "Limits",
     "For a while, hold comments from people who do not follow you until you review them."},
    {Section::kPeople, "/settings/people", "Restricted, blocked and muted",
     "The people you restricted, blocked or muted, and a way to undo each."},
    {Section::kComments, "/settings/comments", "Comments",
     "Who may comment on your new posts unless you choose otherwise for a post."},
    {Section::kSupport, "/settings/support", "Support and time zone",
     "Support information shown with posts about loss, your region and your time zone."},
    {Section::kMemories, "/settings/memories", "Memories",
     "Your posts from this day in earlier years, and the days, people and posts you keep out of them."},
    {Section::kAppearance, "/settings/appearance", "Appearance",
     "Use a light or dark look on this browser, or follow your device's setting."},
}};

const SectionInfo& info(Section s) {
  for (const auto& i : kSections)
    if (i.section == s) return i;
  return kSections[0];
}

struct DoneInfo {
  Done what;
  std::string_view code;
  std::string_view sentence;
};

constexpr std::array<DoneInfo, 11> kDone = {{
    {Done::kSaved, "saved", "Saved."},
    {Done::kPasswordChanged, "password",
     "Your password is changed. Every other browser signed in to your account was signed out; "
     "you are still signed in here."},
    {Done::kSignedOut, "signed_out", "That browser is signed out."},
    {Done::kSignedOutOthers, "signed_out_others", "Every other browser is signed out."},
    {Done::kRevoked, "revoked", "That app can no longer use your account."},
    {Done::kFilterCreated, "filter_created", "Filter created."},
    {Done::kFilterDeleted, "filter_deleted", "Filter deleted."},
    {Done::kLimitsOn, "limits_on", "Limits are on."},
    {Done::kLimitsOff, "limits_off", "Limits are off."},
    {Done::kRemoved, "removed", "Removed."},
    {Done::kRangeAdded, "range_added", "Those days are kept out of your memories."},
}};

// The sentence the request's ?done= names, or "".
std::string_view done_sentence(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return "";
  auto code = params->get("done");
  if (!code) return "";
  for (const auto& d : kDone)
    if (d.code == *code) return d.sentence;
  return "";
}

http::Response index_page(const PageContext& c) {
  Data items = list();
  for (const auto& s : kSections) {
    if (s.section == Section::kIndex) continue;
    Data item;
    item.set("path", std::string(s.path));
    item.set("name", std::string(s.name));
    item.set("summary", std::string(s.summary));
    items.push_back(std::move(item));
  }
  Data d;
  d.set("sections", std::move(items));
  return settings_page(c, Section::kIndex, 200, render("settings_index", d));
}

}  // namespace

std::string path_of(Section s) { return std::string(info(s).path); }

http::Response done(Section section, Done what) {
  for (const auto& d : kDone)
    if (d.what == what) return see_other(path_of(section) + "?done=" + std::string(d.code));
  return see_other(path_of(section));
}

http::Response settings_page(const PageContext& c, Section current, int status, std::string content_html) {
  Data nav = list();
  for (const auto& s : kSections) {
    Data item;
    item.set("path", std::string(s.path));
    item.set("name", s.section == Section::kIndex ? std::string("All settings") : std::string(s.name));
    item.set("current", s.section == current);
    nav.push_back(std::move(item));
  }
  Data d;
  d.set("sections", std::move(nav));
  d.set("heading", std::string(info(current).name));
  d.set("notice", false);
  if (status < 400) {
    if (auto sentence = done_sentence(c); !sentence.empty()) d.set("notice", std::string(sentence));
  }
  d.set("content", std::move(content_html));
  Page page;
  page.title = std::string(info(current).name) + " · " + c.s.config.title;
  page.styles = {"forms.css", "settings.css"};
  page.body_html = render("settings", d);
  return page_response(c, status, std::move(page));
}

std::optional<std::string> text_field(const PageContext& c, std::string_view name) {
  std::string text = c.field(name);
  if (normalize_and_check_text(text) != TextProblem::kNone) return std::nullopt;
  return text;
}

bool ticked(const PageContext& c, std::string_view name) { return c.field(name) == "1"; }

std::optional<Id> id_field(const PageContext& c, std::string_view name) {
  auto id = Id::parse(c.field(name));
  if (!id || id->is_none()) return std::nullopt;
  return *id;
}

Data form_data(const PageContext& c, std::initializer_list<const char*> keys) {
  Data d;
  d.set("csrf", c.csrf());
  for (const char* k : keys) d.set(k, false);
  return d;
}

std::string date_text(int64_t ms) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
  const social::CivilDate date = social::date_from_days(days);
  return std::to_string(date.day) + " " + month_name(date.month) + " " + std::to_string(date.year);
}

std::string time_text(int64_t ms) {
  Data t = time_data(ms);
  const Value* text = t.find("text");
  return text ? text->string() : std::string();
}

}  // namespace settings

void register_settings_pages(const Routes& r) {
  r.router.add(http::Method::kGet, "/settings", signed_in_page(r.s, r.assets, r.limiter, settings::index_page));
  settings::register_account_settings(r);
  settings::register_filter_settings(r);
  settings::register_comment_settings(r);
  settings::register_care_settings(r);
}

}  // namespace kindred::web
