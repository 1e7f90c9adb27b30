#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "social/posts/posts.h"
#include "social/graph/relationships.h"
#include "social/model/warning.h"

namespace kindred::social {

enum class NotificationType : uint8_t {
  kMention = 1,
  kFavourite = 2,
  kFollow = 3,
  kFollowRequest = 4,
  kReblog = 5,  // status_id: the post reblogged
  kPoll = 6,    // a poll the recipient voted in or wrote ended (status_id: its post)
  // A post the recipient reblogged was edited (status_id); 10 leaves room for Mastodon's other
  // types before it.
  kUpdate = 10,
  // A moderator acted on the recipient's account (status_id: the AccountWarning's id).
  kModerationWarning = 11,
};
std::string_view notification_type_name(NotificationType t);
// Errors: InvalidArgument for a name Mastodon has that Kindred does not send ("status"...
// are accepted by the caller as filters that match nothing) or an unknown name.
std::optional<NotificationType> parse_notification_type(std::string_view name);

// One notification, kept as the data of its kNotifications edge (recipient -> id).
struct Notification {
  Id id;
  NotificationType type = NotificationType::kMention;
  Id from_account;
  Id status_id;  // none for follows
  // Stored as the data of the recipient's kNotifications edge, whose key is the id.
  template <class V>
  void field_list(V& v) {
    v(record::between(type, NotificationType::kMention, NotificationType::kModerationWarning), from_account,
      status_id);
  }
};

// Where a recipient's notification policy puts a new notification (Mastodon 4.3's
// NotificationPolicy): in their notifications, in the sender's notification request, or nowhere.
enum class Delivery : uint8_t { kAccept, kFilter, kDrop };

// Decides and files new notifications by their recipient's policy. Implemented by
// NotificationPolicyService; services that write notifications borrow one (null: every
// notification is accepted). Thread-safe.
class NotificationGate {
 public:
  virtual ~NotificationGate() = default;
  // Where a notification of `type` from `from` to `recipient` goes. `post` is its post when it
  // has one (a new post need not be stored yet). Cheap when the recipient's policy accepts
  // everything: one cache lookup, no store read.
  virtual Result<Delivery> decide(Id recipient, NotificationType type, Id from,
                                  const Post* post) const = 0;
  // Adds to `batch` the filtered notification `n` of `recipient`, in the request of its sender.
  virtual Status add_filtered(store::Batch& batch, Id recipient, const Notification& n) const = 0;
};

// Adds the notification of `recipient` to `batch` (in the batch of the action that causes it,
// so the two are written together), where `gate` (may be null: accepted) puts it. `id`, when
// given, is the notification's id (a like's notification takes the like's id); otherwise a new
// one. Nothing when the recipient is the actor. Returns the id when the notification is to go
// into the recipient's notifications, Id() when it was filtered, dropped or not written. Adds
// edges only; a like makes them conditional on its own edge and on its post's like count
// (Batch::add_assoc_if_added), so with the like already there, or the post past the line, they are
// not written even when an id is returned.
Result<Id> add_notification(store::Batch& batch, IdGenerator& ids, const NotificationGate* gate,
                            Id recipient, NotificationType type, Id from_account,
                            const Post* post = nullptr, Id id = Id());

// Adds to `batch` the moderation_warning notification of `recipient` about `warning` (given by
// `moderator`), past every notification policy (as Mastodon's). Returns its id.
Id add_warning_notification(store::Batch& batch, IdGenerator& ids, Id recipient, Id moderator,
                            Id warning);

// The store node whose kRequestNotifications edges hold `recipient`'s filtered notifications from
// `sender` (a hash of the pair).
Id request_node(Id recipient, Id sender);

// Likes reach a post's author without a notification per like (a post liked 1.6 million times
// would bury everything else, and a third write per like slowed the like storm by a third).
// Instead each post has at most one "like notice" in its author's list: a favourite
// notification standing for every like of the post, moved up to the newest like at most once
// per `refresh_ms`. Grouped notifications show it as "X and N others liked your post" with the
// exact like count; the v1 list shows it as one favourite notification from its newest liker.
// Thread-safe.
class LikeNotices {
 public:
  LikeNotices(Deps deps, int64_t refresh_ms = 60'000) : deps_(deps), refresh_ms_(refresh_ms) {}

  // Adds to `batch` (the like's own batch) the move of `post`'s like notice to this like, when
  // the notice is older than the refresh interval or missing. Nothing for the author's own like,
  // nor for one `gate` (may be null) does not accept. One hash lookup per like (and the gate's
  // check); one store read per post per interval.
  Status add_to(store::Batch& batch, const Post& post, Id liker, Id like_id,
                const NotificationGate* gate);

 private:
  // Whether `post`'s notice is due a move at `now_ms`; if so, claims the move (later callers
  // within the interval get false).
  bool claim(Id post, int64_t now_ms);

  static constexpr size_t kStripes = 16;
  struct Stripe {
    std::mutex mu;
    std::unordered_map<uint64_t, int64_t> last_ms;  // post -> when its notice last moved
  };
  Deps deps_;
  int64_t refresh_ms_;
  std::array<Stripe, kStripes> stripes_;
};

// A moderation_warning's subject: the warning and the account it was given to.
struct WarningView {
  AccountWarning warning;
  AccountView target;
};

struct NotificationView {
  Notification notification;
  AccountView account;           // who did it
  std::optional<PostView> status;
  std::optional<WarningView> warning;  // kModerationWarning
};

struct NotificationQuery {
  ListQuery page;
  std::vector<NotificationType> types;          // empty: all
  std::vector<NotificationType> exclude_types;
  Id account_id;                                // only from this account, when set
  bool matches(const Notification& n) const;
};

// Mastodon 4.3's notification groups. Likes of one post form one group whatever their number
// (the count is exact, read from the likes); follows and reblogs group per type, post and hour,
// among the notifications of one page; other types are single ("ungrouped-<id>").
struct NotificationGroup {
  std::string key;               // group_key
  NotificationType type = NotificationType::kMention;
  int64_t count = 0;             // notifications_count
  Id most_recent_id;             // most_recent_notification_id
  Id page_min_id, page_max_id;   // the group's oldest and newest notification in this page
  std::vector<Id> sample_account_ids;  // newest first, at most kSampleAccounts
  Id status_id;
  std::optional<WarningView> warning;  // kModerationWarning
  static constexpr size_t kSampleAccounts = 8;
};

struct GroupedQuery {
  NotificationQuery filter;               // page.limit counts groups
  std::vector<NotificationType> grouped;  // types that may group; empty: favourite, follow, reblog
  bool grouped_all = true;                // grouped_types[] absent
};

struct GroupedPage {
  std::vector<NotificationGroup> groups;
  std::vector<AccountView> accounts;      // every account named by the groups, once
  std::vector<PostView> statuses;         // every status named by the groups, once
  Id newest_id, oldest_id;                // the notifications this page covered (for Link)
  bool more = false;                      // older notifications remain
};

// Read markers (Mastodon's /api/v1/markers): where a person stopped reading a timeline.
enum class MarkerTimeline : uint8_t { kHome = 0, kNotifications = 1 };
struct Marker {
  Id last_read_id;
  int64_t version = 0;      // bumped on every change
  int64_t updated_at_ms = 0;
  template <class V>
  void field_list(V& v) {
    v(last_read_id, version, updated_at_ms);
  }
};
struct Markers {
  std::optional<Marker> home, notifications;
  template <class V>
  void field_list(V& v) {
    v(home, notifications);
  }
};

// What happened to a person: mentions, likes of their posts, follows and follow requests.
// Notifications are written with the action that causes them and checked again when read: one
// whose post was deleted, whose like was taken back or whose follow ended is not shown, nor one
// from an account the reader blocks, is blocked by, or mutes with notifications.
class NotificationService {
 public:
  NotificationService(Deps deps, const AccountService& accounts, const PostService& posts,
                      const RelationshipService& relationships)
      : deps_(deps), accounts_(accounts), posts_(posts), relationships_(relationships) {}
  // Set once at start-up, before serving: the viewer's notification policy, which decides whom
  // a like group names. Not owned; may be null (every liker named).
  void set_notification_gate(const NotificationGate* gate) { gate_ = gate; }

