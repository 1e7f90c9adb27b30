// The moderation pages, for moderators and admins (social::is_staff): /admin/reports, the queue
// of open reports (and the resolved ones), newest first and paged; /admin/reports/:id, one report
// with its comment, cited rules, the reported posts and the account's recent posts, and its forms
// (assign to me, unassign, resolve, reopen, and an action on the account: warn, mark sensitive,
// disable, limit, suspend, with a note). Anyone else signed in gets a 403 page; signed out, the
// sign-in page. Built on social::ReportService and social::ModerationService as the admin API is.
#include "web/moderation.h"

#include <algorithm>
#include <array>

#include "social/graph/feeds.h"
#include "social/model/text.h"
#include "social/safety/moderation.h"
#include "web/escape.h"
#include "web/people.h"
#include "web/routes.h"
#include "web/settings_pages.h"

namespace kindred::web {

namespace {

constexpr size_t kQueuePage = 20;
constexpr size_t kRecentPosts = 10;
constexpr size_t kExcerptChars = 140;

// The report's forms and the sentence each leaves on the report's page (?done=).
struct Change {
  std::string_view path;  // after /admin/reports/:id/
  social::ReportChange change;
  std::string_view done;  // the ?done= code
  std::string_view sentence;
};
constexpr std::array<Change, 4> kChanges = {{
    {"assign_to_self", social::ReportChange::kAssignToSelf, "assigned", "admin.report.done_assigned"},
    {"unassign", social::ReportChange::kUnassign, "unassigned", "admin.report.done_unassigned"},
    {"resolve", social::ReportChange::kResolve, "resolved", "admin.report.done_resolved"},
    {"reopen", social::ReportChange::kReopen, "reopened", "admin.report.done_reopened"},
}};

// The actions on the reported account (Mastodon's POST /api/v1/admin/accounts/:id/action types),
// as the form offers them, and the sentence each leaves on the report's page.
struct AccountActionInfo {
  social::AccountAction action;
  std::string_view value;     // the form's value, Mastodon's type name
  std::string_view label;     // message keys
  std::string_view hint;
  std::string_view done;      // the ?done= code
  std::string_view sentence;
};
constexpr std::array<AccountActionInfo, 5> kAccountActions = {{
    {social::AccountAction::kNone, "none", "admin.act.none", "admin.act.none_hint", "warned",
     "admin.act.done_warned"},
    {social::AccountAction::kSensitive, "sensitive", "admin.act.sensitive", "admin.act.sensitive_hint",
     "sensitized", "admin.act.done_sensitized"},
    {social::AccountAction::kDisable, "disable", "admin.act.disable", "admin.act.disable_hint",
     "disabled", "admin.act.done_disabled"},
    {social::AccountAction::kSilence, "silence", "admin.act.silence", "admin.act.silence_hint",
     "silenced", "admin.act.done_silenced"},
    {social::AccountAction::kSuspend, "suspend", "admin.act.suspend", "admin.act.suspend_hint",
     "suspended", "admin.act.done_suspended"},
}};

// The note a moderator may add to an action, as the person will read it.
constexpr size_t kMaxNoteChars = 5000;

// The account-action form as sent, with what was wrong with it.
struct ActForm {
  std::string type;
  std::string text;
  std::string type_error;
  std::string text_error;
  std::string error;  // the action as a whole was refused
};

std::string_view category_key(social::ReportCategory category) {
  switch (category) {
    case social::ReportCategory::kSpam: return "admin.category.spam";
    case social::ReportCategory::kLegal: return "admin.category.legal";
    case social::ReportCategory::kViolation: return "admin.category.violation";
    case social::ReportCategory::kOther: break;
  }
  return "admin.category.other";
}

std::string report_path(Id id) { return "/admin/reports/" + id.to_string(); }

// {name, username, url, ...} of an account a moderator reads about, with what moderation did to it.
Data moderated_account(const PageContext& c, const social::Account& a) {
  Data d = account_data(c, a);
  std::string marks;
  auto add = [&](bool on, const char* key) {
    if (!on) return;
    if (!marks.empty()) marks += ", ";
    marks += c.t(key);
  };
  add(a.suspended_at_ms != 0, "admin.mark.suspended");
  add(a.silenced, "admin.mark.limited");
  add(a.sensitized, "admin.mark.sensitive");
  add(a.disabled, "admin.mark.disabled");
  add(a.deleted_at_ms != 0, "admin.mark.deleted");
  d.set("marks", marks.empty() ? Data(false) : Data(marks));
  return d;
}

// The query's `resolved` (the Resolved tab): false when absent; nullopt when malformed.
std::optional<bool> query_resolved(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return std::nullopt;
  auto v = params->get("resolved");
  if (!v || v->empty() || *v == "0") return false;
  if (*v == "1") return true;
  return std::nullopt;
}

http::Response queue_page(const PageContext& c) {
  if (!social::is_staff(c.me->account)) return forbidden_page(c);
  auto resolved = query_resolved(c);
  auto max_id = query_max_id(c);
  if (!resolved || !max_id) return error_page(c, 400);
  social::ReportFilter filter;
  filter.resolved = *resolved;
  social::ListQuery q;
  q.max_id = *max_id;
  q.limit = kQueuePage;
  auto page = c.s.reports->list_for_moderator(c.me->account, filter, q);
  if (!page.has_value()) return failure(c, page.error());

  Data items = list();
  for (const auto& v : page->items) {
    const social::Report& r = v.report;
    Data item;
    item.set("url", report_path(r.id));
    item.set("target", moderated_account(c, v.target_account.account));
    item.set("title", c.t("admin.report.title", {{"name", name_of(v.target_account.account)}}));
    item.set("by", c.t("admin.queue.by", {{"name", name_of(v.account.account)}}));
    item.set("category", c.t(category_key(r.category)));
    const auto posts = static_cast<int64_t>(r.status_ids.size());
    item.set("posts", c.plural("admin.queue.posts", posts, {{"count", c.number(posts)}}));
    item.set("assignee", v.assigned_account ? c.t("admin.queue.assigned_to",
                                                  {{"name", name_of(v.assigned_account->account)}})
                                            : c.t("admin.queue.unassigned"));
    item.set("excerpt", r.comment.empty() ? Data(false) : Data(snippet(r.comment, kExcerptChars)));
    item.set("time", time_data(c, r.created_at_ms));
    items.push_back(std::move(item));
  }
  const std::string base = *resolved ? "/admin/reports?resolved=1&" : "/admin/reports?";
  std::string older;
  if (page->items.size() >= q.limit && !page->positions.empty())
    older = base + "max_id=" + page->positions.back().to_string();
  Data d;
  d.set("nav", moderation_nav(c, *resolved ? ModerationTab::kResolved : ModerationTab::kOpen));
  d.set("heading", c.t(*resolved ? "admin.queue.resolved_heading" : "admin.queue.open_heading"));
  d.set("has_items", !page->items.empty());
  d.set("items", std::move(items));
  d.set("empty", c.t(!q.max_id.is_none() ? "admin.queue.no_older"
                     : *resolved       ? "admin.queue.none_resolved"
                                       : "admin.queue.none_open"));
  d.set("older_url", older.empty() ? Data(false) : Data(older));
  d.set("newest_url", q.max_id.is_none() ? Data(false)
                                         : Data(std::string(*resolved ? "/admin/reports?resolved=1"
                                                                      : "/admin/reports")));
  Page p;
  p.title = c.t("page.title", {{"title", c.t("admin.queue.title")}, {"site", c.s.config.title}});
  p.styles = {"post.css", "feed.css", "forms.css", "admin.css"};
  p.body_html = c.render("admin_reports", d);
  return page_response(c, 200, std::move(p));
}

// The sentence the request's ?done= names, or "".
std::string done_sentence(const PageContext& c) {
  auto params = http::Params::parse(c.req.query);
  if (!params) return "";
  auto code = params->get("done");
  if (!code) return "";
  for (const auto& ch : kChanges)
    if (ch.done == *code) return c.t(ch.sentence);
  for (const auto& a : kAccountActions)
    if (a.done == *code) return c.t(a.sentence);
  return "";
}

// The account-action form (admin_act.mustache) for `target`, refilled from `f`.
std::string act_form_html(const PageContext& c, const social::Report& r, const social::Account& target,
                          const ActForm& f) {
  Data d;
  d.set("heading", c.t("admin.act.heading", {{"name", name_of(target)}}));
  d.set("id", r.id.to_string());
  d.set("csrf", c.csrf());
  d.set("text", f.text);
  d.set("max_chars", std::to_string(kMaxNoteChars));
  d.set("error", f.error.empty() ? Data(false) : Data(f.error));
  d.set("type_error", f.type_error.empty() ? Data(false) : Data(f.type_error));
  d.set("text_error", f.text_error.empty() ? Data(false) : Data(f.text_error));
  d.set("resolves", !r.action_taken);
  Data types = list();
  for (const auto& a : kAccountActions) {
    Data t;
    t.set("value", std::string(a.value));
    t.set("label", c.t(a.label));
    t.set("hint", c.t(a.hint, {{"name", name_of(target)}}));
    t.set("checked", f.type == a.value);
    types.push_back(std::move(t));
  }
  d.set("types", std::move(types));
  return c.render("admin_act", d);
}

std::string cards(const PageContext& c, const std::vector<social::PostView>& posts,
                  const std::string& here) {
  CardOptions o;
  o.return_to = here;
  o.level = "3";
  o.actions = false;
  std::string out;
  for (const auto& v : posts) out += render_card(c, v, o);
  return out;
}

// The report's page; after a refused account action, with the form as sent and a 422.
http::Response report_page_with(const PageContext& c, const ActForm& form, int status) {
  auto id = Id::parse(std::string(c.req.param("id")));
  if (!id) return not_found(c);
  auto view = c.s.reports->get_for_moderator(c.me->account, *id);
  if (!view.has_value()) return failure(c, view.error());
  const social::ReportView& v = *view;
  const social::Report& r = v.report;
  const social::Account& target = v.target_account.account;

  Data d;
  d.set("done", false);
  if (std::string done = done_sentence(c); !done.empty()) d.set("done", done);
  d.set("nav", moderation_nav(c, r.action_taken ? ModerationTab::kResolved : ModerationTab::kOpen));
  d.set("heading", c.t("admin.report.title", {{"name", name_of(target)}}));
  d.set("id", r.id.to_string());
  d.set("csrf", c.csrf());
  d.set("target", moderated_account(c, target));
  d.set("reporter", account_data(c, v.account.account));
  d.set("time", time_data(c, r.created_at_ms));
  d.set("category", c.t(category_key(r.category)));
  d.set("comment", r.comment.empty() ? Data(false) : Data(r.comment));
  d.set("resolved", r.action_taken);
  d.set("state", r.action_taken && v.action_taken_by_account
                     ? c.t_html("admin.report.resolved_by",
                                {{"name", escape_html(name_of(v.action_taken_by_account->account))},
                                 {"time", time_html(c, r.action_taken_at_ms)}})
                     : escape_html(c.t(r.action_taken ? "admin.report.resolved" : "admin.report.open")));
  d.set("assignee", v.assigned_account ? Data(name_of(v.assigned_account->account)) : Data(false));
  d.set("assigned_to_me", v.assigned_account && v.assigned_account->account.id == c.me->account.id);
  Data rules = list();
  for (const auto& rule : v.rules) {
    Data item;
    item.set("text", rule.text);
    item.set("hint", rule.hint.empty() ? Data(false) : Data(rule.hint));
    rules.push_back(std::move(item));
  }
  d.set("has_rules", !v.rules.empty());
  d.set("rules", std::move(rules));

  const std::string here = report_path(r.id);
  const auto cited = static_cast<int64_t>(r.status_ids.size());
  d.set("posts_heading", c.t("admin.report.reported_posts"));
  d.set("posts", cards(c, v.statuses, here));
  d.set("has_posts", !v.statuses.empty());
  d.set("posts_note", cited == 0 ? Data(c.t("admin.report.no_posts_cited"))
                      : v.statuses.size() < r.status_ids.size()
                          ? Data(c.plural("admin.report.posts_removed",
                                          cited - static_cast<int64_t>(v.statuses.size()),
                                          {{"count", c.number(cited - static_cast<int64_t>(v.statuses.size()))}}))
                          : Data(false));

  d.set("act_form", c.s.moderation ? Data(act_form_html(c, r, target, form)) : Data(false));

  auto recent = recent_posts(c, target.id, kRecentPosts);
  if (!recent.has_value()) return failure(c, recent.error());
  // The reported posts are shown above (and one id may name one element of the page).
  std::erase_if(*recent, [&v](const social::PostView& p) {
    return std::any_of(v.statuses.begin(), v.statuses.end(),
                       [&p](const social::PostView& s) { return s.post.id == p.post.id; });
  });
  d.set("recent_heading", c.t("admin.report.recent_posts", {{"name", name_of(target)}}));
  d.set("recent", cards(c, *recent, here));
  d.set("has_recent", !recent->empty());

  Page p;
  p.title = c.t("page.title", {{"title", c.t("admin.report.title", {{"name", name_of(target)}})},
                               {"site", c.s.config.title}});
  p.styles = {"post.css", "feed.css", "forms.css", "admin.css"};
  p.body_html = c.render("admin_report", d);
  return page_response(c, status, std::move(p));
}

http::Response report_page(const PageContext& c) {
  if (!social::is_staff(c.me->account)) return forbidden_page(c);
  return report_page_with(c, {}, 200);
}

// POST /admin/reports/:id/act: the chosen action on the reported account, with the report
// resolved by it (as Mastodon's action with a report_id).
http::Response act_post(const PageContext& c) {
  if (!social::is_staff(c.me->account)) return forbidden_page(c);
  auto id = Id::parse(std::string(c.req.param("id")));
  if (!id) return not_found(c);
  auto view = c.s.reports->get_for_moderator(c.me->account, *id);
  if (!view.has_value()) return failure(c, view.error());
  ActForm f;
  f.type = c.field("type");
  const std::optional<std::string> text = settings::text_field(c, "text");
  f.text = text.value_or(c.field("text"));
  const AccountActionInfo* chosen = nullptr;
  for (const auto& a : kAccountActions)
    if (a.value == f.type) chosen = &a;
  if (!chosen) f.type_error = c.t("admin.act.choose");
  if (!text)
    f.text_error = c.t("admin.act.note_unreadable");
  else if (!social::check_length("Note", *text, kMaxNoteChars).is_ok())
    f.text_error = c.t("admin.act.note_too_long", {{"max", c.number(kMaxNoteChars)}});
  if (!f.type_error.empty() || !f.text_error.empty()) return report_page_with(c, f, 422);
  social::ActionRequest request;
  request.type = chosen->action;
  request.report_id = *id;
  request.text = f.text;
  auto done = c.s.moderation->act(c.me->account, view->report.target_account_id, request);
  if (!done.has_value()) {
    switch (done.error().code()) {
      case StatusCode::kPermissionDenied:
        f.error = c.t("admin.act.not_allowed");
        return report_page_with(c, f, 403);
      case StatusCode::kInvalidArgument:
        f.error = c.t("admin.act.refused");
        return report_page_with(c, f, 422);
      default:
        return failure(c, done.error());
    }
  }
  // The form's address names its place (#act, for a refusal's sentence); the notice is at the top.
  return see_other(report_path(*id) + "?done=" + std::string(chosen->done) + "#main");
}

}  // namespace

http::Response forbidden_page(const PageContext& c) {
  Data d;
  const std::string title = c.t("admin.forbidden.title");
  d.set("heading", title);
  d.set("message", c.t("admin.forbidden.message", {{"site", c.s.config.title}}));
  d.set("where_next", c.t_html("admin.forbidden.where_next",
                               {{"home", html_link("/home", c.t("admin.forbidden.home"))}}));
  Page page;
  page.title = c.t("page.title", {{"title", title}, {"site", c.s.config.title}});
  page.body_html = c.render("error", d);
  return page_response(c, 403, std::move(page));
}

std::string moderation_nav(const PageContext& c, ModerationTab current) {
  Data items = list();
  auto add = [&](ModerationTab tab, const char* path, const char* key) {
    Data item;
    item.set("path", path);
    item.set("name", c.t(key));
    item.set("current", tab == current);
    items.push_back(std::move(item));
  };
  add(ModerationTab::kOpen, "/admin/reports", "admin.nav.open");
  add(ModerationTab::kResolved, "/admin/reports?resolved=1", "admin.nav.resolved");
  add(ModerationTab::kAudit, "/admin/audit", "admin.nav.audit");
  Data d;
  d.set("items", std::move(items));
  return c.render("admin_nav", d);
}

Result<std::vector<social::PostView>> recent_posts(const PageContext& c, Id account_id, size_t limit) {
  if (c.s.moderation) return c.s.moderation->recent_posts(c.me->account, account_id, limit);
  // Without the moderation service: the posts the moderator may see (none of a hidden account).
  social::ListQuery q;
  q.limit = limit;
  social::AccountPostsFilter filter;
  filter.exclude_reblogs = true;
  auto page = c.s.feeds.account_posts(c.viewer(), account_id, q, filter);
  if (!page.has_value() && page.error().is_not_found()) return std::vector<social::PostView>{};
  if (!page.has_value()) return page.error();
  return std::move(page->items);
}

void register_moderation_pages(const Routes& r) {
  using http::Method;
  const auto user = Need::kSignedIn;
  r.router.add(Method::kGet, "/admin/reports", signed_in_page(r.s, r.assets, r.limiter, queue_page));
  r.router.add(Method::kGet, "/admin/reports/:id", signed_in_page(r.s, r.assets, r.limiter, report_page));
  for (const Change& ch : kChanges) {
    r.router.add(Method::kPost, "/admin/reports/:id/" + std::string(ch.path),
                 action(r.s, r.assets, r.limiter, user, [ch](const PageContext& c) -> http::Response {
                   if (!social::is_staff(c.me->account)) return forbidden_page(c);
                   auto id = Id::parse(std::string(c.req.param("id")));
                   if (!id) return not_found(c);
                   auto done = c.s.reports->moderate(c.me->account, *id, ch.change);
                   if (!done.has_value()) return failure(c, done.error());
                   return see_other(report_path(*id) + "?done=" + std::string(ch.done));
                 }));
  }
  if (r.s.moderation)
    r.router.add(Method::kPost, "/admin/reports/:id/act", action(r.s, r.assets, r.limiter, user, act_post));
  register_audit_page(r);
}

}  // namespace kindred::web
