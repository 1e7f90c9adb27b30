#pragma once

#include <memory>

#include "core/status.h"
#include "store/store.h"

namespace kindred::store {

// Opens (creating if missing) the embedded RocksDB store in the directory `options.path`, which is
// created with its parents if needed. The returned store owns the database until close() or its
// destruction; only one store (in any process) may have a given directory open at a time.
// Writes are acknowledged per `options.durability`: kWal once in the write-ahead log, kFsync once
// the log is also fsynced.
//
// Errors: InvalidArgument if `options.path` is empty; Unavailable if the disk is full;
// Corruption if the stored files do not decode; Internal for other failures to open, including
// another store holding the directory (the message says which).
Result<std::unique_ptr<Store>> open_rocksdb_store(const StoreOptions& options);

struct CopyReport {
  size_t objects = 0, edges = 0, keys = 0;
  size_t counts_checked = 0;    // non-zero counts of the source compared with the target's
  size_t counts_differing = 0;  // of those, how many the target counts otherwise
};

// Copies everything in the embedded store at `from.path` into `to` (e.g. a PostgreSQL store):
// objects, edges with their positions and data, and keys, from one snapshot, in batches of 1,000;
// the target counts the edges itself, and every non-zero count of the source is then compared
// with the target's. Copying again is harmless (puts replace, edges and claims are idempotent),
// so an interrupted copy is finished by running it again. Run it with the instance stopped.
// Errors: as open_rocksdb_store; Corruption for undecodable rows; whatever `to` answers
// (Conflict if a key names another id in `to`).
Result<CopyReport> copy_rocksdb_store(const StoreOptions& from, Store& to);

}  // namespace kindred::store
