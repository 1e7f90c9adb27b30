#include "social/graph/notifications.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/shared_state.h"

namespace kindred::social {

using store::AssocType;

namespace {

// A page walks at most this many notifications per item asked for (a long run of hidden ones
// ends the page early; the Link header still leads on).
constexpr size_t kWalkPerItem = 50;
// Store reads per list while merging the two lists.
constexpr size_t kWalkChunk = 64;
constexpr int64_t kHourMs = 3'600'000;
// Like-notice bookkeeping per stripe before it is forgotten (forgetting costs one read per post).
constexpr size_t kMaxTrackedPerStripe = 1 << 14;

bool groupable(NotificationType t) {
  return t == NotificationType::kFavourite || t == NotificationType::kFollow ||
         t == NotificationType::kReblog;
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A parsed group key.
struct GroupKey {
  enum Kind { kLikes, kTyped, kSingle } kind = kSingle;
  NotificationType type = NotificationType::kMention;
  Id status;
  int64_t hour = 0;
  Id single;
};

std::optional<GroupKey> parse_group_key(std::string_view key) {
  GroupKey k;
  auto dash = key.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto head = key.substr(0, dash), rest = key.substr(dash + 1);
  if (head == "ungrouped") {
    auto id = parse_u64(rest);
    if (!id || *id == 0) return std::nullopt;
    k.kind = GroupKey::kSingle;
    k.single = Id(*id);
    return k;
  }
  auto type = parse_notification_type(head);
  if (!type) return std::nullopt;
  k.type = *type;
  auto dash2 = rest.find('-');
  if (*type == NotificationType::kFavourite && dash2 == std::string_view::npos) {
    auto id = parse_u64(rest);
    if (!id || *id == 0) return std::nullopt;
    k.kind = GroupKey::kLikes;
    k.status = Id(*id);
    return k;
  }
  if (!groupable(*type) || dash2 == std::string_view::npos) return std::nullopt;
  auto status = parse_u64(rest.substr(0, dash2));
  auto hour = parse_u64(rest.substr(dash2 + 1));
  if (!status || !hour || *hour > (uint64_t{1} << 40)) return std::nullopt;
  k.kind = GroupKey::kTyped;
  k.status = Id(*status);
  k.hour = static_cast<int64_t>(*hour);
  return k;
}

void add_sample(NotificationGroup& g, Id account) {
  if (g.sample_account_ids.size() >= NotificationGroup::kSampleAccounts) return;
  if (std::find(g.sample_account_ids.begin(), g.sample_account_ids.end(), account) !=
      g.sample_account_ids.end())
    return;
  g.sample_account_ids.push_back(account);
}

}  // namespace

std::string_view notification_type_name(NotificationType t) {
  switch (t) {
    case NotificationType::kMention: return "mention";
    case NotificationType::kFavourite: return "favourite";
    case NotificationType::kFollow: return "follow";
    case NotificationType::kFollowRequest: return "follow_request";
    case NotificationType::kReblog: return "reblog";
    case NotificationType::kPoll: return "poll";
    case NotificationType::kUpdate: return "update";
    case NotificationType::kModerationWarning: return "moderation_warning";
  }
  return "mention";
}

std::optional<NotificationType> parse_notification_type(std::string_view name) {
  for (auto t : {NotificationType::kMention, NotificationType::kFavourite, NotificationType::kFollow,
                 NotificationType::kFollowRequest, NotificationType::kReblog,
                 NotificationType::kPoll, NotificationType::kUpdate,
                 NotificationType::kModerationWarning})
    if (notification_type_name(t) == name) return t;
  return std::nullopt;
}

std::string encode_notification(const Notification& n) { return record::encode(n); }

Result<Notification> decode_notification(Id id, std::string_view data) {
  Notification n;
  n.id = id;
  if (!record::decode_into(data, n))
    return Status::corruption("stored notification does not decode");
  return n;
}

std::string group_key_of(const Notification& n, bool grouped) {
  if (grouped && n.type == NotificationType::kFavourite)
    return "favourite-" + n.status_id.to_string();
  if (grouped && groupable(n.type))
    return std::string(notification_type_name(n.type)) + "-" + std::to_string(n.status_id.value) +
           "-" + std::to_string(n.id.ms() / kHourMs);
  return "ungrouped-" + n.id.to_string();
}

bool NotificationQuery::matches(const Notification& n) const {
  if (!types.empty() && std::find(types.begin(), types.end(), n.type) == types.end()) return false;
  if (std::find(exclude_types.begin(), exclude_types.end(), n.type) != exclude_types.end())
    return false;
  return account_id.is_none() || n.from_account == account_id;
}

bool LikeNotices::claim(Id post, int64_t now_ms) {
  auto& stripe = stripes_[post.value % kStripes];
  std::lock_guard lock(stripe.mu);
  if (stripe.last_ms.size() >= kMaxTrackedPerStripe) stripe.last_ms.clear();
  auto [it, inserted] = stripe.last_ms.try_emplace(post.value, now_ms);
  if (inserted) return true;
  if (now_ms - it->second < refresh_ms_) return false;
  it->second = now_ms;
  return true;
}

Status LikeNotices::add_to(store::Batch& batch, const Post& post, Id liker, Id like_id,
                           const NotificationGate* gate) {
  if (liker == post.account_id) return Status::ok();
  if (gate) {
    // A like the author's policy filters or drops does not move the notice to its liker.
    KINDRED_ASSIGN_OR_RETURN(Delivery d, gate->decide(post.account_id, NotificationType::kFavourite,
                                                      liker, &post));
    if (d != Delivery::kAccept) return Status::ok();
  }
  if (!claim(post.id, like_id.ms())) return Status::ok();
  if (deps_.shared != nullptr) {
    // Several nodes: the first node to claim the post's interval moves its notice; Redis down,
    // each node's own claim stands (and the move below drops any second notice it finds).
    auto claimed = deps_.shared->try_lock("kindred:like-notice:" + post.id.to_string(), refresh_ms_);
    if (claimed.has_value() && !claimed->has_value()) return Status::ok();
  }
  store::RangeQuery q;
  q.limit = 8;  // normally one; more only if a move was lost between processes
  KINDRED_ASSIGN_OR_RETURN(auto old, deps_.store.assoc_range(post.id, AssocType::kLikeNoticeOf, q));
  for (const auto& a : old.items) {
    batch.remove_assoc(post.account_id, AssocType::kLikeNotices, a.to);
    batch.remove_assoc(post.id, AssocType::kLikeNoticeOf, a.to);
  }
  Notification n;
  n.id = like_id;
  n.type = NotificationType::kFavourite;
  n.from_account = liker;
  n.status_id = post.id;
  batch.add_assoc({post.account_id, AssocType::kLikeNotices, like_id, like_id, encode_notification(n)});
  batch.add_assoc({post.id, AssocType::kLikeNoticeOf, like_id, like_id, {}});
  return Status::ok();
}

Result<Id> add_notification(store::Batch& batch, IdGenerator& ids, const NotificationGate* gate,
                            Id recipient, NotificationType type, Id from_account, const Post* post,
                            Id id) {
  if (recipient == from_account || recipient.is_none()) return Id();
  Delivery d = Delivery::kAccept;
  if (gate) {
    KINDRED_ASSIGN_OR_RETURN(d, gate->decide(recipient, type, from_account, post));
  }
  if (d == Delivery::kDrop) return Id();
  Notification n;
  n.id = id.is_none() ? ids.next() : id;
  n.type = type;
  n.from_account = from_account;
  n.status_id = post ? post->id : Id();
  // The sender's index of what it caused, so deleting its account finds each one.
  if (!from_account.is_none())
    batch.add_assoc({from_account, AssocType::kNotificationsSent, n.id, n.id, recipient.to_string()});
  if (d == Delivery::kFilter) {
    KINDRED_RETURN_IF_ERROR(gate->add_filtered(batch, recipient, n));
    return Id();
  }
  batch.add_assoc({recipient, AssocType::kNotifications, n.id, n.id, encode_notification(n)});
  return n.id;
}

Id add_warning_notification(store::Batch& batch, IdGenerator& ids, Id recipient, Id moderator,
                            Id warning) {
  Notification n;
  n.id = ids.next();
  n.type = NotificationType::kModerationWarning;
  n.from_account = moderator;
  n.status_id = warning;
  batch.add_assoc({recipient, AssocType::kNotifications, n.id, n.id, encode_notification(n)});
  return n.id;
}

Id request_node(Id recipient, Id sender) {
  // The same hash space as hashtags' nodes; a tag never holds ':'.
  return tag_node("notification-request:" + recipient.to_string() + ":" + sender.to_string());
}

Result<bool> NotificationService::from_welcome(const Viewer& viewer, Id from) const {
  KINDRED_ASSIGN_OR_RETURN(bool blocked, relationships_.blocked_either_way(viewer.account_id, from));
  if (blocked) return false;
  KINDRED_ASSIGN_OR_RETURN(auto mute, relationships_.mute_of(viewer.account_id, from));
  return !(mute && mute->notifications);
}

Result<std::optional<NotificationView>> NotificationService::view_if_current(
    const Viewer& viewer, const Notification& n, AssocType list) const {
  using None = std::optional<NotificationView>;
  const Id me = viewer.account_id;
  if (n.type == NotificationType::kModerationWarning) {
    // From the server's moderators: never muted or blocked away.
    NotificationView v;
    v.notification = n;
    auto warning = load_warning(deps_.store, n.status_id);
    if (!warning.has_value()) {
      if (warning.error().is_not_found()) return None();
      return warning.error();
    }
    auto both = accounts_.views_with_hidden({n.from_account, me});
    if (!both.has_value()) return both.error();
    if (both->size() < 2) return None();
    v.account = std::move((*both)[0]);
    v.warning = WarningView{std::move(*warning), std::move((*both)[1])};
    return std::optional<NotificationView>(std::move(v));
  }
  KINDRED_ASSIGN_OR_RETURN(bool welcome, from_welcome(viewer, n.from_account));
  if (!welcome) return None();
  auto& s = deps_.store;
  // Still true? A taken-back like or an ended follow is not news any more.
  switch (n.type) {
    case NotificationType::kFavourite: {
      auto like = s.get_assoc(n.status_id, AssocType::kFavouritedBy, n.from_account);
      if (!like.has_value()) {
        if (like.error().is_not_found()) return None();
        return like.error();
      }
      // One like's own notification (v1) names that like: one taken back and made again has
      // its own, newer one. (A like notice moves to newer likes; it stands while its like does.)
      if (like->position != n.id && list == AssocType::kNotifications) return None();
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
    case NotificationType::kPoll:
    case NotificationType::kUpdate:
    case NotificationType::kModerationWarning:
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

Status NotificationService::walk(Id account, const ListQuery& page, size_t max_entries,
                                 const std::function<Result<bool>(const Entry&)>& visit,
                                 bool& more) const {
  bool reverse = false;
  const store::RangeQuery base = to_range_query(page, reverse);
  struct Cursor {
    AssocType type;
    store::RangeQuery q;
    std::vector<store::Assoc> buf;
    size_t i = 0;
    bool more = true;
  };
  Cursor cursors[2] = {{AssocType::kNotifications, base, {}, 0, true},
                       {AssocType::kLikeNotices, base, {}, 0, true}};
  auto peek = [&](Cursor& c) -> Result<const store::Assoc*> {
    if (c.i < c.buf.size()) return &c.buf[c.i];
    if (!c.more) return static_cast<const store::Assoc*>(nullptr);
    c.q.limit = kWalkChunk;
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(account, c.type, c.q));
    c.buf = std::move(range.items);
    c.i = 0;
    c.more = range.more && !c.buf.empty();
    if (c.buf.empty()) return static_cast<const store::Assoc*>(nullptr);
    if (c.q.oldest_first) {
      c.q.min_position = c.buf.back().position;
    } else {
      c.q.max_position = c.buf.back().position;
    }
    return &c.buf[0];
  };
  more = false;
  for (size_t seen = 0;; ++seen) {
    KINDRED_ASSIGN_OR_RETURN(const store::Assoc* a, peek(cursors[0]));
    KINDRED_ASSIGN_OR_RETURN(const store::Assoc* b, peek(cursors[1]));
    if (!a && !b) return Status::ok();
    if (seen >= max_entries) {
      more = true;
      return Status::ok();
    }
    bool take_a = a && (!b || (base.oldest_first ? a->position < b->position
                                                 : a->position > b->position));
    Cursor& c = take_a ? cursors[0] : cursors[1];
    const store::Assoc& edge = c.buf[c.i++];
    Entry e;
    e.list = c.type;
    KINDRED_ASSIGN_OR_RETURN(e.n, decode_notification(edge.to, edge.data));
    KINDRED_ASSIGN_OR_RETURN(bool go_on, visit(e));
    if (!go_on) {
      more = true;
      return Status::ok();
    }
  }
}

Result<bool> NotificationService::v1_shows(const Viewer& viewer, const Entry& e) const {
  if (e.list != AssocType::kLikeNotices) return true;
  KINDRED_ASSIGN_OR_RETURN(int64_t likes,
                           deps_.store.assoc_count(e.n.status_id, AssocType::kFavouritedBy));
  if (likes <= static_cast<int64_t>(deps_.config.exact_like_notifications)) return false;
  KINDRED_ASSIGN_OR_RETURN(bool own, deps_.store.assoc_exists(viewer.account_id,
                                                              AssocType::kNotifications, e.n.id));
  return !own;
}

bool NotificationService::v2_shows(const Entry& e) {
  return !(e.list == AssocType::kNotifications && e.n.type == NotificationType::kFavourite);
}

Result<Page<NotificationView>> NotificationService::list(const Viewer& viewer,
                                                         const NotificationQuery& q) const {
  Page<NotificationView> page;
  bool more = false;
  KINDRED_RETURN_IF_ERROR(walk(viewer.account_id, q.page, q.page.limit * kWalkPerItem,
      [&](const Entry& e) -> Result<bool> {
        if (page.items.size() >= q.page.limit) return false;
        if (!q.matches(e.n)) return true;
        KINDRED_ASSIGN_OR_RETURN(bool shown, v1_shows(viewer, e));
        if (!shown) return true;
        KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, e.n, e.list));
        if (v) {
          page.items.push_back(std::move(*v));
          page.positions.push_back(e.n.id);
        }
        return true;
      }, more));
  if (q.page.min_id.value != 0) {
    std::reverse(page.items.begin(), page.items.end());
    std::reverse(page.positions.begin(), page.positions.end());
  }
  return page;
}

Result<NotificationView> NotificationService::get(const Viewer& viewer, Id id) const {
  for (auto list : {AssocType::kNotifications, AssocType::kLikeNotices}) {
    auto edge = deps_.store.get_assoc(viewer.account_id, list, id);
    if (!edge.has_value()) {
      if (edge.error().is_not_found()) continue;
      return edge.error();
    }
    KINDRED_ASSIGN_OR_RETURN(Notification n, decode_notification(id, edge->data));
    KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, n, list));
    if (!v) break;
    return std::move(*v);
  }
  return Status::not_found("Record not found");
}

