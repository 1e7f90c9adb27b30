#include "social/safety/reports.h"

#include <algorithm>

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
  b.add_assoc({store::kInstanceNode, AssocType::kOpenReports, r.id, r.id, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return r;
}

std::vector<InstanceRule> ReportService::rules() const {
  return rules_ ? rules_in_force(rules_->rules()) : std::vector<InstanceRule>{};
}

Result<Report> ReportService::get(const Viewer& viewer, Id report_id) const {
  auto bytes = deps_.store.get_object(ObjectType::kReport, report_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Report r, Report::decode(*bytes));
  if (r.reporter_id != viewer.account_id) return Status::not_found("Record not found");
  return r;
}

}  // namespace kindred::social
