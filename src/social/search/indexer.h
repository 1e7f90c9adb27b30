#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/posts/posts.h"

namespace kindred::social {

class StatusIndex;

// Keeps a StatusIndex in step with the posts. New, changed and deleted posts are queued by the
// writing thread and applied on the indexer's own thread, which wakes and commits once a second
// or every `batch` changes (or on flush()), off the request path and at a lower CPU priority
// than the threads serving requests. A new post is queued with its record, so the indexer does
// not read it back. The index's watermark says up to which post
// id everything is in; start() re-indexes the posts above it (less a margin for posts written
// out of id order), so a crash between a post and the next commit loses nothing. A deleted post
// whose removal a crash lost is harmless: search skips posts that no longer exist.
class StatusIndexer : public PostListener {
 public:
  StatusIndexer(Deps deps, const AccountService& accounts, StatusIndex& index,
                size_t batch = 10000);
  ~StatusIndexer() override;
  StatusIndexer(const StatusIndexer&) = delete;
  StatusIndexer& operator=(const StatusIndexer&) = delete;

  // Catches up with posts written since the last commit, then starts the thread. Call once.
  Status start();
  // Applies what is queued, commits and stops the thread. Idempotent.
  void stop();

  void post_created(const Post& post) override;
  void post_removed(const Post& post) override;
  // An edit: the post is indexed again with its new words.
  void post_edited(const Post& before, const Post& after) override;
  // Re-indexes post `id` as it is stored now (an edit), or removes it if it is gone.
  void on_status_changed(Id id);

  // Applies and commits everything queued so far; returns when it is in the index.
  void flush();

  // Rebuilds the index from every stored post, oldest first, telling `progress` (done, total)
  // now and then. For `kindred admin search-reindex`, with no server on the store.
  Status rebuild(const std::function<void(int64_t, int64_t)>& progress);

 private:
  // Indexes the stored posts with ids above `after`, oldest first; returns the newest seen.
  Result<Id> index_from(Id after, const std::function<void(int64_t)>& done);
  Status index_post(const Post& post);
  // The stored posts among `ids`, in order; missing ones are skipped.
  Result<std::vector<Post>> load(const std::vector<Id>& ids) const;
  void run();

  Deps deps_;
  const AccountService& accounts_;
  StatusIndex& index_;
  const size_t batch_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  // A queued change: a new post with its record, or a post to read again (changed or gone).
  struct Change {
    Id id;
    std::optional<Post> post;
  };
  // Guarded by mutex_: changes in order; the newest id queued.
  std::deque<Change> queue_;
  Id newest_;
  uint64_t queued_ = 0;      // changes ever queued
  uint64_t committed_ = 0;   // changes ever committed
  uint64_t flush_upto_ = 0;  // flush() waits until this many changes are committed
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kindred::social
