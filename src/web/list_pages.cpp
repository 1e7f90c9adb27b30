// The pages that show many posts as a grid: a profile, /explore, /tags/:tag and the front page;
// and the sign-in pointers the front page links to.
#include <algorithm>

#include "core/utf8.h"
#include "http/form.h"
#include "social/model/text.h"
#include "web/escape.h"
#include "web/page.h"
#include "web/people.h"

namespace kindred::web {

namespace {

constexpr size_t kGridPage = 24;
constexpr size_t kFrontPageTiles = 12;

// max_id from the query ("" when absent); nullopt for a malformed one.
std::optional<Id> max_id_param(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return std::nullopt;
  auto v = params->get("max_id");
  if (!v) return Id();
  auto id = Id::parse(std::string(*v));
  if (!id) return std::nullopt;
  return *id;
}

// "<path>?max_id=<position of the last item>" when the page was full (more may follow).
std::string older_url(std::string_view path, const social::Page<social::PostView>& page,
                      size_t limit) {
  if (page.items.size() < limit || page.positions.empty()) return "";
  return std::string(path) + "?max_id=" + page.positions.back().to_string();
}

Data count_data(const PageContext& c, int64_t n, std::string_view key) {
  Data d;
  d.set("value", std::to_string(n));
  d.set("text", c.number(n));
  d.set("word", c.plural(key, n));
  return d;
}

}  // namespace

http::Response profile_page(const PageContext& c) {
  const std::string_view acct = c.req.param("acct");  // after the '@'
  // Only a local username: "@ann@other.example" names nobody here (lookup() would take it).
  if (acct.find('@') != std::string_view::npos) return not_found(c);
  auto found = c.s.accounts.lookup(acct);
  if (!found.has_value()) return failure(c, found.error());
  // An account awaiting approval has no page, as it has no lookup (api/mastodon/accounts.cpp).
  // Nor has a suspended or deleted one.
  if (!found->approved || c.s.accounts.hidden(found->id)) return not_found(c);
  // The name in another case: the profile's own address.
  if (acct != found->username) return redirect_to(c, profile_path(*found));
  auto view = c.s.accounts.view_of(*found);
  if (!view.has_value()) return failure(c, view.error());
  const social::Account& a = view->account;

  auto max_id = max_id_param(c);
  if (!max_id) return error_page(c, 400);
  social::ListQuery q;
  q.max_id = *max_id;
  q.limit = kGridPage;
  social::AccountPostsFilter filter;
  filter.only_media = true;
  filter.exclude_replies = true;
  filter.exclude_reblogs = true;
  // As the reader may see them: a follower sees followers-only posts too.
  auto posts = c.s.feeds.account_posts(c.viewer(), a.id, q, filter);
  if (!posts.has_value()) return failure(c, posts.error());

  const std::string path = profile_path(a);
  Data d = account_data(c, a);
  d.set("domain", c.s.config.domain);
  d.set("header", a.header.empty() ? std::string("/headers/original/missing.png") : media_path(a.header));
  d.set("note", a.note);
  Data fields = list();
  for (const auto& f : a.fields) {
    Data fd;
    fd.set("href", false);
    fd.set("name", f.name);
    fd.set("value", f.value);
    // A value that is a web address is a link; anything else (javascript: included) is text.
    const std::string href = safe_url(f.value);
    if (href.starts_with("https://") || href.starts_with("http://")) fd.set("href", href);
    fields.push_back(std::move(fd));
  }
  d.set("fields", std::move(fields));
  d.set("has_fields", !a.fields.empty());
  d.set("posts", count_data(c, view->statuses_count, "count.posts"));
  d.set("followers", count_data(c, view->followers_count, "count.followers"));
  d.set("following", count_data(c, view->following_count, "count.following"));
  d.set("grid", render_grid(c, posts->items, false, older_url(path, *posts, q.limit),
                            q.max_id.is_none() ? c.t("list.has_not_posted_any_photos", {{"name", name_of(a)}})
                                               : c.t("list.no_older_photos")));
  d.set("paged", !q.max_id.is_none());
  d.set("url", path);
  d.set("actions", profile_actions(c, a));

  Page page;
  const std::string who = c.t("list.name_and_username", {{"name", name_of(a)}, {"username", a.username}});
  page.title = c.t("page.title", {{"title", who}, {"site", c.s.config.title}});
  page.description = a.note.empty() ? c.t("list.photos_by", {{"name", name_of(a)}, {"site", c.s.config.title}})
                                    : snippet(a.note, 200);
  page.canonical = c.absolute(path);
  page.noindex = !a.indexable;
  Preview pv;
  pv.type = "profile";
  pv.title = who;
  pv.description = page.description;
  pv.url = page.canonical;
  page.preview = pv;
  page.styles = {"grid.css", "profile.css"};
  page.body_html = c.render("profile", d);
  return page_response(c, 200, std::move(page));
}

namespace {

http::Response timeline_page(const PageContext& c, std::string_view path, std::string heading,
                             std::string intro, const std::optional<std::string>& tag) {
  auto max_id = max_id_param(c);
  if (!max_id) return error_page(c, 400);
  social::ListQuery q;
  q.max_id = *max_id;
  q.limit = kGridPage;
  auto posts = tag ? c.s.feeds.tag_timeline(social::Viewer{}, *tag, q, true)
                   : c.s.feeds.public_timeline(social::Viewer{}, q, true);
  if (!posts.has_value()) return failure(c, posts.error());
  Data d;
  d.set("heading", heading);
  d.set("intro", intro);
  d.set("paged", !q.max_id.is_none());
  d.set("first_url", std::string(path));
  d.set("grid", render_grid(c, posts->items, true, older_url(path, *posts, q.limit),
                            q.max_id.is_none() ? c.t("list.no_photos_here_yet") : c.t("list.no_older_photos")));
  Page page;
  page.title = c.t("page.title", {{"title", heading}, {"site", c.s.config.title}});
  page.description = intro;
  page.canonical = c.absolute(path);
  // Public timelines are the instance's, not one person's: still kept out of indexes, since
  // each post's author decides that for their own posts.
  page.noindex = true;
  Preview pv;
  pv.title = heading;
  pv.description = intro;
  pv.url = page.canonical;
  page.preview = pv;
  page.styles = {"grid.css"};
  page.body_html = c.render("timeline", d);
  return page_response(c, 200, std::move(page));
}

}  // namespace

http::Response explore_page(const PageContext& c) {
  return timeline_page(c, "/explore", c.t("list.explore"),
                       c.t("list.the_newest_public_photos_from", {{"site", c.s.config.title}}),
                       std::nullopt);
}

http::Response tag_page(const PageContext& c) {
  std::string tag(c.req.param("tag"));
  // Posts link hashtags of up to 100 characters (social/model/text.cpp); a longer one is nobody's.
  if (tag.empty() || !valid_utf8(tag)) return not_found(c);
  size_t code_points = 0;
  for (char ch : tag) code_points += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  if (code_points > 100) return not_found(c);
  const std::string lower = social::ascii_lower(tag);
  // One address per tag whatever its case: /tags/Cats and /tags/cats are one page.
  return timeline_page(c, "/tags/" + http::percent_encode(lower), "#" + tag,
                       c.t("list.public_photos_tagged", {{"tag", tag}, {"site", c.s.config.title}}), lower);
}

http::Response home_page(const PageContext& c) {
  // A signed-in person's front page is their home feed.
  if (c.me) return see_other("/home");
  social::ListQuery q;
  q.limit = kFrontPageTiles;
  auto posts = c.s.feeds.public_timeline(social::Viewer{}, q, true);
  if (!posts.has_value()) return failure(c, posts.error());
  Data d;
  d.set("title", c.s.config.title);
  d.set("description", c.s.config.description);
  d.set("domain", c.s.config.domain);
  d.set("grid", render_grid(c, posts->items, true, "", c.t("list.nobody_has_shared_a_public")));
  d.set("more", posts->items.size() >= q.limit);
  Page page;
  page.title = c.s.config.title;
  page.description = c.s.config.description;
  page.canonical = c.absolute("/");
  // The front page says what the instance is, but its tiles show people's names and captions:
  // it is indexed only when everyone it shows opted in to indexing.
  page.noindex = std::any_of(posts->items.begin(), posts->items.end(), [](const social::PostView& v) {
    return !(v.reblog ? v.reblog->author : v.author).account.indexable;
  });
  Preview pv;
  pv.title = c.s.config.title;
  pv.description = c.s.config.description;
  pv.url = page.canonical;
  page.preview = pv;
  page.styles = {"grid.css", "home.css"};
  page.body_html = c.render("home", d);
  return page_response(c, 200, std::move(page));
}

}  // namespace kindred::web
