#pragma once

// A small pool of synchronous libpq connections, each used by one call at a time.
//
// A call blocks its thread on each round trip, as RocksDB calls block on I/O: Store is
// synchronous, so its caller waits for the answer however the socket is driven. The round trips a
// pipeline would save are saved by grouping concurrent calls into one statement instead
// (core/call_groups.h, PostgresStore::apply). docs/SCALING.md, "Connections", has the measurement
// behind keeping these connections blocking rather than driving non-blocking ones from Asio.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/postgres/pg_connection.h"

namespace kindred::store::pg {

class Pool {
 public:
  // A connection lent to one caller; returned to the pool when destroyed (dropped instead if it
  // broke, so the next caller connects afresh, e.g. to a new primary after a failover).
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn, uint64_t epoch)
        : pool_(pool), conn_(std::move(conn)), epoch_(epoch) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr && conn_ != nullptr) pool_->give_back(std::move(conn_), epoch_);
    }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
    uint64_t epoch_;  // the pool's epoch when the connection was opened
  };

  struct Limits {
    int max_connections = 8;
    // A caller waits this long at most for a connection to come free (then Unavailable).
    std::chrono::milliseconds acquire_timeout{10'000};
  };

  Pool(std::string conninfo, std::vector<Statement> statements, Limits limits)
      : conninfo_(std::move(conninfo)), statements_(std::move(statements)), limits_(limits) {}
  ~Pool() { close(); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A free connection, a new one if fewer than max_connections are open, or else the next one
  // given back within acquire_timeout. Errors: Unavailable after close(), if the server cannot
  // be reached, or if no connection came free in time (every one busy with slow statements).
  Result<Lease> acquire();

  // Refuses further acquires, waits for every lent connection to come back, and closes them.
  // Idempotent.
  void close();

 private:
  void give_back(std::unique_ptr<Connection> conn, uint64_t epoch);

  const std::string conninfo_;
  const std::vector<Statement> statements_;
  const Limits limits_;

  std::mutex mutex_;
  std::condition_variable changed_;
  struct Idle {
    std::unique_ptr<Connection> conn;
    uint64_t epoch;
  };
  std::vector<Idle> free_;  // GUARDED_BY(mutex_)
  int open_ = 0;            // GUARDED_BY(mutex_): free and lent
  // Moves on when a connection comes back broken: idle connections opened before are closed
  // (the server they reached is likely gone), those opened since are kept.
  uint64_t epoch_ = 0;                             // GUARDED_BY(mutex_)
  bool closed_ = false;                            // GUARDED_BY(mutex_)
};

}  // namespace kindred::store::pg