Status NotificationService::dismiss(const Viewer& viewer, Id id) {
  store::Batch b;
  KINDRED_ASSIGN_OR_RETURN(bool plain,
                           deps_.store.assoc_exists(viewer.account_id, AssocType::kNotifications, id));
  b.remove_assoc(viewer.account_id, AssocType::kNotifications, id);
  auto notice = deps_.store.get_assoc(viewer.account_id, AssocType::kLikeNotices, id);
  // Someone else's notification, or one already dismissed: 404, as Mastodon's find would.
  if (!plain && !notice.has_value() && notice.error().is_not_found())
    return Status::not_found("Record not found");
  if (notice.has_value()) {
    KINDRED_ASSIGN_OR_RETURN(Notification n, decode_notification(id, notice->data));
    b.remove_assoc(viewer.account_id, AssocType::kLikeNotices, id);
    b.remove_assoc(n.status_id, AssocType::kLikeNoticeOf, id);
  } else if (!notice.error().is_not_found()) {
    return notice.error();
  }
  return deps_.store.apply(b).status();
}

Status NotificationService::clear(const Viewer& viewer) {
  store::RangeQuery q;
  q.limit = 1000;
  for (auto list : {AssocType::kNotifications, AssocType::kLikeNotices}) {
    for (;;) {
      KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(viewer.account_id, list, q));
      if (page.items.empty()) break;
      store::Batch b;
      for (const auto& a : page.items) {
        b.remove_assoc(viewer.account_id, list, a.to);
        if (list == AssocType::kLikeNotices) {
          KINDRED_ASSIGN_OR_RETURN(Notification n, decode_notification(a.to, a.data));
          b.remove_assoc(n.status_id, AssocType::kLikeNoticeOf, a.to);
        }
      }
      KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
      if (!page.more) break;
    }
  }
  return Status::ok();
}

