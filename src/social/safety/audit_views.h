#pragma once

#include <optional>

#include "core/status.h"
#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/model/views.h"
#include "social/posts/posts.h"
#include "social/safety/audit.h"

namespace kindred::social {

// One line of the audit log as staff read it: the entry, the moderator who acted, and for an
// action on an account that account. Both accounts as stored, hidden or not (a line about a
// suspension names the suspended account).
struct AuditEntryView {
  AuditEntry entry;
  AccountView account;                        // the moderator
  std::optional<AccountView> target_account;  // set when entry.target_type is kAccount
};

// The audit log, newest first, paged by entry id (max_id, since_id, min_id, limit), for `reader`.
// Who may read it is Mastodon's AuditLogPolicy (`view_audit_log`), a permission its default
// Moderator and Admin roles both hold: is_staff(reader). Entries whose moderator no longer exists
// are skipped (positions stay aligned with items).
// Errors: PermissionDenied ("This action is not allowed") for anyone else, checked first.
Result<Page<AuditEntryView>> read_audit_log(const AuditLog& log, const AccountService& accounts,
                                            const Account& reader, const ListQuery& q);

}  // namespace kindred::social
