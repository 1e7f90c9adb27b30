// Settings of who may comment and what is held back: hidden words, Limits, the people restricted,
// blocked and muted, and the default comment policy of new posts.
#include <algorithm>
#include <array>

#include "social/care/word_match.h"
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

// ---- Hidden words -----------------------------------------------------------------------------

Data hidden_words_data(const PageContext& c, const std::string& words,
                       const std::vector<std::string>& lists) {
  Data d = form_data(c, {"error", "words_error", "lists_error"});
  d.set("words", words);
  Data items = list();
  for (const auto& l : c.s.holds.builtin_lists()) {
    Data item;
    item.set("language", l.language);
    item.set("name", l.name);
    item.set("checked", std::find(lists.begin(), lists.end(), l.language) != lists.end());
    items.push_back(std::move(item));
  }
  d.set("has_lists", !c.s.holds.builtin_lists().empty());
  d.set("lists", std::move(items));
  return d;
}

http::Response hidden_words_form(const PageContext& c, int status, const Data& d) {
  return settings_page(c, Section::kHiddenWords, status, c.render("settings_hidden_words", d));
}

http::Response hidden_words_page(const PageContext& c) {
  auto w = c.s.holds.hidden_words(c.me->account.id);
  if (!w.has_value()) return failure(c, w.error());
  std::string text;
  for (const auto& word : w->words) text += word + "\n";
  return hidden_words_form(c, 200, hidden_words_data(c, text, w->builtin_lists));
}

http::Response hidden_words_post(const PageContext& c) {
  const std::vector<std::string> lists = c.form.get_all("builtin_list");
  Data d = hidden_words_data(c, c.field("words"), lists);
  auto fail = [&](const char* key, std::string sentence) {
    d.set(key, std::move(sentence));
    d.set("error", c.t("settings_comments.your_hidden_words_need_another"));
    return hidden_words_form(c, 422, d);
  };
  social::HiddenWords words;
  auto text = text_field(c, "words");
  if (!text) return fail("words_error", c.t("settings_comments.the_words_have_characters_that"));
  size_t at = 0;
  while (at <= text->size()) {
    size_t end = text->find('\n', at);
    if (end == std::string::npos) end = text->size();
    std::string w = trim(std::string_view(*text).substr(at, end - at));
    at = end + 1;
    if (w.empty()) continue;
    if (social::count_characters(w) > social::CommentHoldService::kMaxHiddenWordChars ||
        w.size() > social::max_text_bytes(social::CommentHoldService::kMaxHiddenWordChars))
      return fail("words_error", c.t("settings_comments.is_longer_than_100_characters", {{"word", snippet(w, 30)}}));
    if (social::match_words(w).empty())
      return fail("words_error", c.t("settings_comments.has_no_letters_or_numbers", {{"word", snippet(w, 30)}}));
    if (std::find(words.words.begin(), words.words.end(), w) == words.words.end()) words.words.push_back(std::move(w));
  }
  if (words.words.size() > social::CommentHoldService::kMaxHiddenWords)
    return fail("words_error", c.t("settings_comments.you_can_have_at_most"));
  for (const auto& l : lists) {
    const auto& known = c.s.holds.builtin_lists();
    if (std::none_of(known.begin(), known.end(), [&](const social::BuiltinWordList& b) { return b.language == l; }))
      return fail("lists_error", c.t("settings_comments.choose_lists_from_those_shown"));
  }
  words.builtin_lists = lists;
  auto saved = c.s.holds.set_hidden_words(c.me->account.id, std::move(words));
  if (!saved.has_value()) {
    if (saved.error().code() != StatusCode::kInvalidArgument) return failure(c, saved.error());
    return fail("words_error", c.t("settings_comments.these_words_could_not_be"));
  }
  return done(Section::kHiddenWords, Done::kSaved);
}

// ---- Limits -----------------------------------------------------------------------------------

constexpr std::array<int64_t, 5> kLimitDays = {1, 3, 7, 14, 28};