// ---------------------------------------------------------------- grouped notifications

Result<std::vector<Id>> NotificationService::newest_likers(const Viewer& viewer, Id post,
                                                           size_t limit) const {
  std::vector<Id> out;
  store::RangeQuery q;
  q.limit = limit + 8;
  for (int round = 0; round < 8 && out.size() < limit; ++round) {
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(post, AssocType::kFavouritedBy, q));
    for (const auto& a : range.items) {
      if (out.size() >= limit) break;
      if (a.to == viewer.account_id) continue;
      KINDRED_ASSIGN_OR_RETURN(bool welcome, from_welcome(viewer, a.to));
      if (welcome && gate_) {
        // A liker the viewer's notification policy filters or drops is not named (the count,
        // the post's exact like count, still includes them).
        KINDRED_ASSIGN_OR_RETURN(Delivery d, gate_->decide(viewer.account_id,
                                                           NotificationType::kFavourite, a.to,
                                                           nullptr));
        welcome = d == Delivery::kAccept;
      }
      if (welcome) out.push_back(a.to);
    }
    if (!range.more || range.items.empty()) break;
    q.max_position = range.items.back().position;
  }
  return out;
}

Result<int64_t> NotificationService::likes_by_others(const Viewer& viewer, Id post) const {
  KINDRED_ASSIGN_OR_RETURN(int64_t n, deps_.store.assoc_count(post, AssocType::kFavouritedBy));
  KINDRED_ASSIGN_OR_RETURN(bool mine, deps_.store.assoc_exists(post, AssocType::kFavouritedBy,
                                                               viewer.account_id));
  return n - (mine ? 1 : 0);
}

