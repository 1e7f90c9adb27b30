#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/status.h"
#include "social/model/models.h"
#include "social/model/views.h"
#include "store/store.h"

namespace kindred::social {

// Comment controls: who may reply to (comment on) a post, as its ReplyPolicy says.
//
// A post's policy decides who may reply to it directly: everyone; accounts its author follows
// (kFollowing); accounts following its author (kFollowers); accounts in its mention_ids
// (kMentioned); nobody (kNobody). Its author may always reply. Within a thread, a reply must also
// be allowed by the thread's top post (the root), so a post with comments off or limited cannot
// be answered by going through one of its comments; the root's author may always reply there.
// A reply to a reblog is judged by the reblogged original.

// For each post in `posts`: whether `viewer` may reply to it under its own policy alone (neither
// its thread's root nor, for a reblog, its original is consulted; see may_reply_in_threads and
// check_reply). Signed-out viewers may reply to nothing. Reads at most two batched relationship
// lookups, and none when every post is open to everyone or is the viewer's own.
Result<std::vector<bool>> may_reply(const store::Store& store, const Viewer& viewer,
                                    const std::vector<const Post*>& posts);

// Loads a stored post by id (through the caller's cache). Errors: NotFound when absent.
using PostLoader = std::function<Result<std::shared_ptr<const Post>>(Id)>;
// Loads the stored posts among ids, skipping missing ones (through the caller's cache).
using PostsLoader = std::function<Result<std::vector<Post>>(const std::vector<Id>&)>;

// may_reply, and for replies also whether their thread's root lets `viewer` in, as check_reply
// decides (so a Status's can_reply agrees with what a reply would meet). The roots are found level
// by level, one batched load per level (at most `max_depth`), only for replies the viewer may
// otherwise answer; then one may_reply over the roots.
Result<std::vector<bool>> may_reply_in_threads(const store::Store& store, const Viewer& viewer,
                                               const std::vector<const Post*>& posts,
                                               const PostsLoader& load_many, size_t max_depth);

// Whether `replier` may reply to `parent`: its policy (the original's, for a reblog) and the
// thread root's, found by walking up at most `max_depth` ancestors through `load` (a deleted
// ancestor ends the walk; the highest one found counts as the root). Errors: PermissionDenied
// with a sentence for people when a policy excludes `replier`; NotFound when a reblogged
// original is gone; store errors.
Status check_reply(const store::Store& store, Id replier, const Post& parent, const PostLoader& load,
                   size_t max_depth);

class PostService;

// The author changes who may comment on their post (`policy`) and whether its like count is
// hidden (`hide_likes`); an absent value is left as it is. Errors: NotFound for a post that is not
// the viewer's own (as Mastodon hides posts one may not act on); InvalidArgument for a reblog.
Result<Post> set_comment_controls(PostService& posts, const Viewer& viewer, Id post_id,
                                  std::optional<ReplyPolicy> policy, std::optional<bool> hide_likes);

}  // namespace kindred::social
