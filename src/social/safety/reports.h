#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "social/model/context.h"
#include "social/posts/posts.h"
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
  bool action_taken = false;
  int64_t action_taken_at_ms = 0;

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

inline constexpr size_t kMaxReportComment = 1000;
inline constexpr size_t kMaxReportStatuses = 100;

// Reports: filed by anyone signed in, seen by the reporter (and, later, moderators), citing the
// server's rules from `rules` (null: the server has none). Thread-safe: holds nothing mutable
// besides the store.
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

 private:
  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  const RuleSource* rules_;
};

}  // namespace kindred::social
