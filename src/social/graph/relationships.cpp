#include "social/graph/relationships.h"

#include <algorithm>

#include "social/graph/lists.h"
#include "social/graph/notifications.h"
#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;

std::string encode_mute(const Mute& m) { return record::encode(m); }

Mute decode_mute(std::string_view data) {
  Mute m;
  // Unreadable: muted until undone, with notifications.
  if (!record::decode_into(data, m)) m = Mute{};
  return m;
}

Status RelationshipService::check_target(const Viewer& viewer, Id target) const {
  (void)viewer;
  return accounts_.get(target).status();
}

Result<bool> RelationshipService::blocked_either_way(Id a, Id b) const {
  KINDRED_ASSIGN_OR_RETURN(bool blocks, deps_.store.assoc_exists(a, AssocType::kBlocks, b));
  if (blocks) return true;
  return deps_.store.assoc_exists(a, AssocType::kBlockedBy, b);
}

Result<std::optional<Mute>> mute_in_force(const store::Store& store, Id viewer, Id target,
                                          int64_t now_ms) {
  auto edge = store.get_assoc(viewer, AssocType::kMutes, target);
  if (!edge.has_value()) {
    if (edge.error().is_not_found()) return std::optional<Mute>();
    return edge.error();
  }
  Mute m = decode_mute(edge->data);
  if (m.expires_at_ms != 0 && m.expires_at_ms <= now_ms) return std::optional<Mute>();
  return std::optional<Mute>(m);
}

Result<std::optional<Mute>> RelationshipService::mute_of(Id viewer, Id target) const {
  return mute_in_force(deps_.store, viewer, target, deps_.clock.now_ms());
}

Result<RelationshipView> RelationshipService::relationship(Id viewer, Id other) const {
  RelationshipView r;
  r.id = other;
  auto& s = deps_.store;
  KINDRED_ASSIGN_OR_RETURN(r.following, s.assoc_exists(viewer, AssocType::kFollows, other));
  KINDRED_ASSIGN_OR_RETURN(r.followed_by, s.assoc_exists(viewer, AssocType::kFollowedBy, other));
  KINDRED_ASSIGN_OR_RETURN(r.requested, s.assoc_exists(viewer, AssocType::kFollowRequestsOut, other));
  KINDRED_ASSIGN_OR_RETURN(r.requested_by, s.assoc_exists(viewer, AssocType::kFollowRequestsIn, other));
  KINDRED_ASSIGN_OR_RETURN(r.blocking, s.assoc_exists(viewer, AssocType::kBlocks, other));
  KINDRED_ASSIGN_OR_RETURN(r.blocked_by, s.assoc_exists(viewer, AssocType::kBlockedBy, other));
  KINDRED_ASSIGN_OR_RETURN(auto mute, mute_of(viewer, other));
  r.muting = mute.has_value();
  r.muting_notifications = mute.has_value() && mute->notifications;
  KINDRED_ASSIGN_OR_RETURN(r.endorsed, s.assoc_exists(viewer, AssocType::kEndorsements, other));
  auto note = s.get_assoc(viewer, AssocType::kAccountNotes, other);
  if (note.has_value()) {
    r.note = note->data;
  } else if (!note.error().is_not_found()) {
    return note.error();
  }
  return r;
}

namespace {

// Adds both edges of a directed relation (a -type-> b and b -inverse-> a) at one position.
void add_pair(store::Batch& b, Id a, AssocType type, AssocType inverse, Id other, Id at) {
  b.add_assoc({a, type, other, at, {}});
  b.add_assoc({other, inverse, a, at, {}});
}

void remove_pair(store::Batch& b, Id a, AssocType type, AssocType inverse, Id other) {
  b.remove_assoc(a, type, other);
  b.remove_assoc(other, inverse, a);
}

// Posts of a newly followed account written into the follower's home feed, as Mastodon merges
// them, so the home feed is not empty of them until they post again. Home reads check each post
// again (visibility, replies, mutes), so the newest few are enough.
constexpr size_t kFollowBackfill = 40;

}  // namespace

Status RelationshipService::add_recent_posts_to_home(store::Batch& b, Id follower, Id followee) const {
  store::RangeQuery q;
  q.limit = kFollowBackfill;
  KINDRED_ASSIGN_OR_RETURN(auto recent, deps_.store.assoc_range(followee, AssocType::kAuthored, q));
  for (const auto& a : recent.items) b.add_assoc({follower, AssocType::kHomeFeed, a.to, a.to, {}});
  return Status::ok();
}

