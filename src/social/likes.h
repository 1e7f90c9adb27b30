#pragma once

#include "social/posts.h"

namespace kindred::social {

// Likes ("favourites"): idempotent like and unlike, who liked a post, what a person liked.
// Counts come from the store's exact association counts, so they always match the stored likes.
// Thread-safe: holds nothing mutable besides the store.
class LikeService {
 public:
  LikeService(Deps deps, const PostService& posts, const AccountService& accounts)
      : deps_(deps), posts_(posts), accounts_(accounts) {}

  // Likes the post as `viewer` and returns it as they now see it. Idempotent: liking twice
  // changes nothing. Errors: NotFound if absent or not visible to `viewer`.
  // REQUIRES: viewer.signed_in()
  Result<PostView> favourite(const Viewer& viewer, Id post_id);
  // Takes the like back; idempotent. Errors: NotFound if absent or not visible.
  Result<PostView> unfavourite(const Viewer& viewer, Id post_id);

  // Who liked a visible post, most recent like first; positions are like times.
  Result<Page<AccountView>> favourited_by(const Viewer& viewer, Id post_id, const ListQuery& q) const;
  // The viewer's liked posts, most recently liked first; deleted posts drop out.
  Result<Page<PostView>> favourites(const Viewer& viewer, const ListQuery& q) const;

 private:
  Deps deps_;
  const PostService& posts_;
  const AccountService& accounts_;
};

}  // namespace kindred::social