Result<GroupedPage> NotificationService::list_grouped(const Viewer& viewer,
                                                      const GroupedQuery& q) const {
  GroupedPage page;
  std::map<std::string, size_t> index;  // group key -> position in page.groups
  const size_t limit = q.filter.page.limit;
  auto may_group = [&](NotificationType t) {
    if (!groupable(t)) return false;
    return q.grouped_all || std::find(q.grouped.begin(), q.grouped.end(), t) != q.grouped.end();
  };
  auto covered = [&](Id id) {
    if (page.newest_id.is_none() || id > page.newest_id) page.newest_id = id;
    if (page.oldest_id.is_none() || id < page.oldest_id) page.oldest_id = id;
  };
  KINDRED_RETURN_IF_ERROR(walk(viewer.account_id, q.filter.page, limit * kWalkPerItem,
      [&](const Entry& e) -> Result<bool> {
        const Notification& n = e.n;
        if (!q.filter.matches(n) || !v2_shows(e)) return true;
        const bool grouped = may_group(n.type);
        std::string key = group_key_of(n, grouped);
        if (auto it = index.find(key); it != index.end()) {
          // A like group counts every like already; a second notice of the same post (left by
          // two processes moving it at once) adds nothing.
          if (e.list == AssocType::kLikeNotices) return true;
          // A later member of a group already on the page (follows of one hour).
          KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, n, e.list));
          if (!v) return true;
          auto& g = page.groups[it->second];
          g.count += 1;
          if (n.id < g.page_min_id) g.page_min_id = n.id;
          if (n.id > g.page_max_id) g.page_max_id = g.most_recent_id = n.id;
          add_sample(g, n.from_account);
          covered(n.id);
          return true;
        }
        if (page.groups.size() >= limit) return false;
        NotificationGroup g;
        g.key = key;
        g.type = n.type;
        g.most_recent_id = g.page_min_id = g.page_max_id = n.id;
        if (n.type != NotificationType::kModerationWarning) g.status_id = n.status_id;
        if (e.list == AssocType::kLikeNotices && grouped) {
          // Every like of the post, counted exactly; samples are the newest likers.
          KINDRED_ASSIGN_OR_RETURN(g.count, likes_by_others(viewer, n.status_id));
          KINDRED_ASSIGN_OR_RETURN(g.sample_account_ids,
                                   newest_likers(viewer, n.status_id, NotificationGroup::kSampleAccounts));
          if (g.count <= 0 || g.sample_account_ids.empty()) return true;
        } else {
          KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, n, e.list));
          if (!v) return true;
          g.count = 1;
          g.sample_account_ids.push_back(n.from_account);
          g.warning = std::move(v->warning);
        }
        index.emplace(std::move(key), page.groups.size());
        page.groups.push_back(std::move(g));
        covered(n.id);
        return true;
      }, page.more));
  if (q.filter.page.min_id.value != 0) std::reverse(page.groups.begin(), page.groups.end());
  KINDRED_RETURN_IF_ERROR(resolve(viewer, page));
  return page;
}

