#include "social/safety/reports.h"

#include <algorithm>
#include <unordered_map>

#include "core/record.h"
#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

template <class V>
void Report::field_list(V& v) {
  v.version(1);
  v(id, reporter_id, target_account_id, record::at_most(status_ids, kMaxReportStatuses),
    record::at_most(rule_ids, kMaxReportStatuses), comment,
    record::upto(category, ReportCategory::kViolation), forward, created_at_ms, action_taken,
    action_taken_at_ms);
  v.may_end_here();  // written before moderation
  v(assigned_account_id, action_taken_by_id, updated_at_ms);
}
std::string Report::encode() const { return record::encode(*this); }
Result<Report> Report::decode(std::string_view b) { return record::decode<Report>(b, "report"); }

std::optional<ReportCategory> parse_report_category(std::string_view name) {
  if (name == "other") return ReportCategory::kOther;
  if (name == "spam") return ReportCategory::kSpam;
  if (name == "legal") return ReportCategory::kLegal;
  if (name == "violation") return ReportCategory::kViolation;
  return std::nullopt;
}

std::string_view report_category_name(ReportCategory c) {
  switch (c) {
    case ReportCategory::kSpam: return "spam";
    case ReportCategory::kLegal: return "legal";
    case ReportCategory::kViolation: return "violation";
    case ReportCategory::kOther: break;
  }
  return "other";
}

