#include "social/posts/live_counts.h"

#include <algorithm>
#include <mutex>

namespace kindred::social {

using store::AssocType;

Result<std::vector<PostCounts>> read_post_counts(const store::Store& store, const std::vector<Id>& ids) {
  std::vector<std::pair<Id, AssocType>> lists;
  lists.reserve(4 * ids.size());
  for (Id id : ids) {
    lists.emplace_back(id, AssocType::kReplies);
    lists.emplace_back(id, AssocType::kFavouritedBy);
    lists.emplace_back(id, AssocType::kRebloggedBy);
    lists.emplace_back(id, AssocType::kHeldReplies);
  }
  KINDRED_ASSIGN_OR_RETURN(auto counts, store.assoc_counts(lists));
  std::vector<PostCounts> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    // Held replies show to their writers only, so they are not counted.
    out.push_back({ids[i], std::max<int64_t>(0, counts[4 * i] - counts[4 * i + 3]), counts[4 * i + 1],
                   counts[4 * i + 2]});
  }
  return out;
}

void LiveCounts::watch(Id post_id) {
  std::unique_lock lock(mu_);
  auto& e = entries_[post_id];
  if (!e) e = std::make_unique<Entry>();
  ++e->watchers;
  any_watched_.store(true, std::memory_order_release);
}

void LiveCounts::unwatch(Id post_id) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(post_id);
  if (it == entries_.end()) return;
  if (--it->second->watchers <= 0) entries_.erase(it);
  if (entries_.empty()) any_watched_.store(false, std::memory_order_release);
}

size_t LiveCounts::watched() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

void LiveCounts::changed(Id post_id) {
  // The like path of a server where no post is open pays one load of a line nobody writes: the
  // shared lock alone (a write to its word from both network threads, per like) cost the like
  // storm 4% (bench/ab_storms.sh, with and without this call).
  if (!any_watched_.load(std::memory_order_acquire)) return;
  std::shared_lock lock(mu_);
  auto it = entries_.find(post_id);
  if (it != entries_.end()) it->second->version.fetch_add(1, std::memory_order_acq_rel);
}

uint64_t LiveCounts::version(Id post_id) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(post_id);
  return it == entries_.end() ? 0 : it->second->version.load(std::memory_order_acquire);
}

Result<std::vector<ChangedCounts>> LiveCounts::read(const std::vector<Id>& ids) const {
  if (ids.empty()) return std::vector<ChangedCounts>{};
  KINDRED_ASSIGN_OR_RETURN(auto records, deps_.store.get_objects(store::ObjectType::kStatus, ids));
  std::vector<Id> live;
  std::vector<ChangedCounts> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!records[i]) continue;
    auto post = Post::decode(*records[i]);
    if (!post.has_value()) continue;
    live.push_back(ids[i]);
    ChangedCounts c;
    c.author_id = post->account_id;
    c.favourites_hidden = post->hide_favourites_count;
    out.push_back(std::move(c));
  }
  KINDRED_ASSIGN_OR_RETURN(auto counts, read_post_counts(deps_.store, live));
  for (size_t i = 0; i < out.size(); ++i) static_cast<PostCounts&>(out[i]) = counts[i];
  return out;
}

void LiveCounts::changed_parent_of(const Post& post) {
  if (!post.in_reply_to_id.is_none()) changed(post.in_reply_to_id);
  if (post.is_reblog()) changed(post.reblog_of_id);
}

void LiveCounts::post_created(const Post& post) { changed_parent_of(post); }
void LiveCounts::post_removed(const Post& post) { changed_parent_of(post); }
void LiveCounts::reply_hold_changed(const Post& reply) { changed_parent_of(reply); }

}  // namespace kindred::social