Status NotificationService::resolve(const Viewer& viewer, GroupedPage& page) const {
  std::vector<NotificationGroup> kept;
  std::set<Id> seen_posts;
  for (auto& g : page.groups) {
    if (!g.status_id.is_none() && !seen_posts.count(g.status_id)) {
      auto post = posts_.get(viewer, g.status_id);
      if (!post.has_value()) {
        if (post.error().is_not_found()) continue;  // deleted, or no longer visible
        return post.error();
      }
      seen_posts.insert(g.status_id);
      page.statuses.push_back(std::move(*post));
    }
    kept.push_back(std::move(g));
  }
  page.groups = std::move(kept);
  std::vector<Id> ids;
  std::set<Id> seen;
  for (const auto& g : page.groups)
    for (Id a : g.sample_account_ids)
      if (seen.insert(a).second) ids.push_back(a);
  for (const auto& p : page.statuses)
    if (seen.insert(p.post.account_id).second) ids.push_back(p.post.account_id);
  KINDRED_ASSIGN_OR_RETURN(page.accounts, accounts_.views(ids));
  return Status::ok();
}

namespace {

// The notifications of one typed group lie within its hour: walk only that.
ListQuery hour_window(int64_t hour) {
  ListQuery w;
  w.max_id = Id::at_ms((hour + 1) * kHourMs);
  const Id start = Id::at_ms(hour * kHourMs);
  w.since_id = start.value == 0 ? Id() : Id(start.value - 1);
  w.limit = 1000;
  return w;
}

}  // namespace

