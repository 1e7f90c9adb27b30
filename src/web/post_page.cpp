// GET /@username/:id: one post, its photos, the like sentence, its comments in the chosen order
// (paged by the API's cursor), the post it answers, and the support card of a post on a support
// topic.

#include <algorithm>

#include "http/form.h"
#include "social/care/support.h"
#include "social/identity/accounts.h"
#include "social/model/calendar.h"
#include "web/escape.h"
#include "web/page.h"

namespace kindred::web {

namespace {

constexpr size_t kCommentsPerPage = 20;
constexpr size_t kRepliesShown = 3;
constexpr const char* kWeekdays[] = {"post.sunday",   "post.monday", "post.tuesday", "post.wednesday",
                                     "post.thursday", "post.friday", "post.saturday"};

// The photos that are ready (a failed upload attached earlier is left out).
std::vector<const social::Media*> ready_photos(const social::PostView& v) {
  std::vector<const social::Media*> out;
  for (const auto& m : v.media)
    if (m.state == social::MediaState::kReady) out.push_back(&m);
  return out;
}

Data photos_data(const PageContext& c, const social::PostView& v) {
  Data photos = list();
  const auto ready = ready_photos(v);
  const size_t total = ready.size();
  for (size_t i = 0; i < total; ++i) {
    const social::Media& m = *ready[i];
    Data p = photo_data(c, m, m.original, v.author.account);
    p.set("position", false);
    p.set("lazy", i > 0);
    if (total > 1) p.set("position", c.t("post.of", {{"n", std::to_string(i + 1)}, {"total", std::to_string(total)}}));
    photos.push_back(std::move(p));
  }
  return photos;
}

// "Liked by Maya Okafor and 1,599,999 others", with the exact number in <data value>. The
// person named is the newest liker the reader may see. No count where the author hid it (from
// everyone but the author, who is never a signed-out reader).
Data likes_data(const PageContext& c, const social::PostView& v) {
  Data d;
  const int64_t count = v.favourites_count;
  const bool hidden = v.post.hide_favourites_count && !v.viewer_is_author;
  // For the optional script: the total, and how many likes the sentence names apart from its
  // number (the liker it names).
  d.set("total", hidden ? std::string() : std::to_string(count));
  d.set("offset", "0");
  d.set("liked_by", "");
  std::optional<social::Account> liker;
  if (count > 0) {
    social::ListQuery q;
    q.limit = 1;
    auto page = c.s.likes.favourited_by(c.viewer(), v.post.id, q);
    if (page.has_value() && !page->items.empty()) liker = page->items.front().account;
  }
  if (!liker) {
    if (hidden || count == 0) {
      d.set("none", hidden ? c.t("post.likes_are_hidden_by_the") : c.t("post.no_likes_yet"));
      return d;
    }
    d.set("count_only", true);
    d.set("value", std::to_string(count));
    d.set("text", c.number(count));
    d.set("word", c.plural("count.likes", count));
    return d;
  }
  d.set("offset", "1");
  // HTML: the name escaped, in a link; the number in <data> (the script finds it there and
  // rewrites the word after it).
  const std::string name =
      "<a href=\"" + escape_html(profile_path(*liker)) + "\">" + escape_html(name_of(*liker)) + "</a>";
  if (hidden) {
    d.set("liked_by", c.t_html("post.liked_by_and_others", {{"name", name}}));
  } else if (count > 1) {
    const std::string n = "<data value=\"" + std::to_string(count - 1) + "\">" + escape_html(c.number(count - 1)) + "</data>";
    d.set("liked_by", c.plural_html("post.liked_by_name_and", count - 1, {{"name", name}, {"count", n}}));
  } else {
    d.set("liked_by", c.t_html("post.liked_by", {{"name", name}}));
  }
  return d;
}

std::string policy_sentence(const PageContext& c, const social::PostView& v) {
  const std::string who = name_of(v.author.account);
  switch (v.post.reply_policy) {
    case social::ReplyPolicy::kEveryone: return "";
    case social::ReplyPolicy::kFollowing: return c.t("post.limited_comments_to_people_they", {{"name", who}});
    case social::ReplyPolicy::kFollowers: return c.t("post.limited_comments_to_their_followers", {{"name", who}});
    case social::ReplyPolicy::kMentioned:
      return c.t("post.limited_comments_to_the_people", {{"name", who}});
    case social::ReplyPolicy::kNobody: return c.t("post.turned_off_comments_on_this", {{"name", who}});
  }
  return "";
}

// "2026-03-30T16:00:00+01:00" -> date and "16:00".
struct LocalTime {
  social::CivilDate date;
  std::string hh_mm;
};
std::optional<LocalTime> parse_local(std::string_view s) {
  if (s.size() < 16 || s[10] != 'T') return std::nullopt;
  auto date = social::parse_date(s.substr(0, 10));
  if (!date) return std::nullopt;
  return LocalTime{*date, std::string(s.substr(11, 5))};
}

// 0 = Sunday (1970-01-01 was a Thursday).
int weekday(const social::CivilDate& d) {
  return static_cast<int>(((social::days_since_epoch(d) + 4) % 7 + 7) % 7);
}

int64_t days_between(const social::CivilDate& a, const social::CivilDate& b) {
  return social::days_since_epoch(b) - social::days_since_epoch(a);
}

// "Open now, closes 16:00 London time", "Closed, opens tomorrow 09:00 London time",
// "Closed, opens Monday 09:00 London time", or "Opening hours not known", worked out in the
// organisation's own time zone.
// "today", "tomorrow", "Monday", or "Monday 6 April" for `date` seen from `today`.
std::string day_words(const PageContext& c, const social::CivilDate& today, const social::CivilDate& date) {
  const int64_t ahead = days_between(today, date);
  if (ahead == 0) return c.t("post.today");
  if (ahead == 1) return c.t("post.tomorrow");
  if (ahead > 1 && ahead < 7) return c.t(kWeekdays[weekday(date)]);
  return c.t("date.weekday_day_month",
             {{"weekday", c.t(kWeekdays[weekday(date)])}, {"day", std::to_string(date.day)}, {"month", month_name(c, date.month)}});
}

std::pair<std::string, std::string> open_state_sentence(const PageContext& c, const social::ResourceView& r,
                                                        int64_t now_ms) {
  const social::OpenState& st = r.state;
  if (!st.known) return {c.t("post.opening_hours_not_known"), "unknown"};
  std::string zone = r.resource->time_zone;
  if (const size_t slash = zone.rfind('/'); slash != std::string::npos) zone = zone.substr(slash + 1);
  for (char& ch : zone)
    if (ch == '_') ch = ' ';
  auto at = [&](const std::string& hh_mm) {
    return zone.empty() ? hh_mm : c.t("post.time", {{"time", hh_mm}, {"zone", zone}});
  };
  auto tz = social::TimeZone::named(r.resource->time_zone);
  const social::CivilDate today = (tz.has_value() ? *tz : social::TimeZone()).date_at(now_ms);
  constexpr int64_t kWeekMs = 7 * 24 * 60 * 60 * 1000;
  if (st.open_now) {
    // Open round the clock (no closing within a week): no closing time to give.
    if (st.closes_at_ms - now_ms >= kWeekMs) return {c.t("post.open_now_24_hours_a"), "open"};
    auto closes = parse_local(st.closes_at_local);
    if (!closes) return {c.t("post.open_now"), "open"};
    if (closes->date == today) return {c.t("post.open_now_closes", {{"time", at(closes->hh_mm)}}), "open"};
    return {c.t("post.open_now_closes_day", {{"day", day_words(c, today, closes->date)}, {"time", at(closes->hh_mm)}}),
            "open"};
  }
  auto opens = parse_local(st.next_open_at_local);
  if (!opens) return {c.t("post.closed"), "closed"};
  return {c.t("post.closed_opens", {{"day", day_words(c, today, opens->date)}, {"time", at(opens->hh_mm)}}), "closed"};
}

Data support_data(const PageContext& c, const social::SupportCard& card) {
  Data d;
  d.set("message", card.message);
  Data orgs = list();
  const int64_t now = c.s.clock.now_ms();
  for (const auto& r : card.resources) {
    const social::SupportResource& res = *r.resource;
    Data o;
    for (const char* key : {"tel", "phone", "mailto", "email", "website"}) o.set(key, false);
    o.set("name", res.name);
    auto [state, cls] = open_state_sentence(c, r, now);
    o.set("state", state);
    o.set("state_class", cls);
    if (const std::string tel = tel_url(res.phone); !tel.empty()) {
      o.set("phone", res.phone);
      o.set("tel", tel);
    }
    if (const std::string mail = safe_url("mailto:" + res.email); !res.email.empty() && !mail.empty()) {
      o.set("email", res.email);
      o.set("mailto", mail);
    }
    if (const std::string web = safe_url(res.website); !web.empty() && !web.starts_with("/"))
      o.set("website", web);
    orgs.push_back(std::move(o));
  }
  d.set("orgs", std::move(orgs));
  return d;
}

// What the reader may do to a comment: like it, reply (to a direct reply), and, as the post's
// author, pin, hide or delete it; as its writer, delete it.
Data comment_acts(const PageContext& c, const social::PostView& v, const social::PostView& post,
                  bool direct) {
  Data a;
  a.set("like_verb", v.favourited ? "unlike" : "like");
  a.set("liked", v.favourited ? "true" : "false");
  a.set("reply_url", false);
  a.set("pin_verb", false);
  a.set("pin_label", false);
  a.set("can_hide", false);
  a.set("delete_url", false);
  const bool post_author = post.viewer_is_author;
  const bool own = v.author.account.id == c.me->account.id;
  if (direct && post.can_reply)
    a.set("reply_url", post_path(post.author.account, post.post.id) + "?reply_to=" +
                           v.post.id.to_string() + "#comment-form");
  if (direct && post_author) {
    a.set("pin_verb", v.comment_pinned ? "unpin_comment" : "pin_comment");
    a.set("pin_label", v.comment_pinned ? c.t("post.unpin") : c.t("post.pin"));
    if (!own) a.set("can_hide", true);
  }
  if (own || (direct && post_author))
    a.set("delete_url", "/statuses/" + v.post.id.to_string() + "/delete?from=" +
                            post.post.id.to_string());
  return a;
}

Data comment_data(const PageContext& c, const social::PostView& v, const social::Account& post_author) {
  // Every key a comment's template section reads is set, false when absent: Mustache looks a
  // missing key up in the enclosing contexts, and would find the post's own.
  Data d;
  d.set("cw", false);
  d.set("pinned", false);
  d.set("likes", false);
  d.set("replies", false);
  d.set("acts", false);
  d.set("has_thread", false);
  d.set("more_replies", false);
  d.set("photos", list());
  d.set("id", v.post.id.to_string());
  d.set("url", post_path(v.author.account, v.post.id));
  d.set("author", account_data(c, v.author.account));
  d.set("is_author", v.author.account.id == post_author.id);
  if (v.comment_pinned) d.set("pinned", c.t("post.pinned_by", {{"name", name_of(post_author)}}));
  if (!v.post.spoiler_text.empty()) d.set("cw", warning_text(v.post.spoiler_text));
  d.set("content_html", v.post.content_html);
  d.set("time", time_data(c, v.post.created_at_ms));
  if (v.favourites_count > 0 && !v.post.hide_favourites_count) {
    d.set("likes", c.number(v.favourites_count));
    d.set("likes_value", std::to_string(v.favourites_count));
    d.set("likes_word", c.plural("count.likes", v.favourites_count));
  }
  if (v.replies_count > 0) {
    d.set("replies", c.number(v.replies_count));
    d.set("replies_value", std::to_string(v.replies_count));
    d.set("replies_word", c.plural("count.replies", v.replies_count));
  }
  d.set("photos", photos_data(c, v));
  d.set("has_photos", !ready_photos(v).empty());
  // A sensitive photo on a comment is folded into a <details>, as on a post.
  d.set("sensitive", v.post.sensitive && v.post.spoiler_text.empty());
  return d;
}

std::string comments_url(const std::string& path, social::CommentOrder order, const std::string& cursor) {
  std::string url = path + "?order=" + std::string(social::comment_order_name(order));
  if (!cursor.empty()) url += "&cursor=" + http::percent_encode(cursor);
  return url + "#comments";
}

}  // namespace

http::Response post_page(const PageContext& c) { return post_page_with(c, CommentDraft{}); }

namespace {

std::string hold_sentence(const PageContext& c, social::CommentHold h) {
  switch (h) {
    case social::CommentHold::kHiddenWords: return c.t("post.held_because_it_contains_one");
    case social::CommentHold::kLimited: return c.t("post.held_because_your_limits_are");
    case social::CommentHold::kRestricted: return c.t("post.held_because_you_restricted_this");
    case social::CommentHold::kAuthorHidden: return c.t("post.you_hid_this_comment");
    case social::CommentHold::kNone: break;
  }
  return "";
}

Data author_tools_data(const PageContext& c, const social::PostView& v) {
  Data t;
  Data policies = list();
  const std::pair<social::ReplyPolicy, const char*> options[] = {
      {social::ReplyPolicy::kEveryone, "post.everyone"},
      {social::ReplyPolicy::kFollowers, "post.people_who_follow_me"},
      {social::ReplyPolicy::kFollowing, "post.people_i_follow"},
      {social::ReplyPolicy::kMentioned, "post.only_people_mentioned_in_the"},
      {social::ReplyPolicy::kNobody, "post.nobody_comments_off"},
  };
  for (const auto& [policy, label] : options) {
    Data o;
    o.set("value", std::string(social::reply_policy_name(policy)));
    o.set("label", c.t(label));
    o.set("checked", v.post.reply_policy == policy);
    if (v.post.reply_policy == policy) t.set("policy_now", c.t("post.comments_now", {{"who", c.t(label)}}));
    policies.push_back(std::move(o));
  }
  t.set("policies", std::move(policies));
  t.set("hide_likes", v.post.hide_favourites_count);
  return t;
}

// Who may comment, for a reader who may not: one sentence, never a dead comment box.
std::string cannot_reply_sentence(const PageContext& c, const social::PostView& v) {
  const std::string who = name_of(v.author.account);
  switch (v.post.reply_policy) {
    case social::ReplyPolicy::kFollowers: return c.t("post.only_people_who_follow", {{"name", who}});
    case social::ReplyPolicy::kFollowing: return c.t("post.only_people", {{"name", who}});
    case social::ReplyPolicy::kMentioned: return c.t("post.only_people_mentioned_in_this");
    case social::ReplyPolicy::kNobody: return c.t("post.turned_off_comments_on_this", {{"name", who}});
    case social::ReplyPolicy::kEveryone: break;
  }
  return c.t("post.you_cannot_comment_on_this");
}

// The post's poll: a form of radio buttons (checkboxes for a multiple-choice poll) for a signed-in
// reader who may still vote, else the results (hidden while hide_totals says so), with `error`
// beside the form when a vote was refused.
Data poll_data(const PageContext& c, const social::PostView& v, const std::string& error) {
  const social::PollView& pv = *v.poll;
  const social::Poll& p = pv.poll;
  Data d;
  d.set("form", false);
  d.set("results", false);
  const bool may_vote = c.me && !pv.voted && !pv.expired;
  Data options = list();
  int64_t max = 0;
  for (int64_t n : pv.option_votes) max = std::max(max, n);
  for (size_t i = 0; i < p.options.size(); ++i) {
    Data o;
    o.set("index", std::to_string(i));
    o.set("title", p.options[i]);
    o.set("input_type", p.multiple ? "checkbox" : "radio");
    o.set("chosen", std::find(pv.own_votes.begin(), pv.own_votes.end(), static_cast<int>(i)) != pv.own_votes.end());
    o.set("shown", false);
    if (i < pv.option_votes.size()) {
      const int64_t n = pv.option_votes[i];
      const int64_t base = p.multiple ? pv.voters_count : pv.votes_count;
      Data shown;
      shown.set("votes", std::to_string(n));
      shown.set("max", std::to_string(std::max<int64_t>(1, base)));
      shown.set("percent", std::to_string(base > 0 ? (n * 100 + base / 2) / base : 0) + "%");
      o.set("shown", std::move(shown));
    }
    options.push_back(std::move(o));
  }
  if (may_vote) {
    Data f;
    f.set("choose", p.multiple ? c.t("post.poll_choose_any") : c.t("post.poll_choose_one"));
    f.set("options", std::move(options));
    f.set("error", error.empty() ? Value(false) : Value(error));
    d.set("form", std::move(f));
  } else {
    Data r;
    r.set("options", std::move(options));
    r.set("hidden", pv.option_votes.empty());
    d.set("results", std::move(r));
  }
  d.set("total", c.number(pv.votes_count) + " " + c.plural("count.votes", pv.votes_count));
  d.set("ends", c.t_html(pv.expired ? "post.poll_ended" : "post.poll_ends",
                         {{"time", time_html(c, p.expires_at_ms)}}));
  return d;
}

}  // namespace

http::Response post_page_with(const PageContext& c, const CommentDraft& draft) {
  const std::string_view acct = c.req.param("acct");  // after the '@'
  auto id = draft.post_id.is_none() ? Id::parse(std::string(c.req.param("id"))) : std::optional<Id>(draft.post_id);
  if (!id || id->is_none()) return not_found(c);
  const social::Viewer viewer = c.viewer();
  auto got = c.s.posts.get(viewer, *id);
  if (!got.has_value()) return failure(c, got.error());
  social::PostView v = std::move(*got);
  // A reblog has no page of its own: its original's.
  if (v.reblog) return failure(c, Status::not_found(c.t("post.a_reblog")));
  const social::Account& author = v.author.account;
  if (draft.post_id.is_none() && acct != author.username) {
    // The author's name in another case ("/@Lena/1"): the post's own address. Any other name is
    // not this post's page.
    if (social::ascii_lower(acct) == social::ascii_lower(author.username))
      return redirect_to(c, post_path(author, v.post.id));
    return not_found(c);
  }

  auto params = http::Params::parse(draft.post_id.is_none() ? c.req.query : std::string());
  if (!params) return error_page(c, 400);
  social::CommentQuery q;
  q.limit = kCommentsPerPage;
  if (auto order = params->get("order")) {
    auto parsed = social::parse_comment_order(*order);
    if (!parsed.has_value()) return error_page(c, 400);
    q.order = *parsed;
  }
  if (auto cursor = params->get("cursor")) q.cursor = std::string(*cursor);
  auto comments = c.s.comments.comments(viewer, v.post.id, q);
  if (!comments.has_value()) return failure(c, comments.error());

  const std::string path = post_path(author, v.post.id);
  Data d;
  d.set("url", path);
  d.set("post_id", v.post.id.to_string());
  d.set("actions", false);
  d.set("author_tools", false);
  d.set("held", false);
  if (c.me) {
    d.set("csrf", c.csrf());
    d.set("return_to", path);
    Data a;
    a.set("like_verb", v.favourited ? "unlike" : "like");
    a.set("liked", v.favourited ? "true" : "false");
    a.set("save_verb", v.bookmarked ? "unsave" : "save");
    a.set("saved", v.bookmarked ? "true" : "false");
    a.set("can_reply", v.can_reply);
    a.set("own", v.viewer_is_author);
    d.set("actions", std::move(a));
    if (v.viewer_is_author) {
      d.set("author_tools", author_tools_data(c, v));
      social::ListQuery hq;
      hq.limit = 50;
      auto held = c.s.holds.held(viewer, v.post.id, hq);
      if (held.has_value()) {
        Data h;
        Data items = list();
        size_t to_review = 0;
        for (const auto& item : held->items) {
          Data hd = comment_data(c, item, author);
          hd.set("reason", hold_sentence(c, item.post.hold));
          const bool decided = item.post.hold == social::CommentHold::kAuthorHidden;
          hd.set("decided", decided);
          if (!decided) ++to_review;
          items.push_back(std::move(hd));
        }
        h.set("has_items", !held->items.empty());
        h.set("items", std::move(items));
        h.set("to_review", c.number(static_cast<int64_t>(to_review)));
        d.set("held", std::move(h));
      }
    }
  }
  d.set("author", account_data(c, author));
  d.set("time", time_data(c, v.post.created_at_ms));
  d.set("content_html", v.post.content_html);
  if (!v.post.spoiler_text.empty()) d.set("cw", v.post.spoiler_text);
  Data photos = photos_data(c, v);
  const bool has_photos = !v.media.empty();
  d.set("has_photos", has_photos);
  d.set("photos", std::move(photos));
  d.set("carousel", v.media.size() > 1);
  d.set("photo_count", std::to_string(v.media.size()));
  // Behind a content warning the photos are folded away already: one disclosure, not two.
  d.set("sensitive", v.post.sensitive && has_photos && v.post.spoiler_text.empty());
  d.set("likes", likes_data(c, v));
  if (v.reblogs_count > 0) {
    d.set("shares", c.number(v.reblogs_count));
    d.set("shares_word", c.plural("post.shares_word", v.reblogs_count));
  }

  // The post it answers, as the reader may see it.
  if (!v.post.in_reply_to_id.is_none()) {
    auto parent = c.s.posts.get(viewer, v.post.in_reply_to_id);
    if (parent.has_value() && !parent->reblog) {
      Data p;
      p.set("cw", false);
      p.set("author", account_data(c, parent->author.account));
      p.set("url", post_path(parent->author.account, parent->post.id));
      p.set("content_html", parent->post.content_html);
      if (!parent->post.spoiler_text.empty()) p.set("cw", warning_text(parent->post.spoiler_text));
      p.set("see_from", c.t_html("post.see_the_post_from", {{"time", time_html(c, parent->post.created_at_ms)}}));
      d.set("in_reply_to", std::move(p));
    }
  }

  if (v.support && !v.support->resources.empty()) d.set("support", support_data(c, *v.support));
  d.set("poll", v.poll ? Value(poll_data(c, v, draft.poll_error)) : Value(false));

  // Comments.
  Data cs;
  // Replies to comments, nested one level as photo apps show them: the newest few of each, all
  // read in one batch.
  std::vector<Id> with_replies;
  for (const auto& comment : comments->items)
    if (comment.replies_count > 0) with_replies.push_back(comment.post.id);
  std::vector<std::vector<social::PostView>> threads;
  if (!with_replies.empty()) {
    auto read = c.s.comments.reply_threads(viewer, with_replies, kRepliesShown);
    if (!read.has_value()) return failure(c, read.error());
    threads = std::move(*read);
  }
  Data items = list();
  size_t next_thread = 0;
  for (const auto& comment : comments->items) {
    Data cd = comment_data(c, comment, author);
    if (c.me) cd.set("acts", comment_acts(c, comment, v, true));
    if (comment.replies_count > 0) {
      const auto& replies = threads[next_thread++];
      if (!replies.empty()) {
        Data thread = list();
        for (const auto& reply : replies) {
          Data rd = comment_data(c, reply, author);
          if (c.me) rd.set("acts", comment_acts(c, reply, v, false));
          thread.push_back(std::move(rd));
        }
        cd.set("thread", std::move(thread));
        cd.set("has_thread", true);
        cd.set("more_replies", comment.replies_count > static_cast<int64_t>(replies.size()));
      }
    }
    items.push_back(std::move(cd));
  }
  cs.set("items", std::move(items));
  cs.set("has_items", !comments->items.empty());
  cs.set("count", c.number(v.replies_count));
  cs.set("count_value", std::to_string(v.replies_count));
  cs.set("is_top", q.order == social::CommentOrder::kTop);
  cs.set("is_recent", q.order == social::CommentOrder::kRecent);
  cs.set("top_url", comments_url(path, social::CommentOrder::kTop, ""));
  cs.set("recent_url", comments_url(path, social::CommentOrder::kRecent, ""));
  if (!comments->next_cursor.empty())
    cs.set("more_url", comments_url(path, q.order, comments->next_cursor));
  if (!q.cursor.empty()) cs.set("first_url", comments_url(path, q.order, ""));
  if (const std::string policy = policy_sentence(c, v); !policy.empty()) cs.set("policy", policy);
  cs.set("form", false);
  cs.set("cannot_reply", false);
  cs.set("signed_out", !c.me);
  cs.set("sign_in_prompt", c.t_html("post.to_like_or_comment",
                                    {{"link", html_link("/auth/sign_in?return_to=" + http::percent_encode(path),
                                                        c.t("post.sign_in"))}}));
  if (c.me && v.can_reply) {
    Data f;
    f.set("reply_to", false);
    Id reply_to = draft.in_reply_to_id;
    if (reply_to.is_none()) {
      if (auto r = params->get("reply_to")) {
        if (auto rid = Id::parse(std::string(*r))) reply_to = *rid;
      }
    }
    std::string text = draft.text;
    f.set("label", c.t("post.add_a_comment"));
    if (!reply_to.is_none() && reply_to != v.post.id) {
      auto target = c.s.posts.get(viewer, reply_to);
      if (target.has_value() && target->post.in_reply_to_id == v.post.id) {
        Data rt;
        rt.set("id", reply_to.to_string());
        rt.set("name", name_of(target->author.account));
        rt.set("cancel_url", path + "#comment-form");
        f.set("reply_to", std::move(rt));
        f.set("label", c.t("post.your_reply_to", {{"name", name_of(target->author.account)}}));
        if (text.empty() && target->author.account.id != c.me->account.id)
          text = "@" + target->author.account.username + " ";
      }
    }
    f.set("text", text);
    f.set("error", draft.error.empty() ? Value(false) : Value(draft.error));
    f.set("max", std::to_string(c.s.config.max_status_chars));
    cs.set("form", std::move(f));
  } else if (c.me) {
    cs.set("cannot_reply", cannot_reply_sentence(c, v));
    cs.set("policy", false);  // the sentence above says it
  }
  d.set("comments", std::move(cs));

  Page page;
  const std::string who = name_of(author);
  const std::string text = snippet(v.post.text, 200);
  // Behind a content warning the title quotes the warning, as Mastodon's does, not the text.
  const std::string short_text =
      snippet(v.post.spoiler_text.empty() ? v.post.text : v.post.spoiler_text, 60);
  page.title = c.t("page.title", {{"title", short_text.empty() ? who : c.t("post.title_quote", {{"name", who}, {"text", short_text}})},
                                  {"site", c.s.config.title}});
  page.description =
      v.post.spoiler_text.empty() ? text : c.t("post.content_warning_prefix", {{"warning", snippet(v.post.spoiler_text, 200)}});
  page.canonical = c.absolute(path);
  page.noindex = !author.indexable;
  Preview pv;
  pv.type = "article";
  pv.title = c.t("list.name_and_username", {{"name", who}, {"username", author.username}});
  pv.description = page.description;
  pv.url = page.canonical;
  // No photo in a preview of a post behind a warning: the preview would show what the warning
  // hides.
  if (!v.post.sensitive && v.post.spoiler_text.empty() && has_photos &&
      v.media.front().state == social::MediaState::kReady) {
    const social::Media& m = v.media.front();
    pv.image = Preview::Image{c.absolute(media_path(m.original.blob)), m.original.width,
                              m.original.height, m.description};
  }
  page.preview = pv;
  page.styles = {"post.css"};
  if (c.me) page.styles.push_back("forms.css");
  page.body_html = c.render("post", d);
  return page_response(c, draft.status, std::move(page));
}

}  // namespace kindred::web
