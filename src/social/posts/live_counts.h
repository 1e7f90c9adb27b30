#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "social/posts/posts.h"

namespace kindred::social {

// A post's counts as a reader sees them on its page.
struct PostCounts {
  Id post_id;
  int64_t replies = 0;     // held replies aside, as views_of counts them
  int64_t favourites = 0;
  int64_t reblogs = 0;
  bool operator==(const PostCounts&) const = default;
};

// A watched post whose counts moved, with what decides who may see its like count.
struct ChangedCounts : PostCounts {
  Id author_id;
  bool favourites_hidden = false;  // the author hid the like count from everyone else
};

// Which open posts' counts moved, for the live counts stream (issue 17: a post taking 20,000
// likes a second tells each reader its exact counts at most once a second). Readers watch a post
// while its page is open; likes, reblogs and replies bump its version; the streaming hub reads a
// post's counts when its version moved past what a reader was last sent. Bumping costs a shared
// lock, a hash lookup and an atomic add, nothing when nobody watches the post. Thread-safe.
class LiveCounts : public PostListener {
 public:
  explicit LiveCounts(Deps deps) : deps_(deps) {}

  // Counted: two watches of one post need two unwatches.
  void watch(Id post_id);
  void unwatch(Id post_id);
  size_t watched() const;

  // The counts of `post_id` changed (a like, an unlike, a reblog undone...): its version moves.
  void changed(Id post_id);
  // The post's version: 1 or more while watched, moving with every change; 0 when not watched.
  // Counts read after a version was read include every change made before it: a reader sent
  // those counts is up to date while the version stays.
  uint64_t version(Id post_id) const;

  // The exact counts of `ids` now, with their authors and hidden-count flags; a post deleted
  // meanwhile is left out.
  Result<std::vector<ChangedCounts>> read(const std::vector<Id>& ids) const;

  // PostListener: a reply, a reblog or a reply held or shown moves its parent's or original's
  // counts.
  void post_created(const Post& post) override;
  void post_removed(const Post& post) override;
  void reply_hold_changed(const Post& reply) override;

 private:
  struct Entry {
    int64_t watchers = 0;                 // GUARDED_BY(mu_) (exclusive)
    std::atomic<uint64_t> version{1};     // moved under the shared lock
  };
  void changed_parent_of(const Post& post);

  Deps deps_;
  mutable std::shared_mutex mu_;
  std::unordered_map<Id, std::unique_ptr<Entry>> entries_;  // GUARDED_BY(mu_)
  // !entries_.empty(), read without the lock: a like of a server where nothing is open looks no
  // further. A watch sets it before its first version is read, so no change after it is missed.
  std::atomic<bool> any_watched_{false};
};

// The counts of each post in `ids` (one slot each, in order), as views_of reads them: one MultiGet.
Result<std::vector<PostCounts>> read_post_counts(const store::Store& store, const std::vector<Id>& ids);

}  // namespace kindred::social