Result<GroupedPage> NotificationService::get_group(const Viewer& viewer,
                                                   std::string_view key) const {
  auto k = parse_group_key(key);
  if (!k) return Status::not_found("Record not found");
  GroupedPage page;
  NotificationGroup g;
  g.key = std::string(key);
  switch (k->kind) {
    case GroupKey::kSingle: {
      KINDRED_ASSIGN_OR_RETURN(NotificationView v, get(viewer, k->single));
      g.type = v.notification.type;
      g.count = 1;
      g.most_recent_id = v.notification.id;
      if (!v.warning) g.status_id = v.notification.status_id;
      g.warning = std::move(v.warning);
      g.sample_account_ids.push_back(v.notification.from_account);
      break;
    }
    case GroupKey::kLikes: {
      store::RangeQuery q;
      q.limit = 1;
      KINDRED_ASSIGN_OR_RETURN(auto notice, deps_.store.assoc_range(k->status, AssocType::kLikeNoticeOf, q));
      if (notice.items.empty()) return Status::not_found("Record not found");
      auto edge = deps_.store.get_assoc(viewer.account_id, AssocType::kLikeNotices, notice.items[0].to);
      if (!edge.has_value()) return Status::not_found("Record not found");  // someone else's post
      g.type = NotificationType::kFavourite;
      g.most_recent_id = notice.items[0].to;
      g.status_id = k->status;
      KINDRED_ASSIGN_OR_RETURN(g.count, likes_by_others(viewer, k->status));
      KINDRED_ASSIGN_OR_RETURN(g.sample_account_ids,
                               newest_likers(viewer, k->status, NotificationGroup::kSampleAccounts));
      if (g.count <= 0 || g.sample_account_ids.empty()) return Status::not_found("Record not found");
      break;
    }
    case GroupKey::kTyped: {
      g.type = k->type;
      bool more = false;
      KINDRED_RETURN_IF_ERROR(walk(viewer.account_id, hour_window(k->hour), 4096,
          [&](const Entry& e) -> Result<bool> {
            if (e.list != AssocType::kNotifications || group_key_of(e.n, true) != key) return true;
            KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, e.n, e.list));
            if (!v) return true;
            if (g.count++ == 0) {
              g.most_recent_id = e.n.id;
              g.status_id = e.n.status_id;
            }
            add_sample(g, e.n.from_account);
            return true;
          }, more));
      if (g.count == 0) return Status::not_found("Record not found");
      break;
    }
  }
  page.newest_id = page.oldest_id = g.most_recent_id;
  page.groups.push_back(std::move(g));
  KINDRED_RETURN_IF_ERROR(resolve(viewer, page));
  if (page.groups.empty()) return Status::not_found("Record not found");
  return page;
}