  Result<Page<NotificationView>> list(const Viewer& viewer, const NotificationQuery& q) const;
  // Errors: NotFound if absent, not the viewer's, or no longer shown.
  Result<NotificationView> get(const Viewer& viewer, Id id) const;
  // Removes one of the viewer's notifications. Errors: NotFound for an id that is not one of the
  // viewer's notifications (someone else's, unknown, or already dismissed), as Mastodon's
  // `current_account.notifications.find`.
  Status dismiss(const Viewer& viewer, Id id);
  Status clear(const Viewer& viewer);

  // GET /api/v2/notifications: a page of groups, newest first (min_id pages walk upwards).
  Result<GroupedPage> list_grouped(const Viewer& viewer, const GroupedQuery& q) const;
  // One group by key, with every sample it has. Errors: NotFound (unknown, malformed, empty).
  Result<GroupedPage> get_group(const Viewer& viewer, std::string_view key) const;
  // The accounts of a group, newest first (at most `limit`). Errors: NotFound.
  Result<std::vector<AccountView>> group_accounts(const Viewer& viewer, std::string_view key,
                                                  size_t limit) const;
  // Dismisses every notification of a group. Errors: none for an unknown key (as Mastodon).
  Status dismiss_group(const Viewer& viewer, std::string_view key);

