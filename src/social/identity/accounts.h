#pragma once

#include <array>
#include <atomic>
#include <shared_mutex>
#include <unordered_map>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "social/model/context.h"
#include "social/model/record_cache.h"
#include "social/identity/secrets.h"
#include "social/model/views.h"

namespace kindred::social {

enum class RegistrationMode { kOpen, kApproval, kClosed };

struct Registration {
  std::string username;
  std::string email;
  std::string password;
  std::string locale;
  bool agreement = false;
  std::string reason;  // why they want to join (approval mode)
};

// Accounts: sign-up, sign-in, lookups and views with exact counts.
// Thread-safe: holds nothing mutable besides the store.
class AccountService {
 public:
  AccountService(Deps deps, PasswordHasher& hasher, RegistrationMode mode)
      : deps_(deps), hasher_(hasher), mode_(mode),
        cache_(deps.config.account_cache_entries),
        last_status_(deps.config.account_cache_entries) {}

  // Creates a local account. Usernames are unique case-insensitively, as are emails.
  // Errors: PermissionDenied when registrations are closed; InvalidArgument naming the first
  // invalid field ("Validation failed: Username has already been taken").
  Result<Account> register_account(const Registration& r);

  // Creates an account without a password, straight in the store (demo data, load tests).
  // Errors: InvalidArgument for a bad or taken username.
  Result<Account> create_account(std::string username, std::string display_name, bool verified,
                                 bool load_test, std::string password = "");

  // Signs in by username or email. Errors: Unauthenticated for any mismatch, with one message
  // that never tells whether the account exists; PermissionDenied for memorial accounts.
  Result<Account> sign_in(std::string_view username_or_email, std::string password);

  // Errors: NotFound.
  Result<Account> get(Id id) const;
  // The account's view; NotFound for a hidden one (suspended or deleted).
  Result<AccountView> view(Id id) const;
  // The view of `account` as it is, hidden or not (the admin API, the account's own).
  Result<AccountView> view_of(Account account) const;
  // Accounts in input order; missing and hidden ids are skipped.
  Result<std::vector<AccountView>> views(const std::vector<Id>& ids) const;
  // views() with hidden accounts kept (what moderators see).
  Result<std::vector<AccountView>> views_with_hidden(const std::vector<Id>& ids) const;
  // Views of `accounts`, in order, with their counts read in one batch.
  Result<std::vector<AccountView>> views_of(std::vector<Account> accounts) const;
  // Keep last_status_at current without a range read per view: PostService calls these when a
  // post is created or deleted.
  void note_posted(Id account_id, int64_t at_ms) const;
  void note_post_removed(Id account_id) const;
  // Changes a stored account: `edit` gets the current record, changes it and may add more
  // changes to `batch`; the record is written together with them atomically and the cache
  // updated. One edit per account at a time. Errors: NotFound; whatever `edit` returns.
  Result<Account> update(Id id, const std::function<Status(Account&, store::Batch&)>& edit);
  // Replaces the password after checking the current one. Errors: Unauthenticated for a wrong
  // current password; InvalidArgument for a new one too short or too long.
  Status change_password(Id id, std::string current, std::string next);
  // Checks `password` against the account's current one (a deliberate act: account deletion).
  // Errors: NotFound; Unauthenticated "Current password is invalid" for a wrong one.
  Status check_password(Id id, std::string password) const;
  // Sets or clears the admin-given verified mark (`kindred admin verify`) of the account named
  // `username` (as lookup() takes it). Idempotent. Errors: NotFound for an unknown username.
  Result<Account> set_verified(std::string_view username, bool verified);
  // Gives or takes the admin role (`kindred admin role`) of the account named `username`:
  // set_role(username, admin ? kAdmin : kUser).
  Result<Account> set_admin(std::string_view username, bool admin);
  // Gives the account named `username` the role `role` (`kindred admin role --role`), replacing
  // its role. Idempotent. Errors: NotFound for an unknown username.
  Result<Account> set_role(std::string_view username, Role role);
  // Sets or clears the memorial mark (`kindred admin memorial`, at the family's request) of the
  // account named `username`. A memorial account cannot be signed into, and its tokens stop
  // working (the API checks the mark on every request). Idempotent.
  // Errors: NotFound for an unknown username.
  Result<Account> set_memorial(std::string_view username, bool memorial);
  // Whether an account has any block (either way), bookmark or mute at all, so most reads can
  // skip the per-post lookups. Read from the store's counts each time (cheap: the store keeps
  // counts it reads often in memory; over PostgreSQL one statement, read once per request), so
  // never stale. nullopt if the store failed: callers then look up.
  struct ViewerFlags {
    bool any_blocks = false;
    bool any_bookmarks = false;
    bool any_mutes = false;
    bool any_thread_mutes = false;  // conversations muted (kMutedConversations)
  };
  std::optional<ViewerFlags> viewer_flags(Id account_id) const;

  // By username ("ann", "@ann" or "ann@this.domain"). Errors: NotFound, also for a hidden
  // (suspended or deleted) account.
  Result<Account> lookup(std::string_view acct) const;
  // lookup() with hidden accounts found too (the admin commands).
  Result<Account> lookup_with_hidden(std::string_view acct) const;

  // Moderation and deletion marks (Account::suspended_at_ms and the rest), held in memory for
  // every read: one atomic load when no account has any. update() keeps them, and the
  // kModeratedAccounts list, in step with the records it writes. load_marks() reads them at
  // start-up, before serving.
  Status load_marks();
  // Suspended or deleted: gone from every answer (views, posts, lists, notifications).
  bool hidden(Id id) const;
  bool silenced(Id id) const;
  bool sensitized(Id id) const;
  // Whether any account is hidden (most instances: none), for callers' fast paths.
  bool any_hidden() const;
  // Every account with a mark, in id order (the admin API's filters walk it).
  std::vector<Id> marked() const;

 private:
  Result<Account> store_new(Account a, bool check_email);

  Deps deps_;
  PasswordHasher& hasher_;
  RegistrationMode mode_;
  // Decoded accounts; update() puts the new record.
  mutable RecordCache<Id, Account> cache_;
  std::array<std::mutex, 64> update_locks_;
  // Each account's newest post time (0: none), as last read or written. A delete racing a view
  // may leave a stale date until the entry is evicted; it is a date, not a count.
  mutable RecordCache<Id, int64_t> last_status_;
  // The marks of every marked account (is_marked), by id.
  struct Marks {
    bool hidden = false, silenced = false, sensitized = false;
  };
  void note_marks(const Account& a);
  Result<std::unordered_map<Id, Marks>> read_marks() const;
  void replace_marks(std::unordered_map<Id, Marks> marks) const;
  // With CacheAge bounded (several nodes): reads the marks again once they are older than it.
  void refresh_marks_if_stale() const;
  mutable std::shared_mutex marks_mu_;
  mutable std::unordered_map<Id, Marks> marks_;
  mutable std::atomic<bool> any_marks_{false};
  mutable std::atomic<bool> any_hidden_{false};
  mutable std::mutex marks_refresh_mu_;
  mutable std::atomic<int64_t> marks_expiry_{0};
  // Filled from exact counts on first use; a tombstone (after a change) means "look up each time",
  // so a count read just before a change can never be cached after it.
};

// Lower-cases ASCII.
std::string ascii_lower(std::string_view s);
// 1 to 30 letters, digits or underscores.
bool valid_username(std::string_view username);

}  // namespace kindred::social
