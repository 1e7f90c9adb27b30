#pragma once

#include <optional>
#include <vector>

#include "social/identity/accounts.h"
#include "social/posts/posts.h"

namespace kindred::social {

// How one account stands towards another, as Mastodon's Relationship entity has it.
struct RelationshipView {
  Id id;  // the other account
  bool following = false;
  bool followed_by = false;
  bool requested = false;     // the viewer asked to follow a locked account
  bool requested_by = false;  // the other account asked to follow the viewer
  bool blocking = false;
  bool blocked_by = false;
  bool muting = false;
  bool muting_notifications = false;
  bool endorsed = false;  // the viewer features the account on their profile
  std::string note;       // the viewer's private note about the account
};

inline constexpr size_t kMaxAccountNoteChars = 2000;  // as Mastodon's AccountNote

// A mute, as kept on its kMutes edge.
struct Mute {
  bool notifications = true;    // notifications from the muted account are hidden too
  int64_t expires_at_ms = 0;    // 0: until unmuted
  template <class V>
  void field_list(V& v) {
    v(notifications, expires_at_ms);
  }
};

// Follows (with requests for locked accounts), blocks and mutes. Every change is one atomic
// batch of edges, so follower and following counts stay exact; every call is idempotent.
// Thread-safe: holds nothing mutable besides the store.
class RelationshipService {
 public:
  RelationshipService(Deps deps, const AccountService& accounts)
      : deps_(deps), accounts_(accounts) {}
  // Set once at start-up, before serving: the recipients' notification policies for follow
  // notifications. Not owned; may be null (every notification accepted).
  void set_notification_gate(const NotificationGate* gate) { gate_ = gate; }

  // Follows `target`, or asks to when it is locked. Errors: NotFound for an unknown account;
  // PermissionDenied for oneself or when either blocks the other.
  Result<RelationshipView> follow(const Viewer& viewer, Id target);
  // Stops following, or withdraws a request. Errors: NotFound.
  Result<RelationshipView> unfollow(const Viewer& viewer, Id target);
  // Makes `follower` stop following the viewer. Errors: NotFound.
  Result<RelationshipView> remove_from_followers(const Viewer& viewer, Id follower);
  // Accepts or turns down `requester`'s request to follow the viewer. Errors: NotFound when
  // there is no such request.
  Result<RelationshipView> authorize(const Viewer& viewer, Id requester);
  Result<RelationshipView> reject(const Viewer& viewer, Id requester);

  // Blocking ends follows and requests both ways. Errors: NotFound; PermissionDenied for oneself.
  Result<RelationshipView> block(const Viewer& viewer, Id target);
  Result<RelationshipView> unblock(const Viewer& viewer, Id target);
  // `duration_s` 0 mutes until unmuted. Errors: NotFound; PermissionDenied for oneself;
  // InvalidArgument for a negative duration.
  Result<RelationshipView> mute(const Viewer& viewer, Id target, bool notifications,
                                int64_t duration_s);
  Result<RelationshipView> unmute(const Viewer& viewer, Id target);

  // Features `target` on the viewer's profile (Mastodon's endorsements), or stops. Idempotent.
  // Errors: NotFound; InvalidArgument when the viewer does not follow `target` (endorse only).
  // Unfollowing or blocking an account ends its endorsement.
  Result<RelationshipView> endorse(const Viewer& viewer, Id target);
  Result<RelationshipView> unendorse(const Viewer& viewer, Id target);
  // The accounts `account_id` features, newest endorsement first. Errors: NotFound.
  Result<Page<AccountView>> endorsements(Id account_id, const ListQuery& q) const;
  // Sets the viewer's private note about `target` ("" removes it). Errors: NotFound;
  // InvalidArgument for more than kMaxAccountNoteChars characters (nothing is changed).
  Result<RelationshipView> set_note(const Viewer& viewer, Id target, const std::string& note);

  // Unknown ids are skipped, as Mastodon does.
  Result<std::vector<RelationshipView>> relationships(const Viewer& viewer,
                                                      const std::vector<Id>& ids) const;

  // Lists, newest relation first; positions are when the relation began.
  // Errors: NotFound for an unknown account.
  Result<Page<AccountView>> followers(Id account_id, const ListQuery& q) const;
  Result<Page<AccountView>> following(Id account_id, const ListQuery& q) const;
  Result<Page<AccountView>> follow_requests(const Viewer& viewer, const ListQuery& q) const;
  Result<Page<AccountView>> blocks(const Viewer& viewer, const ListQuery& q) const;
  Result<Page<AccountView>> mutes(const Viewer& viewer, const ListQuery& q) const;

  // Whether `a` blocks `b` or `b` blocks `a`.
  Result<bool> blocked_either_way(Id a, Id b) const;
  // The viewer's mute of `target` if it is in force now.
  Result<std::optional<Mute>> mute_of(Id viewer, Id target) const;

 private:
  // Adds the followee's newest posts to the follower's home feed, in `b` (with the follow).
  Status add_recent_posts_to_home(store::Batch& b, Id follower, Id followee) const;
  Result<RelationshipView> relationship(Id viewer, Id other) const;
  Result<Page<AccountView>> list(Id from, store::AssocType type, const ListQuery& q) const;
  // REQUIRES: the viewer is signed in. Errors: NotFound for an unknown target.
  Status check_target(const Viewer& viewer, Id target) const;

  Deps deps_;
  const AccountService& accounts_;
  const NotificationGate* gate_ = nullptr;
};

// `viewer`'s mute of `target` if it is in force at `now_ms` (a timed mute runs out), read from
// its kMutes edge.
Result<std::optional<Mute>> mute_in_force(const store::Store& store, Id viewer, Id target,
                                          int64_t now_ms);
std::string encode_mute(const Mute& m);
Mute decode_mute(std::string_view data);

}  // namespace kindred::social
