#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace kindred::store {

struct PostgresOptions {
  // A libpq connection string or URI (e.g. "host=/run/postgresql dbname=kindred" or
  // "postgresql://kindred@db1/kindred").
  std::string conninfo;
  // At most this many connections are open at once; calls beyond it wait for one to be free.
  int max_connections = 8;
  // Concurrent batches without keys written together in one statement, at most (1: each alone;
  // for measuring what grouping gives).
  int max_group = 256;
  // A call waits at most this long for a free connection, then fails Unavailable (before it has
  // sent anything): while the database hangs (a standby gone under synchronous_mode_strict
  // holds every commit), requests beyond the connections answer 503 instead of queueing on.
  // There is no statement timeout: PostgreSQL answers a commit whose wait for the synchronous
  // standby is cancelled as committed (with a warning), which would acknowledge a write the
  // standby may not have.
  int acquire_timeout_ms = 10'000;
};

// Opens the PostgreSQL store in the database `options.conninfo` names, first bringing its schema
// up to date (migrations in store/postgres/migrations/, recorded in kindred_schema_version; several
// processes may open one database at once, and one of them applies each migration). The returned
// store owns its connections until close() or its destruction. Many stores, in one process or
// many, may use one database at once: counts, edges and keys stay exact, as every change is one
// transaction that changes edges and their counts together.
//
// Writes are acknowledged once PostgreSQL has committed them (durability is the server's:
// synchronous_commit and its standbys), so StoreOptions::durability does not apply.
//
// Errors: InvalidArgument if `options.conninfo` is empty or max_connections < 1; Unavailable if
// the database cannot be reached; Internal if the schema cannot be brought up to date or is
// newer than this program knows (the message says which).
Result<std::unique_ptr<Store>> open_postgres_store(const PostgresOptions& options);

}  // namespace kindred::store
