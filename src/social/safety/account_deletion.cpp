#include "social/safety/account_deletion.h"

#include <algorithm>
#include <iostream>

#include "social/graph/lists.h"
#include "social/graph/notifications.h"
#include "social/identity/account_names.h"
#include "social/identity/oauth.h"
#include "social/identity/sessions.h"
#include "social/photos/media.h"
#include "social/posts/posts.h"
#include "social/posts/scheduled.h"

namespace kindred::social {

using store::AssocType;
using store::KeyspaceType;
using store::ObjectType;

namespace {

constexpr std::string_view kWrongPassword = "The password you entered was not correct";

// Edges of one list to remove, and the removals each brings along.
using EdgeFn = std::function<Status(const store::Assoc& edge, store::Batch& b)>;

}  // namespace

AccountDeletion::AccountDeletion(Deps deps, AccountService& accounts, PostService& posts,
                                 MediaService& media, OAuthService& oauth, SessionService& sessions,
                                 DeletionConfig config)
    : deps_(deps), accounts_(accounts), posts_(posts), media_(media), oauth_(oauth),
      sessions_(sessions), config_(config) {
  config_.batch_edges = std::max<size_t>(config_.batch_edges, 8);
}

AccountDeletion::~AccountDeletion() { stop(); }

Status AccountDeletion::delete_own(Id account_id, std::string password) {
  Status checked = accounts_.check_password(account_id, std::move(password));
  if (checked.code() == StatusCode::kUnauthenticated) return Status::invalid_argument(std::string(kWrongPassword));
  KINDRED_RETURN_IF_ERROR(checked);
  return start(account_id);
}

Status AccountDeletion::start(Id account_id) {
  const int64_t now = deps_.clock.now_ms();
  const Id marker_at = deps_.ids.next();
  KINDRED_ASSIGN_OR_RETURN(bool marked, deps_.store.assoc_exists(store::kInstanceNode,
                                                                  AssocType::kPendingDeletions, account_id));
  bool queue = marked;
  KINDRED_RETURN_IF_ERROR(accounts_
                              .update(account_id,
                                      [&](Account& a, store::Batch& b) {
                                        if (a.deleted_at_ms != 0) return Status::ok();
                                        a.deleted_at_ms = now;
                                        b.add_assoc({store::kInstanceNode, AssocType::kPendingDeletions,
                                                     account_id, marker_at, {}});
                                        queue = true;
                                        return Status::ok();
                                      })
                              .status());
  if (!queue) return Status::ok();  // finished long ago: nothing left to do
  {
    std::scoped_lock lock(mu_);
    if (std::find(queue_.begin(), queue_.end(), account_id) == queue_.end())
      queue_.push_back(account_id);
  }
  cv_.notify_one();
  return Status::ok();
}

bool AccountDeletion::pending(Id account_id) const {
  auto marked = deps_.store.assoc_exists(store::kInstanceNode, AssocType::kPendingDeletions, account_id);
  return marked.has_value() && *marked;
}

Status AccountDeletion::resume() {
  store::RangeQuery q;
  q.limit = 1000;
  q.oldest_first = true;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode,
                                                                AssocType::kPendingDeletions, q));
    {
      std::scoped_lock lock(mu_);
      for (const auto& a : page.items)
        if (std::find(queue_.begin(), queue_.end(), a.to) == queue_.end()) queue_.push_back(a.to);
    }
    cv_.notify_one();
    if (!page.more || page.items.empty()) return Status::ok();
    q.min_position = page.items.back().position;
  }
}

void AccountDeletion::start_worker() {
  std::scoped_lock lock(mu_);
  if (worker_.joinable() || stopping_) return;
  worker_ = std::thread([this] { worker_loop(); });
}

