#include "social/safety/moderation.h"

#include <algorithm>

#include "core/record.h"
#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

namespace {

constexpr std::string_view kNotAllowed = "This action is not allowed";
// Edges moved per batch by a sweep: small enough that a batch never holds up requests.
constexpr size_t kSweepChunk = 500;
// How many accounts one list request reads at most while filtering (a filter matching few of
// many accounts answers a short page with a link onwards, as a database's bounded scan would).
constexpr size_t kListScanLimit = 5000;

AuditAction audit_action_of(AccountAction a) {
  switch (a) {
    case AccountAction::kSensitive: return AuditAction::kSensitive;
    case AccountAction::kDisable: return AuditAction::kDisable;
    case AccountAction::kSilence: return AuditAction::kSilence;
    case AccountAction::kSuspend: return AuditAction::kSuspend;
    case AccountAction::kNone: break;
  }
  return AuditAction::kWarn;
}

int rank(Role r) { return r == Role::kAdmin ? 2 : r == Role::kModerator ? 1 : 0; }

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  return ascii_lower(haystack).find(ascii_lower(needle)) != std::string::npos;
}

bool matches(const AccountFilter& f, const Account& a) {
  if (f.remote_only) return false;  // every account here is local
  if (f.staff_only && !is_staff(a)) return false;
  if (!f.status.empty()) {
    const bool suspended = is_hidden(a);
    if (f.status == "active" && (suspended || !a.approved)) return false;
    if (f.status == "pending" && (a.approved || suspended)) return false;
    if (f.status == "disabled" && !a.disabled) return false;
    if (f.status == "silenced" && !a.silenced) return false;
    if (f.status == "suspended" && !suspended) return false;
    if (f.status == "sensitized" && !a.sensitized) return false;
  }
  return contains_folded(a.username, f.username) && contains_folded(a.display_name, f.display_name) &&
         contains_folded(a.email, f.email);
}

}  // namespace

// ---- The service ------------------------------------------------------------------------------

ModerationService::ModerationService(Deps deps, AccountService& accounts, PostService& posts,
                                     ReportService& reports)
    : deps_(deps), accounts_(accounts), posts_(posts), reports_(reports) {}

ModerationService::~ModerationService() {
  {
    std::scoped_lock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status ModerationService::start() {
  // Sweeps a crash interrupted: each account on the list is swept again from its start (a sweep
  // is idempotent), in the direction its record says.
  store::RangeQuery q;
  q.limit = 1000;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page,
                             deps_.store.assoc_range(store::kInstanceNode, AssocType::kPendingSweeps, q));
    for (const auto& a : page.items) queue_sweep(a.to);
    if (!page.more || page.items.empty()) break;
    q.max_position = page.items.back().position;
  }
  worker_ = std::thread([this] { sweep_loop(); });
  return Status::ok();
}

void ModerationService::queue_sweep(Id account_id) {
  {
    std::scoped_lock lock(mu_);
    if (std::find(queue_.begin(), queue_.end(), account_id) == queue_.end())
      queue_.push_back(account_id);
  }
  cv_.notify_all();
}

void ModerationService::wait_idle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

void ModerationService::sweep_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const Id id = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status st = sweep(id);
    lock.lock();
    busy_ = false;
    // A failed sweep stays on the pending list and is tried again at the next start.
    (void)st;
    cv_.notify_all();
  }
}

