// GET /notifications: what happened to the signed-in person, grouped as the API's v2 groups them
// ("Ana, Tom and 1,599,998 others liked your post"), newest first and paged, under the follow
// requests waiting for an answer. Opening the page marks what it shows as read.
#include <algorithm>
#include <unordered_map>

#include "social/care/filters.h"
#include "web/escape.h"
#include "web/people.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

constexpr size_t kGroupsPerPage = 20;
constexpr size_t kRequestsShown = 40;
constexpr size_t kNamesShown = 2;
constexpr size_t kSnippetChars = 120;

// `text` escaped, inside a link to `href` when there is one.
std::string link_html(std::string_view text, std::string_view href) {
  if (href.empty()) return escape_html(text);
  return "<a href=\"" + escape_html(href) + "\">" + escape_html(text) + "</a>";
}

// "Ana", "Ana and Tom", "Ana and 3 others", "Ana, Tom and 1,599,998 others", as HTML: the newest
// people by name, each a link, the rest as an exact number (<data value>) written as the reader's
// language writes it.
std::string people_html(const PageContext& c, const std::vector<const social::Account*>& people, int64_t count) {
  const size_t named = std::min(people.size(), kNamesShown);
  const int64_t others = std::max<int64_t>(0, count - static_cast<int64_t>(named));
  std::vector<std::string> names;
  for (size_t i = 0; i < named; ++i) names.push_back(link_html(name_of(*people[i]), profile_path(*people[i])));
  if (names.empty()) names.emplace_back();
  if (others == 0) {
    if (names.size() == 1) return names[0];
    return c.t_html("notifications.two_names", {{"first", names[0]}, {"second", names[1]}});
  }
  const std::string n = "<data value=\"" + std::to_string(others) + "\">" + escape_html(c.number(others)) + "</data>";
  if (names.size() == 1) return c.plural_html("notifications.name_and_others", others, {{"first", names[0]}, {"count", n}});
  return c.plural_html("notifications.names_and_others", others,
                       {{"first", names[0]}, {"second", names[1]}, {"count", n}});
}

// The sentence of one group, as HTML.
std::string sentence(const PageContext& c, const social::NotificationGroup& g,
                     const std::vector<const social::Account*>& people, const social::PostView* post) {
  const std::string who = people_html(c, people, g.count);
  const social::Account& me = c.me->account;
  switch (g.type) {
    case social::NotificationType::kFavourite:
      return c.plural_html(
          "notifications.liked", g.count,
          {{"people", who},
           {"post", link_html(c.t("notifications.your_post"),
                              post ? post_path(post->author.account, post->post.id) : "")}});
    case social::NotificationType::kReblog:
      return c.plural_html(
          "notifications.shared", g.count,
          {{"people", who},
           {"post", link_html(c.t("notifications.your_post"),
                              post ? post_path(post->author.account, post->post.id) : "")}});
    case social::NotificationType::kUpdate:
      return c.plural_html(
          "notifications.edited", g.count,
          {{"people", who},
           {"post", link_html(c.t("notifications.a_post"),
                              post ? post_path(post->author.account, post->post.id) : "")}});
    case social::NotificationType::kPoll:
      return c.plural_html(
          "notifications.poll_ended", g.count,
          {{"post", link_html(c.t("notifications.the_poll"),
                              post ? post_path(post->author.account, post->post.id) : "")}});
    case social::NotificationType::kFollow:
      return c.plural_html("notifications.followed_you", g.count, {{"people", who}});
    case social::NotificationType::kModerationWarning:
      return c.plural_html("notifications.moderation_warning", g.count, {});
    case social::NotificationType::kFollowRequest:
      return c.plural_html("notifications.asked_to_follow_you_sentence", g.count, {{"people", who}});
    case social::NotificationType::kMention: {
      if (!post) return c.plural_html("notifications.mentioned_you", g.count, {{"people", who}});
      const std::string quote = escape_html(snippet(post->post.text, kSnippetChars));
      std::string out;
      if (post->post.in_reply_to_account_id == me.id && !post->post.in_reply_to_id.is_none()) {
        // An answer to one of my comments (itself a reply) is a reply to it, not a comment on a
        // post of mine: its own page shows both.
        auto parent = c.s.posts.get(c.viewer(), post->post.in_reply_to_id);
        if (parent.has_value() && !parent->post.in_reply_to_id.is_none()) {
          const std::string link = link_html(c.t("notifications.your_comment"),
                                             post_path(post->author.account, post->post.id));
          if (quote.empty())
            return c.plural_html("notifications.replied_to", g.count, {{"people", who}, {"comment", link}});
          return c.plural_html("notifications.replied_to_quote", g.count,
                               {{"people", who}, {"comment", link}, {"quote", quote}});
        }
        const std::string link = link_html(c.t("notifications.your_post"), post_path(me, post->post.in_reply_to_id) +
                                                                                 "#c-" + post->post.id.to_string());
        if (quote.empty()) return c.plural_html("notifications.commented_on", g.count, {{"people", who}, {"post", link}});
        return c.plural_html("notifications.commented_on_quote", g.count,
                             {{"people", who}, {"post", link}, {"quote", quote}});
      }
      const std::string link =
          link_html(c.t("notifications.mentioned_you_link"), post_path(post->author.account, post->post.id));
      if (quote.empty()) return c.plural_html("notifications.mentioned_you_in", g.count, {{"people", who}, {"link", link}});
      return c.plural_html("notifications.mentioned_you_in_quote", g.count,
                           {{"people", who}, {"link", link}, {"quote", quote}});
    }
  }
  return who;
}

