#pragma once

#include <optional>
#include <string>
#include <vector>

#include "social/posts.h"
#include "social/relationships.h"

namespace kindred::social {

enum class NotificationType : uint8_t {
  kMention = 1,
  kFavourite = 2,
  kFollow = 3,
  kFollowRequest = 4,
  kReblog = 5,  // status_id: the post reblogged
};
std::string_view notification_type_name(NotificationType t);
// Errors: InvalidArgument for a name Mastodon has that Kindred does not send ("poll", "update"...
// are accepted by the caller as filters that match nothing) or an unknown name.
std::optional<NotificationType> parse_notification_type(std::string_view name);

// One notification, kept as the data of its kNotifications edge (recipient -> id).
struct Notification {
  Id id;
  NotificationType type = NotificationType::kMention;
  Id from_account;
  Id status_id;  // none for follows
};

// Adds the notification of `recipient` to `batch` (in the batch of the action that causes it,
// so the two are written together). Nothing when the recipient is the actor.
void add_notification(store::Batch& batch, IdGenerator& ids, Id recipient, NotificationType type,
                      Id from_account, Id status_id = Id());

struct NotificationView {
  Notification notification;
  AccountView account;           // who did it
  std::optional<PostView> status;
};

struct NotificationQuery {
  ListQuery page;
  std::vector<NotificationType> types;          // empty: all
  std::vector<NotificationType> exclude_types;
  Id account_id;                                // only from this account, when set
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

  Result<Page<NotificationView>> list(const Viewer& viewer, const NotificationQuery& q) const;
  // Errors: NotFound if absent, not the viewer's, or no longer shown.
  Result<NotificationView> get(const Viewer& viewer, Id id) const;
  // Idempotent. Errors: none for an unknown id (as Mastodon).
  Status dismiss(const Viewer& viewer, Id id);
  Status clear(const Viewer& viewer);

 private:
  // The view if the notification is still to be shown; nullopt if not.
  Result<std::optional<NotificationView>> view_if_current(const Viewer& viewer,
                                                          const Notification& n) const;

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  const RelationshipService& relationships_;
};

std::string encode_notification(const Notification& n);
Result<Notification> decode_notification(Id id, std::string_view data);

}  // namespace kindred::social