Status ModerationService::sweep(Id account_id) {
  KINDRED_ASSIGN_OR_RETURN(Account start, accounts_.get(account_id));
  const int64_t state = start.suspended_at_ms;
  const bool out = start.suspended_at_ms != 0;
  // A deleted account's edges are the deletion's (it removes both sides).
  if (start.deleted_at_ms != 0) {
    store::Batch done;
    done.remove_assoc(store::kInstanceNode, AssocType::kPendingSweeps, account_id);
    return deps_.store.apply(done).status();
  }
  auto still_same = [&]() -> Result<bool> {
    KINDRED_ASSIGN_OR_RETURN(Account now, accounts_.get(account_id));
    return now.suspended_at_ms == state && now.deleted_at_ms == 0;
  };
  // Walks one of the account's own lists in chunks; `move` adds each chunk's writes.
  auto walk = [&](AssocType own, const std::function<Status(const std::vector<store::Assoc>&,
                                                            store::Batch&)>& move) -> Result<bool> {
    store::RangeQuery q;
    q.limit = kSweepChunk;
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(bool same, still_same());
      if (!same) return false;  // changed meanwhile: the sweep queued with the change takes over
      KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(account_id, own, q));
      if (page.items.empty()) return true;
      store::Batch b;
      KINDRED_RETURN_IF_ERROR(move(page.items, b));
      KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
      if (!page.more) return true;
      q.max_position = page.items.back().position;
    }
  };
  // Which of `ids` are stored records of `type` (restoring never points at something gone).
  auto existing = [&](ObjectType type, const std::vector<Id>& ids) -> Result<std::vector<bool>> {
    KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(type, ids));
    std::vector<bool> found(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) found[i] = blobs[i].has_value();
    return found;
  };
  auto ids_of = [](const std::vector<store::Assoc>& items) {
    std::vector<Id> ids;
    ids.reserve(items.size());
    for (const auto& a : items) ids.push_back(a.to);
    return ids;
  };
  // Likes given: the posts' kFavouritedBy edges (their favourites_count).
  KINDRED_ASSIGN_OR_RETURN(bool done, walk(AssocType::kFavourites, [&](const auto& items, store::Batch& b) -> Status {
    if (out) {
      for (const auto& a : items) b.remove_assoc(a.to, AssocType::kFavouritedBy, account_id);
      return Status::ok();
    }
    KINDRED_ASSIGN_OR_RETURN(auto found, existing(ObjectType::kStatus, ids_of(items)));
    for (size_t i = 0; i < items.size(); ++i)
      if (found[i]) b.add_assoc({items[i].to, AssocType::kFavouritedBy, account_id, items[i].position, {}});
    return Status::ok();
  }));
  if (!done) return Status::ok();
  // Follows both ways: the others' followers and following counts.
  for (auto [own, other] : {std::pair{AssocType::kFollows, AssocType::kFollowedBy},
                            std::pair{AssocType::kFollowedBy, AssocType::kFollows}}) {
    KINDRED_ASSIGN_OR_RETURN(done, walk(own, [&](const auto& items, store::Batch& b) -> Status {
      if (out) {
        for (const auto& a : items) b.remove_assoc(a.to, other, account_id);
        return Status::ok();
      }
      KINDRED_ASSIGN_OR_RETURN(auto found, existing(ObjectType::kAccount, ids_of(items)));
      for (size_t i = 0; i < items.size(); ++i)
        if (found[i]) b.add_assoc({items[i].to, other, account_id, items[i].position, {}});
      return Status::ok();
    }));
    if (!done) return Status::ok();
  }
  // Its comments on others' posts (replies_count) and its reblogs (reblogs_count).
  KINDRED_ASSIGN_OR_RETURN(done, walk(AssocType::kAuthored, [&](const auto& items, store::Batch& b) -> Status {
    KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.stored_posts(ids_of(items)));
    std::vector<Id> targets;
    for (const Post& p : posts) {
      if (p.is_reblog()) {
        targets.push_back(p.reblog_of_id);
      } else if (!p.in_reply_to_id.is_none() && p.in_reply_to_account_id != account_id) {
        targets.push_back(p.in_reply_to_id);
      } else {
        targets.push_back(Id());
      }
    }
    std::vector<bool> found(targets.size(), true);
    if (!out) {
      KINDRED_ASSIGN_OR_RETURN(found, existing(ObjectType::kStatus, targets));
    }
    for (size_t i = 0; i < posts.size(); ++i) {
      const Post& p = posts[i];
      if (targets[i].is_none() || !found[i]) continue;
      if (p.is_reblog()) {
        if (out) {
          b.remove_assoc(p.reblog_of_id, AssocType::kRebloggedBy, account_id);
        } else {
          b.add_assoc({p.reblog_of_id, AssocType::kRebloggedBy, account_id, p.id, {}});
        }
        continue;
      }
      if (out) {
        b.remove_assoc(p.in_reply_to_id, AssocType::kReplies, p.id);
        if (p.hold != CommentHold::kNone) {
          b.remove_assoc(p.in_reply_to_id, AssocType::kHeldReplies, p.id);
          b.remove_assoc(p.in_reply_to_account_id, AssocType::kHeldComments, p.id);
        }
      } else {
        b.add_assoc({p.in_reply_to_id, AssocType::kReplies, p.id, p.id, {}});
        if (p.hold != CommentHold::kNone) {
          b.add_assoc({p.in_reply_to_id, AssocType::kHeldReplies, p.id, p.id, {}});
          b.add_assoc({p.in_reply_to_account_id, AssocType::kHeldComments, p.id, p.id, {}});
        }
      }
    }
    return Status::ok();
  }));
  if (!done) return Status::ok();
  // Finished: off the pending list, unless the state changed since (its own sweep then runs).
  return accounts_
      .update(account_id,
              [&](Account& a, store::Batch& b) {
                if (a.suspended_at_ms == state)
                  b.remove_assoc(store::kInstanceNode, AssocType::kPendingSweeps, account_id);
                return Status::ok();
              })
      .status();
}

