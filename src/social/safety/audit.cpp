#include "social/safety/audit.h"

#include <algorithm>

#include "core/record.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

template <class V>
void AuditEntry::field_list(V& v) {
  v.version(1);
  v(id, account_id, record::upto(action, AuditAction::kDestroy),
    record::upto(target_type, AuditTarget::kAccount), target_id, created_at_ms);
}
std::string AuditEntry::encode() const { return record::encode(*this); }
Result<AuditEntry> AuditEntry::decode(std::string_view b) {
  return record::decode<AuditEntry>(b, "audit entry");
}

std::string_view audit_action_name(AuditAction a) {
  switch (a) {
    case AuditAction::kUnassigned: return "unassigned";
    case AuditAction::kResolve: return "resolve";
    case AuditAction::kReopen: return "reopen";
    case AuditAction::kWarn: return "warn";
    case AuditAction::kSensitive: return "sensitive";
    case AuditAction::kDisable: return "disable";
    case AuditAction::kSilence: return "silence";
    case AuditAction::kSuspend: return "suspend";
    case AuditAction::kEnable: return "enable";
    case AuditAction::kUnsensitive: return "unsensitive";
    case AuditAction::kUnsilence: return "unsilence";
    case AuditAction::kUnsuspend: return "unsuspend";
    case AuditAction::kApprove: return "approve";
    case AuditAction::kReject: return "reject";
    case AuditAction::kDestroy: return "destroy";
    case AuditAction::kAssignedToSelf: break;
  }
  return "assigned_to_self";
}

std::string_view audit_target_name(AuditTarget t) {
  return t == AuditTarget::kAccount ? "Account" : "Report";
}

AuditEntry AuditLog::record(store::Batch& batch, Id actor, AuditAction action,
                            AuditTarget target_type, Id target) const {
  AuditEntry e;
  e.id = deps_.ids.next();
  e.account_id = actor;
  e.action = action;
  e.target_type = target_type;
  e.target_id = target;
  e.created_at_ms = deps_.clock.now_ms();
  batch.put_object(ObjectType::kAuditEntry, e.id, e.encode());
  batch.add_assoc({store::kInstanceNode, AssocType::kAuditLog, e.id, e.id, {}});
  return e;
}

Result<Page<AuditEntry>> AuditLog::list(const ListQuery& q) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(
      auto range,
      deps_.store.assoc_range(store::kInstanceNode, AssocType::kAuditLog, to_range_query(q, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<Id> ids;
  for (const auto& a : range.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto bytes, deps_.store.get_objects(ObjectType::kAuditEntry, ids));
  Page<AuditEntry> page;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (!bytes[i]) continue;
    KINDRED_ASSIGN_OR_RETURN(AuditEntry e, AuditEntry::decode(*bytes[i]));
    page.items.push_back(std::move(e));
    page.positions.push_back(range.items[i].position);
  }
  return page;
}

}  // namespace kindred::social