void AccountDeletion::stop() {
  {
    std::scoped_lock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  idle_cv_.notify_all();
}

void AccountDeletion::wait_idle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

void AccountDeletion::worker_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (stopping_) return;
    const Id id = queue_.front();
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status s = run(id, nullptr);
    // Stopping leaves the marker: the deletion goes on at the next start.
    if (!s.is_ok() && s.code() != StatusCode::kUnavailable)
      std::cerr << "kindred: deleting account " << id.to_string() << ": " << s.to_string()
                << " (resumes at the next start)\n";
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

Status AccountDeletion::pace() {
  {
    std::scoped_lock lock(mu_);
    if (stopping_) return Status::unavailable("stopping");
  }
  if (config_.pause.count() > 0) {
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, config_.pause, [&] { return stopping_; }))
      return Status::unavailable("stopping");
  }
  std::this_thread::yield();
  return Status::ok();
}

Status AccountDeletion::run(Id account_id,
                            const std::function<void(const DeletionProgress&)>& progress) {
  KINDRED_ASSIGN_OR_RETURN(Account a, accounts_.get(account_id));
  if (a.deleted_at_ms == 0)
    return Status::invalid_argument("account " + account_id.to_string() + " is not being deleted");
  if (archives_) KINDRED_RETURN_IF_ERROR(archives_->forget(account_id));
  return run_steps(account_id, progress);
}