Result<AdminAccountView> ModerationService::admin_view(Id account_id) const {
  KINDRED_ASSIGN_OR_RETURN(auto views, accounts_.views_with_hidden({account_id}));
  if (views.empty()) return Status::not_found("Record not found");
  AdminAccountView v;
  v.account = views.front().account;
  v.view = std::move(views.front());
  return v;
}

Status ModerationService::check_may_act(const Account& moderator, const Account& target) const {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  // As Mastodon's role priorities: nobody acts on themselves, or on a role as high as their own
  // (an admin may act on moderators; nobody here outranks an admin).
  if (moderator.id == target.id || rank(role_of(target)) >= rank(role_of(moderator)))
    return Status::permission_denied(std::string(kNotAllowed));
  return Status::ok();
}

Result<Page<AdminAccountView>> ModerationService::list(const Account& moderator,
                                                       const AccountFilter& filter,
                                                       const ListQuery& q) const {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  Page<AdminAccountView> page;
  bool reverse = false;
  store::RangeQuery rq = to_range_query(q, reverse);
  const size_t want = q.limit;
  rq.limit = std::max<size_t>(want, 200);
  size_t scanned = 0;
  std::vector<Account> found;
  std::vector<Id> positions;
  // Marked accounts are few and all in memory: a status filter on a mark walks only them.
  const bool marked_only = filter.status == "disabled" || filter.status == "silenced" ||
                           filter.status == "suspended" || filter.status == "sensitized";
  if (marked_only) {
    std::vector<Id> ids = accounts_.marked();
    std::reverse(ids.begin(), ids.end());  // newest first
    for (Id id : ids) {
      if (!q.max_id.is_none() && !(id < q.max_id)) continue;
      if (!q.since_id.is_none() && !(q.since_id < id)) continue;
      if (!q.min_id.is_none() && !(q.min_id < id)) continue;
      KINDRED_ASSIGN_OR_RETURN(Account a, accounts_.get(id));
      if (matches(filter, a)) {
        found.push_back(std::move(a));
        positions.push_back(id);
      }
    }
    if (!q.min_id.is_none() && found.size() > want) {  // min_id pages upwards: the oldest first
      found.erase(found.begin(), found.end() - static_cast<std::ptrdiff_t>(want));
      positions.erase(positions.begin(), positions.end() - static_cast<std::ptrdiff_t>(want));
    }
    if (found.size() > want) {
      found.resize(want);
      positions.resize(want);
    }
  } else {
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(store::kInstanceNode,
                                                                   AssocType::kInstanceAccounts, rq));
      if (range.items.empty()) break;
      std::vector<Id> ids;
      for (const auto& a : range.items) ids.push_back(a.to);
      KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kAccount, ids));
      for (size_t i = 0; i < ids.size() && found.size() < want; ++i) {
        ++scanned;
        if (!blobs[i]) continue;
        KINDRED_ASSIGN_OR_RETURN(Account a, Account::decode(*blobs[i]));
        if (!matches(filter, a)) continue;
        found.push_back(std::move(a));
        positions.push_back(range.items[i].position);
      }
      if (found.size() >= want || !range.more || scanned >= kListScanLimit) {
        break;
      }
      if (rq.oldest_first) {
        rq.min_position = range.items.back().position;
      } else {
        rq.max_position = range.items.back().position;
      }
    }
    if (reverse) {
      std::reverse(found.begin(), found.end());
      std::reverse(positions.begin(), positions.end());
    }
  }
  std::vector<Id> ids;
  for (const auto& a : found) ids.push_back(a.id);
  KINDRED_ASSIGN_OR_RETURN(auto views, accounts_.views_with_hidden(ids));
  for (size_t i = 0; i < views.size(); ++i) {
    AdminAccountView v;
    v.account = views[i].account;
    v.view = std::move(views[i]);
    page.items.push_back(std::move(v));
    page.positions.push_back(positions[i]);
  }
  return page;
}

