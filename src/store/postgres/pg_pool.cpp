#include "store/postgres/pg_pool.h"

#include <utility>

namespace kindred::store::pg {

Result<Pool::Lease> Pool::acquire() {
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
      auto conn = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
  }
  auto conn = Connection::open(conninfo_, statements_);
  if (!conn.has_value()) {
    std::scoped_lock lock(mutex_);
    --open_;
    changed_.notify_all();
    return conn.error();
  }
  return Lease(this, std::move(conn).value());
}

void Pool::give_back(std::unique_ptr<Connection> conn) {
  // A connection left inside a transaction (a call failed midway) or broken is not reused.
  const bool broke = !conn->is_ok();
  if (broke || conn->in_transaction()) conn.reset();
  std::vector<std::unique_ptr<Connection>> dropped;  // closed once the lock is let go
  std::scoped_lock lock(mutex_);
  if (conn != nullptr && !closed_) {
    free_.push_back(std::move(conn));
  } else {
    --open_;
  }
  if (broke && !free_.empty()) {
    // A lost connection most often means the server went (a restart, a failover), and then the
    // idle ones are gone too, which libpq learns only by using each: the next callers would
    // each meet one. They are closed instead, and the next callers connect afresh.
    open_ -= static_cast<int>(free_.size());
    dropped = std::move(free_);
    free_.clear();
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
  std::vector<std::unique_ptr<Connection>> closing;
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
