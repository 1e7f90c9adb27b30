#include "social/posts/likes.h"

#include <algorithm>
#include <memory>

namespace kindred::social {

using store::AssocType;

Result<PostView> LikeService::favourite(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id target, posts_.action_target(viewer, post));
  const Id at = deps_.ids.next();
  store::Batch b;
  const size_t like_edge = b.assoc_adds.size();
  b.add_assoc({target, AssocType::kFavouritedBy, viewer.account_id, at, {}});
  b.add_assoc({viewer.account_id, AssocType::kFavourites, target, at, {}});
  std::optional<Post> original;
  if (target != post.id) {
    KINDRED_ASSIGN_OR_RETURN(original, posts_.get_visible_post(viewer, target));
  }
  const Post& liked = original ? *original : post;
  KINDRED_ASSIGN_OR_RETURN(const size_t notice_edge,
                           add_like_notices(b, like_edge, liked, viewer.account_id, at));
  KINDRED_ASSIGN_OR_RETURN(store::BatchOutcome outcome, deps_.store.apply(b));
  const bool new_like = outcome.assoc_added[like_edge];
  // A new like that wrote no notification of its own found the post past the line.
  if (new_like && notice_edge != store::Batch::kAlways && !outcome.assoc_added[notice_edge] &&
      CacheAge::bounded()) {
    past_exact_likes_.insert_if_absent(liked.id, std::make_shared<const bool>(true));
  }
  // Only a new like counts towards trends: liking again changes nothing.
  if (trends_ && new_like) trends_->liked(liked, viewer.account_id);
  if (live_) live_->changed(target);
  return posts_.view_of(viewer, std::move(post));
}

Result<size_t> LikeService::add_like_notices(store::Batch& b, size_t like_edge, const Post& liked,
                                             Id liker, Id at) {
  const NotificationGate* gate = posts_.notification_gate();
  // The post's first likes each get a notification of their own (with the like's id), so the v1
  // list names every liker; after that only the post's one like notice moves up now and then
  // (LikeNotices), so a post liked 1.6 million times writes no notification per like. The
  // notification's edges are written with the like only if the like is new and the post had fewer
  // likes than the line before it (Batch::add_assoc_if_added), so over PostgreSQL nothing is read
  // to tell. One node reads the post's count from memory first, which spares a storm past the
  // line building and checking edges it will not write.
  size_t notice_edge = store::Batch::kAlways;
  if (liker == liked.account_id) return notice_edge;  // no notice of one's own like
  const auto line = static_cast<int64_t>(deps_.config.exact_like_notifications);
  bool past_line = false;
  if (CacheAge::bounded()) {
    past_line = past_exact_likes_.find(liked.id).has_value();
  } else {
    KINDRED_ASSIGN_OR_RETURN(int64_t likes,
                             deps_.store.assoc_count(liked.id, AssocType::kFavouritedBy));
    past_line = likes >= line;
  }
  if (!past_line) {
    store::Batch notice;
    KINDRED_RETURN_IF_ERROR(add_notification(notice, deps_.ids, gate, liked.account_id,
                                             NotificationType::kFavourite, liker, &liked, at)
                                .status());
    // (A notification, filtered or not, is edges only: add_notification.)
    if (!notice.object_puts.empty() || !notice.object_deletes.empty() ||
        !notice.assoc_removes.empty() || !notice.key_claims.empty() ||
        !notice.key_releases.empty()) {
      return Status::internal("a like's notification writes more than edges");
    }
    if (!notice.assoc_adds.empty()) notice_edge = b.assoc_adds.size();
    for (auto& add : notice.assoc_adds) b.add_assoc_if_added(std::move(add.assoc), like_edge, line);
  }
  KINDRED_RETURN_IF_ERROR(notices_.add_to(b, liked, liker, at, gate));
  return notice_edge;
}

Result<PostView> LikeService::unfavourite(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id target, posts_.action_target(viewer, post));
  store::Batch b;
  b.remove_assoc(target, AssocType::kFavouritedBy, viewer.account_id);
  b.remove_assoc(viewer.account_id, AssocType::kFavourites, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  if (live_) live_->changed(target);
  return posts_.view_of(viewer, std::move(post));
}

Result<Page<AccountView>> LikeService::favourited_by(const Viewer& viewer, Id post_id,
                                                     const ListQuery& lq) const {
  KINDRED_RETURN_IF_ERROR(posts_.get_visible_post(viewer, post_id).status());
  return accounts_along(deps_.store, accounts_, post_id, AssocType::kFavouritedBy, lq);
}

Result<Page<PostView>> LikeService::saved(const Viewer& viewer, AssocType type,
                                         const ListQuery& lq) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(viewer.account_id, type,
                                                               to_range_query(lq, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  Page<PostView> page;
  for (const auto& a : range.items) {
    auto v = posts_.get(viewer, a.to);
    if (!v.has_value()) {
      if (v.error().is_not_found()) continue;
      return v.error();
    }
    page.items.push_back(std::move(*v));
    page.positions.push_back(a.position);
  }
  return page;
}

Result<Page<PostView>> LikeService::favourites(const Viewer& viewer, const ListQuery& lq) const {
  return saved(viewer, AssocType::kFavourites, lq);
}

Result<Page<PostView>> LikeService::bookmarks(const Viewer& viewer, const ListQuery& lq) const {
  return saved(viewer, AssocType::kBookmarks, lq);
}

Result<PostView> LikeService::bookmark(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id target, posts_.action_target(viewer, post));
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kBookmarks, target, deps_.ids.next(), {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return posts_.view_of(viewer, std::move(post));
}

Result<PostView> LikeService::unbookmark(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id target, posts_.action_target(viewer, post));
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kBookmarks, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return posts_.view_of(viewer, std::move(post));
}

}  // namespace kindred::social
