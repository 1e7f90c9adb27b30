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

constexpr std::array<SectionInfo, 14> kSections = {{
    {Section::kIndex, "/settings", "settings.settings", ""},
    {Section::kProfile, "/settings/profile", "settings.profile",
     "settings.your_name_bio_profile_fields"},
    {Section::kPassword, "/settings/password", "settings.password", "settings.change_the_password_you_sign"},
    {Section::kSessions, "/settings/sessions", "settings.sessions_and_apps",
     "settings.see_where_you_are_signed"},
    {Section::kFilters, "/settings/filters", "settings.filters",
     "settings.hide_or_put_a_warning"},
    {Section::kHiddenWords, "/settings/hidden_words", "settings.hidden_words",
     "settings.hold_comments_on_your_posts"},
    {Section::kLimits, "/settings/limits", "settings.limits",
     "settings.for_a_while_hold_comments"},
    {Section::kPeople, "/settings/people", "settings.restricted_blocked_and_muted",
     "settings.the_people_you_restricted_blocked"},
    {Section::kComments, "/settings/comments", "settings.comments",
     "settings.who_may_comment_on_your"},
    {Section::kSupport, "/settings/support", "settings.support_and_time_zone",
     "settings.support_information_shown_with_posts"},
    {Section::kMemories, "/settings/memories", "settings.memories",
     "settings.your_posts_from_this_day"},
    {Section::kAppearance, "/settings/appearance", "settings.appearance",
     "settings.use_a_light_or_dark"},
    {Section::kData, "/settings/data", "settings.your_data", "settings.download_your_lists_and"},
    {Section::kDelete, "/settings/delete", "settings.delete_your_account",
     "settings.delete_your_account_for_good"},
}};

const SectionInfo& info(Section s) {
  for (const auto& i : kSections)
    if (i.section == s) return i;
  return kSections[0];
}

struct DoneInfo {
  Done what;
  std::string_view code;
  std::string_view sentence;  // a message key
};

constexpr std::array<DoneInfo, 12> kDone = {{
    {Done::kSaved, "saved", "settings.saved"},
    {Done::kPasswordChanged, "password",
     "settings.your_password_is_changed_every"},
    {Done::kSignedOut, "signed_out", "settings.that_browser_is_signed_out"},
    {Done::kSignedOutOthers, "signed_out_others", "settings.every_other_browser_is_signed"},
    {Done::kRevoked, "revoked", "settings.that_app_can_no_longer"},
    {Done::kFilterCreated, "filter_created", "settings.filter_created"},
    {Done::kFilterDeleted, "filter_deleted", "settings.filter_deleted"},
    {Done::kLimitsOn, "limits_on", "settings.limits_are_on"},
    {Done::kLimitsOff, "limits_off", "settings.limits_are_off"},
    {Done::kRemoved, "removed", "settings.removed"},
    {Done::kRangeAdded, "range_added", "settings.those_days_are_kept_out"},
    {Done::kArchiveRequested, "archive_requested", "settings.your_archive_is_being_made"},
}};

// The sentence the request's ?done= names, or "".
std::string done_sentence(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return "";
  auto code = params->get("done");
  if (!code) return "";
  for (const auto& d : kDone)
    if (d.code == *code) return c.t(d.sentence);
  return "";
}

http::Response index_page(const PageContext& c) {
  Data items = list();
  for (const auto& s : kSections) {
    if (s.section == Section::kIndex) continue;
    Data item;
    item.set("path", std::string(s.path));
    item.set("name", c.t(s.name));
    item.set("summary", c.t(s.summary));
    items.push_back(std::move(item));
  }
  Data d;
  d.set("sections", std::move(items));
  return settings_page(c, Section::kIndex, 200, c.render("settings_index", d));
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
    item.set("name", s.section == Section::kIndex ? c.t("settings.all_settings") : c.t(s.name));
    item.set("current", s.section == current);
    nav.push_back(std::move(item));
  }
  Data d;
  d.set("sections", std::move(nav));
  d.set("heading", c.t(info(current).name));
  d.set("notice", false);
  if (status < 400) {
    if (auto sentence = done_sentence(c); !sentence.empty()) d.set("notice", std::string(sentence));
  }
  d.set("content", std::move(content_html));
  Page page;
  page.title = c.t("page.title", {{"title", c.t(info(current).name)}, {"site", c.s.config.title}});
  page.styles = {"forms.css", "settings.css"};
  page.body_html = c.render("settings", d);
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

std::string date_text(const PageContext& c, int64_t ms) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
  const social::CivilDate date = social::date_from_days(days);
  return c.t("date.day_month_year", {{"day", std::to_string(date.day)},
                                     {"month", month_name(c, date.month)},
                                     {"year", std::to_string(date.year)}});
}

std::string time_text(const PageContext& c, int64_t ms) {
  Data t = time_data(c, ms);
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
  settings::register_data_settings(r);
  settings::register_delete_settings(r);
}

}  // namespace kindred::web
