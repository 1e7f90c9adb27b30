#pragma once

#include <condition_variable>
#include <functional>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "social/graph/notifications.h"
#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/posts/posts.h"
#include "social/safety/audit.h"
#include "social/safety/reports.h"
#include "social/model/warning.h"

namespace kindred::social {

// Undoing one (Mastodon's enable, unsensitive, unsilence, unsuspend routes), and the decisions on
// an account awaiting approval.
enum class AccountUndo { kEnable, kUnsensitive, kUnsilence, kUnsuspend };

struct ActionRequest {
  AccountAction type = AccountAction::kNone;
  Id report_id;      // none: not about a report; else the report is resolved with the action
  std::string text;  // the moderator's note to the person (the warning's text)
  bool send_email_notification = true;  // accepted; no mail is sent (no mail server)
};

// Which accounts the admin accounts list shows: Mastodon's v1 and v2 filters, merged. Every
// string filter matches a part of the field, case-insensitively; empty: any.
struct AccountFilter {
  // "active", "pending", "disabled", "silenced", "suspended", "sensitized"; empty: any.
  std::string status;
  bool remote_only = false;  // origin=remote / remote=true: none here (every account is local)
  bool staff_only = false;   // permissions=staff / staff=true: moderators and admins
  std::string username, display_name, email;
};

// A moderator's view of an account (Mastodon's Admin::Account): the record with its marks, and
// the account as others see it (built even when it is hidden).
struct AdminAccountView {
  Account account;
  AccountView view;
  std::string invite_request;  // the reason given when registrations need approval
};

// Mastodon's moderation of accounts (issue 18). Every call needs is_staff(moderator):
// PermissionDenied ("This action is not allowed") otherwise, checked first. Every change is
// written to the audit log in the same batch as the account record.
//
// What the marks do (as in Mastodon):
// - suspend: the account is hidden at once (AccountService::hidden: gone from every answer, its
//   tokens and sessions refused), and in the background, in bounded batches that resume after a
//   crash, its likes, reblogs, comments and follows leave the counts of others (exactly). Undone
//   by unsuspend (the counts come back) until it is deleted.
// - silence: its posts leave the public and hashtag timelines and trends, and reach only its
//   followers.
// - sensitive: its photos are marked sensitive.
// - disable: it cannot sign in and its tokens stop working; its posts stay.
// The person gets a `moderation_warning` notification for every action but none (as Mastodon).
class ModerationService {
 public:
  // `deletion` (may be null: DELETE refused) deletes accounts for good. Call start() once, before
  // serving: it resumes the sweeps a crash interrupted and starts the sweeping thread.
  ModerationService(Deps deps, AccountService& accounts, PostService& posts, ReportService& reports);
  ~ModerationService();
  ModerationService(const ModerationService&) = delete;
  ModerationService& operator=(const ModerationService&) = delete;
  Status start();
  // Set once at start-up: what DELETE calls to delete a suspended account for good (returns once
  // the deletion has started). Unset: DELETE answers 503.
  void set_deleter(std::function<Status(Id)> deleter) { deleter_ = std::move(deleter); }
  // Blocks until no sweep is queued or running (tests, the admin CLI).
  void wait_idle();
  // One warning, for the account it was given to or staff. Errors: NotFound.
  Result<AccountWarning> warning(Id warning_id) const;

  // Accounts matching `filter`, newest first, paged by account id (max_id, since_id, min_id).
  Result<Page<AdminAccountView>> list(const Account& moderator, const AccountFilter& filter,
                                      const ListQuery& q) const;
  // Errors: NotFound ("Record not found"); PermissionDenied.
  Result<AdminAccountView> get(const Account& moderator, Id account_id) const;
  // Errors: NotFound (also for a report_id that names no report about the account);
  // PermissionDenied (also for acting on oneself, or a moderator acting on an admin).
  Result<AdminAccountView> act(const Account& moderator, Id account_id, const ActionRequest& r);
  Result<AdminAccountView> undo(const Account& moderator, Id account_id, AccountUndo undo);
  // Registrations awaiting approval. Errors: NotFound; InvalidArgument if already approved.
  Result<AdminAccountView> approve(const Account& moderator, Id account_id);
  Result<AdminAccountView> reject(const Account& moderator, Id account_id);
  // Deletes a suspended account for good (Mastodon's DELETE /api/v1/admin/accounts/:id).
  // Errors: InvalidArgument unless suspended.
  Result<AdminAccountView> remove(const Account& moderator, Id account_id);
  // The account's newest posts and comments, hidden or not, for a moderator reviewing a report.
  Result<std::vector<PostView>> recent_posts(const Account& moderator, Id account_id,
                                             size_t limit) const;

 private:
  // The admin view of one account, hidden or not.
  Result<AdminAccountView> admin_view(Id account_id) const;
  // Whether `moderator` may act on `target`: staff, not oneself, and of a higher role.
  Status check_may_act(const Account& moderator, const Account& target) const;
  // Changes the account's record with `edit`, writing `action`'s audit entry (and `extra`
  // writes) in the same batch; queues a sweep when suspension changed.
  Result<AdminAccountView> change(const Account& moderator, Id account_id, AuditAction action,
                                  const std::function<Status(Account&, store::Batch&)>& edit);
  // Writes `action`'s audit entry, then starts the deletion of the account; returns it as it was.
  Result<AdminAccountView> delete_audited(const Account& moderator, Id account_id, AuditAction action);
  void queue_sweep(Id account_id);
  void sweep_loop();
  // Moves the edges of `account_id` that count in other accounts' lists out (suspended) or back
  // (not), in bounded batches; idempotent. Stops early if the account's state changes.
  Status sweep(Id account_id);

  Deps deps_;
  AccountService& accounts_;
  PostService& posts_;
  ReportService& reports_;
  std::function<Status(Id)> deleter_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Id> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace kindred::social
