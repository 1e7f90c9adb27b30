#include "social/safety/audit_views.h"

#include <unordered_map>

namespace kindred::social {

Result<Page<AuditEntryView>> read_audit_log(const AuditLog& log, const AccountService& accounts,
                                            const Account& reader, const ListQuery& q) {
  if (!is_staff(reader)) return Status::permission_denied("This action is not allowed");
  KINDRED_ASSIGN_OR_RETURN(Page<AuditEntry> entries, log.list(q));
  // The accounts named, each read once, as stored: a suspended or deleted account stays named.
  std::vector<Account> named;
  std::unordered_map<Id, size_t> index;
  auto want = [&](Id id) -> Status {
    if (id.is_none() || index.contains(id)) return Status::ok();
    auto a = accounts.get(id);
    if (!a.has_value()) return a.error().is_not_found() ? Status::ok() : a.error();
    index.emplace(id, named.size());
    named.push_back(std::move(*a));
    return Status::ok();
  };
  for (const AuditEntry& e : entries.items) {
    KINDRED_RETURN_IF_ERROR(want(e.account_id));
    if (e.target_type == AuditTarget::kAccount) KINDRED_RETURN_IF_ERROR(want(e.target_id));
  }
  KINDRED_ASSIGN_OR_RETURN(std::vector<AccountView> views, accounts.views_of(std::move(named)));
  Page<AuditEntryView> page;
  for (size_t i = 0; i < entries.items.size(); ++i) {
    const AuditEntry& e = entries.items[i];
    auto by = index.find(e.account_id);
    if (by == index.end()) continue;
    AuditEntryView v{e, views[by->second], std::nullopt};
    if (e.target_type == AuditTarget::kAccount)
      if (auto t = index.find(e.target_id); t != index.end()) v.target_account = views[t->second];
    page.items.push_back(std::move(v));
    page.positions.push_back(entries.positions[i]);
  }
  return page;
}

}  // namespace kindred::social
