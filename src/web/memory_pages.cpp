// GET /memories: the signed-in person's own posts from this calendar day in earlier years (today
// in their time zone), grouped by year, each with the forms that keep memories away: this post,
// memories with a person it involves, or the dates around it. The rules are MemoryService's, the
// same as /api/v1/kindred/memories/hidden_*; Settings lists them and takes them back.
#include <algorithm>

#include "http/form.h"
#include "web/people.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

constexpr size_t kPeopleShown = 3;  // "Hide memories with ..." forms per post

// The other people a post involves: those it mentions and the one it replies to.
Data people_of(const PageContext& c, const social::PostView& v) {
  const Id me = c.me->account.id;
  std::vector<Id> ids;
  auto add = [&](Id id) {
    if (!id.is_none() && id != me && std::find(ids.begin(), ids.end(), id) == ids.end() &&
        ids.size() < kPeopleShown)
      ids.push_back(id);
  };
  add(v.post.in_reply_to_account_id);
  for (const auto& m : v.mentions) add(m.id);
  Data people = list();
  for (Id id : ids) {
    auto a = c.s.accounts.get(id);
    if (!a.has_value()) continue;  // gone since: nothing to hide
    Data p;
    p.set("account_id", id.to_string());
    p.set("name", name_of(*a));
    people.push_back(std::move(p));
  }
  return people;
}

std::string years_ago_words(const PageContext& c, int n) {
  return c.plural("memories.years_ago", n, {{"count", std::to_string(n)}});
}

// What the form just did, from ?done= (the 303 after it says so).
std::string done_sentence(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return "";
  auto done = params->get("done");
  if (!done) return "";
  if (*done == "post") return c.t("memories.that_memory_will_not_be");
  if (*done == "person") return c.t("memories.memories_with_that_person_are");
  if (*done == "dates") return c.t("memories.memories_from_those_dates_are");
  return "";
}

http::Response memories_page(const PageContext& c) {
  const Id me = c.me->account.id;
  auto prefs = c.s.preferences.get(me);
  if (!prefs.has_value()) return failure(c, prefs.error());
  auto zone = c.s.preferences.time_zone(me);
  if (!zone.has_value()) return failure(c, zone.error());
  const social::CivilDate today = zone->date_at(c.s.clock.now_ms());

  Data d;
  d.set("intro", c.t("memories.your_posts_from",
                     {{"date", c.t("date.day_month", {{"day", std::to_string(today.day)},
                                                      {"month", month_name(c, today.month)}})}}));
  const std::string done = done_sentence(c);
  d.set("done", done.empty() ? Data(false) : Data(done));
  d.set("off", !prefs->memories);
  d.set("empty", false);
  Data years = list();
  if (prefs->memories) {
    // The same day the intro names, in the person's own time zone.
    auto memories = c.s.memories.memories(c.viewer(), today);
    if (!memories.has_value()) return failure(c, memories.error());
    CardOptions o;
    o.return_to = "/memories";
    o.level = "3";
    for (size_t i = 0; i < memories->size();) {
      const int years_ago = (*memories)[i].years_ago;
      std::string cards;
      std::string heading;
      for (; i < memories->size() && (*memories)[i].years_ago == years_ago; ++i) {
        const social::MemoryView& m = (*memories)[i];
        if (heading.empty()) heading = c.t("memories.heading", {{"years_ago", years_ago_words(c, years_ago)}, {"date", date_words(c, m.date)}});
        Data a;
        a.set("csrf", c.csrf());
        a.set("post_id", m.post.post.id.to_string());
        a.set("date", date_words(c, m.date));
        a.set("iso_date", social::format_date(m.date));
        a.set("people", people_of(c, m.post));
        o.extra_html = c.render("memory_actions", a);
        cards += render_card(c, m.post, o);
      }
      Data y;
      y.set("years_ago", std::to_string(years_ago));
      y.set("heading", heading);
      y.set("cards", std::move(cards));
      years.push_back(std::move(y));
    }
    if (memories->empty())
      d.set("empty",
            c.t("memories.nothing_from_this_day_in"));
  }
  d.set("years", std::move(years));
  Page p;
  p.title = c.t("memories.page_title", {{"site", c.s.config.title}});
  p.styles = {"post.css", "feed.css"};
  p.body_html = c.render("memories", d);
  return page_response(c, 200, std::move(p));
}

