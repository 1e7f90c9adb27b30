#include "social/graph/notification_policy.h"

#include <algorithm>
#include <charconv>

namespace kindred::social {

using store::AssocType;

namespace {

// Filtered notifications moved or deleted per batch when a request is accepted or dismissed.
constexpr size_t kSettleChunk = 500;
// How far back a request's view looks for the newest post it may show.
constexpr size_t kLastStatusWalk = 20;

bool all_accept(const NotificationPolicy& p, bool private_mention) {
  return p.for_not_following == PolicyValue::kAccept &&
         p.for_not_followers == PolicyValue::kAccept &&
         p.for_new_accounts == PolicyValue::kAccept &&
         (!private_mention || p.for_private_mentions == PolicyValue::kAccept);
}

}  // namespace

std::string_view policy_value_name(PolicyValue v) {
  switch (v) {
    case PolicyValue::kAccept:
      return "accept";
    case PolicyValue::kFilter:
      return "filter";
    case PolicyValue::kDrop:
      return "drop";
  }
  return "accept";
}

std::optional<PolicyValue> parse_policy_value(std::string_view name) {
  for (auto v : {PolicyValue::kAccept, PolicyValue::kFilter, PolicyValue::kDrop})
    if (policy_value_name(v) == name) return v;
  return std::nullopt;
}

Result<std::shared_ptr<const NotificationPolicy>> NotificationPolicyService::load(
    Id account) const {
  if (auto cached = cache_.find(account); cached && *cached) return *cached;
  NotificationPolicy p;
  auto bytes = deps_.store.get_object(store::ObjectType::kNotificationPolicy, account);
  if (bytes.has_value()) {
    KINDRED_ASSIGN_OR_RETURN(p, record::decode<NotificationPolicy>(*bytes, "notification policy"));
  } else if (!bytes.error().is_not_found()) {
    return bytes.error();
  }
  auto shared = std::make_shared<const NotificationPolicy>(p);
  cache_.insert_if_absent(account, shared);
  return shared;
}

Result<Delivery> NotificationPolicyService::decide(Id recipient, NotificationType type, Id from,
                                                   const Post* post) const {
  if (recipient == from) return Delivery::kAccept;
  KINDRED_ASSIGN_OR_RETURN(auto policy, load(recipient));
  // Mastodon's private_mention_not_in_response?, its thread walk narrowed to the post replied to.
  const bool private_mention = type == NotificationType::kMention && post &&
                               post->visibility == Visibility::kDirect &&
                               post->in_reply_to_account_id != recipient;
  if (all_accept(*policy, private_mention)) return Delivery::kAccept;
  auto& s = deps_.store;
  KINDRED_ASSIGN_OR_RETURN(bool permitted,
                           s.assoc_exists(recipient, AssocType::kNotificationPermissions, from));
  if (permitted) return Delivery::kAccept;
  // Each condition is read once, and only when a rule that is not "accept" needs it.
  std::optional<bool> not_following, not_follower, new_account;
  auto is_not_following = [&]() -> Result<bool> {
    if (!not_following) {
      KINDRED_ASSIGN_OR_RETURN(bool follows, s.assoc_exists(recipient, AssocType::kFollows, from));
      not_following = !follows;
    }
    return *not_following;
  };
  auto is_not_follower = [&]() -> Result<bool> {
    if (!not_follower) {
      auto follow = s.get_assoc(from, AssocType::kFollows, recipient);
      if (!follow.has_value() && !follow.error().is_not_found()) return follow.error();
      // A follow's position is when it began; a follower of less than three days counts as none.
      not_follower =
          !follow.has_value() || follow->position.ms() > deps_.clock.now_ms() - kNewFollowerMs;
    }
    return *not_follower;
  };
  auto is_new_account = [&]() -> Result<bool> {
    if (!new_account) {
      KINDRED_ASSIGN_OR_RETURN(Account a, accounts_.get(from));
      new_account = a.created_at_ms > deps_.clock.now_ms() - kNewAccountMs;
    }
    return *new_account;
  };
  // Whether some rule holding `value` matches, as Mastodon's DropCondition and FilterCondition.
  auto matches = [&](PolicyValue value) -> Result<bool> {
    if (policy->for_not_following == value) {
      KINDRED_ASSIGN_OR_RETURN(bool m, is_not_following());
      if (m) return true;
    }
    if (policy->for_not_followers == value) {
      KINDRED_ASSIGN_OR_RETURN(bool m, is_not_follower());
      if (m) return true;
    }
    if (policy->for_new_accounts == value) {
      KINDRED_ASSIGN_OR_RETURN(bool m, is_new_account());
      if (m) {
        KINDRED_ASSIGN_OR_RETURN(bool unfollowed, is_not_following());
        if (unfollowed) return true;
      }
    }
    if (private_mention && policy->for_private_mentions == value) {
      KINDRED_ASSIGN_OR_RETURN(bool m, is_not_following());
      if (m) return true;
    }
    return false;
  };
  KINDRED_ASSIGN_OR_RETURN(bool drop, matches(PolicyValue::kDrop));
  if (drop) return Delivery::kDrop;
  KINDRED_ASSIGN_OR_RETURN(bool filter, matches(PolicyValue::kFilter));
  return filter ? Delivery::kFilter : Delivery::kAccept;
}

Status NotificationPolicyService::add_filtered(store::Batch& batch, Id recipient,
                                               const Notification& n) const {
  const Id sender = n.from_account;
  KINDRED_ASSIGN_OR_RETURN(
      bool open, deps_.store.assoc_exists(recipient, AssocType::kNotificationRequests, sender));
  if (!open) {
    // A new request, named by this notification's id. (Two opened at once: the first edge
    // written keeps its position, and the other id answers NotFound.)
    batch.add_assoc({recipient, AssocType::kNotificationRequests, sender, n.id, {}});
    batch.add_assoc(
        {recipient, AssocType::kNotificationRequestIds, n.id, n.id, sender.to_string()});
  }
  batch.add_assoc({request_node(recipient, sender), AssocType::kRequestNotifications, n.id, n.id,
                   encode_notification(n)});
  return Status::ok();
}

Result<PolicyView> NotificationPolicyService::policy(const Viewer& viewer) const {
  const Id me = viewer.account_id;
  PolicyView v;
  KINDRED_ASSIGN_OR_RETURN(auto p, load(me));
  v.policy = *p;
  KINDRED_ASSIGN_OR_RETURN(int64_t requests,
                           deps_.store.assoc_count(me, AssocType::kNotificationRequests));
  v.pending_requests_count = std::min(requests, kMaxMeaningfulCount);
  if (requests == 0) return v;
  store::RangeQuery q;
  q.limit = kMaxMeaningfulCount;
  KINDRED_ASSIGN_OR_RETURN(auto range,
                           deps_.store.assoc_range(me, AssocType::kNotificationRequests, q));
  std::vector<std::pair<Id, AssocType>> lists;
  for (const auto& a : range.items)
    lists.emplace_back(request_node(me, a.to), AssocType::kRequestNotifications);
  KINDRED_ASSIGN_OR_RETURN(auto counts, deps_.store.assoc_counts(lists));
  for (int64_t c : counts) v.pending_notifications_count += c;
  return v;
}

Result<PolicyView> NotificationPolicyService::update_policy(const Viewer& viewer,
                                                            const PolicyChange& change) {
  const Id me = viewer.account_id;
  {
    std::scoped_lock lock(update_locks_[std::hash<Id>()(me) % update_locks_.size()]);
    KINDRED_ASSIGN_OR_RETURN(auto current, load(me));
    NotificationPolicy p = *current;
    auto set = [](PolicyValue& field, const std::optional<PolicyValue>& value) {
      if (value) field = *value;
    };
    set(p.for_not_following, change.for_not_following);
    set(p.for_not_followers, change.for_not_followers);
    set(p.for_new_accounts, change.for_new_accounts);
    set(p.for_private_mentions, change.for_private_mentions);
    set(p.for_limited_accounts, change.for_limited_accounts);
    store::Batch b;
    b.put_object(store::ObjectType::kNotificationPolicy, me, record::encode(p));
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    cache_.put(me, std::make_shared<const NotificationPolicy>(p));
  }
  return policy(viewer);
}

Result<std::optional<NotificationRequestView>> NotificationPolicyService::view(
    const Viewer& viewer, Id sender, Id request_id) const {
  using None = std::optional<NotificationRequestView>;
  const Id node = request_node(viewer.account_id, sender);
  NotificationRequestView v;
  KINDRED_ASSIGN_OR_RETURN(v.notifications_count,
                           deps_.store.assoc_count(node, AssocType::kRequestNotifications));
  if (v.notifications_count == 0) return None();
  auto account = accounts_.view(sender);
  if (!account.has_value()) {
    if (account.error().is_not_found()) return None();
    return account.error();
  }
  v.account = std::move(*account);
  v.id = request_id;
  v.created_at_ms = request_id.ms();
  store::RangeQuery q;
  q.limit = kLastStatusWalk;
  KINDRED_ASSIGN_OR_RETURN(auto newest,
                           deps_.store.assoc_range(node, AssocType::kRequestNotifications, q));
  v.updated_at_ms = newest.items.empty() ? v.created_at_ms : newest.items[0].position.ms();
  for (const auto& a : newest.items) {
    KINDRED_ASSIGN_OR_RETURN(Notification n, decode_notification(a.to, a.data));
    if (n.status_id.is_none()) continue;
    auto post = posts_.get(viewer, n.status_id);
    if (post.has_value()) {
      v.last_status = std::move(*post);
      break;
    }
    if (!post.error().is_not_found()) return post.error();
  }
  return std::optional<NotificationRequestView>(std::move(v));
}

Result<Page<NotificationRequestView>> NotificationPolicyService::requests(
    const Viewer& viewer, const ListQuery& lq) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(
      auto range, deps_.store.assoc_range(viewer.account_id, AssocType::kNotificationRequests,
                                          to_range_query(lq, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  Page<NotificationRequestView> page;
  for (const auto& a : range.items) {
    KINDRED_ASSIGN_OR_RETURN(auto v, view(viewer, a.to, a.position));
    if (!v) continue;
    page.items.push_back(std::move(*v));
    page.positions.push_back(a.position);
  }
  return page;
}

Result<Id> NotificationPolicyService::sender_of(const Viewer& viewer, Id id) const {
  auto edge = deps_.store.get_assoc(viewer.account_id, AssocType::kNotificationRequestIds, id);
  if (!edge.has_value()) {
    if (edge.error().is_not_found()) return Status::not_found("Record not found");
    return edge.error();
  }
  auto sender = Id::parse(edge->data);
  if (!sender) return Status::corruption("stored notification request names no sender");
  auto request =
      deps_.store.get_assoc(viewer.account_id, AssocType::kNotificationRequests, *sender);
  if (!request.has_value()) {
    if (request.error().is_not_found()) return Status::not_found("Record not found");
    return request.error();
  }
  if (request->position != id) return Status::not_found("Record not found");
  return *sender;
}

Result<NotificationRequestView> NotificationPolicyService::request(const Viewer& viewer,
                                                                   Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Id sender, sender_of(viewer, id));
  KINDRED_ASSIGN_OR_RETURN(auto v, view(viewer, sender, id));
  if (!v) return Status::not_found("Record not found");
  return std::move(*v);
}

Status NotificationPolicyService::settle(const Viewer& viewer, Id id, bool accept) {
  const Id me = viewer.account_id;
  KINDRED_ASSIGN_OR_RETURN(Id sender, sender_of(viewer, id));
  if (accept) {
    // First let the sender through, so nothing they do from now on is filtered into the request
    // being emptied.
    store::Batch b;
    b.add_assoc({me, AssocType::kNotificationPermissions, sender, deps_.ids.next(), {}});
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  }
  const Id node = request_node(me, sender);
  store::RangeQuery q;
  q.limit = kSettleChunk;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto range,
                             deps_.store.assoc_range(node, AssocType::kRequestNotifications, q));
    if (range.items.empty()) break;
    store::Batch b;
    for (const auto& a : range.items) {
      // Back in the list under their own ids, so each one takes its place in time.
      if (accept) b.add_assoc({me, AssocType::kNotifications, a.to, a.to, a.data});
      b.remove_assoc(node, AssocType::kRequestNotifications, a.to);
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    if (!range.more) break;
  }
  store::Batch b;
  b.remove_assoc(me, AssocType::kNotificationRequests, sender);
  b.remove_assoc(me, AssocType::kNotificationRequestIds, id);
  return deps_.store.apply(b).status();
}

Status NotificationPolicyService::accept(const Viewer& viewer, Id id) {
  return settle(viewer, id, true);
}

Status NotificationPolicyService::dismiss(const Viewer& viewer, Id id) {
  return settle(viewer, id, false);
}

}  // namespace kindred::social