Result<RelationshipView> RelationshipService::follow(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  if (target == viewer.account_id)
    return Status::permission_denied("You cannot follow yourself");
  KINDRED_ASSIGN_OR_RETURN(bool blocked, blocked_either_way(viewer.account_id, target));
  if (blocked) return Status::permission_denied("You cannot follow this account");
  KINDRED_ASSIGN_OR_RETURN(bool following,
                           deps_.store.assoc_exists(viewer.account_id, AssocType::kFollows, target));
  KINDRED_ASSIGN_OR_RETURN(bool requested, deps_.store.assoc_exists(
                                               viewer.account_id, AssocType::kFollowRequestsOut, target));
  if (!following && !requested) {
    KINDRED_ASSIGN_OR_RETURN(Account account, accounts_.get(target));
    store::Batch b;
    const Id at = deps_.ids.next();
    if (account.locked) {
      add_pair(b, viewer.account_id, AssocType::kFollowRequestsOut, AssocType::kFollowRequestsIn,
               target, at);
      KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, gate_, target,
                                               NotificationType::kFollowRequest, viewer.account_id)
                                  .status());
    } else {
      add_pair(b, viewer.account_id, AssocType::kFollows, AssocType::kFollowedBy, target, at);
      KINDRED_RETURN_IF_ERROR(add_notification(b, deps_.ids, gate_, target,
                                               NotificationType::kFollow, viewer.account_id)
                                  .status());
      KINDRED_RETURN_IF_ERROR(add_recent_posts_to_home(b, viewer.account_id, target));
    }
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  }
  return relationship(viewer.account_id, target);
}

Result<RelationshipView> RelationshipService::unfollow(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  store::Batch b;
  remove_pair(b, viewer.account_id, AssocType::kFollows, AssocType::kFollowedBy, target);
  remove_pair(b, viewer.account_id, AssocType::kFollowRequestsOut, AssocType::kFollowRequestsIn,
              target);
  KINDRED_RETURN_IF_ERROR(add_list_removals(deps_.store, b, viewer.account_id, target));
  b.remove_assoc(viewer.account_id, AssocType::kEndorsements, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, target);
}

Result<RelationshipView> RelationshipService::remove_from_followers(const Viewer& viewer,
                                                                    Id follower) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, follower));
  store::Batch b;
  remove_pair(b, follower, AssocType::kFollows, AssocType::kFollowedBy, viewer.account_id);
  KINDRED_RETURN_IF_ERROR(add_list_removals(deps_.store, b, follower, viewer.account_id));
  b.remove_assoc(follower, AssocType::kEndorsements, viewer.account_id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, follower);
}

Result<RelationshipView> RelationshipService::authorize(const Viewer& viewer, Id requester) {
  auto request = deps_.store.get_assoc(viewer.account_id, AssocType::kFollowRequestsIn, requester);
  if (!request.has_value()) {
    if (request.error().is_not_found()) return Status::not_found("Record not found");
    return request.error();
  }
  store::Batch b;
  remove_pair(b, requester, AssocType::kFollowRequestsOut, AssocType::kFollowRequestsIn,
              viewer.account_id);
  add_pair(b, requester, AssocType::kFollows, AssocType::kFollowedBy, viewer.account_id,
           deps_.ids.next());
  KINDRED_RETURN_IF_ERROR(add_recent_posts_to_home(b, requester, viewer.account_id));
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, requester);
}

Result<RelationshipView> RelationshipService::reject(const Viewer& viewer, Id requester) {
  KINDRED_ASSIGN_OR_RETURN(bool asked, deps_.store.assoc_exists(
                                           viewer.account_id, AssocType::kFollowRequestsIn, requester));
  if (!asked) return Status::not_found("Record not found");
  store::Batch b;
  remove_pair(b, requester, AssocType::kFollowRequestsOut, AssocType::kFollowRequestsIn,
              viewer.account_id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, requester);
}

Result<RelationshipView> RelationshipService::block(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  if (target == viewer.account_id) return Status::permission_denied("You cannot block yourself");
  const Id me = viewer.account_id;
  store::Batch b;
  add_pair(b, me, AssocType::kBlocks, AssocType::kBlockedBy, target, deps_.ids.next());
  // Blocking ends every follow and request between the two, both ways.
  for (auto [from, to] : {std::pair{me, target}, std::pair{target, me}}) {
    remove_pair(b, from, AssocType::kFollows, AssocType::kFollowedBy, to);
    remove_pair(b, from, AssocType::kFollowRequestsOut, AssocType::kFollowRequestsIn, to);
    KINDRED_RETURN_IF_ERROR(add_list_removals(deps_.store, b, from, to));
    b.remove_assoc(from, AssocType::kEndorsements, to);
  }
  // Before the write, so no read in between can cache "no blocks" for either.
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(me, target);
}

Result<RelationshipView> RelationshipService::unblock(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  store::Batch b;
  remove_pair(b, viewer.account_id, AssocType::kBlocks, AssocType::kBlockedBy, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, target);
}

