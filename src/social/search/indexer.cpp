#include "social/search/indexer.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <unordered_map>

#include "social/search/search.h"
#include "social/search/status_index.h"

namespace kindred::social {

namespace {

// Posts are written in roughly id order; one whose batch lands this much after a newer one's is
// not expected, so start-up re-indexes this far below the watermark.
constexpr int64_t kOutOfOrderMs = 60 * 1000;
constexpr auto kCommitEvery = std::chrono::seconds(1);
constexpr size_t kPage = 1000;
// The indexer thread's nice value: when the cores are busy, requests (nice 0) get about ten
// times its share of CPU; it catches up when they are idle (it has a second to do so per batch).
constexpr int kIndexerNice = 10;

}  // namespace

StatusIndexer::StatusIndexer(Deps deps, const AccountService& accounts, StatusIndex& index,
                             size_t batch)
    : deps_(deps), accounts_(accounts), index_(index), batch_(batch) {}

Result<std::vector<Post>> StatusIndexer::load(const std::vector<Id>& ids) const {
  KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(store::ObjectType::kStatus, ids));
  std::vector<Post> out;
  out.reserve(ids.size());
  for (const auto& b : blobs) {
    if (!b) continue;
    KINDRED_ASSIGN_OR_RETURN(Post p, Post::decode(*b));
    out.push_back(std::move(p));
  }
  return out;
}

StatusIndexer::~StatusIndexer() { stop(); }

Status StatusIndexer::index_post(const Post& post) {
  if (post.is_reblog()) return Status::ok();
  auto author = accounts_.get(post.account_id);
  if (!author.has_value() && !author.error().is_not_found()) return author.error();
  return index_.put(post.id, status_terms(post, author.has_value() && author->indexable));
}

Result<Id> StatusIndexer::index_from(Id after, const std::function<void(int64_t)>& done) {
  store::RangeQuery rq;
  rq.oldest_first = true;
  rq.min_position = after;
  rq.limit = kPage;
  Id last = after;
  int64_t count = 0;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(
        auto page,
        deps_.store.assoc_range(store::kInstanceNode, store::AssocType::kInstanceStatuses, rq));
    if (page.items.empty()) break;
    std::vector<Id> ids;
    for (const auto& a : page.items) ids.push_back(a.to);
    KINDRED_ASSIGN_OR_RETURN(auto posts, load(ids));
    for (const auto& p : posts) KINDRED_RETURN_IF_ERROR(index_post(p));
    last = std::max(last, page.items.back().position);
    KINDRED_RETURN_IF_ERROR(index_.commit(last));
    count += static_cast<int64_t>(page.items.size());
    if (done) done(count);
    if (!page.more) break;
    rq.min_position = page.items.back().position;
  }
  return last;
}

Status StatusIndexer::start() {
  KINDRED_ASSIGN_OR_RETURN(Id mark, index_.watermark());
  Id from;
  if (!mark.is_none()) from = Id::at_ms(std::max<int64_t>(mark.ms() - kOutOfOrderMs, 1));
  KINDRED_ASSIGN_OR_RETURN(Id last, index_from(from, nullptr));
  {
    std::scoped_lock lock(mutex_);
    newest_ = std::max(last, mark);
  }
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void StatusIndexer::stop() {
  {
    std::scoped_lock lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatusIndexer::post_created(const Post& post) {
  if (post.is_reblog()) return;
  // The indexer wakes by itself once a second: only a full batch is worth waking it for.
  bool full = false;
  {
    std::scoped_lock lock(mutex_);
    queue_.push_back(Change{post.id, post});
    ++queued_;
    newest_ = std::max(newest_, post.id);
    full = queue_.size() >= batch_;
  }
  if (full) wake_.notify_one();
}

void StatusIndexer::post_removed(const Post& post) {
  if (!post.is_reblog()) on_status_changed(post.id);
}

void StatusIndexer::post_edited(const Post& before, const Post& after) {
  (void)before;
  on_status_changed(after.id);
}

void StatusIndexer::on_status_changed(Id id) {
  bool full = false;
  {
    std::scoped_lock lock(mutex_);
    queue_.push_back(Change{id, std::nullopt});
    ++queued_;
    full = queue_.size() >= batch_;
  }
  if (full) wake_.notify_one();
}

void StatusIndexer::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = queued_;
  flush_upto_ = std::max(flush_upto_, target);
  wake_.notify_one();
  flushed_.wait(lock, [&] { return committed_ >= target || !thread_.joinable() || stopping_; });
}

void StatusIndexer::run() {
#ifdef __linux__
  // Linux applies a nice value to the one thread whose id it is given.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kIndexerNice);
#endif
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, kCommitEvery, [&] {
      return stopping_ || queue_.size() >= batch_ || flush_upto_ > committed_;
    });
    if (queue_.empty() && queued_ == committed_) {
      if (stopping_) return;
      continue;
    }
    std::vector<Change> changes(std::make_move_iterator(queue_.begin()),
                                std::make_move_iterator(queue_.end()));
    queue_.clear();
    const uint64_t upto = queued_;
    const Id mark = newest_;
    lock.unlock();
    // In queue order: a new post as it was written; a changed one as stored now (edited, or gone
    // and then removed from the index).
    Status st = Status::ok();
    for (size_t i = 0; i < changes.size() && st.is_ok(); i += kPage) {
      const size_t end = std::min(changes.size(), i + kPage);
      std::vector<Id> reread;
      for (size_t k = i; k < end; ++k)
        if (!changes[k].post) reread.push_back(changes[k].id);
      std::unordered_map<Id, Post> stored;
      if (!reread.empty()) {
        auto posts = load(reread);
        if (!posts.has_value()) {
          st = posts.error();
          break;
        }
        for (auto& p : *posts) stored.emplace(p.id, std::move(p));
      }
      for (size_t k = i; k < end && st.is_ok(); ++k) {
        const Change& c = changes[k];
        if (c.post) {
          st = index_post(*c.post);
        } else if (auto it = stored.find(c.id); it != stored.end()) {
          st = index_post(it->second);
        } else {
          st = index_.remove(c.id);
        }
      }
    }
    if (st.is_ok()) st = index_.commit(mark);
    if (!st.is_ok()) std::cerr << "kindred search: indexing failed: " << st.to_string() << '\n';
    lock.lock();
    committed_ = upto;
    flushed_.notify_all();
    if (stopping_ && queue_.empty()) return;
  }
}

Status StatusIndexer::rebuild(const std::function<void(int64_t, int64_t)>& progress) {
  KINDRED_RETURN_IF_ERROR(index_.clear());
  KINDRED_ASSIGN_OR_RETURN(
      int64_t total,
      deps_.store.assoc_count(store::kInstanceNode, store::AssocType::kInstanceStatuses));
  if (progress) progress(0, total);
  KINDRED_ASSIGN_OR_RETURN(Id last, index_from(Id(), [&](int64_t done) {
                             if (progress) progress(done, total);
                           }));
  return index_.commit(last);
}

}  // namespace kindred::social