Result<std::vector<AccountView>> NotificationService::group_accounts(const Viewer& viewer,
                                                                     std::string_view key,
                                                                     size_t limit) const {
  auto k = parse_group_key(key);
  if (!k) return Status::not_found("Record not found");
  KINDRED_ASSIGN_OR_RETURN(GroupedPage page, get_group(viewer, key));
  std::vector<Id> ids;
  if (k->kind == GroupKey::kLikes) {
    KINDRED_ASSIGN_OR_RETURN(ids, newest_likers(viewer, k->status, limit));
  } else if (k->kind == GroupKey::kTyped) {
    bool more = false;
    KINDRED_RETURN_IF_ERROR(walk(viewer.account_id, hour_window(k->hour), 4096,
        [&](const Entry& e) -> Result<bool> {
          if (ids.size() >= limit) return false;
          if (e.list != AssocType::kNotifications || group_key_of(e.n, true) != key) return true;
          KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, e.n, e.list));
          if (v && std::find(ids.begin(), ids.end(), e.n.from_account) == ids.end())
            ids.push_back(e.n.from_account);
          return true;
        }, more));
  } else {
    ids = page.groups[0].sample_account_ids;
  }
  return accounts_.views(ids);
}

Status NotificationService::dismiss_group(const Viewer& viewer, std::string_view key) {
  auto k = parse_group_key(key);
  if (!k) return Status::ok();
  switch (k->kind) {
    case GroupKey::kSingle:
      return dismiss(viewer, k->single);
    case GroupKey::kLikes: {
      store::RangeQuery q;
      q.limit = 8;
      KINDRED_ASSIGN_OR_RETURN(auto notices, deps_.store.assoc_range(k->status, AssocType::kLikeNoticeOf, q));
      for (const auto& a : notices.items) {
        // Only the viewer's own: dismiss() removes nothing from someone else's list.
        auto edge = deps_.store.get_assoc(viewer.account_id, AssocType::kLikeNotices, a.to);
        if (edge.has_value()) KINDRED_RETURN_IF_ERROR(dismiss(viewer, a.to));
      }
      return dismiss_like_notifications(viewer, k->status);
    }
    case GroupKey::kTyped: {
      store::Batch b;
      bool more = false;
      KINDRED_RETURN_IF_ERROR(walk(viewer.account_id, hour_window(k->hour), 4096,
          [&](const Entry& e) -> Result<bool> {
            if (e.list == AssocType::kNotifications && group_key_of(e.n, true) == key)
              b.remove_assoc(viewer.account_id, AssocType::kNotifications, e.n.id);
            return true;
          }, more));
      if (b.empty()) return Status::ok();
      return deps_.store.apply(b).status();
    }
  }
  return Status::ok();
}

