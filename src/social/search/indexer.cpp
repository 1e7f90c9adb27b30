#include "social/search/indexer.h"

#include <chrono>
#include <iostream>
#include <unordered_set>

#include "social/search/search.h"
#include "social/search/status_index.h"

namespace kindred::social {

namespace {

// Posts are written in roughly id order; one whose batch lands this much after a newer one's is
// not expected, so start-up re-indexes this far below the watermark.
constexpr int64_t kOutOfOrderMs = 60 * 1000;
constexpr auto kCommitEvery = std::chrono::seconds(1);
constexpr size_t kPage = 1000;

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
  {
    std::scoped_lock lock(mutex_);
    queue_.push_back(post.id);
    ++queued_;
    newest_ = std::max(newest_, post.id);
  }
  wake_.notify_one();
}

void StatusIndexer::post_removed(const Post& post) {
  if (!post.is_reblog()) on_status_changed(post.id);
}

void StatusIndexer::post_edited(const Post& before, const Post& after) {
  (void)before;
  on_status_changed(after.id);
}

void StatusIndexer::on_status_changed(Id id) {
  {
    std::scoped_lock lock(mutex_);
    queue_.push_back(id);
    ++queued_;
  }
  wake_.notify_one();
}

void StatusIndexer::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = queued_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return committed_ >= target || !thread_.joinable() || stopping_; });
}

void StatusIndexer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, kCommitEvery,
                   [&] { return stopping_ || queue_.size() >= batch_ || queued_ > committed_; });
    if (queue_.empty() && queued_ == committed_) {
      if (stopping_) return;
      continue;
    }
    std::vector<Id> ids(queue_.begin(), queue_.end());
    queue_.clear();
    const uint64_t upto = queued_;
    const Id mark = newest_;
    lock.unlock();
    // A post is read as stored now: created, edited or gone (then removed from the index).
    Status st = Status::ok();
    for (size_t i = 0; i < ids.size() && st.is_ok(); i += kPage) {
      std::vector<Id> chunk(
          ids.begin() + static_cast<std::ptrdiff_t>(i),
          ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kPage)));
      auto posts = load(chunk);
      if (!posts.has_value()) {
        st = posts.error();
        break;
      }
      std::unordered_set<Id> present;
      for (const auto& p : *posts) {
        present.insert(p.id);
        if (st.is_ok()) st = index_post(p);
      }
      for (Id id : chunk)
        if (!present.contains(id) && st.is_ok()) st = index_.remove(id);
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