// Groups whose post a hide filter of the notifications context matches are left out, as the
// API leaves them out.
void drop_filtered(social::GroupedPage& page, Id viewer) {
  std::vector<Id> hidden;
  for (const auto& p : page.statuses)
    if (social::hidden_by_filters(p, social::FilterContext::kNotifications, viewer))
      hidden.push_back(p.post.id);
  if (hidden.empty()) return;
  std::erase_if(page.groups, [&](const social::NotificationGroup& g) {
    return !g.status_id.is_none() &&
           std::find(hidden.begin(), hidden.end(), g.status_id) != hidden.end();
  });
}

// Moves the notifications read marker up to `newest` (never back: an older page leaves it).
// A Conflict means another tab moved it at the same moment: it stands.
Status mark_read(const PageContext& c, Id last_read, Id newest) {
  if (newest.is_none() || newest <= last_read) return Status::ok();
  auto set = c.s.notifications.set_markers(c.viewer(), std::nullopt, newest);
  if (!set.has_value() && !set.error().is_conflict()) return set.error();
  return Status::ok();
}

Data requests_data(const PageContext& c, const social::Page<social::AccountView>& requests) {
  Data items = list();
  for (const auto& r : requests.items) {
    Data d = account_data(c, r.account);
    d.set("csrf", c.csrf());
    d.set("asked", c.t_html("notifications.person_asked_to_follow_you",
                            {{"person", link_html(name_of(r.account), profile_path(r.account)) +
                                            " <span class=\"handle\">@" + escape_html(r.account.username) +
                                            "</span>"}}));
    items.push_back(std::move(d));
  }
  return items;
}

http::Response notifications_page(const PageContext& c) {
  auto max_id = query_max_id(c);
  if (!max_id) return error_page(c, 400);
  const bool first = max_id->is_none();
  auto markers = c.s.notifications.markers(c.viewer());
  if (!markers.has_value()) return failure(c, markers.error());
  const Id last_read = markers->notifications ? markers->notifications->last_read_id : Id();

  social::GroupedQuery q;
  q.filter.page.max_id = *max_id;
  q.filter.page.limit = kGroupsPerPage;
  auto page = c.s.notifications.list_grouped(c.viewer(), q);
  if (!page.has_value()) return failure(c, page.error());
  const Id newest = page->newest_id;
  drop_filtered(*page, c.me->account.id);

  std::unordered_map<Id, const social::Account*> accounts;
  for (const auto& a : page->accounts) accounts[a.account.id] = &a.account;
  std::unordered_map<Id, const social::PostView*> posts;
  for (const auto& p : page->statuses) posts[p.post.id] = &p;

  Data items = list();
  for (const auto& g : page->groups) {
    std::vector<const social::Account*> people;
    for (Id id : g.sample_account_ids)
      if (auto it = accounts.find(id); it != accounts.end()) people.push_back(it->second);
    if (people.empty()) continue;
    const social::PostView* post = nullptr;
    if (!g.status_id.is_none()) {
      auto it = posts.find(g.status_id);
      if (it == posts.end()) continue;  // gone, or no longer visible
      post = it->second;
    }
    Data item;
    item.set("id", g.most_recent_id.to_string());
    item.set("unread", g.most_recent_id > last_read);
    item.set("avatar", avatar_path(*people.front()));
    item.set("sentence", sentence(c, g, people, post));
    item.set("time",
             time_data(c, g.page_max_id.is_none() ? g.most_recent_id.ms() : g.page_max_id.ms()));
    items.push_back(std::move(item));
  }
  const bool has_items = !items.items().empty();

  Data d;
  d.set("has_requests", false);
  if (first) {
    social::ListQuery rq;
    rq.limit = kRequestsShown;
    auto requests = c.s.relationships.follow_requests(c.viewer(), rq);
    if (!requests.has_value()) return failure(c, requests.error());
    d.set("has_requests", !requests->items.empty());
    d.set("requests", requests_data(c, *requests));
  }
  d.set("items", std::move(items));
  d.set("has_items", has_items);
  d.set("first", first);
  d.set("older_url", page->more && !page->oldest_id.is_none()
                         ? Data("/notifications?max_id=" + page->oldest_id.to_string())
                         : Data(false));

  // Everything shown is read now; the header's count (rendered below) drops with it.
  if (Status st = mark_read(c, last_read, newest); !st.is_ok()) return failure(c, st);

  Page p;
  p.title = c.t("notifications.page_title", {{"site", c.s.config.title}});
  p.styles = {"feed.css"};
  p.body_html = c.render("notifications", d);
  return page_response(c, 200, std::move(p));
}

}  // namespace

void register_notification_pages(const Routes& r) {
  r.router.add(http::Method::kGet, "/notifications",
               signed_in_page(r.s, r.assets, r.limiter, notifications_page));
}

}  // namespace kindred::web
