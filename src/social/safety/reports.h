#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "social/model/context.h"
#include "social/posts/posts.h"
#include "social/safety/audit.h"
#include "social/safety/rules.h"

namespace kindred::social {

enum class ReportCategory : uint8_t { kOther = 0, kSpam = 1, kLegal = 2, kViolation = 3 };

// "spam", "legal", "violation", "other"; nullopt for anything else.
std::optional<ReportCategory> parse_report_category(std::string_view name);
std::string_view report_category_name(ReportCategory c);

// A person's report of an account, and perhaps some of its posts, to this server's moderators.
struct Report {
  Id id;
  Id reporter_id;
  Id target_account_id;
  std::vector<Id> status_ids;
  std::vector<Id> rule_ids;
  std::string comment;  // at most kMaxReportComment characters
  ReportCategory category = ReportCategory::kOther;
  bool forward = false;  // asked to forward to the account's server (never remote here)
  int64_t created_at_ms = 0;
  bool action_taken = false;  // resolved
  int64_t action_taken_at_ms = 0;
  // Moderation (appended): the moderator the report is assigned to, the one who resolved it, and
  // when it last changed (0: never since filed).
  Id assigned_account_id;
  Id action_taken_by_id;
  int64_t updated_at_ms = 0;

  template <class V>
  void field_list(V& v);
  std::string encode() const;
  static Result<Report> decode(std::string_view bytes);
};

struct ReportRequest {
  Id target_account_id;
  std::vector<Id> status_ids;
  std::vector<Id> rule_ids;
  std::string comment;
  std::string category;  // empty: "other"; ignored when rule ids are given: "violation" (as Mastodon)
  bool forward = false;
};

// A report as moderators see it (Mastodon's Admin::Report): the accounts it names, the reported
// posts that still exist, and the rules it cites.
struct ReportView {
  Report report;
  AccountView account;  // the reporter
  AccountView target_account;
  std::optional<AccountView> assigned_account;
  std::optional<AccountView> action_taken_by_account;
  std::vector<PostView> statuses;
  std::vector<InstanceRule> rules;
};

// Which reports a moderator lists (Mastodon's ReportFilter): open ones unless `resolved`, and
// only those by `account_id` or about `target_account_id` when set.
struct ReportFilter {
  bool resolved = false;
  Id account_id;
  Id target_account_id;
};

// What a moderator does to a report.
enum class ReportChange { kAssignToSelf, kUnassign, kResolve, kReopen };

inline constexpr size_t kMaxReportComment = 1000;
inline constexpr size_t kMaxReportStatuses = 100;

// Reports: filed by anyone signed in, seen by the reporter and by moderators (accounts whose
// role_of() is moderator or admin), citing the server's rules from `rules` (null: the server has
// none). Every moderator change is written to the audit log with it. Thread-safe: moderator
// changes are serialised by one lock (they are rare); filing needs none.
class ReportService {
 public:
  ReportService(Deps deps, const AccountService& accounts, const PostService& posts,
                const RuleSource* rules = nullptr)
      : deps_(deps), accounts_(accounts), posts_(posts), rules_(rules) {}

  // Files a report as `reporter`. Errors: NotFound if the account does not exist, or a status is
  // not one of its posts that the reporter may see; InvalidArgument for an unknown category, a
  // comment over kMaxReportComment characters, more than kMaxReportStatuses statuses, rule ids
  // that name no rule of this server (removed rules still count, as Mastodon's discarded ones)
  // or name one twice, or a report of oneself. Rule ids make the category "violation".
  Result<Report> file(const Viewer& reporter, const ReportRequest& request);
  // One report, for its reporter. Errors: NotFound for anyone else.
  Result<Report> get(const Viewer& viewer, Id report_id) const;
  // The server's rules in force, in order, that reports may cite.
  std::vector<InstanceRule> rules() const;

  // Moderators' side. Every call needs is_staff(moderator): PermissionDenied ("This action is
  // not allowed", Mastodon's words) otherwise, checked before anything else.
  //
  // Reports matching `filter`, newest first, paged by report id (max_id, since_id, min_id).
  Result<Page<ReportView>> list_for_moderator(const Account& moderator, const ReportFilter& filter,
                                              const ListQuery& q) const;
  // One report. Errors: NotFound ("Record not found").
  Result<ReportView> get_for_moderator(const Account& moderator, Id report_id) const;
  // Applies `change` as Mastodon does (assigning to oneself replaces any assignee; resolving
  // records who and when and leaves the open queue; reopening clears both and returns to it;
  // repeating a change repeats it) and writes its audit entry in the same batch.
  // Errors: NotFound; PermissionDenied.
  Result<ReportView> moderate(const Account& moderator, Id report_id, ReportChange change);
  // The audit log of moderator actions (read by admins; its API comes later).
  const AuditLog& audit_log() const { return audit_; }

 private:
  Result<Report> load(Id report_id) const;
  // Views of `reports` (in order) as `moderator` reads them, accounts and posts read in batches.
  Result<std::vector<ReportView>> views(const Account& moderator,
                                        const std::vector<Report>& reports) const;

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  const RuleSource* rules_;
  AuditLog audit_{deps_};
  std::mutex moderation_mu_;
};

}  // namespace kindred::social