Status AccountDeletion::run_steps(Id me,
                                  const std::function<void(const DeletionProgress&)>& progress) {
  const size_t batch = config_.batch_edges;
  auto& store = deps_.store;
  std::string_view step;
  int64_t removed = 0;
  auto tell = [&](int64_t n) {
    removed += n;
    if (progress) progress(DeletionProgress{step, removed});
  };
  auto begin = [&](std::string_view name) {
    step = name;
    removed = 0;
  };

  // Removes every edge of (from, type) in batches, each edge with what `also` adds (each edge
  // counting `cost` towards the batch's bound). The first page each time: every batch removes
  // what the page read, so the walk ends when the list is empty, wherever a crash stopped it.
  auto drain = [&](Id from, AssocType type, size_t cost, const EdgeFn& also) -> Status {
    store::RangeQuery q;
    q.limit = std::max<size_t>(1, batch / std::max<size_t>(1, cost));
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto page, store.assoc_range(from, type, q));
      if (page.items.empty()) return Status::ok();
      store::Batch b;
      for (const auto& e : page.items) {
        if (also) KINDRED_RETURN_IF_ERROR(also(e, b));
        b.remove_assoc(from, type, e.to);
      }
      KINDRED_RETURN_IF_ERROR(store.apply(b).status());
      tell(static_cast<int64_t>(page.items.size()));
      if (!page.more) return Status::ok();
      KINDRED_RETURN_IF_ERROR(pace());
    }
  };
  auto plain = [&](AssocType type) { return drain(me, type, 1, nullptr); };

  // Scheduled posts first, so none is published by the account while its posts go.
  begin("scheduled posts");
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kScheduledStatuses, 4,
                                [&](const store::Assoc& e, store::Batch& b) -> Status {
                                  if (scheduled_) {
                                    Status s = scheduled_->cancel(Viewer{me}, e.to);
                                    if (!s.is_ok() && !s.is_not_found()) return s;
                                  } else {
                                    b.delete_object(ObjectType::kScheduledStatus, e.to);
                                  }
                                  return Status::ok();
                                }));

  // Posts, comments and reblogs, each purged (its likes in bounded batches of their own).
  begin("posts");
  {
    store::RangeQuery q;
    q.limit = 20;
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto page, store.assoc_range(me, AssocType::kAuthored, q));
      if (page.items.empty()) break;
      for (const auto& e : page.items) {
        Status s = posts_.purge(e.to, batch, [this] { return pace(); });
        if (s.is_not_found()) {
          // The record is gone but the edge stayed (an older crash): the edge alone.
          store::Batch b;
          b.remove_assoc(me, AssocType::kAuthored, e.to);
          KINDRED_RETURN_IF_ERROR(store.apply(b).status());
        } else {
          KINDRED_RETURN_IF_ERROR(s);
        }
        tell(1);
        KINDRED_RETURN_IF_ERROR(pace());
      }
    }
  }

  // Likes given: both edges (each liked post's count drops by one), and what the like wrote in
  // the post's author's notifications (the like's notification and like notice take its id).
  begin("likes");
  {
    store::RangeQuery q;
    q.limit = std::max<size_t>(1, batch / 5);
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto page, store.assoc_range(me, AssocType::kFavourites, q));
      if (page.items.empty()) break;
      std::vector<Id> ids;
      for (const auto& e : page.items) ids.push_back(e.to);
      KINDRED_ASSIGN_OR_RETURN(auto liked, posts_.stored_posts(ids));
      store::Batch b;
      for (const auto& e : page.items) {
        b.remove_assoc(e.to, AssocType::kFavouritedBy, me);
        b.remove_assoc(me, AssocType::kFavourites, e.to);
        auto post = std::find_if(liked.begin(), liked.end(), [&](const Post& p) { return p.id == e.to; });
        if (post == liked.end()) continue;
        b.remove_assoc(post->account_id, AssocType::kNotifications, e.position);
        b.remove_assoc(post->account_id, AssocType::kLikeNotices, e.position);
        b.remove_assoc(post->id, AssocType::kLikeNoticeOf, e.position);
      }
      KINDRED_RETURN_IF_ERROR(store.apply(b).status());
      tell(static_cast<int64_t>(page.items.size()));
      if (!page.more) break;
      KINDRED_RETURN_IF_ERROR(pace());
    }
  }

  begin("bookmarks");
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kBookmarks));

  // Follows both ways and follow requests: the other side's edge too (counts drop by one each),
  // and the follower's lists and endorsements naming the account.
  begin("follows");
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kFollows, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kFollowedBy, me);
    return Status::ok();
  }));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kFollowedBy, 8, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kFollows, me);
    b.remove_assoc(e.to, AssocType::kEndorsements, me);
    return add_list_removals(store, b, e.to, me);
  }));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kFollowRequestsOut, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kFollowRequestsIn, me);
    return Status::ok();
  }));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kFollowRequestsIn, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kFollowRequestsOut, me);
    return Status::ok();
  }));

  begin("blocks and mutes");
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kBlocks, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kBlockedBy, me);
    return Status::ok();
  }));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kBlockedBy, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kBlocks, me);
    return Status::ok();
  }));
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kMutes));
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kRestricts));

  begin("lists and filters");
  const EdgeFn list_removal = [&](const store::Assoc& e, store::Batch& b) -> Status {
    // A list holds at most kMaxListMembers: its members go in batches of their own first.
    if (Status s = drain(e.to, AssocType::kListAccounts, 1, nullptr); !s.is_ok()) return s;
    b.delete_object(ObjectType::kList, e.to);
    b.remove_assoc(me, AssocType::kExclusiveLists, e.to);
    return Status::ok();
  };
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kLists, 4, list_removal));
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kExclusiveLists));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kFilters, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.delete_object(ObjectType::kFilter, e.to);
    return Status::ok();
  }));

  // Its own notifications and requests, then those it caused in others' lists.
  begin("notifications");
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kNotifications));
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kLikeNotices));
  const EdgeFn request_removal = [&](const store::Assoc& e, store::Batch& b) -> Status {
    if (Status s = drain(request_node(me, e.to), AssocType::kRequestNotifications, 1, nullptr); !s.is_ok())
      return s;
    b.remove_assoc(me, AssocType::kNotificationRequestIds, e.position);
    return Status::ok();
  };
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kNotificationRequests, 2, request_removal));
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kNotificationRequestIds));
  KINDRED_RETURN_IF_ERROR(plain(AssocType::kNotificationPermissions));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kNotificationsSent, 6, [&](const store::Assoc& e, store::Batch& b) {
    auto recipient = Id::parse(e.data);
    if (!recipient || recipient->is_none()) return Status::ok();  // unreadable: the edge alone
    b.remove_assoc(*recipient, AssocType::kNotifications, e.to);
    b.remove_assoc(request_node(*recipient, me), AssocType::kRequestNotifications, e.to);
    // The recipient's request for the account's notifications, and its acceptance.
    auto request = store.get_assoc(*recipient, AssocType::kNotificationRequests, me);
    if (request.has_value()) {
      b.remove_assoc(*recipient, AssocType::kNotificationRequests, me);
      b.remove_assoc(*recipient, AssocType::kNotificationRequestIds, request->position);
    } else if (!request.error().is_not_found()) {
      return request.error();
    }
    b.remove_assoc(*recipient, AssocType::kNotificationPermissions, me);
    return Status::ok();
  }));

  // Tokens (with their push subscriptions) and web sessions: refused already (the account is
  // hidden); here they go from the store.
  begin("tokens and sessions");
  const EdgeFn token_removal = [&](const store::Assoc& e, store::Batch& b) -> Status {
    if (Status s = oauth_.revoke_id(e.to); !s.is_ok()) return s;
    b.delete_object(ObjectType::kPushSubscription, e.to);
    return Status::ok();
  };
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kAccountTokens, 4, token_removal));
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kAccountSessions, 4, [&](const store::Assoc& e, store::Batch&) {
    Status s = sessions_.end(me, e.to);
    return s.is_not_found() ? Status::ok() : s;
  }));

  // Everything else kept per account.
  begin("the rest");
  KINDRED_RETURN_IF_ERROR(drain(me, AssocType::kFollowedTags, 2, [&](const store::Assoc& e, store::Batch& b) {
    b.remove_assoc(e.to, AssocType::kTagFollowers, me);
    return Status::ok();
  }));
  for (AssocType type :
       {AssocType::kFeaturedTags, AssocType::kEndorsements, AssocType::kAccountNotes,
        AssocType::kDomainBlocks, AssocType::kMemoryHiddenRanges, AssocType::kMemoryHiddenAccounts,
        AssocType::kMemoryHiddenStatuses, AssocType::kAnnouncementDismissals,
        AssocType::kSuggestionDismissals, AssocType::kMutedConversations, AssocType::kConversations,
        AssocType::kHeldComments, AssocType::kPinned, AssocType::kHomeFeed,
        AssocType::kAuthoredMedia, AssocType::kAuthoredTopLevel})
    KINDRED_RETURN_IF_ERROR(plain(type));

  // Last: the record becomes a tombstone and the marker goes, in one batch.
  begin("account");
  std::vector<std::string> pictures;
  KINDRED_RETURN_IF_ERROR(
      accounts_.update(me, [&](Account& a, store::Batch& b) {
        for (ObjectType type : {ObjectType::kPreferences, ObjectType::kHiddenWords,
                                ObjectType::kMarkers, ObjectType::kNotificationPolicy})
          b.delete_object(type, me);
        b.remove_assoc(store::kInstanceNode, AssocType::kInstanceAccounts, me);
        b.remove_assoc(store::kInstanceNode, AssocType::kLargeAccounts, me);
        b.remove_assoc(store::kInstanceNode, AssocType::kFilterOwners, me);
        b.remove_assoc(store::kInstanceNode, AssocType::kPendingDeletions, me);
        for (const auto& key : name_index_keys(account_name_terms(a)))
          b.remove_assoc(account_name_node(key), AssocType::kAccountNames, me);
        for (std::string* picture : {&a.avatar, &a.header})
          if (!picture->empty()) {
            media_.add_reference_removal(b, me, *picture);
            pictures.push_back(std::move(*picture));
            picture->clear();
          }
        if (!a.email.empty()) b.release_key(KeyspaceType::kEmail, ascii_lower(a.email));
        a.email.clear();
        a.password_hash.clear();
        a.display_name.clear();
        a.note.clear();
        a.fields.clear();
        return Status::ok();
      }).status());
  KINDRED_RETURN_IF_ERROR(media_.collect_files(pictures));
  tell(1);
  return Status::ok();
}

}  // namespace kindred::social
