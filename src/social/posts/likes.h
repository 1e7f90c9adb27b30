#pragma once

#include "social/graph/notifications.h"
#include "social/model/record_cache.h"
#include "social/posts/live_counts.h"
#include "social/posts/posts.h"
#include "social/posts/trends.h"

namespace kindred::social {

// Likes ("favourites"): idempotent like and unlike, who liked a post, what a person liked; and
// bookmarks, which work the same way but only the viewer sees.
// Counts come from the store's exact association counts, so they always match the stored likes.
// Thread-safe.
class LikeService {
 public:
  LikeService(Deps deps, const PostService& posts, const AccountService& accounts)
      : deps_(deps), posts_(posts), accounts_(accounts), notices_(deps) {}

  // Likes the post as `viewer` and returns it as they now see it. Idempotent: liking twice
  // changes nothing. Given a reblog, likes (and bookmarks) its original and returns the reblog,
  // as Mastodon does. Errors: NotFound if absent or not visible to `viewer`.
  // REQUIRES: viewer.signed_in()
  Result<PostView> favourite(const Viewer& viewer, Id post_id);
  // Takes the like back; idempotent. Errors: NotFound if absent or not visible.
  Result<PostView> unfavourite(const Viewer& viewer, Id post_id);

  // Who liked a visible post, most recent like first; positions are like times.
  Result<Page<AccountView>> favourited_by(const Viewer& viewer, Id post_id, const ListQuery& q) const;
  // The viewer's liked posts, most recently liked first; deleted posts drop out.
  Result<Page<PostView>> favourites(const Viewer& viewer, const ListQuery& q) const;

  // Bookmarks: private to the viewer, idempotent, listed most recent first.
  // Errors: NotFound if the post is absent or not visible to `viewer`.
  Result<PostView> bookmark(const Viewer& viewer, Id post_id);
  Result<PostView> unbookmark(const Viewer& viewer, Id post_id);
  Result<Page<PostView>> bookmarks(const Viewer& viewer, const ListQuery& q) const;

  // Set once at start-up, before serving: told of each new like. Not owned; may be null.
  void set_trends(TrendService* trends) { trends_ = trends; }
  // Set once at start-up, before serving: told of each like and unlike. Not owned; may be null.
  void set_live_counts(LiveCounts* live) { live_ = live; }

 private:
  // Adds to `b` (a like's batch, whose add `like_edge` is the like's edge from `liked`) what
  // tells `liked`'s author of the like `at` by `liker`. Returns the index in b.assoc_adds of the
  // like's own notification's first edge (written only if the post is under the line), or
  // Batch::kAlways when it has none.
  Result<size_t> add_like_notices(store::Batch& b, size_t like_edge, const Post& liked, Id liker,
                                  Id at);
  // The viewer's posts along `type` (kFavourites, kBookmarks), newest first.
  Result<Page<PostView>> saved(const Viewer& viewer, store::AssocType type, const ListQuery& q) const;

  Deps deps_;
  const PostService& posts_;
  const AccountService& accounts_;
  LikeNotices notices_;
  // With several nodes (CacheAge bounded): posts found past SocialConfig::exact_like_notifications
  // within the bound (a new like wrote no notification), so that a storm's likes do not each ask
  // PostgreSQL for the post's count in their write. An unlike taking a post back under the line
  // is seen within the bound. One node's store reads its exact count from memory and keeps
  // nothing here.
  RecordCache<Id, bool> past_exact_likes_{4096};
  TrendService* trends_ = nullptr;
  LiveCounts* live_ = nullptr;
};

}  // namespace kindred::social
