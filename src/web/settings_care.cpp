// Settings of the care features: support cards, region and time zone; memories and what is kept
// out of them (days, people, posts).
#include "social/model/calendar.h"
#include "social/model/text.h"
#include "web/routes.h"
#include "web/settings_pages.h"

namespace kindred::web::settings {

namespace {

std::string trim(std::string_view s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

// ---- Support ----------------------------------------------------------------------------------

struct SupportForm {
  bool cards = true;
  std::string region;
  std::string time_zone;
  std::string region_error;
  std::string time_zone_error;
};

http::Response support_form(const PageContext& c, int status, const SupportForm& f) {
  Data d = form_data(c, {"error", "region_error", "time_zone_error"});
  d.set("cards", f.cards);
  d.set("region", f.region);
  d.set("time_zone", f.time_zone);
  if (!f.region_error.empty()) d.set("region_error", f.region_error);
  if (!f.time_zone_error.empty()) d.set("time_zone_error", f.time_zone_error);
  if (status >= 400) d.set("error", c.t("settings_care.your_settings_need_another_look"));
  return settings_page(c, Section::kSupport, status, c.render("settings_support", d));
}

http::Response support_page(const PageContext& c) {
  auto p = c.s.preferences.get(c.me->account.id);
  if (!p.has_value()) return failure(c, p.error());
  SupportForm f;
  f.cards = p->support_resources;
  f.region = p->region;
  f.time_zone = p->time_zone;
  return support_form(c, 200, f);
}

http::Response support_post(const PageContext& c) {
  SupportForm f;
  f.cards = ticked(c, "support_resources");
  f.region = trim(c.field("region"));
  f.time_zone = trim(c.field("time_zone"));
  std::string region = f.region;
  for (char& ch : region)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  if (!region.empty() && (region.size() != 2 || !social::known_region(region)))
    f.region_error = c.t("settings_care.enter_your_country_as_its");
  if (!f.time_zone.empty() && !social::TimeZone::valid(f.time_zone))
    f.time_zone_error =
        c.t("settings_care.enter_a_time_zone_by");
  if (!f.region_error.empty() || !f.time_zone_error.empty()) return support_form(c, 422, f);
  social::PreferencesEdit edit;
  edit.support_resources = f.cards;
  edit.region = region;
  edit.time_zone = f.time_zone;
  auto saved = c.s.preferences.update(c.me->account.id, edit);
  if (!saved.has_value()) {
    if (saved.error().code() != StatusCode::kInvalidArgument) return failure(c, saved.error());
    f.region_error = c.t("settings_care.check_your_country_code_and");
    return support_form(c, 422, f);
  }
  return done(Section::kSupport, Done::kSaved);
}

// ---- Memories ---------------------------------------------------------------------------------

constexpr size_t kRulesShown = 100;

// The form to add a hidden range, as sent, with what is wrong with it.
struct RangeForm {
  std::string start, end, note;
  std::string start_error, end_error, note_error;
  std::string error;  // about the page as a whole (a remove that failed)
};

http::Response memories_form(const PageContext& c, int status, const RangeForm& f) {
  auto p = c.s.preferences.get(c.me->account.id);
  if (!p.has_value()) return failure(c, p.error());
  auto ranges = c.s.memories.hidden_ranges(c.viewer());
  if (!ranges.has_value()) return failure(c, ranges.error());
  social::ListQuery q;
  q.limit = kRulesShown;
  auto people = c.s.memories.hidden_accounts(c.viewer(), q);
  if (!people.has_value()) return failure(c, people.error());
  auto posts = c.s.memories.hidden_statuses(c.viewer(), q);
  if (!posts.has_value()) return failure(c, posts.error());

  Data d = form_data(c, {"error", "range_error", "start_error", "end_error", "note_error"});
  d.set("memories", p->memories);
  if (!f.error.empty()) d.set("error", f.error);
  if (!f.start_error.empty() || !f.end_error.empty() || !f.note_error.empty())
    d.set("range_error", c.t("settings_care.those_days_could_not_be"));
  if (!f.start_error.empty()) d.set("start_error", f.start_error);
  if (!f.end_error.empty()) d.set("end_error", f.end_error);
  if (!f.note_error.empty()) d.set("note_error", f.note_error);
  d.set("start", f.start);
  d.set("end", f.end);
  d.set("note", f.note);

  Data range_items = list();
  for (const auto& r : *ranges) {
    Data item;
    item.set("id", r.id.to_string());
    auto from = social::parse_date(r.start_date);
    auto to = social::parse_date(r.end_date);
    auto words = [&](const std::optional<social::CivilDate>& day, const std::string& raw) {
      return day ? c.t("date.day_month_year", {{"day", std::to_string(day->day)},
                                               {"month", month_name(c, day->month)},
                                               {"year", std::to_string(day->year)}})
                 : raw;
    };
    item.set("span", r.start_date == r.end_date ? words(from, r.start_date)
                                                : c.t("settings_care.to", {{"from", words(from, r.start_date)}, {"to", words(to, r.end_date)}}));
    item.set("range_note", r.note.empty() ? Data(false) : Data(r.note));
    range_items.push_back(std::move(item));
  }
  d.set("has_ranges", !ranges->empty());
  d.set("ranges", std::move(range_items));

  Data people_items = list();
  for (const auto& v : people->items) {
    Data item = account_data(c, v.account);
    item.set("id", v.account.id.to_string());
    people_items.push_back(std::move(item));
  }
  d.set("has_people", !people->items.empty());
  d.set("people", std::move(people_items));

  Data post_items = list();
  for (const auto& v : posts->items) {
    Data item;
    item.set("id", v.post.id.to_string());
    item.set("url", post_path(v.author.account, v.post.id));
    const std::string text = snippet(v.post.text, 80);
    item.set("text", text.empty() ? std::string(c.t("settings_care.a_post_without_words")) : text);
    item.set("when", date_text(c, v.post.created_at_ms));
    post_items.push_back(std::move(item));
  }
  d.set("has_posts", !posts->items.empty());
  d.set("posts", std::move(post_items));
  d.set("memories_hint", c.t_html("settings_memories.your_own_posts_from_this",
                                  {{"link", html_link("/memories", c.t("settings_memories.memories_page"))}}));
  return settings_page(c, Section::kMemories, status, c.render("settings_memories", d));
}

http::Response memories_page(const PageContext& c) { return memories_form(c, 200, RangeForm{}); }

http::Response memories_post(const PageContext& c) {
  social::PreferencesEdit edit;
  edit.memories = ticked(c, "memories");
  auto saved = c.s.preferences.update(c.me->account.id, edit);
  if (!saved.has_value()) return failure(c, saved.error());
  return done(Section::kMemories, Done::kSaved);
}

http::Response add_range_post(const PageContext& c) {
  RangeForm f;
  f.start = trim(c.field("start_date"));
  f.end = trim(c.field("end_date"));
  f.end = f.end.empty() ? f.start : f.end;  // one day
  auto note = text_field(c, "note");
  f.note = note ? *note : c.field("note");
  auto start = social::parse_date(f.start);
  auto end = social::parse_date(f.end);
  if (!start) f.start_error = c.t("settings_care.enter_the_first_day_as");
  if (!end) f.end_error = c.t("settings_care.enter_the_last_day_as");
  if (start && end && *end < *start) f.end_error = c.t("settings_care.the_last_day_cannot_come");
  if (start && end && !(*end < *start) &&
      social::days_since_epoch(*end) - social::days_since_epoch(*start) + 1 >
          social::MemoryService::kMaxHiddenRangeDays)
    f.end_error = c.t("settings_care.a_range_can_be_at");
  if (!note)
    f.note_error = c.t("settings_care.the_note_has_characters_that");
  else if (!social::check_length("", *note, social::MemoryService::kMaxNoteChars).is_ok() ||
           note->size() > social::MemoryService::kMaxNoteChars)
    f.note_error = c.t("settings_care.the_note_can_have_at");
  if (!f.start_error.empty() || !f.end_error.empty() || !f.note_error.empty()) return memories_form(c, 422, f);
  social::NewHiddenRange r{f.start, f.end, *note};
  auto made = c.s.memories.hide_range(c.viewer(), r);
  if (!made.has_value()) {
    if (made.error().code() != StatusCode::kInvalidArgument) return failure(c, made.error());
    f.start_error = made.error().message().find("at most 100") != std::string::npos
                        ? c.t("settings_care.you_have_hidden_100_ranges")
                        : c.t("settings_care.those_days_could_not_be_2");
    return memories_form(c, 422, f);
  }
  return done(Section::kMemories, Done::kRangeAdded);
}

template <class F>
http::Response remove_rule(const PageContext& c, std::string_view field, F remove) {
  RangeForm f;
  auto id = id_field(c, field);
  if (!id) {
    f.error = c.t("settings_care.choose_something_to_remove_from");
    return memories_form(c, 422, f);
  }
  Status st = remove(*id);
  if (st.is_not_found()) {
    f.error = c.t("settings_care.that_was_already_removed");
    return memories_form(c, 422, f);
  }
  if (!st.is_ok()) return failure(c, st);
  return done(Section::kMemories, Done::kRemoved);
}

http::Response remove_range_post(const PageContext& c) {
  return remove_rule(c, "range_id", [&](Id id) { return c.s.memories.unhide_range(c.viewer(), id); });
}
http::Response remove_person_post(const PageContext& c) {
  return remove_rule(c, "account_id", [&](Id id) { return c.s.memories.unhide_account(c.viewer(), id); });
}
http::Response remove_post_post(const PageContext& c) {
  return remove_rule(c, "status_id", [&](Id id) { return c.s.memories.unhide_status(c.viewer(), id); });
}

}  // namespace

void register_care_settings(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  auto& router = r.router;
  router.add(Method::kGet, "/settings/support", signed_in_page(r.s, r.assets, r.limiter, support_page));
  router.add(Method::kPost, "/settings/support", action(r.s, r.assets, r.limiter, user, support_post));
  router.add(Method::kGet, "/settings/memories", signed_in_page(r.s, r.assets, r.limiter, memories_page));
  router.add(Method::kPost, "/settings/memories", action(r.s, r.assets, r.limiter, user, memories_post));
  router.add(Method::kPost, "/settings/memories/ranges", action(r.s, r.assets, r.limiter, user, add_range_post));
  router.add(Method::kPost, "/settings/memories/ranges/remove",
             action(r.s, r.assets, r.limiter, user, remove_range_post));
  router.add(Method::kPost, "/settings/memories/people/remove",
             action(r.s, r.assets, r.limiter, user, remove_person_post));
  router.add(Method::kPost, "/settings/memories/posts/remove",
             action(r.s, r.assets, r.limiter, user, remove_post_post));
}

}  // namespace kindred::web::settings