  // How many notifications (or, `grouped`, groups) are newer than the notifications read marker,
  // counting at most `cap`.
  Result<int64_t> unread_count(const Viewer& viewer, const NotificationQuery& q, size_t cap,
                               bool grouped) const;

  Result<Markers> markers(const Viewer& viewer) const;
  // Sets the markers given; keeps the others. Errors: Conflict when another request changed
  // them at the same moment (Mastodon answers 409; the client retries).
  Result<Markers> set_markers(const Viewer& viewer, std::optional<Id> home,
                              std::optional<Id> notifications);

 private:
  // One notification from either list (kNotifications, kLikeNotices), in walking order.
  struct Entry {
    Notification n;
    store::AssocType list{};
  };
  // Walks the viewer's notifications and like notices merged by id, newest first (or, with
  // page.min_id set, oldest first above it), calling `visit` for each until it returns false or
  // `max_entries` were visited. Sets `more` when entries remain.
  Status walk(Id account, const ListQuery& page, size_t max_entries,
              const std::function<Result<bool>(const Entry&)>& visit, bool& more) const;
  // Whether the viewer still wants to hear from `from` (no block either way, no notification mute).
  Result<bool> from_welcome(const Viewer& viewer, Id from) const;
  // Newest likers of `post` the viewer wants to hear from, at most `limit`; and the exact count
  // of likes by others than the viewer.
  Result<std::vector<Id>> newest_likers(const Viewer& viewer, Id post, size_t limit) const;
  Result<int64_t> likes_by_others(const Viewer& viewer, Id post) const;
  // Removes the viewer's notifications of the first likes of their `post`.
  Status dismiss_like_notifications(const Viewer& viewer, Id post);
  // Fills accounts and statuses of `page` from its groups; drops groups whose post is gone.
  Status resolve(const Viewer& viewer, GroupedPage& page) const;

  // The view if the notification (from `list`) is still to be shown; nullopt if not.
  Result<std::optional<NotificationView>> view_if_current(const Viewer& viewer,
                                                          const Notification& n,
                                                          store::AssocType list) const;
  // Whether the v1 list shows `e`. A post's first SocialConfig::exact_like_notifications likes
  // have a notification each, so its like notice stands only for the likes beyond them: shown
  // when the post has more likes than that and its like has no notification of its own.
  Result<bool> v1_shows(const Viewer& viewer, const Entry& e) const;
  // Whether grouped notifications show `e`: not a like's own notification, which the post's
  // like group (from its notice) counts already.
  static bool v2_shows(const Entry& e);

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  const RelationshipService& relationships_;
  const NotificationGate* gate_ = nullptr;
};

std::string encode_notification(const Notification& n);
// The group key of a notification: "favourite-<status>" for likes, "<type>-<status or 0>-<hour>"
// for follows and reblogs (`grouped`), "ungrouped-<id>" otherwise.
std::string group_key_of(const Notification& n, bool grouped);
Result<Notification> decode_notification(Id id, std::string_view data);

}  // namespace kindred::social