Result<AdminAccountView> ModerationService::get(const Account& moderator, Id account_id) const {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  return admin_view(account_id);
}

Result<AdminAccountView> ModerationService::change(
    const Account& moderator, Id account_id, AuditAction action,
    const std::function<Status(Account&, store::Batch&)>& edit) {
  bool suspension_changed = false;
  KINDRED_ASSIGN_OR_RETURN(Account written, accounts_.update(account_id, [&](Account& a, store::Batch& b) {
    const int64_t before = a.suspended_at_ms;
    KINDRED_RETURN_IF_ERROR(edit(a, b));
    if (a.suspended_at_ms != before) {
      suspension_changed = true;
      b.add_assoc({store::kInstanceNode, AssocType::kPendingSweeps, account_id, account_id, {}});
    }
    reports_.audit_log().record(b, moderator.id, action, AuditTarget::kAccount, account_id);
    return Status::ok();
  }));
  if (suspension_changed) queue_sweep(written.id);
  return admin_view(account_id);
}

Result<AdminAccountView> ModerationService::act(const Account& moderator, Id account_id,
                                                const ActionRequest& r) {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  KINDRED_ASSIGN_OR_RETURN(Account target, accounts_.get(account_id));
  if (target.deleted_at_ms != 0) return Status::not_found("Record not found");
  KINDRED_RETURN_IF_ERROR(check_may_act(moderator, target));
  KINDRED_RETURN_IF_ERROR(check_length("Text", r.text, kMaxReportComment));
  std::vector<Id> status_ids;
  if (!r.report_id.is_none()) {
    KINDRED_ASSIGN_OR_RETURN(ReportView report, reports_.get_for_moderator(moderator, r.report_id));
    if (report.report.target_account_id != account_id) return Status::not_found("Record not found");
    status_ids = report.report.status_ids;
  }
  const int64_t now = deps_.clock.now_ms();
  KINDRED_ASSIGN_OR_RETURN(AdminAccountView v, change(moderator, account_id, audit_action_of(r.type),
                                                      [&](Account& a, store::Batch& b) {
    switch (r.type) {
      case AccountAction::kSensitive: a.sensitized = true; break;
      case AccountAction::kDisable: a.disabled = true; break;
      case AccountAction::kSilence: a.silenced = true; break;
      case AccountAction::kSuspend:
        if (a.suspended_at_ms == 0) a.suspended_at_ms = now;
        break;
      case AccountAction::kNone: break;
    }
    if (r.send_email_notification) {
      AccountWarning w;
      w.id = deps_.ids.next();
      w.account_id = moderator.id;
      w.target_account_id = account_id;
      w.action = r.type;
      w.text = r.text;
      w.report_id = r.report_id;
      w.status_ids = status_ids;
      w.created_at_ms = now;
      b.put_object(ObjectType::kAccountWarning, w.id, w.encode());
      b.add_assoc({account_id, AssocType::kAccountWarnings, w.id, w.id, {}});
      add_warning_notification(b, deps_.ids, account_id, moderator.id, w.id);
    }
    return Status::ok();
  }));
  // Acting on a report resolves it, as Mastodon's.
  if (!r.report_id.is_none())
    KINDRED_RETURN_IF_ERROR(reports_.moderate(moderator, r.report_id, ReportChange::kResolve).status());
  return v;
}

