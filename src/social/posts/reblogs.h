#pragma once

#include <optional>

#include "social/identity/accounts.h"
#include "social/posts/posts.h"

namespace kindred::social {

// Reblogs ("boosts"): sharing someone's post with one's own followers. A reblog is a post of its
// own (its own id, listed on the reblogger's profile and in their followers' home feeds, but not
// on public or hashtag timelines) that carries the original. The rules are Mastodon's: only
// public and unlisted posts may be reblogged, and one's own followers-only posts; a reblog of a
// reblog reblogs the original. Counts come from the store's exact association counts.
// Thread-safe: holds nothing mutable besides the store.
class ReblogService {
 public:
  ReblogService(Deps deps, PostService& posts, const AccountService& accounts)
      : deps_(deps), posts_(posts), accounts_(accounts) {}

  // Reblogs the post as `viewer` and returns the reblog (the original inside). Idempotent: a
  // second call returns the first reblog. `visibility` defaults to public; a reblog of one's own
  // followers-only post stays followers-only. Its author is notified.
  // Errors: NotFound if absent or not visible to `viewer` (blocks included); PermissionDenied
  // for a direct post or someone else's followers-only post; InvalidArgument for a direct
  // `visibility`. REQUIRES: viewer.signed_in()
  Result<PostView> reblog(const Viewer& viewer, Id post_id, std::optional<Visibility> visibility);
  // Undoes the viewer's reblog of the post (or of the original, given a reblog) and returns the
  // original as they now see it. Idempotent. Errors: NotFound if absent or not visible.
  Result<PostView> unreblog(const Viewer& viewer, Id post_id);

  // Who reblogged a visible post, most recent reblog first; positions are the reblogs' ids.
  // Errors: NotFound if absent or not visible to `viewer`.
  Result<Page<AccountView>> reblogged_by(const Viewer& viewer, Id post_id,
                                         const ListQuery& q) const;

 private:
  // The post to act on: `post_id` as the viewer may see it, or the original of a reblog.
  Result<Post> original_of(const Viewer& viewer, Id post_id) const;

  Deps deps_;
  PostService& posts_;
  const AccountService& accounts_;
};

}  // namespace kindred::social
