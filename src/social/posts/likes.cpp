#include "social/posts/likes.h"

#include <algorithm>

namespace kindred::social {

using store::AssocType;

Result<PostView> LikeService::favourite(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id target, posts_.action_target(viewer, post));
  // No notification per like: the post's one like notice moves up now and then (LikeNotices).
  const Id at = deps_.ids.next();
  store::Batch b;
  b.add_assoc({target, AssocType::kFavouritedBy, viewer.account_id, at, {}});
  b.add_assoc({viewer.account_id, AssocType::kFavourites, target, at, {}});
  std::optional<Post> original;
  if (target == post.id) {
    KINDRED_RETURN_IF_ERROR(notices_.add_to(b, post, viewer.account_id, at));
  } else {
    KINDRED_ASSIGN_OR_RETURN(original, posts_.get_visible_post(viewer, target));
    KINDRED_RETURN_IF_ERROR(notices_.add_to(b, *original, viewer.account_id, at));
  }
  KINDRED_ASSIGN_OR_RETURN(store::BatchOutcome outcome, deps_.store.apply(b));
  // Only a new like counts towards trends: liking again changes nothing.
  if (trends_ && outcome.assoc_added[0]) trends_->liked(original ? *original : post, viewer.account_id);
  return posts_.view_of(viewer, std::move(post));
}

Result<PostView> LikeService::unfavourite(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id target, posts_.action_target(viewer, post));
  store::Batch b;
  b.remove_assoc(target, AssocType::kFavouritedBy, viewer.account_id);
  b.remove_assoc(viewer.account_id, AssocType::kFavourites, target);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
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
