#include "social/notifications.h"

#include <algorithm>

#include "core/codec.h"

namespace kindred::social {

using store::AssocType;

namespace {

// A page that needs more rounds than this (a long run of hidden notifications) ends early.
constexpr int kMaxRounds = 50;

}  // namespace

std::string_view notification_type_name(NotificationType t) {
  switch (t) {
    case NotificationType::kMention: return "mention";
    case NotificationType::kFavourite: return "favourite";
    case NotificationType::kFollow: return "follow";
    case NotificationType::kFollowRequest: return "follow_request";
    case NotificationType::kReblog: return "reblog";
  }
  return "mention";
}

std::optional<NotificationType> parse_notification_type(std::string_view name) {
  for (auto t : {NotificationType::kMention, NotificationType::kFavourite, NotificationType::kFollow,
                 NotificationType::kFollowRequest, NotificationType::kReblog})
    if (notification_type_name(t) == name) return t;
  return std::nullopt;
}

std::string encode_notification(const Notification& n) {
  RecordWriter w;
  w.put_u64(static_cast<uint64_t>(n.type));
  w.put_u64(n.from_account.value);
  w.put_u64(n.status_id.value);
  return std::move(w).bytes();
}

Result<Notification> decode_notification(Id id, std::string_view data) {
  RecordReader r(data);
  Notification n;
  n.id = id;
  uint64_t type = 0;
  if (!r.get_u64(type) || type < 1 || type > 5 || !r.get_u64(n.from_account.value) ||
      !r.get_u64(n.status_id.value))
    return Status::corruption("stored notification does not decode");
  n.type = static_cast<NotificationType>(type);
  return n;
}

void add_notification(store::Batch& batch, IdGenerator& ids, Id recipient, NotificationType type,
                      Id from_account, Id status_id) {
  if (recipient == from_account || recipient.is_none()) return;
  Notification n;
  n.id = ids.next();
  n.type = type;
  n.from_account = from_account;
  n.status_id = status_id;
  batch.add_assoc({recipient, AssocType::kNotifications, n.id, n.id, encode_notification(n)});
}

Result<std::optional<NotificationView>> NotificationService::view_if_current(
    const Viewer& viewer, const Notification& n) const {
  using None = std::optional<NotificationView>;
  const Id me = viewer.account_id;
  KINDRED_ASSIGN_OR_RETURN(bool blocked, relationships_.blocked_either_way(me, n.from_account));
  if (blocked) return None();
  KINDRED_ASSIGN_OR_RETURN(auto mute, relationships_.mute_of(me, n.from_account));
  if (mute && mute->notifications) return None();
  auto& s = deps_.store;
  // Still true? A taken-back like or an ended follow is not news any more.
  switch (n.type) {
    case NotificationType::kFavourite: {
      KINDRED_ASSIGN_OR_RETURN(bool liked, s.assoc_exists(n.status_id, AssocType::kFavouritedBy, n.from_account));
      if (!liked) return None();
      break;
    }
    case NotificationType::kFollow: {
      KINDRED_ASSIGN_OR_RETURN(bool follows, s.assoc_exists(me, AssocType::kFollowedBy, n.from_account));
      if (!follows) return None();
      break;
    }
    case NotificationType::kFollowRequest: {
      KINDRED_ASSIGN_OR_RETURN(bool asks, s.assoc_exists(me, AssocType::kFollowRequestsIn, n.from_account));
      if (!asks) return None();
      break;
    }
    case NotificationType::kReblog: {
      auto edge = s.get_assoc(n.status_id, AssocType::kRebloggedBy, n.from_account);
      if (!edge.has_value()) {
        if (edge.error().is_not_found()) return None();
        return edge.error();
      }
      // The edge's position is the current reblog's id: a reblog undone and made again has
      // its own, newer notification.
      if (edge->position > n.id) return None();
      break;
    }
    case NotificationType::kMention:
      break;
  }
  NotificationView v;
  v.notification = n;
  auto account = accounts_.view(n.from_account);
  if (!account.has_value()) {
    if (account.error().is_not_found()) return None();
    return account.error();
  }
  v.account = std::move(*account);
  if (!n.status_id.is_none()) {
    auto post = posts_.get(viewer, n.status_id);
    if (!post.has_value()) {
      if (post.error().is_not_found()) return None();  // deleted, or no longer visible
      return post.error();
    }
    v.status = std::move(*post);
  }
  return std::optional<NotificationView>(std::move(v));
}

Result<Page<NotificationView>> NotificationService::list(const Viewer& viewer,
                                                         const NotificationQuery& q) const {
  bool reverse = false;
  store::RangeQuery rq = to_range_query(q.page, reverse);
  auto wanted = [&](NotificationType t) {
    if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), t) == q.types.end()) return false;
    return std::find(q.exclude_types.begin(), q.exclude_types.end(), t) == q.exclude_types.end();
  };
  Page<NotificationView> page;
  for (int round = 0; round < kMaxRounds && page.items.size() < q.page.limit; ++round) {
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(viewer.account_id,
                                                                 AssocType::kNotifications, rq));
    for (const auto& a : range.items) {
      if (page.items.size() >= q.page.limit) break;
      KINDRED_ASSIGN_OR_RETURN(Notification n, decode_notification(a.to, a.data));
      if (!wanted(n.type)) continue;
      if (!q.account_id.is_none() && n.from_account != q.account_id) continue;
      KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, n));
      if (!v) continue;
      page.items.push_back(std::move(*v));
      page.positions.push_back(a.position);
    }
    if (!range.more || range.items.empty()) break;
    if (rq.oldest_first) {
      rq.min_position = range.items.back().position;
    } else {
      rq.max_position = range.items.back().position;
    }
  }
  if (reverse) {
    std::reverse(page.items.begin(), page.items.end());
    std::reverse(page.positions.begin(), page.positions.end());
  }
  return page;
}

Result<NotificationView> NotificationService::get(const Viewer& viewer, Id id) const {
  auto edge = deps_.store.get_assoc(viewer.account_id, AssocType::kNotifications, id);
  if (!edge.has_value()) {
    if (edge.error().is_not_found()) return Status::not_found("Record not found");
    return edge.error();
  }
  KINDRED_ASSIGN_OR_RETURN(Notification n, decode_notification(id, edge->data));
  KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, n));
  if (!v) return Status::not_found("Record not found");
  return std::move(*v);
}

Status NotificationService::dismiss(const Viewer& viewer, Id id) {
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kNotifications, id);
  return deps_.store.apply(b).status();
}

Status NotificationService::clear(const Viewer& viewer) {
  store::RangeQuery q;
  q.limit = 1000;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(viewer.account_id,
                                                                AssocType::kNotifications, q));
    if (page.items.empty()) return Status::ok();
    store::Batch b;
    for (const auto& a : page.items) b.remove_assoc(viewer.account_id, AssocType::kNotifications, a.to);
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
    if (!page.more) return Status::ok();
  }
}

}  // namespace kindred::social
