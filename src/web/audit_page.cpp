// GET /admin/audit: the audit log of moderator actions, newest first, paged ("Older entries",
// ?max_id=), each line a sentence ("Cat resolved report 1234", "Cat suspended @troll") with its
// time. Readable by moderators and admins, as Mastodon's AuditLogPolicy (view_audit_log, which
// its Moderator role holds); anyone else signed in gets a 403 page.
#include <array>

#include "social/safety/audit_views.h"
#include "web/escape.h"
#include "web/moderation.h"
#include "web/people.h"
#include "web/routes.h"

namespace kindred::web {

namespace {

constexpr size_t kAuditPage = 50;

// The sentence of each action: {name} is the moderator, {report} a link to the report or
// {account} the account acted on.
struct Sentence {
  social::AuditAction action;
  std::string_view key;
};
constexpr std::array<Sentence, 16> kSentences = {{
    {social::AuditAction::kAssignedToSelf, "admin.audit.assigned_to_self"},
    {social::AuditAction::kUnassigned, "admin.audit.unassigned"},
    {social::AuditAction::kResolve, "admin.audit.resolve"},
    {social::AuditAction::kReopen, "admin.audit.reopen"},
    {social::AuditAction::kWarn, "admin.audit.warn"},
    {social::AuditAction::kSensitive, "admin.audit.sensitive"},
    {social::AuditAction::kDisable, "admin.audit.disable"},
    {social::AuditAction::kSilence, "admin.audit.silence"},
    {social::AuditAction::kSuspend, "admin.audit.suspend"},
    {social::AuditAction::kEnable, "admin.audit.enable"},
    {social::AuditAction::kUnsensitive, "admin.audit.unsensitive"},
    {social::AuditAction::kUnsilence, "admin.audit.unsilence"},
    {social::AuditAction::kUnsuspend, "admin.audit.unsuspend"},
    {social::AuditAction::kApprove, "admin.audit.approve"},
    {social::AuditAction::kReject, "admin.audit.reject"},
    {social::AuditAction::kDestroy, "admin.audit.destroy"},
}};

std::string_view sentence_key(social::AuditAction a) {
  for (const auto& s : kSentences)
    if (s.action == a) return s.key;
  return kSentences.front().key;
}

// One line as HTML: the sentence with the moderator's name, and a link to the report or the
// account's @username (as text: a suspended account has no page).
std::string line_html(const PageContext& c, const social::AuditEntryView& v) {
  const social::AuditEntry& e = v.entry;
  std::string target;
  if (e.target_type == social::AuditTarget::kReport) {
    target = html_link("/admin/reports/" + e.target_id.to_string(),
                       c.t("admin.audit.report", {{"id", e.target_id.to_string()}}));
  } else if (v.target_account) {
    target = escape_html("@" + v.target_account->account.username);
  } else {
    target = escape_html(c.t("admin.audit.gone_account"));
  }
  return c.t_html(sentence_key(e.action), {{"name", escape_html(name_of(v.account.account))},
                                           {"report", target},
                                           {"account", target}});
}

http::Response audit_page(const PageContext& c) {
  if (!social::is_staff(c.me->account)) return forbidden_page(c);
  auto max_id = query_max_id(c);
  if (!max_id) return error_page(c, 400);
  social::ListQuery q;
  q.max_id = *max_id;
  q.limit = kAuditPage;
  auto page = social::read_audit_log(c.s.reports->audit_log(), c.s.accounts, c.me->account, q);
  if (!page.has_value()) return failure(c, page.error());
  Data items = list();
  for (const auto& v : page->items) {
    Data item;
    item.set("line", line_html(c, v));
    item.set("time", time_data(c, v.entry.created_at_ms));
    items.push_back(std::move(item));
  }
  Data d;
  d.set("nav", moderation_nav(c, ModerationTab::kAudit));
  d.set("has_items", !page->items.empty());
  d.set("items", std::move(items));
  d.set("empty", c.t(q.max_id.is_none() ? "admin.audit.none" : "admin.audit.no_older"));
  std::string older;
  if (page->items.size() >= q.limit && !page->positions.empty())
    older = "/admin/audit?max_id=" + page->positions.back().to_string();
  d.set("older_url", older.empty() ? Data(false) : Data(older));
  d.set("newest", !q.max_id.is_none());
  Page p;
  p.title = c.t("page.title", {{"title", c.t("admin.audit.title")}, {"site", c.s.config.title}});
  p.styles = {"admin.css"};
  p.body_html = c.render("admin_audit", d);
  return page_response(c, 200, std::move(p));
}

}  // namespace

void register_audit_page(const Routes& r) {
  r.router.add(http::Method::kGet, "/admin/audit", signed_in_page(r.s, r.assets, r.limiter, audit_page));
}

}  // namespace kindred::web
