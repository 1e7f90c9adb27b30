#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "store/store.h"

namespace kindred::social {

// What a moderator does to an account (Mastodon's POST /api/v1/admin/accounts/:id/action `type`).
enum class AccountAction : uint8_t { kNone = 0, kSensitive = 1, kDisable = 2, kSilence = 3, kSuspend = 4 };  // stored
// "none", "sensitive", "disable", "silence", "suspend"; nullopt for anything else.
std::optional<AccountAction> parse_account_action(std::string_view name);
std::string_view account_action_name(AccountAction a);


// At most as many posts as a report names (ReportService's kMaxReportStatuses).
inline constexpr size_t kMaxWarningStatuses = 100;

// What a moderator did to an account, as told to it (Mastodon's AccountWarning, the subject of
// a `moderation_warning` notification). Stored by its id (ObjectType kAccountWarning).
struct AccountWarning {
  Id id;
  Id account_id;         // the moderator
  Id target_account_id;  // the account acted against
  AccountAction action = AccountAction::kNone;
  std::string text;
  Id report_id;
  std::vector<Id> status_ids;  // the report's posts
  int64_t created_at_ms = 0;

  template <class V>
  void field_list(V& v);
  std::string encode() const;
  static Result<AccountWarning> decode(std::string_view bytes);
};

// The stored warning `id`. Errors: NotFound.
Result<AccountWarning> load_warning(const store::Store& store, Id id);

}  // namespace kindred::social
