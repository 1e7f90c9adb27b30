// PostService's conversation mutes: a person muting the thread a post belongs to.
#include <algorithm>

#include "social/posts/posts.h"

namespace kindred::social {

using store::AssocType;

namespace {
constexpr size_t kMaxThreadDepth = 1000;
}  // namespace

Result<std::vector<Id>> PostService::thread_chain(const Post& post) const {
  std::vector<Id> chain{post.id};
  Id parent = post.in_reply_to_id;
  while (!parent.is_none() && chain.size() < kMaxThreadDepth) {
    auto p = load(parent);
    if (!p.has_value()) {
      if (p.error().is_not_found()) break;  // the chain was cut by a deletion
      return p.error();
    }
    chain.push_back(parent);
    parent = (*p)->in_reply_to_id;
  }
  return chain;
}

Result<std::vector<bool>> PostService::thread_muted_by(const Post& post,
                                                       const std::vector<Id>& accounts) const {
  std::vector<bool> out(accounts.size(), false);
  std::vector<Id> chain;
  for (size_t i = 0; i < accounts.size(); ++i) {
    KINDRED_ASSIGN_OR_RETURN(int64_t mutes,
                             deps_.store.assoc_count(accounts[i], AssocType::kMutedConversations));
    if (mutes == 0) continue;
    if (chain.empty()) {
      KINDRED_ASSIGN_OR_RETURN(chain, thread_chain(post));
    }
    KINDRED_ASSIGN_OR_RETURN(
        auto hit, deps_.store.assocs_exist(accounts[i], AssocType::kMutedConversations, chain));
    out[i] = std::find(hit.begin(), hit.end(), true) != hit.end();
  }
  return out;
}

Result<std::vector<Id>> PostService::visible_thread_chain(const Viewer& viewer, Id id) const {
  KINDRED_ASSIGN_OR_RETURN(Post post, get_visible_post(viewer, id));
  KINDRED_ASSIGN_OR_RETURN(Id target, action_target(viewer, post));  // a reblog: its original
  KINDRED_ASSIGN_OR_RETURN(auto original, load(target));
  return thread_chain(*original);
}

Result<PostView> PostService::mute_conversation(const Viewer& viewer, Id id) {
  KINDRED_ASSIGN_OR_RETURN(auto chain, visible_thread_chain(viewer, id));
  store::Batch b;
  b.add_assoc(
      {viewer.account_id, AssocType::kMutedConversations, chain.back(), deps_.ids.next(), {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return get(viewer, id);
}

Result<PostView> PostService::unmute_conversation(const Viewer& viewer, Id id) {
  KINDRED_ASSIGN_OR_RETURN(auto chain, visible_thread_chain(viewer, id));
  // Whichever post of the chain was the root when the thread was muted.
  store::Batch b;
  for (Id in_chain : chain)
    b.remove_assoc(viewer.account_id, AssocType::kMutedConversations, in_chain);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return get(viewer, id);
}

}  // namespace kindred::social
