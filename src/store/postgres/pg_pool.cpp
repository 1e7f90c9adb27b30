#include "store/postgres/pg_pool.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace kindred::store::pg {

Result<Pool::Lease> Pool::acquire() {
  uint64_t epoch = 0;
  {
    std::unique_lock lock(mutex_);
    const bool ready = changed_.wait_for(lock, limits_.acquire_timeout, [&] {
      return closed_ || !free_.empty() || open_ < limits_.max_connections;
    });
    if (closed_) return Status::unavailable("store closed");
    if (!ready) {
      return Status::unavailable("postgres: no connection came free within " +
                                 std::to_string(limits_.acquire_timeout.count()) + " ms");
    }
    if (!free_.empty()) {
      Idle idle = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(idle.conn), idle.epoch);
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    epoch = epoch_;
  }
  auto conn = Connection::open(conninfo_, statements_);
  if (!conn.has_value()) {
    std::scoped_lock lock(mutex_);
    --open_;
    changed_.notify_all();
    return conn.error();
  }
  return Lease(this, std::move(conn).value(), epoch);
}

void Pool::give_back(std::unique_ptr<Connection> conn, uint64_t epoch) {
  // A connection left inside a transaction (a call failed midway) or broken is not reused.
  const bool broke = !conn->is_ok();
  if (broke || conn->in_transaction()) conn.reset();
  std::vector<Idle> dropped;  // closed once the lock is let go
  std::scoped_lock lock(mutex_);
  if (conn != nullptr && !closed_) {
    free_.push_back({std::move(conn), epoch});
  } else {
    --open_;
  }
  if (broke) {
    // A lost connection most often means the server went (a restart, a failover), and then the
    // idle connections opened before this one broke are gone too, which libpq learns only by
    // using each: the next callers would each meet one. They are closed instead, and the next
    // callers connect afresh; connections opened since (to the server as it is now) are kept.
    if (epoch == epoch_) ++epoch_;
    auto stale = std::partition(free_.begin(), free_.end(),
                                [&](const Idle& idle) { return idle.epoch > epoch; });
    dropped.assign(std::make_move_iterator(stale), std::make_move_iterator(free_.end()));
    free_.erase(stale, free_.end());
    open_ -= static_cast<int>(dropped.size());
    changed_.notify_all();
    return;
  }
  // One connection (or one slot to open one) came free: one waiter can use it. Waking them all
  // cost a like storm half its CPU in context switches (64 handler threads, 16 connections).
  // close() waits on the same condition and is woken by notify_all once nothing is lent.
  if (closed_ && open_ == 0) {
    changed_.notify_all();
  } else {
    changed_.notify_one();
  }
}

void Pool::close() {
  std::vector<Idle> closing;
  {
    std::unique_lock lock(mutex_);
    closed_ = true;
    changed_.notify_all();
    open_ -= static_cast<int>(free_.size());
    closing = std::move(free_);
    free_.clear();
    changed_.wait(lock, [&] { return open_ == 0; });
  }
}

}  // namespace kindred::store::pg
