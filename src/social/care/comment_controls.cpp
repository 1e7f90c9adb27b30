#include "social/care/comment_controls.h"

#include "social/posts/posts.h"

#include <algorithm>
#include <optional>

namespace kindred::social {

using store::AssocType;

namespace {

bool mentions(const Post& post, Id account) {
  return std::find(post.mention_ids.begin(), post.mention_ids.end(), account) !=
         post.mention_ids.end();
}

void add_unique(std::vector<Id>& ids, Id id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

bool hit(const std::vector<Id>& ids, const std::vector<bool>& hits, Id id) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return hits[i];
  return false;
}

// The sentence a refused replier reads: kind, and clear about why.
std::string refusal(ReplyPolicy policy) {
  switch (policy) {
    case ReplyPolicy::kNobody:
      return "The author has turned off comments on this post";
    case ReplyPolicy::kFollowing:
      return "The author has limited who can comment on this post to people they follow";
    case ReplyPolicy::kFollowers:
      return "The author has limited who can comment on this post to their followers";
    case ReplyPolicy::kMentioned:
      return "The author has limited who can comment on this post to people mentioned in it";
    case ReplyPolicy::kEveryone:
      break;
  }
  return "The author has limited who can comment on this post";
}

}  // namespace

Result<std::vector<bool>> may_reply(const store::Store& store, const Viewer& viewer,
                                    const std::vector<const Post*>& posts) {
  std::vector<bool> out(posts.size(), false);
  if (!viewer.signed_in()) return out;
  const Id me = viewer.account_id;
  // Authors whose policy turns on the relationship with the viewer, read from the viewer's side
  // in one batch each: "following" asks whether the author follows the viewer (the viewer's
  // kFollowedBy edge), "followers" whether the viewer follows the author.
  std::vector<Id> need_followed_by, need_follows;
  for (const Post* p : posts) {
    if (p->account_id == me) continue;
    if (p->reply_policy == ReplyPolicy::kFollowing) add_unique(need_followed_by, p->account_id);
    if (p->reply_policy == ReplyPolicy::kFollowers) add_unique(need_follows, p->account_id);
  }
  std::vector<bool> followed_by, follows;
  if (!need_followed_by.empty()) {
    KINDRED_ASSIGN_OR_RETURN(followed_by,
                             store.assocs_exist(me, AssocType::kFollowedBy, need_followed_by));
  }
  if (!need_follows.empty()) {
    KINDRED_ASSIGN_OR_RETURN(follows, store.assocs_exist(me, AssocType::kFollows, need_follows));
  }
  for (size_t i = 0; i < posts.size(); ++i) {
    const Post& p = *posts[i];
    if (p.account_id == me) {
      out[i] = true;
      continue;
    }
    switch (p.reply_policy) {
      case ReplyPolicy::kEveryone: out[i] = true; break;
      case ReplyPolicy::kFollowing: out[i] = hit(need_followed_by, followed_by, p.account_id); break;
      case ReplyPolicy::kFollowers: out[i] = hit(need_follows, follows, p.account_id); break;
      case ReplyPolicy::kMentioned: out[i] = mentions(p, me); break;
      case ReplyPolicy::kNobody: out[i] = false; break;
    }
  }
  return out;
}

Result<std::vector<bool>> may_reply_in_threads(const store::Store& store, const Viewer& viewer,
                                               const std::vector<const Post*>& posts,
                                               const PostsLoader& load_many, size_t max_depth) {
  KINDRED_ASSIGN_OR_RETURN(auto out, may_reply(store, viewer, posts));
  // For each reply still allowed: the ancestor to load next, and the highest one found so far.
  std::vector<Id> next(posts.size());
  std::vector<std::optional<Post>> root(posts.size());
  bool pending = false;
  for (size_t i = 0; i < posts.size(); ++i) {
    if (!out[i] || posts[i]->in_reply_to_id.is_none()) continue;
    next[i] = posts[i]->in_reply_to_id;
    pending = true;
  }
  for (size_t level = 0; pending && level < max_depth; ++level) {
    std::vector<Id> ids;
    for (Id id : next)
      if (!id.is_none()) add_unique(ids, id);
    KINDRED_ASSIGN_OR_RETURN(auto loaded, load_many(ids));
    pending = false;
    for (size_t i = 0; i < posts.size(); ++i) {
      if (next[i].is_none()) continue;
      auto p = std::find_if(loaded.begin(), loaded.end(),
                            [&](const Post& l) { return l.id == next[i]; });
      if (p == loaded.end()) {  // deleted: the thread above it is cut off
        next[i] = Id();
        continue;
      }
      root[i] = *p;
      next[i] = p->in_reply_to_id;
      pending = pending || !next[i].is_none();
    }
  }
  std::vector<const Post*> roots;
  std::vector<size_t> of;
  for (size_t i = 0; i < posts.size(); ++i) {
    // The root's author may always answer in their own thread.
    if (!root[i] || root[i]->account_id == viewer.account_id) continue;
    roots.push_back(&*root[i]);
    of.push_back(i);
  }
  if (roots.empty()) return out;
  KINDRED_ASSIGN_OR_RETURN(auto allowed, may_reply(store, viewer, roots));
  for (size_t j = 0; j < roots.size(); ++j)
    if (!allowed[j]) out[of[j]] = false;
  return out;
}

Status check_reply(const store::Store& store, Id replier, const Post& parent, const PostLoader& load,
                   size_t max_depth) {
  std::shared_ptr<const Post> target = std::make_shared<const Post>(parent);
  if (parent.is_reblog()) {
    KINDRED_ASSIGN_OR_RETURN(target, load(parent.reblog_of_id));
  }
  // The thread's root, unless the target is the root itself (most replies: comments).
  std::shared_ptr<const Post> root;
  Id up = target->in_reply_to_id;
  for (size_t walked = 0; !up.is_none() && walked < max_depth; ++walked) {
    auto p = load(up);
    if (!p.has_value()) {
      if (!p.error().is_not_found()) return p.error();
      break;  // deleted: the thread above it is cut off
    }
    root = *p;
    up = root->in_reply_to_id;
  }
  // The root's author may always answer in their own thread.
  if (root && root->account_id == replier) root.reset();
  std::vector<const Post*> judged{target.get()};
  if (root) judged.push_back(root.get());
  KINDRED_ASSIGN_OR_RETURN(auto allowed, may_reply(store, Viewer{replier}, judged));
  for (size_t i = 0; i < judged.size(); ++i)
    if (!allowed[i]) return Status::permission_denied(refusal(judged[i]->reply_policy));
  return Status::ok();
}

Result<Post> set_comment_controls(PostService& posts, const Viewer& viewer, Id post_id,
                                  std::optional<ReplyPolicy> policy, std::optional<bool> hide_likes) {
  return posts.update(post_id, [&](Post& post, store::Batch&) {
    if (post.account_id != viewer.account_id) return Status::not_found("Record not found");
    if (post.is_reblog())
      return Status::invalid_argument("Validation failed: A boost has no comments of its own");
    if (policy) post.reply_policy = *policy;
    if (hide_likes) post.hide_favourites_count = *hide_likes;
    return Status::ok();
  });
}

}  // namespace kindred::social