Result<AdminAccountView> ModerationService::undo(const Account& moderator, Id account_id,
                                                 AccountUndo undo) {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  KINDRED_ASSIGN_OR_RETURN(Account target, accounts_.get(account_id));
  if (target.deleted_at_ms != 0) return Status::not_found("Record not found");
  KINDRED_RETURN_IF_ERROR(check_may_act(moderator, target));
  switch (undo) {
    case AccountUndo::kEnable:
      return change(moderator, account_id, AuditAction::kEnable, [](Account& a, store::Batch&) {
        a.disabled = false;
        return Status::ok();
      });
    case AccountUndo::kUnsensitive:
      return change(moderator, account_id, AuditAction::kUnsensitive, [](Account& a, store::Batch&) {
        a.sensitized = false;
        return Status::ok();
      });
    case AccountUndo::kUnsilence:
      return change(moderator, account_id, AuditAction::kUnsilence, [](Account& a, store::Batch&) {
        a.silenced = false;
        return Status::ok();
      });
    case AccountUndo::kUnsuspend:
      // As Mastodon's policy: only a suspended account can be unsuspended.
      if (target.suspended_at_ms == 0) return Status::permission_denied(std::string(kNotAllowed));
      return change(moderator, account_id, AuditAction::kUnsuspend, [](Account& a, store::Batch&) {
        a.suspended_at_ms = 0;
        return Status::ok();
      });
  }
  return Status::invalid_argument("Unknown action");
}

Result<AdminAccountView> ModerationService::approve(const Account& moderator, Id account_id) {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  KINDRED_ASSIGN_OR_RETURN(Account target, accounts_.get(account_id));
  if (target.deleted_at_ms != 0) return Status::not_found("Record not found");
  // As Mastodon's policy: only an account awaiting approval.
  if (target.approved) return Status::permission_denied(std::string(kNotAllowed));
  return change(moderator, account_id, AuditAction::kApprove, [](Account& a, store::Batch&) {
    a.approved = true;
    return Status::ok();
  });
}

Result<AdminAccountView> ModerationService::delete_audited(const Account& moderator, Id account_id,
                                                           AuditAction action) {
  if (!deleter_) return Status::unavailable("Account deletion is not available");
  KINDRED_ASSIGN_OR_RETURN(AdminAccountView v, admin_view(account_id));
  store::Batch b;
  reports_.audit_log().record(b, moderator.id, action, AuditTarget::kAccount, account_id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  KINDRED_RETURN_IF_ERROR(deleter_(account_id));
  return v;
}

Result<AdminAccountView> ModerationService::reject(const Account& moderator, Id account_id) {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  KINDRED_ASSIGN_OR_RETURN(Account target, accounts_.get(account_id));
  if (target.deleted_at_ms != 0) return Status::not_found("Record not found");
  if (target.approved) return Status::permission_denied(std::string(kNotAllowed));
  return delete_audited(moderator, account_id, AuditAction::kReject);
}

Result<AdminAccountView> ModerationService::remove(const Account& moderator, Id account_id) {
  // Deleting a person's data is the admins' (Mastodon's delete_user_data permission).
  if (role_of(moderator) != Role::kAdmin) return Status::permission_denied(std::string(kNotAllowed));
  KINDRED_ASSIGN_OR_RETURN(Account target, accounts_.get(account_id));
  if (target.deleted_at_ms != 0) return Status::not_found("Record not found");
  if (target.suspended_at_ms == 0) return Status::permission_denied(std::string(kNotAllowed));
  return delete_audited(moderator, account_id, AuditAction::kDestroy);
}

Result<std::vector<PostView>> ModerationService::recent_posts(const Account& moderator,
                                                              Id account_id, size_t limit) const {
  if (!is_staff(moderator)) return Status::permission_denied(std::string(kNotAllowed));
  store::RangeQuery q;
  q.limit = std::min<size_t>(limit, 40);
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(account_id, AssocType::kAuthored, q));
  std::vector<Id> ids;
  for (const auto& a : page.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.stored_posts(ids));
  // Moderators see them whatever their visibility, as the reported posts.
  return posts_.views_of(Viewer{moderator.id}, std::move(posts));
}

Result<AccountWarning> ModerationService::warning(Id warning_id) const {
  return load_warning(deps_.store, warning_id);
}

}  // namespace kindred::social
