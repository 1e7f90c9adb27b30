#include "social/posts/reblogs.h"

#include <algorithm>

namespace kindred::social {

using store::AssocType;

Result<Post> ReblogService::original_of(const Viewer& viewer, Id post_id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, post_id));
  if (!post.is_reblog()) return post;
  return posts_.get_visible_post(viewer, post.reblog_of_id);
}

Result<PostView> ReblogService::reblog(const Viewer& viewer, Id post_id,
                                       std::optional<Visibility> visibility) {
  if (visibility == Visibility::kDirect)
    return Status::invalid_argument("Validation failed: Visibility is not included in the list");
  KINDRED_ASSIGN_OR_RETURN(Post original, original_of(viewer, post_id));
  // Mastodon's StatusPolicy#reblog?: never a direct post, and a followers-only post only by its
  // author (whose reblog then stays followers-only).
  const bool own = original.account_id == viewer.account_id;
  if (original.visibility == Visibility::kDirect ||
      (original.visibility == Visibility::kPrivate && !own))
    return Status::permission_denied("This action is not allowed");
  const Visibility v = original.visibility == Visibility::kPrivate
                           ? Visibility::kPrivate
                           : visibility.value_or(Visibility::kPublic);
  return posts_.add_reblog(viewer, original, v);
}

Result<PostView> ReblogService::unreblog(const Viewer& viewer, Id post_id) {
  KINDRED_ASSIGN_OR_RETURN(Post original, original_of(viewer, post_id));
  KINDRED_ASSIGN_OR_RETURN(Id reblog, posts_.reblog_by(viewer.account_id, original.id));
  if (!reblog.is_none()) {
    auto removed = posts_.remove(viewer, reblog);
    // Gone already: a concurrent unreblog got there first.
    if (!removed.has_value() && !removed.error().is_not_found()) return removed.error();
  }
  return posts_.view_of(viewer, std::move(original));
}

Result<Page<AccountView>> ReblogService::reblogged_by(const Viewer& viewer, Id post_id,
                                                      const ListQuery& lq) const {
  KINDRED_RETURN_IF_ERROR(posts_.get_visible_post(viewer, post_id).status());
  return accounts_along(deps_.store, accounts_, post_id, AssocType::kRebloggedBy, lq);
}

}  // namespace kindred::social
