#include "social/model/warning.h"

#include "core/record.h"

namespace kindred::social {

using store::ObjectType;

template <class V>
void AccountWarning::field_list(V& v) {
  v.version(1);
  v(id, account_id, target_account_id, record::upto(action, AccountAction::kSuspend), text,
    report_id, record::at_most(status_ids, kMaxWarningStatuses), created_at_ms);
}
std::string AccountWarning::encode() const { return record::encode(*this); }
Result<AccountWarning> AccountWarning::decode(std::string_view b) {
  return record::decode<AccountWarning>(b, "account warning");
}

Result<AccountWarning> load_warning(const store::Store& store, Id id) {
  auto bytes = store.get_object(ObjectType::kAccountWarning, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return AccountWarning::decode(*bytes);
}

std::optional<AccountAction> parse_account_action(std::string_view name) {
  for (auto a : {AccountAction::kNone, AccountAction::kSensitive, AccountAction::kDisable,
                 AccountAction::kSilence, AccountAction::kSuspend})
    if (account_action_name(a) == name) return a;
  return std::nullopt;
}

std::string_view account_action_name(AccountAction a) {
  switch (a) {
    case AccountAction::kSensitive: return "sensitive";
    case AccountAction::kDisable: return "disable";
    case AccountAction::kSilence: return "silence";
    case AccountAction::kSuspend: return "suspend";
    case AccountAction::kNone: break;
  }
  return "none";
}

}  // namespace kindred::social
