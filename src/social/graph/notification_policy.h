#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "social/graph/notifications.h"
#include "social/model/record_cache.h"

namespace kindred::social {

// What a notification policy does with the notifications one of its rules matches.
enum class PolicyValue : uint8_t { kAccept = 0, kFilter = 1, kDrop = 2 };
std::string_view policy_value_name(PolicyValue v);
// nullopt for anything but "accept", "filter" and "drop".
std::optional<PolicyValue> parse_policy_value(std::string_view name);

// Mastodon 4.3's NotificationPolicy: one record per account (none stored: the defaults, as
// Mastodon's). Every Kindred notification type is filterable (mentions, likes, reblogs, follows
// and follow requests, as Mastodon's Notification::PROPERTIES).
struct NotificationPolicy {
  PolicyValue for_not_following = PolicyValue::kAccept;  // senders the recipient does not follow
  PolicyValue for_not_followers = PolicyValue::kAccept;  // senders not following for 3 days
  PolicyValue for_new_accounts = PolicyValue::kAccept;   // senders younger than 30 days, unfollowed
  // Direct posts from unfollowed senders that do not reply to one of the recipient's posts.
  PolicyValue for_private_mentions = PolicyValue::kFilter;
  // Accounts limited by moderators: Kindred limits none, so this rule never matches.
  PolicyValue for_limited_accounts = PolicyValue::kFilter;
  template <class V>
  void field_list(V& v) {
    v(record::upto(for_not_following, PolicyValue::kDrop),
      record::upto(for_not_followers, PolicyValue::kDrop),
      record::upto(for_new_accounts, PolicyValue::kDrop),
      record::upto(for_private_mentions, PolicyValue::kDrop),
      record::upto(for_limited_accounts, PolicyValue::kDrop));
  }
};

// A change to a policy: the values given, the others kept.
struct PolicyChange {
  std::optional<PolicyValue> for_not_following{}, for_not_followers{}, for_new_accounts{},
      for_private_mentions{}, for_limited_accounts{};
};

struct PolicyView {
  NotificationPolicy policy;
  int64_t pending_requests_count = 0;       // requests not accepted or dismissed, at most 100
  int64_t pending_notifications_count = 0;  // their notifications (of the newest 100 requests)
};

// One sender's filtered notifications (Mastodon's NotificationRequest).
struct NotificationRequestView {
  Id id;                      // the first filtered notification's id
  int64_t created_at_ms = 0;  // when that was
  int64_t updated_at_ms = 0;  // when the newest was
  AccountView account;        // the sender
  int64_t notifications_count = 0;
  std::optional<PostView> last_status;  // the newest post of its notifications the viewer may see
};

// Notification policies and the requests they fill (Mastodon 4.3). A new notification is
// decided as it is written (NotificationGate): accepted into the recipient's notifications,
// filtered into the sender's request (kRequestNotifications from request_node), or dropped.
// Accepting a request moves its notifications back into the list (they keep their ids, so their
// places) and lets the sender through from then on; dismissing one deletes its notifications.
// Policies are cached per account (every update replaces the cached record), so a recipient whose
// policy accepts everything costs one hash lookup per notification. Thread-safe.
class NotificationPolicyService : public NotificationGate {
 public:
  static constexpr int64_t kNewAccountMs = 30LL * 24 * 60 * 60 * 1000;
  static constexpr int64_t kNewFollowerMs = 3LL * 24 * 60 * 60 * 1000;
  static constexpr int64_t kMaxMeaningfulCount = 100;

  NotificationPolicyService(Deps deps, const AccountService& accounts, const PostService& posts)
      : deps_(deps),
        accounts_(accounts),
        posts_(posts),
        cache_(deps.config.account_cache_entries) {}

  Result<Delivery> decide(Id recipient, NotificationType type, Id from,
                          const Post* post) const override;
  Status add_filtered(store::Batch& batch, Id recipient, const Notification& n) const override;

  Result<PolicyView> policy(const Viewer& viewer) const;
  // Applies `change` and returns the policy as now stored.
  Result<PolicyView> update_policy(const Viewer& viewer, const PolicyChange& change);

  // The viewer's requests, newest first (positions: request ids); empty requests are skipped.
  Result<Page<NotificationRequestView>> requests(const Viewer& viewer, const ListQuery& q) const;
  // Errors: NotFound for an id that is not one of the viewer's pending requests.
  Result<NotificationRequestView> request(const Viewer& viewer, Id id) const;
  // Moves the request's notifications into the viewer's notifications and lets its sender through
  // from now on. Errors: NotFound as request().
  Status accept(const Viewer& viewer, Id id);
  // Deletes the request and its notifications. Errors: NotFound as request().
  Status dismiss(const Viewer& viewer, Id id);

 private:
  // The account's policy through the cache (the defaults when none is stored).
  Result<std::shared_ptr<const NotificationPolicy>> load(Id account) const;
  // The sender of the viewer's request `id`. Errors: NotFound.
  Result<Id> sender_of(const Viewer& viewer, Id id) const;
  Result<std::optional<NotificationRequestView>> view(const Viewer& viewer, Id sender,
                                                      Id request_id) const;
  // Moves (accept) or deletes the filtered notifications of `sender`, then ends the request.
  Status settle(const Viewer& viewer, Id id, bool accept);

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  mutable RecordCache<Id, NotificationPolicy> cache_;
  std::array<std::mutex, 16> update_locks_;  // one policy update per account at a time
};

}  // namespace kindred::social