http::Response limits_form(const PageContext& c, int status, int64_t days, bool recent, bool error) {
  auto v = c.s.holds.limits(c.me->account.id);
  if (!v.has_value()) return failure(c, v.error());
  Data d = form_data(c, {"error"});
  if (error) d.set("error", c.t("settings_comments.choose_how_long_limits_should"));
  d.set("active", v->active);
  d.set("on_until", "");
  if (v->active) {
    d.set("on_until", c.t_html("settings_limits.limits_are_on_until", {{"time", time_html(c, v->until_ms)}}));
    d.set("covers", v->recent_followers
                        ? c.t("settings_comments.comments_from_people_who_do")
                        : c.t("settings_comments.comments_from_people_who_do_2"));
  }
  Data choices = list();
  for (int64_t n : kLimitDays) {
    Data item;
    item.set("value", std::to_string(n));
    item.set("label", c.plural("settings_comments.days", n, {{"count", c.number(n)}}));
    item.set("checked", n == days);
    choices.push_back(std::move(item));
  }
  d.set("days", std::move(choices));
  d.set("recent", recent);
  return settings_page(c, Section::kLimits, status, c.render("settings_limits", d));
}

http::Response limits_page(const PageContext& c) {
  auto v = c.s.holds.limits(c.me->account.id);
  if (!v.has_value()) return failure(c, v.error());
  return limits_form(c, 200, 7, v->recent_followers, false);
}

http::Response limits_post(const PageContext& c) {
  const std::string days = c.field("days");
  const bool recent = ticked(c, "recent_followers");
  int64_t n = 0;
  for (int64_t d : kLimitDays)
    if (days == std::to_string(d)) n = d;
  if (n == 0) return limits_form(c, 422, 0, recent, true);
  auto v = c.s.holds.set_limits(c.me->account.id, n, recent);
  if (!v.has_value()) {
    if (v.error().code() == StatusCode::kInvalidArgument) return limits_form(c, 422, 0, recent, true);
    return failure(c, v.error());
  }
  return done(Section::kLimits, Done::kLimitsOn);
}

http::Response end_limits_post(const PageContext& c) {
  auto v = c.s.holds.end_limits(c.me->account.id);
  if (!v.has_value()) return failure(c, v.error());
  return done(Section::kLimits, Done::kLimitsOff);
}

// ---- People -----------------------------------------------------------------------------------

constexpr size_t kPeopleShown = 80;

Data people_items(const PageContext& c, const std::vector<social::AccountView>& accounts, bool mutes) {
  Data items = list();
  for (const auto& v : accounts) {
    Data item = account_data(c, v.account);
    item.set("id", v.account.id.to_string());
    item.set("until", false);
    if (mutes) {
      auto m = c.s.relationships.mute_of(c.me->account.id, v.account.id);
      if (m.has_value() && *m && (*m)->expires_at_ms != 0)
        item.set("until", c.t("settings_comments.muted_until", {{"time", time_text(c, (*m)->expires_at_ms)}}));
      else
        item.set("until", c.t("settings_comments.muted_until_you_unmute"));
    }
    items.push_back(std::move(item));
  }
  return items;
}

http::Response people_form(const PageContext& c, int status, std::string error) {
  social::ListQuery q;
  q.limit = kPeopleShown;
  auto restricted = c.s.holds.restricted(c.viewer(), q);
  if (!restricted.has_value()) return failure(c, restricted.error());
  auto blocked = c.s.relationships.blocks(c.viewer(), q);
  if (!blocked.has_value()) return failure(c, blocked.error());
  auto muted = c.s.relationships.mutes(c.viewer(), q);
  if (!muted.has_value()) return failure(c, muted.error());
  Data d = form_data(c, {"error"});
  if (!error.empty()) d.set("error", std::move(error));
  d.set("has_restricted", !restricted->items.empty());
  d.set("restricted", people_items(c, restricted->items, false));
  d.set("has_blocked", !blocked->items.empty());
  d.set("blocked", people_items(c, blocked->items, false));
  d.set("has_muted", !muted->items.empty());
  d.set("muted", people_items(c, muted->items, true));
  return settings_page(c, Section::kPeople, status, c.render("settings_people", d));
}

http::Response people_page(const PageContext& c) { return people_form(c, 200, ""); }

template <class F>
http::Response undo_person(const PageContext& c, F undo) {
  auto id = id_field(c, "account_id");
  if (!id) return people_form(c, 422, c.t("settings_comments.choose_a_person_from_the"));
  Status st = undo(*id);
  if (st.is_not_found()) return people_form(c, 422, c.t("settings_comments.that_account_no_longer_exists"));
  if (st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kPermissionDenied)
    return people_form(c, 422, c.t("settings_comments.choose_a_person_from_the"));
  if (!st.is_ok()) return failure(c, st);
  return done(Section::kPeople, Done::kSaved);
}

