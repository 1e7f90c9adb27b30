#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "social/model/context.h"
#include "social/model/views.h"
#include "social/posts/posts.h"
#include "store/store.h"

namespace kindred::social {

// What a moderator did; the names are those of Mastodon's Admin::ActionLog (`action`). Values are
// stored; never renumber.
enum class AuditAction : uint8_t {
  kAssignedToSelf = 0, kUnassigned = 1, kResolve = 2, kReopen = 3,
  // On accounts (AuditTarget::kAccount).
  kWarn = 4, kSensitive = 5, kDisable = 6, kSilence = 7, kSuspend = 8,
  kEnable = 9, kUnsensitive = 10, kUnsilence = 11, kUnsuspend = 12,
  kApprove = 13, kReject = 14, kDestroy = 15,
};
std::string_view audit_action_name(AuditAction a);  // "assigned_to_self", "unassigned", ...

// What the action was about (Mastodon's `target_type`). Values are stored; never renumber.
enum class AuditTarget : uint8_t { kReport = 0, kAccount = 1 };
std::string_view audit_target_name(AuditTarget t);  // "Report", "Account"

// One line of the audit log: who did what to which record, when.
struct AuditEntry {
  Id id;
  Id account_id;  // the moderator
  AuditAction action = AuditAction::kAssignedToSelf;
  AuditTarget target_type = AuditTarget::kReport;
  Id target_id;
  int64_t created_at_ms = 0;

  bool operator==(const AuditEntry&) const = default;
  template <class V>
  void field_list(V& v);
  std::string encode() const;
  static Result<AuditEntry> decode(std::string_view bytes);
};

// The audit log of moderator actions (issue 18): written in the same batch as the action, so
// an action is never without its line, and read newest first by admins. Thread-safe.
class AuditLog {
 public:
  explicit AuditLog(Deps deps) : deps_(deps) {}

  // Adds the entry for `actor` doing `action` to `target` to `batch` and returns it.
  AuditEntry record(store::Batch& batch, Id actor, AuditAction action, AuditTarget target_type,
                    Id target) const;
  // Entries newest first, paged by their ids (max_id, since_id, min_id, limit).
  Result<Page<AuditEntry>> list(const ListQuery& q) const;

 private:
  Deps deps_;
};

}  // namespace kindred::social