Result<Report> ReportService::file(const Viewer& reporter, const ReportRequest& request) {
  KINDRED_ASSIGN_OR_RETURN(Account target, accounts_.get(request.target_account_id));
  if (target.id == reporter.account_id) {
    return Status::invalid_argument("Validation failed: You cannot report yourself");
  }
  Report r;
  if (!request.rule_ids.empty()) {
    r.category = ReportCategory::kViolation;
  } else if (request.category.empty()) {
    r.category = ReportCategory::kOther;
  } else {
    auto c = parse_report_category(request.category);
    if (!c) return Status::invalid_argument("'" + request.category + "' is not a valid category");
    r.category = *c;
  }
  KINDRED_RETURN_IF_ERROR(check_length("Comment", request.comment, kMaxReportComment));
  if (!request.rule_ids.empty()) {
    // As Mastodon's Report#validate_rule_ids: every id names a rule (removed ones too), once.
    const std::vector<InstanceRule> all = rules_ ? rules_->rules() : std::vector<InstanceRule>{};
    std::vector<Id> ids = request.rule_ids;
    std::sort(ids.begin(), ids.end());
    const bool repeated = std::adjacent_find(ids.begin(), ids.end()) != ids.end();
    const bool unknown = std::any_of(ids.begin(), ids.end(), [&all](Id id) {
      return std::none_of(all.begin(), all.end(), [id](const InstanceRule& x) { return x.id == id; });
    });
    if (repeated || unknown || ids.size() > kMaxReportStatuses)
      return Status::invalid_argument("Validation failed: Rule ids does not reference valid rules");
    r.rule_ids = request.rule_ids;
  }
  if (request.status_ids.size() > kMaxReportStatuses) {
    return Status::invalid_argument("Validation failed: Too many statuses");
  }
  for (Id sid : request.status_ids) {
    if (std::find(r.status_ids.begin(), r.status_ids.end(), sid) != r.status_ids.end()) continue;
    KINDRED_ASSIGN_OR_RETURN(Post p, posts_.get_visible_post(reporter, sid));
    if (p.account_id != target.id) return Status::not_found("Record not found");
    r.status_ids.push_back(sid);
  }
  r.id = deps_.ids.next();
  r.reporter_id = reporter.account_id;
  r.target_account_id = target.id;
  r.comment = request.comment;
  r.forward = request.forward;
  r.created_at_ms = deps_.clock.now_ms();
  store::Batch b;
  b.put_object(ObjectType::kReport, r.id, r.encode());
  b.add_assoc({reporter.account_id, AssocType::kReportsFiled, r.id, r.id, {}});
  b.add_assoc({target.id, AssocType::kReportsAgainst, r.id, r.id, {}});
  b.add_assoc({store::kInstanceNode, AssocType::kOpenReports, r.id, r.id, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return r;
}

std::vector<InstanceRule> ReportService::rules() const {
  return rules_ ? rules_in_force(rules_->rules()) : std::vector<InstanceRule>{};
}

Result<Report> ReportService::load(Id report_id) const {
  auto bytes = deps_.store.get_object(ObjectType::kReport, report_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return Report::decode(*bytes);
}

Result<Report> ReportService::get(const Viewer& viewer, Id report_id) const {
  KINDRED_ASSIGN_OR_RETURN(Report r, load(report_id));
  if (r.reporter_id != viewer.account_id) return Status::not_found("Record not found");
  return r;
}

namespace {

Status require_staff(const Account& a) {
  if (!is_staff(a)) return Status::permission_denied("This action is not allowed");
  return Status::ok();
}

bool matches(const Report& r, const ReportFilter& f) {
  return r.action_taken == f.resolved &&
         (f.account_id.is_none() || r.reporter_id == f.account_id) &&
         (f.target_account_id.is_none() || r.target_account_id == f.target_account_id);
}

}  // namespace

Result<std::vector<ReportView>> ReportService::views(const Account& moderator,
                                                     const std::vector<Report>& reports) const {
  std::vector<Id> account_ids;
  std::vector<Id> status_ids;
  for (const Report& r : reports) {
    for (Id id : {r.reporter_id, r.target_account_id, r.assigned_account_id, r.action_taken_by_id})
      if (!id.is_none()) account_ids.push_back(id);
    status_ids.insert(status_ids.end(), r.status_ids.begin(), r.status_ids.end());
  }
  // Moderators see suspended accounts too.
  KINDRED_ASSIGN_OR_RETURN(auto accounts, accounts_.views_with_hidden(account_ids));
  std::unordered_map<Id, AccountView> by_id;
  for (auto& a : accounts) by_id.emplace(a.account.id, std::move(a));
  // Moderators see the reported posts whatever their visibility, as Mastodon's.
  KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.stored_posts(status_ids));
  KINDRED_ASSIGN_OR_RETURN(auto post_views, posts_.views_of(Viewer{moderator.id}, std::move(posts)));
  std::unordered_map<Id, PostView> post_by_id;
  for (auto& p : post_views) post_by_id.emplace(p.post.id, std::move(p));
  const std::vector<InstanceRule> all_rules =
      rules_ ? rules_->rules() : std::vector<InstanceRule>{};

  std::vector<ReportView> out;
  for (const Report& r : reports) {
    auto reporter = by_id.find(r.reporter_id);
    auto target = by_id.find(r.target_account_id);
    if (reporter == by_id.end() || target == by_id.end()) continue;  // an account is gone
    ReportView v{r, reporter->second, target->second, {}, {}, {}, {}};
    if (auto a = by_id.find(r.assigned_account_id); a != by_id.end()) v.assigned_account = a->second;
    if (auto a = by_id.find(r.action_taken_by_id); a != by_id.end())
      v.action_taken_by_account = a->second;
    for (Id sid : r.status_ids)
      if (auto p = post_by_id.find(sid); p != post_by_id.end()) v.statuses.push_back(p->second);
    for (Id rid : r.rule_ids)
      for (const InstanceRule& rule : all_rules)
        if (rule.id == rid) v.rules.push_back(rule);
    out.push_back(std::move(v));
  }
  return out;
}

Result<Page<ReportView>> ReportService::list_for_moderator(const Account& moderator,
                                                           const ReportFilter& filter,
                                                           const ListQuery& q) const {
  KINDRED_RETURN_IF_ERROR(require_staff(moderator));
  // Walk the narrowest list that holds every match, keeping those that match the whole filter.
  Id from = store::kInstanceNode;
  AssocType type = filter.resolved ? AssocType::kResolvedReports : AssocType::kOpenReports;
  if (!filter.target_account_id.is_none()) {
    from = filter.target_account_id;
    type = AssocType::kReportsAgainst;
  } else if (!filter.account_id.is_none()) {
    from = filter.account_id;
    type = AssocType::kReportsFiled;
  }
  bool reverse = false;
  store::RangeQuery rq = to_range_query(q, reverse);
  std::vector<Report> found;
  std::vector<Id> positions;
  while (found.size() < q.limit) {
    rq.limit = std::max<size_t>(q.limit - found.size(), 20);
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(from, type, rq));
    std::vector<Id> ids;
    for (const auto& a : range.items) ids.push_back(a.to);
    KINDRED_ASSIGN_OR_RETURN(auto bytes, deps_.store.get_objects(ObjectType::kReport, ids));
    for (size_t i = 0; i < bytes.size() && found.size() < q.limit; ++i) {
      if (!bytes[i]) continue;
      KINDRED_ASSIGN_OR_RETURN(Report r, Report::decode(*bytes[i]));
      if (!matches(r, filter)) continue;
      found.push_back(std::move(r));
      positions.push_back(range.items[i].position);
    }
    if (!range.more || range.items.empty()) break;
    (rq.oldest_first ? rq.min_position : rq.max_position) = range.items.back().position;
  }
  if (reverse) {
    std::reverse(found.begin(), found.end());
    std::reverse(positions.begin(), positions.end());
  }
  KINDRED_ASSIGN_OR_RETURN(auto vs, views(moderator, found));
  Page<ReportView> page;
  for (auto& v : vs) {
    // views() skips reports whose accounts are gone; keep positions aligned.
    const auto at = std::find_if(found.begin(), found.end(),
                                 [&v](const Report& r) { return r.id == v.report.id; });
    page.positions.push_back(positions[static_cast<size_t>(at - found.begin())]);
    page.items.push_back(std::move(v));
  }
  return page;
}

Result<ReportView> ReportService::get_for_moderator(const Account& moderator, Id report_id) const {
  KINDRED_RETURN_IF_ERROR(require_staff(moderator));
  KINDRED_ASSIGN_OR_RETURN(Report r, load(report_id));
  KINDRED_ASSIGN_OR_RETURN(auto vs, views(moderator, {r}));
  if (vs.empty()) return Status::not_found("Record not found");
  return std::move(vs.front());
}

Result<ReportView> ReportService::moderate(const Account& moderator, Id report_id,
                                           ReportChange change) {
  KINDRED_RETURN_IF_ERROR(require_staff(moderator));
  Report r;
  {
    std::lock_guard lock(moderation_mu_);
    KINDRED_ASSIGN_OR_RETURN(r, load(report_id));
    const int64_t now = deps_.clock.now_ms();
    store::Batch b;
    AuditAction action = AuditAction::kAssignedToSelf;
    switch (change) {
      case ReportChange::kAssignToSelf:
        r.assigned_account_id = moderator.id;
        break;
      case ReportChange::kUnassign:
        r.assigned_account_id = Id();
        action = AuditAction::kUnassigned;
        break;
      case ReportChange::kResolve:
        r.action_taken = true;
        r.action_taken_at_ms = now;
        r.action_taken_by_id = moderator.id;
        b.remove_assoc(store::kInstanceNode, AssocType::kOpenReports, r.id);
        b.add_assoc({store::kInstanceNode, AssocType::kResolvedReports, r.id, r.id, {}});
        action = AuditAction::kResolve;
        break;
      case ReportChange::kReopen:
        r.action_taken = false;
        r.action_taken_at_ms = 0;
        r.action_taken_by_id = Id();
        b.remove_assoc(store::kInstanceNode, AssocType::kResolvedReports, r.id);
        b.add_assoc({store::kInstanceNode, AssocType::kOpenReports, r.id, r.id, {}});
        action = AuditAction::kReopen;
        break;
    }
    r.updated_at_ms = now;
    b.put_object(ObjectType::kReport, r.id, r.encode());
    audit_.record(b, moderator.id, action, AuditTarget::kReport, r.id);
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  }
  KINDRED_ASSIGN_OR_RETURN(auto vs, views(moderator, {r}));
  if (vs.empty()) return Status::not_found("Record not found");
  return std::move(vs.front());
}

}  // namespace kindred::social
