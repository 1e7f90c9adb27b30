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

}  // namespace kindred::store