http::Response unrestrict_post(const PageContext& c) {
  return undo_person(c, [&](Id id) { return c.s.holds.unrestrict(c.viewer(), id); });
}
http::Response unblock_post(const PageContext& c) {
  return undo_person(c, [&](Id id) { return c.s.relationships.unblock(c.viewer(), id).status(); });
}
http::Response unmute_post(const PageContext& c) {
  return undo_person(c, [&](Id id) { return c.s.relationships.unmute(c.viewer(), id).status(); });
}

// ---- Comments ---------------------------------------------------------------------------------

struct PolicyChoice {
  social::ReplyPolicy policy;
  std::string_view label;
};

constexpr std::array<PolicyChoice, 5> kPolicies = {{
    {social::ReplyPolicy::kEveryone, "settings_comments.everyone"},
    {social::ReplyPolicy::kFollowers, "settings_comments.people_who_follow_you"},
    {social::ReplyPolicy::kFollowing, "settings_comments.people_you_follow"},
    {social::ReplyPolicy::kMentioned, "settings_comments.only_people_you_mention_in"},
    {social::ReplyPolicy::kNobody, "settings_comments.nobody_comments_are_off"},
}};

http::Response comments_form(const PageContext& c, int status, std::optional<social::ReplyPolicy> current, bool error) {
  Data d = form_data(c, {"error"});
  if (error) d.set("error", c.t("settings_comments.choose_who_may_comment"));
  Data items = list();
  for (const auto& p : kPolicies) {
    Data item;
    item.set("value", std::string(social::reply_policy_name(p.policy)));
    item.set("label", c.t(p.label));
    item.set("checked", current && *current == p.policy);
    items.push_back(std::move(item));
  }
  d.set("policies", std::move(items));
  return settings_page(c, Section::kComments, status, c.render("settings_comments", d));
}

http::Response comments_page(const PageContext& c) {
  auto p = c.s.preferences.get(c.me->account.id);
  if (!p.has_value()) return failure(c, p.error());
  return comments_form(c, 200, p->default_reply_policy, false);
}

http::Response comments_post(const PageContext& c) {
  auto policy = social::parse_reply_policy(c.field("comment_policy"));
  if (!policy.has_value()) {
    auto p = c.s.preferences.get(c.me->account.id);
    if (!p.has_value()) return failure(c, p.error());
    return comments_form(c, 422, p->default_reply_policy, true);
  }
  social::PreferencesEdit edit;
  edit.default_reply_policy = *policy;
  auto saved = c.s.preferences.update(c.me->account.id, edit);
  if (!saved.has_value()) return failure(c, saved.error());
  return done(Section::kComments, Done::kSaved);
}

}  // namespace

void register_comment_settings(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  auto& router = r.router;
  router.add(Method::kGet, "/settings/hidden_words", signed_in_page(r.s, r.assets, r.limiter, hidden_words_page));
  router.add(Method::kPost, "/settings/hidden_words", action(r.s, r.assets, r.limiter, user, hidden_words_post));
  router.add(Method::kGet, "/settings/limits", signed_in_page(r.s, r.assets, r.limiter, limits_page));
  router.add(Method::kPost, "/settings/limits", action(r.s, r.assets, r.limiter, user, limits_post));
  router.add(Method::kPost, "/settings/limits/end", action(r.s, r.assets, r.limiter, user, end_limits_post));
  router.add(Method::kGet, "/settings/people", signed_in_page(r.s, r.assets, r.limiter, people_page));
  router.add(Method::kPost, "/settings/people/unrestrict", action(r.s, r.assets, r.limiter, user, unrestrict_post));
  router.add(Method::kPost, "/settings/people/unblock", action(r.s, r.assets, r.limiter, user, unblock_post));
  router.add(Method::kPost, "/settings/people/unmute", action(r.s, r.assets, r.limiter, user, unmute_post));
  router.add(Method::kGet, "/settings/comments", signed_in_page(r.s, r.assets, r.limiter, comments_page));
  router.add(Method::kPost, "/settings/comments", action(r.s, r.assets, r.limiter, user, comments_post));
}

}  // namespace kindred::web::settings