Result<RelationshipView> RelationshipService::mute(const Viewer& viewer, Id target,
                                                   bool notifications, int64_t duration_s) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  if (target == viewer.account_id) return Status::permission_denied("You cannot mute yourself");
  if (duration_s < 0) return Status::invalid_argument("Validation failed: Duration must not be negative");
  Mute m;
  m.notifications = notifications;
  m.expires_at_ms = duration_s > 0 ? deps_.clock.now_ms() + duration_s * 1000 : 0;
  // A new mute replaces the old one (its settings may differ): remove and add in two steps,
  // since one batch that does both leaves the edge absent.
  store::Batch remove;
  remove.remove_assoc(viewer.account_id, AssocType::kMutes, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(remove).status());
  store::Batch add;
  add.add_assoc({viewer.account_id, AssocType::kMutes, target, deps_.ids.next(), encode_mute(m)});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(add).status());
  return relationship(viewer.account_id, target);
}

Result<RelationshipView> RelationshipService::unmute(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kMutes, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, target);
}

Result<RelationshipView> RelationshipService::endorse(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  KINDRED_ASSIGN_OR_RETURN(bool following,
                           deps_.store.assoc_exists(viewer.account_id, AssocType::kFollows, target));
  if (!following)
    return Status::invalid_argument(
        "Validation failed: You must be already following the person you want to endorse");
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kEndorsements, target, deps_.ids.next(), {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, target);
}

Result<RelationshipView> RelationshipService::unendorse(const Viewer& viewer, Id target) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kEndorsements, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return relationship(viewer.account_id, target);
}

Result<Page<AccountView>> RelationshipService::endorsements(Id account_id, const ListQuery& q) const {
  KINDRED_RETURN_IF_ERROR(accounts_.get(account_id).status());
  return list(account_id, AssocType::kEndorsements, q);
}

Result<RelationshipView> RelationshipService::set_note(const Viewer& viewer, Id target,
                                                       const std::string& note) {
  KINDRED_RETURN_IF_ERROR(check_target(viewer, target));
  KINDRED_RETURN_IF_ERROR(check_length("Comment", note, kMaxAccountNoteChars));
  // Replacing an edge's data takes a removal first (an add keeps an existing edge's data).
  store::Batch remove;
  remove.remove_assoc(viewer.account_id, AssocType::kAccountNotes, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(remove).status());
  if (!note.empty()) {
    store::Batch add;
    add.add_assoc({viewer.account_id, AssocType::kAccountNotes, target, deps_.ids.next(), note});
    KINDRED_RETURN_IF_ERROR(deps_.store.apply(add).status());
  }
  return relationship(viewer.account_id, target);
}

Result<std::vector<RelationshipView>> RelationshipService::relationships(
    const Viewer& viewer, const std::vector<Id>& ids) const {
  std::vector<RelationshipView> out;
  for (Id id : ids) {
    auto account = accounts_.get(id);
    if (!account.has_value()) {
      if (account.error().is_not_found()) continue;
      return account.error();
    }
    KINDRED_ASSIGN_OR_RETURN(RelationshipView r, relationship(viewer.account_id, id));
    out.push_back(r);
  }
  return out;
}

Result<Page<AccountView>> RelationshipService::list(Id from, AssocType type,
                                                    const ListQuery& lq) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(from, type, to_range_query(lq, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  Page<AccountView> page;
  const int64_t now = deps_.clock.now_ms();
  for (const auto& a : range.items) {
    if (type == AssocType::kMutes) {
      const Mute m = decode_mute(a.data);
      if (m.expires_at_ms != 0 && m.expires_at_ms <= now) continue;  // expired
    }
    auto v = accounts_.view(a.to);
    if (!v.has_value()) {
      if (v.error().is_not_found()) continue;
      return v.error();
    }
    page.items.push_back(std::move(*v));
    page.positions.push_back(a.position);
  }
  return page;
}

Result<Page<AccountView>> RelationshipService::followers(Id account_id, const ListQuery& q) const {
  KINDRED_RETURN_IF_ERROR(accounts_.get(account_id).status());
  return list(account_id, AssocType::kFollowedBy, q);
}

Result<Page<AccountView>> RelationshipService::following(Id account_id, const ListQuery& q) const {
  KINDRED_RETURN_IF_ERROR(accounts_.get(account_id).status());
  return list(account_id, AssocType::kFollows, q);
}

Result<Page<AccountView>> RelationshipService::follow_requests(const Viewer& viewer,
                                                              const ListQuery& q) const {
  return list(viewer.account_id, AssocType::kFollowRequestsIn, q);
}

Result<Page<AccountView>> RelationshipService::blocks(const Viewer& viewer, const ListQuery& q) const {
  return list(viewer.account_id, AssocType::kBlocks, q);
}

Result<Page<AccountView>> RelationshipService::mutes(const Viewer& viewer, const ListQuery& q) const {
  return list(viewer.account_id, AssocType::kMutes, q);
}

}  // namespace kindred::social
