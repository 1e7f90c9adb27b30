// GET /home: the signed-in person's home feed, newest first, as cards with a Like form each,
// paged by "Older posts" (?max_id=, the feed's own cursor); and the card every list of posts on
// the signed-in pages uses.
#include "http/form.h"
#include "social/care/filters.h"
#include "web/people.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

constexpr size_t kFeedPage = 20;

// What the filters that still show the post (warn, not hide) are called, or "".
std::string filter_titles(const social::PostView& v) {
  std::string out;
  for (const auto& f : v.filtered) {
    if (!f.filter) continue;
    if (!out.empty()) out += ", ";
    out += f.filter->title;
  }
  return out;
}

http::Response feed_page(const PageContext& c) {
  auto max_id = query_max_id(c);
  if (!max_id) return error_page(c, 400);
  social::ListQuery q;
  q.max_id = *max_id;
  q.limit = kFeedPage;
  auto page = c.s.feeds.home(c.viewer(), q);
  if (!page.has_value()) return failure(c, page.error());
  // The cursor is the unfiltered page's, so paging on never skips or repeats a post.
  std::string older;
  if (page->items.size() >= q.limit && !page->positions.empty())
    older = "/home?max_id=" + page->positions.back().to_string();
  social::drop_hidden(page->items, social::FilterContext::kHome, c.me->account.id);

  const std::string here = q.max_id.is_none() ? "/home" : "/home?max_id=" + q.max_id.to_string();
  CardOptions o;
  o.return_to = here;
  std::string cards;
  for (const auto& v : page->items) cards += render_card(c, v, o);
  Data d;
  d.set("has_items", !page->items.empty());
  d.set("cards", std::move(cards));
  d.set("first", q.max_id.is_none());
  d.set("older_url", older.empty() ? Data(false) : Data(older));
  Page p;
  p.title = c.t("feed.home_title", {{"site", c.s.config.title}});
  p.styles = {"post.css", "feed.css"};
  p.body_html = c.render("feed", d);
  return page_response(c, 200, std::move(p));
}

}  // namespace

std::optional<Id> query_max_id(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return std::nullopt;
  auto v = params->get("max_id");
  if (!v || v->empty()) return Id();
  auto id = Id::parse(std::string(*v));
  if (!id) return std::nullopt;
  return *id;
}

Data count_words(const PageContext& c, int64_t n, std::string_view key) {
  Data d;
  d.set("value", std::to_string(n));
  d.set("text", c.number(n));
  d.set("word", c.plural(key, n));
  return d;
}

std::string date_words(const PageContext& c, const social::CivilDate& d) {
  return c.t("date.day_month_year",
             {{"day", std::to_string(d.day)}, {"month", month_name(c, d.month)}, {"year", std::to_string(d.year)}});
}

std::string render_card(const PageContext& c, const social::PostView& entry, const CardOptions& o) {
  const social::PostView& v = entry.reblog ? *entry.reblog : entry;
  // Every key the template reads is set, false when absent: a missing key would be looked up
  // in the enclosing data.
  Data d;
  for (const char* key :
       {"shared_by", "filtered", "cw", "photo", "photo_count", "likes", "sensitive", "poll"})
    d.set(key, false);
  const std::string id = v.post.id.to_string();
  const std::string url = post_path(v.author.account, v.post.id);
  d.set("id", id);
  d.set("entry_id", entry.post.id.to_string());
  d.set("post_id", id);
  d.set("url", url);
  d.set("level", o.level);
  d.set("author", account_data(c, v.author.account));
  if (entry.reblog)
    d.set("shared_by", c.t_html("card.shared_by", {{"name", html_link(profile_path(entry.author.account),
                                                                      name_of(entry.author.account))}}));
  if (const std::string titles = filter_titles(v); !titles.empty()) d.set("filtered", titles);
  if (!v.post.spoiler_text.empty()) d.set("cw", warning_text(v.post.spoiler_text));

  std::vector<const social::Media*> ready;
  for (const auto& m : v.media)
    if (m.state == social::MediaState::kReady) ready.push_back(&m);
  if (!ready.empty()) {
    Data photo = photo_data(c, *ready.front(), ready.front()->original, v.author.account);
    photo.set("link", url);
    d.set("photo", std::move(photo));
    // A sensitive photo without a warning of its own is folded as on the post's page.
    d.set("sensitive", v.post.sensitive && v.post.spoiler_text.empty());
  }
  if (ready.size() > 1)
    d.set("photo_count", c.plural("feed.photo_count", static_cast<int64_t>(ready.size()),
                                  {{"count", c.number(static_cast<int64_t>(ready.size()))}}));
  d.set("content_html", v.post.content_html);
  if (v.poll) {  // voted on the post's own page
    const int64_t n = v.poll->votes_count;
    d.set("poll", c.t("card.poll_on_the_post", {{"votes", c.number(n) + " " + c.plural("count.votes", n)}}));
  }

  d.set("like_verb", v.favourited ? "unlike" : "like");
  d.set("liked", v.favourited ? "true" : "false");
  d.set("csrf", c.csrf());
  d.set("return_to", o.return_to + "#p-" + id);
  if (!v.post.hide_favourites_count || v.viewer_is_author)
    d.set("likes", count_words(c, v.favourites_count, "count.likes"));
  d.set("comments", count_words(c, v.replies_count, "count.comments"));
  d.set("time", time_data(c, v.post.created_at_ms));
  d.set("extra", o.extra_html);
  d.set("actions", o.actions);
  return c.render("card", d);
}

http::Response refused(const PageContext& c, int status, std::string sentence, std::string back,
                       std::string back_text) {
  Data d;
  d.set("heading", c.t("feed.nothing_was_changed"));
  Data paragraphs = list();
  paragraphs.push_back(Data(std::move(sentence)));
  d.set("paragraphs", std::move(paragraphs));
  Data link;
  link.set("url", std::move(back));
  link.set("text", std::move(back_text));
  d.set("link", std::move(link));
  Page p;
  p.title = c.t("feed.nothing_was_changed_2", {{"site", c.s.config.title}});
  p.styles = {"forms.css"};
  p.body_html = c.render("message", d);
  return page_response(c, status, std::move(p));
}

void register_feed_pages(const Routes& r) {
  r.router.add(http::Method::kGet, "/home", signed_in_page(r.s, r.assets, r.limiter, feed_page));
}

}  // namespace kindred::web
