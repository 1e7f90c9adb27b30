#pragma once

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "social/identity/accounts.h"
#include "social/posts/posts.h"

namespace kindred::social {

// How a post's comments (its direct replies) are ordered.
enum class CommentOrder : uint8_t {
  // The post author's pinned comments (pin order), then the author's own, then those by people
  // the reader follows, then by verified accounts, then the rest; within each group after the
  // pins, most liked first, then newest first.
  kTop = 0,
  kRecent = 1,  // newest first
};
std::string_view comment_order_name(CommentOrder order);
// Errors: InvalidArgument for anything but "top" and "recent".
Result<CommentOrder> parse_comment_order(std::string_view name);

struct CommentQuery {
  CommentOrder order = CommentOrder::kTop;
  std::string cursor;  // opaque, from CommentPage::next_cursor; empty for the first page
  size_t limit = 20;
};

struct CommentPage {
  std::vector<PostView> items;
  std::string next_cursor;  // empty when no page follows
};

// Comments of a post in a chosen order, paged by opaque cursors, and comment pins: a post's
// author may pin up to kMaxCommentPins of its direct replies to the top of the "top" order.
//
// Bound: the "top" order ranks the newest SocialConfig::comments_ranked_limit (5,000) direct
// replies of a post as a whole (a count read per comment, one batched read of posts, accounts
// through the cache, one batched follow check; nothing per like). Older replies, if any, come
// after them newest first, read as a store range. The first page fixes that frame (the newest
// reply and the oldest ranked one) in the cursor, so later pages rank the same comments; replies
// posted meanwhile wait for a fresh first page.
//
// Thread-safe: holds nothing mutable besides the store and the pin locks.
class CommentService {
 public:
  static constexpr size_t kMaxCommentPins = 3;

  CommentService(Deps deps, const PostService& posts, const AccountService& accounts)
      : deps_(deps), posts_(posts), accounts_(accounts) {}

  // One page of the direct replies of `post_id` that `viewer` may see (PostService::can_see:
  // visibility and blocks both ways), in `q.order`. Paging with next_cursor returns every such
  // comment exactly once, in the order of one big page, as long as what decides the order (likes,
  // pins, follows, verified marks) does not change between pages; a comment whose rank changes
  // meanwhile may move across the cursor.
  // Errors: NotFound if the post is absent or invisible to `viewer`; InvalidArgument for a
  // malformed cursor or one made for another post or order.
  // REQUIRES: 1 <= q.limit.
  Result<CommentPage> comments(const Viewer& viewer, Id post_id, const CommentQuery& q) const;
  // For each post of `parents` (comments the viewer may see), the newest `limit` direct replies
  // the viewer may see, oldest of them first (so a few read as a conversation), muted accounts
  // left out; every view built in one batch. The replies nested under comments on a post's page.
  Result<std::vector<std::vector<PostView>>> reply_threads(const Viewer& viewer,
                                                           const std::vector<Id>& parents,
                                                           size_t limit) const;

  // Pins the direct reply `comment_id` to its post, as the post's author, and returns the reply as
  // the viewer sees it. Idempotent. Errors: NotFound if the reply or its post is absent or
  // invisible; InvalidArgument if it is not a reply, or kMaxCommentPins are pinned already;
  // PermissionDenied if the viewer did not write the post. REQUIRES: viewer.signed_in().
  Result<PostView> pin(const Viewer& viewer, Id comment_id);
  // Unpins it; idempotent. Errors as pin(), without the limit.
  Result<PostView> unpin(const Viewer& viewer, Id comment_id);

 private:
  struct Cursor;
  Result<CommentPage> recent(const Viewer& viewer, const Post& post, const Cursor* after,
                             size_t limit) const;
  Result<CommentPage> top(const Viewer& viewer, const Post& post, const Cursor* after,
                          size_t limit) const;
  // The reply and its parent post, checked for pinning by `viewer`.
  Result<std::pair<Post, Post>> pinnable(const Viewer& viewer, Id comment_id) const;
  Result<std::vector<PostView>> views(const Viewer& viewer, std::vector<Post> posts) const;

  Deps deps_;
  const PostService& posts_;
  const AccountService& accounts_;
  // Pins of one post are counted and added under its stripe, so the limit holds under races.
  std::array<std::mutex, 64> pin_locks_;
};

}  // namespace kindred::social
