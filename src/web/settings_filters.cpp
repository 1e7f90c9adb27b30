// /settings/filters: a person's filters (Mastodon's filters v2) as plain forms: the list, a new
// filter, a filter's changes and its removal. Keywords are one per line; "whole words" applies to
// all of a filter's keywords.
#include <algorithm>
#include <array>

#include "social/model/text.h"
#include "web/routes.h"
#include "web/settings_pages.h"

namespace kindred::web::settings {

namespace {

struct Choice {
  std::string_view value;
  std::string_view label;
};

constexpr std::array<Choice, 5> kContexts = {{
    {"home", "filters.home_feed"},
    {"notifications", "filters.notifications"},
    {"public", "filters.explore_and_hashtags"},
    {"thread", "filters.posts_and_their_comments"},
    {"account", "filters.profiles"},
}};

struct ActionChoice {
  social::FilterAction action;
  std::string_view label;
  std::string_view hint;
};

constexpr std::array<ActionChoice, 3> kActions = {{
    {social::FilterAction::kWarn, "filters.show_a_warning", "filters.the_post_is_folded_behind"},
    {social::FilterAction::kBlur, "filters.blur_photos", "filters.the_post_shows_with_its"},
    {social::FilterAction::kHide, "filters.hide_completely", "filters.the_post_is_left_out"},
}};

struct Expiry {
  std::string_view value;  // seconds, or "never"
  std::string_view label;
};

constexpr std::array<Expiry, 7> kExpiries = {{
    {"never", "filters.never"},
    {"1800", "filters.in_30_minutes"},
    {"3600", "filters.in_1_hour"},
    {"21600", "filters.in_6_hours"},
    {"43200", "filters.in_12_hours"},
    {"86400", "filters.in_1_day"},
    {"604800", "filters.in_1_week"},
}};

std::string trim(std::string_view s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// What a filter form holds, as sent or as the filter stands.
struct FilterForm {
  std::string title;
  std::string keywords;  // one per line
  bool whole_word = true;
  uint8_t contexts = 0;
  std::string action = "warn";
  std::string expires = "never";  // a kExpiries value, or "keep" (an edit keeping the end time)
};

FilterForm form_of(const social::Filter& f) {
  FilterForm out;
  out.title = f.title;
  std::vector<std::string> words;
  bool all_whole = true;
  for (const auto& k : f.keywords) {
    words.push_back(k.keyword);
    all_whole = all_whole && k.whole_word;
  }
  out.keywords = joined(words, "\n");
  out.whole_word = all_whole;
  out.contexts = f.context;
  out.action = std::string(social::filter_action_name(f.action));
  out.expires = f.expires_at_ms == 0 ? "never" : "keep";
  return out;
}

constexpr const char* kErrorKeys[] = {"error", "title_error", "keywords_error", "context_error",
                                      "action_error", "expires_error"};

// The form's data. `filter` is the filter being changed, or null for a new one.
Data filter_data(const PageContext& c, const FilterForm& f, const social::Filter* filter) {
  Data d = form_data(c, {});
  for (const char* k : kErrorKeys) d.set(k, false);
  d.set("form_action", filter ? "/settings/filters/" + filter->id.to_string() : std::string("/settings/filters"));
  d.set("new", filter == nullptr);
  d.set("delete_action", filter ? Data("/settings/filters/" + filter->id.to_string() + "/delete") : Data(false));
  d.set("title", f.title);
  d.set("keywords", f.keywords);
  d.set("whole_word", f.whole_word);
  Data contexts = list();
  for (size_t i = 0; i < kContexts.size(); ++i) {
    Data item;
    item.set("value", std::string(kContexts[i].value));
    item.set("label", c.t(kContexts[i].label));
    item.set("checked", (f.contexts & static_cast<uint8_t>(social::kFilterContexts[i])) != 0);
    contexts.push_back(std::move(item));
  }
  d.set("contexts", std::move(contexts));
  Data actions = list();
  for (const auto& a : kActions) {
    Data item;
    const std::string name(social::filter_action_name(a.action));
    item.set("value", name);
    item.set("label", c.t(a.label));
    item.set("hint", c.t(a.hint));
    item.set("checked", f.action == name);
    actions.push_back(std::move(item));
  }
  d.set("actions", std::move(actions));
  Data expiries = list();
  if (filter && filter->expires_at_ms != 0) {
    Data keep;
    keep.set("value", "keep");
    const bool ended = !filter->active_at(c.s.clock.now_ms());
    keep.set("label", c.t(ended ? "filters.keep_it_ended_ended" : "filters.keep_the_end_it_has",
                          {{"time", time_text(c, filter->expires_at_ms)}}));
    keep.set("selected", f.expires == "keep");
    expiries.push_back(std::move(keep));
  }
  for (const auto& e : kExpiries) {
    Data item;
    item.set("value", std::string(e.value));
    item.set("label", c.t(e.label));
    item.set("selected", f.expires == e.value);
    expiries.push_back(std::move(item));
  }
  d.set("expiries", std::move(expiries));
  return d;
}

http::Response filter_form(const PageContext& c, int status, const Data& d) {
  return settings_page(c, Section::kFilters, status, c.render("settings_filter", d));
}

std::string contexts_text(const PageContext& c, const social::Filter& f) {
  std::vector<std::string> names;
  for (size_t i = 0; i < kContexts.size(); ++i)
    if (f.in(social::kFilterContexts[i])) names.push_back(c.t(kContexts[i].label));
  return joined(names, ", ");
}

http::Response filters_page(const PageContext& c) {
  auto filters = c.s.filters.list(c.me->account.id);
  if (!filters.has_value()) return failure(c, filters.error());
  Data items = list();
  const int64_t now = c.s.clock.now_ms();
  for (const auto& f : *filters) {
    Data item;
    item.set("id", f.id.to_string());
    item.set("title", f.title);
    std::vector<std::string> words;
    for (const auto& k : f.keywords) words.push_back(k.keyword);
    item.set("keywords", words.empty() ? std::string(c.t("filters.no_words")) : joined(words, ", "));
    item.set("where", contexts_text(c, f));
    for (const auto& a : kActions)
      if (a.action == f.action) item.set("does", c.t(a.label));
    item.set("ends", f.expires_at_ms == 0         ? std::string(c.t("filters.never_ends"))
                     : f.active_at(now) ? c.t("filters.ends", {{"time", time_text(c, f.expires_at_ms)}})
                                        : c.t("filters.ended", {{"time", time_text(c, f.expires_at_ms)}}));
    items.push_back(std::move(item));
  }
  Data d = form_data(c, {});
  d.set("has_filters", !filters->empty());
  d.set("filters", std::move(items));
  return settings_page(c, Section::kFilters, 200, c.render("settings_filters", d));
}

http::Response new_filter_page(const PageContext& c) {
  FilterForm f;
  f.contexts = static_cast<uint8_t>(social::FilterContext::kHome) |
               static_cast<uint8_t>(social::FilterContext::kThread);
  return filter_form(c, 200, filter_data(c, f, nullptr));
}

std::optional<Id> path_id(const PageContext& c) {
  auto id = Id::parse(std::string(c.req.param("id")));
  if (!id || id->is_none()) return std::nullopt;
  return *id;
}

http::Response edit_filter_page(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  auto f = c.s.filters.get(c.me->account.id, *id);
  if (!f.has_value()) return failure(c, f.error());
  return filter_form(c, 200, filter_data(c, form_of(*f), &*f));
}

// A checked form: the edit to make, or the form again with its sentences.
struct Checked {
  social::FilterEdit edit;
  std::vector<std::string> keywords;  // trimmed, without blanks or repeats
  bool whole_word = true;
  bool ok = true;
};

Checked check_filter_form(const PageContext& c, Data& d, FilterForm& f, bool editing) {
  Checked out;
  auto fail = [&](const char* key, std::string sentence) {
    d.set(key, std::move(sentence));
    out.ok = false;
  };
  auto title = text_field(c, "title");
  if (!title) {
    fail("title_error", c.t("filters.the_name_has_characters_that"));
  } else if (trim(*title).empty()) {
    fail("title_error", c.t("filters.give_the_filter_a_name"));
  } else if (!social::check_length("", trim(*title), social::kMaxFilterTitleChars).is_ok()) {
    fail("title_error", c.t("filters.a_name_can_have_at"));
  } else {
    out.edit.title = trim(*title);
  }

  auto keywords = text_field(c, "keywords");
  if (!keywords) {
    fail("keywords_error", c.t("filters.the_words_have_characters_that"));
  } else {
    size_t at = 0;
    while (at <= keywords->size()) {
      size_t end = keywords->find('\n', at);
      if (end == std::string::npos) end = keywords->size();
      std::string w = trim(std::string_view(*keywords).substr(at, end - at));
      at = end + 1;
      if (!w.empty() && std::find(out.keywords.begin(), out.keywords.end(), w) == out.keywords.end())
        out.keywords.push_back(std::move(w));
    }
    if (out.keywords.empty()) {
      fail("keywords_error", c.t("filters.enter_at_least_one_word"));
    } else if (out.keywords.size() > social::kMaxFilterKeywords) {
      fail("keywords_error", c.t("filters.a_filter_can_have_at"));
    } else {
      for (const auto& w : out.keywords) {
        if (!social::check_length("", w, social::kMaxFilterKeywordChars).is_ok()) {
          fail("keywords_error", c.t("filters.each_word_or_phrase_can"));
          break;
        }
      }
    }
  }
  out.whole_word = ticked(c, "whole_word");

  std::vector<std::string> contexts;
  bool unknown = false;
  for (const auto& name : c.form.get_all("context")) {
    auto parsed = social::parse_filter_context(name);
    if (!parsed.has_value()) {
      unknown = true;
      continue;
    }
    f.contexts |= static_cast<uint8_t>(*parsed);
    contexts.push_back(name);
  }
  if (unknown)
    fail("context_error", c.t("filters.choose_the_places_from_the"));
  else if (contexts.empty())
    fail("context_error", c.t("filters.choose_at_least_one_place"));
  else
    out.edit.context = std::move(contexts);

  const std::string action = c.field("filter_action");
  if (!social::parse_filter_action(action).has_value())
    fail("action_error", c.t("filters.choose_what_the_filter_does"));
  else
    out.edit.filter_action = action;

  const std::string expires = c.field("expires_in");
  if (expires == "never") {
    out.edit.expires_in_set = true;
  } else if (expires == "keep" && editing) {
    out.edit.expires_in_set = false;
  } else {
    const auto known = std::find_if(kExpiries.begin(), kExpiries.end(),
                                    [&](const Expiry& e) { return e.value == expires; });
    if (known == kExpiries.end()) {
      fail("expires_error", c.t("filters.choose_when_the_filter_ends"));
    } else {
      out.edit.expires_in_set = true;
      out.edit.expires_in = std::stoll(std::string(known->value));
    }
  }
  return out;
}

// The form as sent, to show again.
FilterForm sent_form(const PageContext& c) {
  FilterForm f;
  f.title = c.field("title");
  f.keywords = c.field("keywords");
  f.whole_word = ticked(c, "whole_word");
  f.contexts = 0;
  f.action = c.field("filter_action");
  f.expires = c.field("expires_in");
  return f;
}

// The sentence for a refusal of the filter service (its rules beyond the form's checks).
std::string refusal(const PageContext& c, const Status& st) {
  if (st.message().find("filters per account") != std::string::npos)
    return c.t("filters.you_have_100_filters_the");
  return c.t("filters.this_filter_could_not_be");
}

http::Response create_filter_post(const PageContext& c) {
  FilterForm f = sent_form(c);
  Data d;
  Checked checked = check_filter_form(c, d, f, false);
  Data page = filter_data(c, f, nullptr);
  for (const char* k : kErrorKeys)
    if (const Value* v = d.find(k)) page.set(k, std::string(v->string()));
  if (!checked.ok) {
    page.set("error", c.t("filters.the_filter_needs_another_look"));
    return filter_form(c, 422, page);
  }
  for (const auto& w : checked.keywords) {
    social::KeywordEdit k;
    k.keyword = w;
    k.whole_word = checked.whole_word;
    checked.edit.keywords.push_back(std::move(k));
  }
  auto made = c.s.filters.create(c.me->account.id, checked.edit);
  if (!made.has_value()) {
    if (made.error().code() != StatusCode::kInvalidArgument) return failure(c, made.error());
    page.set("error", refusal(c, made.error()));
    return filter_form(c, 422, page);
  }
  return done(Section::kFilters, Done::kFilterCreated);
}

http::Response update_filter_post(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  auto current = c.s.filters.get(c.me->account.id, *id);
  if (!current.has_value()) return failure(c, current.error());
  FilterForm f = sent_form(c);
  Data d;
  Checked checked = check_filter_form(c, d, f, true);
  Data page = filter_data(c, f, &*current);
  for (const char* k : kErrorKeys)
    if (const Value* v = d.find(k)) page.set(k, std::string(v->string()));
  if (!checked.ok) {
    page.set("error", c.t("filters.the_filter_needs_another_look"));
    return filter_form(c, 422, page);
  }
  // Keep the keywords that stay (with their ids), remove the others, add the new ones.
  std::vector<std::string> added = checked.keywords;
  for (const auto& k : current->keywords) {
    social::KeywordEdit e;
    e.id = k.id;
    auto same = std::find(added.begin(), added.end(), k.keyword);
    if (same == added.end()) {
      e.destroy = true;
    } else {
      added.erase(same);
      if (k.whole_word == checked.whole_word) continue;
      e.whole_word = checked.whole_word;
    }
    checked.edit.keywords.push_back(std::move(e));
  }
  for (const auto& w : added) {
    social::KeywordEdit k;
    k.keyword = w;
    k.whole_word = checked.whole_word;
    checked.edit.keywords.push_back(std::move(k));
  }
  auto updated = c.s.filters.update(c.me->account.id, *id, checked.edit);
  if (!updated.has_value()) {
    if (updated.error().code() != StatusCode::kInvalidArgument) return failure(c, updated.error());
    page.set("error", refusal(c, updated.error()));
    return filter_form(c, 422, page);
  }
  return done(Section::kFilters, Done::kSaved);
}

http::Response delete_filter_post(const PageContext& c) {
  auto id = path_id(c);
  if (!id) return not_found(c);
  Status st = c.s.filters.remove(c.me->account.id, *id);
  if (!st.is_ok()) return failure(c, st);
  return done(Section::kFilters, Done::kFilterDeleted);
}

}  // namespace

void register_filter_settings(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  auto& router = r.router;
  router.add(Method::kGet, "/settings/filters", signed_in_page(r.s, r.assets, r.limiter, filters_page));
  router.add(Method::kPost, "/settings/filters", action(r.s, r.assets, r.limiter, user, create_filter_post));
  router.add(Method::kGet, "/settings/filters/new", signed_in_page(r.s, r.assets, r.limiter, new_filter_page));
  router.add(Method::kGet, "/settings/filters/:id", signed_in_page(r.s, r.assets, r.limiter, edit_filter_page));
  router.add(Method::kPost, "/settings/filters/:id", action(r.s, r.assets, r.limiter, user, update_filter_post));
  router.add(Method::kPost, "/settings/filters/:id/delete",
             action(r.s, r.assets, r.limiter, user, delete_filter_post));
}

}  // namespace kindred::web::settings