// The id in the form's field `name`: nullopt when missing or malformed.
std::optional<Id> form_id(const PageContext& c, std::string_view name) {
  auto id = Id::parse(c.field(name));
  if (!id || id->is_none()) return std::nullopt;
  return *id;
}

http::Response back_to_memories(const PageContext& c, const Status& st, std::string_view done) {
  if (st.code() == StatusCode::kInvalidArgument)
    return refused(c, 422, st.message(), "/memories", c.t("memories.back_to_memories"));
  if (!st.is_ok()) return failure(c, st);
  return see_other("/memories?done=" + std::string(done));
}

http::Response hide_post(const PageContext& c) {
  auto id = form_id(c, "status_id");
  if (!id)
    return refused(c, 422, c.t("memories.the_form_did_not_say"), "/memories",
                   c.t("memories.back_to_memories"));
  return back_to_memories(c, c.s.memories.hide_status(c.viewer(), *id).status(), "post");
}

http::Response hide_person(const PageContext& c) {
  auto id = form_id(c, "account_id");
  if (!id)
    return refused(c, 422, c.t("memories.the_form_did_not_say_2"), "/memories",
                   c.t("memories.back_to_memories"));
  if (*id == c.me->account.id)
    return refused(c, 422, c.t("memories.you_cannot_hide_memories_with"), "/memories",
                   c.t("memories.back_to_memories"));
  return back_to_memories(c, c.s.memories.hide_account(c.viewer(), *id).status(), "person");
}

http::Response hide_dates(const PageContext& c) {
  auto date = social::parse_date(c.field("date"));
  if (!date)
    return refused(c, 422, c.t("memories.the_form_did_not_give"),
                   "/memories", c.t("memories.back_to_memories"));
  const std::string around = c.field("around").empty() ? "0" : c.field("around");
  int64_t days = -1;
  if (around == "0") days = 0;
  if (around == "3") days = 3;
  if (around == "7") days = 7;
  if (days < 0)
    return refused(c, 422, c.t("memories.choose_the_day_only_3"),
                   "/memories", c.t("memories.back_to_memories"));
  const int64_t day = social::days_since_epoch(*date);
  social::NewHiddenRange r;
  r.start_date = social::format_date(social::date_from_days(day - days));
  r.end_date = social::format_date(social::date_from_days(day + days));
  r.note = c.t("memories.hidden_from_the_memories_page");
  auto made = c.s.memories.hide_range(c.viewer(), r);
  if (!made.has_value() && made.error().code() == StatusCode::kInvalidArgument) {
    // The service's messages are for API clients; say it plainly.
    return refused(c, 422,
                   c.t("memories.those_dates_could_not_be", {{"start", r.start_date}, {"end", r.end_date}}),
                   "/memories", c.t("memories.back_to_memories"));
  }
  return back_to_memories(c, made.status(), "dates");
}

}  // namespace

void register_memory_pages(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  r.router.add(Method::kGet, "/memories", signed_in_page(r.s, r.assets, r.limiter, memories_page));
  r.router.add(Method::kPost, "/memories/hide_post",
               action(r.s, r.assets, r.limiter, user, hide_post));
  r.router.add(Method::kPost, "/memories/hide_person",
               action(r.s, r.assets, r.limiter, user, hide_person));
  r.router.add(Method::kPost, "/memories/hide_dates",
               action(r.s, r.assets, r.limiter, user, hide_dates));
}

}  // namespace kindred::web