Status NotificationService::dismiss_like_notifications(const Viewer& viewer, Id post) {
  // Only the post's first likes have notifications of their own, each with the like's id.
  auto author = posts_.get(viewer, post);
  if (!author.has_value()) return author.error().is_not_found() ? Status::ok() : author.error();
  if (author->post.account_id != viewer.account_id) return Status::ok();
  store::RangeQuery q;
  q.oldest_first = true;
  q.limit = deps_.config.exact_like_notifications;
  KINDRED_ASSIGN_OR_RETURN(auto likes, deps_.store.assoc_range(post, AssocType::kFavouritedBy, q));
  store::Batch b;
  for (const auto& a : likes.items)
    b.remove_assoc(viewer.account_id, AssocType::kNotifications, a.position);
  if (b.empty()) return Status::ok();
  return deps_.store.apply(b).status();
}

Result<int64_t> NotificationService::unread_count(const Viewer& viewer, const NotificationQuery& q,
                                                  size_t cap, bool grouped) const {
  KINDRED_ASSIGN_OR_RETURN(Markers m, markers(viewer));
  ListQuery window;
  window.since_id = m.notifications ? m.notifications->last_read_id : Id();
  window.limit = cap;
  int64_t count = 0;
  std::set<std::string> keys;
  bool more = false;
  KINDRED_RETURN_IF_ERROR(walk(viewer.account_id, window, cap * 4,
      [&](const Entry& e) -> Result<bool> {
        if (static_cast<size_t>(count) >= cap) return false;
        if (!q.matches(e.n) || (grouped && !v2_shows(e))) return true;
        if (!grouped) {
          KINDRED_ASSIGN_OR_RETURN(bool shown, v1_shows(viewer, e));
          if (!shown) return true;
        }
        if (grouped && !keys.insert(group_key_of(e.n, true)).second) return true;
        KINDRED_ASSIGN_OR_RETURN(auto v, view_if_current(viewer, e.n, e.list));
        if (v) ++count;
        return true;
      }, more));
  return count;
}

// ---------------------------------------------------------------- markers

namespace {

std::string encode_markers(const Markers& m) { return record::encode(m); }

Result<Markers> decode_markers(std::string_view data) {
  return record::decode<Markers>(data, "markers");
}

std::mutex& markers_mutex(Id account) {
  static std::array<std::mutex, 16> stripes;
  return stripes[account.value % stripes.size()];
}

}  // namespace

Result<Markers> NotificationService::markers(const Viewer& viewer) const {
  auto bytes = deps_.store.get_object(store::ObjectType::kMarkers, viewer.account_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Markers{};
    return bytes.error();
  }
  return decode_markers(*bytes);
}

Result<Markers> NotificationService::set_markers(const Viewer& viewer, std::optional<Id> home,
                                                 std::optional<Id> notifications) {
  // Read, change, write under a per-account lock (on every node), so two tabs saving at once
  // both count.
  KINDRED_ASSIGN_OR_RETURN(NodeLock lock, NodeLock::acquire(&markers_mutex(viewer.account_id), deps_.shared,
                                                            "kindred:lock:markers:" + viewer.account_id.to_string()));
  KINDRED_ASSIGN_OR_RETURN(Markers m, markers(viewer));
  const int64_t now = deps_.clock.now_ms();
  auto set = [&](std::optional<Marker>& marker, std::optional<Id> id) {
    if (!id) return;
    Marker v = marker.value_or(Marker{});
    v.last_read_id = *id;
    v.version += 1;
    v.updated_at_ms = now;
    marker = v;
  };
  set(m.home, home);
  set(m.notifications, notifications);
  store::Batch b;
  b.put_object(store::ObjectType::kMarkers, viewer.account_id, encode_markers(m));
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return m;
}

}  // namespace kindred::social
