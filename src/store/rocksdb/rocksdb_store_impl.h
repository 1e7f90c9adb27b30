#pragma once

// Internal to src/store/rocksdb/: the RocksDB implementation of Store. Only the factory in
// rocksdb_store.h is public; nothing outside this folder includes this header.

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/rocksdb/exact_caches.h"
#include "store/rocksdb/list_cache.h"
#include "store/store.h"

namespace kindred::store::rocksdb_detail {

// Translates a RocksDB status at the border; `context` names the operation for the log message.
Status to_status(const ::rocksdb::Status& s, std::string_view context);

// What every call answers after close().
inline Status closed_status() { return Status::unavailable("store is closed"); }

// Column families, in the order they are opened. Their names are part of the on-disk format.
enum Cf : size_t { kDefault = 0, kObjects, kEdges, kRanges, kCounts, kKeys, kNumCfs };
inline constexpr std::array<const char*, kNumCfs> kCfNames = {
    "default", "objects", "assoc_edges", "assoc_ranges", "counts", "keys"};

// Number of mutexes apply() hashes edges and keys onto.
inline constexpr size_t kLockStripes = 1024;

// Counts the count cache keeps at most (about 64 bytes each).
inline constexpr size_t kCountCacheEntries = 1 << 20;
// Edges (exists or not) the edge cache keeps at most (about 72 bytes each).
inline constexpr size_t kEdgeCacheEntries = 1 << 20;
// Lists whose newest entries the list cache keeps at most (each up to kListWindow entries), and
// as many whose oldest entries it keeps.
inline constexpr size_t kListCacheEntries = 8192;

// Thread-safe, as Store promises: reads go straight to RocksDB; apply() serialises only batches
// that touch a common edge or key (by lock stripe), which is what makes counts exact.
class RocksDbStore final : public Store {
 public:
  // Takes ownership of `db` and of the handles in `cfs` (indexed by Cf).
  RocksDbStore(std::unique_ptr<::rocksdb::DB> db, std::vector<::rocksdb::ColumnFamilyHandle*> cfs,
               Durability durability);
  ~RocksDbStore() override;

  Result<BatchOutcome> apply(const Batch& batch) override;
  Result<std::string> get_object(ObjectType type, Id id) const override;
  Result<std::vector<std::optional<std::string>>> get_objects(
      ObjectType type, const std::vector<Id>& ids) const override;
  Result<Id> lookup_key(KeyspaceType space, std::string_view key) const override;
  Result<Assoc> get_assoc(Id from, AssocType type, Id to) const override;
  Result<bool> assoc_exists(Id from, AssocType type, Id to) const override;
  Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                         const std::vector<Id>& tos) const override;
  Result<int64_t> assoc_count(Id from, AssocType type) const override;
  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const override;
  Result<RangePage> assoc_range(Id from, AssocType type, const RangeQuery& q) const override;
  Result<Id> max_object_id(ObjectType type) const override;
  Status compact() override;
  Status close() override;

  // Everything stored, to `sink` in batches of at most `batch_items` changes: every object, every
  // edge (with its position and data) and every key; counts are left out (a store that applies
  // the edges counts them). Reads one consistent snapshot. Stops at the first error `sink` returns.
  Status dump(const std::function<Status(const Batch&)>& sink, size_t batch_items) const;
  // Every count, to `sink` as (from, type, count), from one snapshot.
  Status dump_counts(const std::function<Status(Id, AssocType, int64_t)>& sink) const;

 private:
  using EdgeStates = std::unordered_map<std::string, std::optional<Id>>;  // edge key -> position
  using KeyStates = std::unordered_map<std::string, std::optional<Id>>;   // keyspace key -> id

  // Admits a call: a lock that owns lifecycle_mutex_ (shared) while the store is open, or one that
  // owns nothing if it is closing or closed, in which case the caller answers closed_status().
  std::shared_lock<std::shared_mutex> admit() const;

  // REQUIRES (all private helpers): lifecycle_mutex_ held, shared or exclusive, and db_ open.
  ::rocksdb::ColumnFamilyHandle* cf(Cf c) const { return cfs_[c]; }
  // One slot per key, nullopt where absent.
  Result<std::vector<std::optional<std::string>>> multi_get(Cf c,
                                                            std::vector<std::string> keys) const;
  // Also REQUIRE the stripes of every edge and key in `batch` to be held.
  Result<EdgeStates> read_edge_states(const Batch& batch) const;
  // assoc_counts without admitting (the caller did): from the count cache, else RocksDB.
  Result<std::vector<int64_t>> read_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const;
  // assoc_range straight from RocksDB.
  Result<RangePage> read_range(Id from, AssocType type, const RangeQuery& q) const;
  Result<KeyStates> read_key_states(const Batch& batch) const;

  // After a write failed on an I/O error (a full disk), writes are refused with Unavailable
  // until RocksDB is resumed: before each write, at most once a second, Resume() is tried, and
  // the first success lets writes through again. Reads never stop. Thread-safe.
  Status resume_if_failing();
  // Records a failed write: the first failure of a spell logs one line to stderr.
  Status write_failed(Status written);

  // Constant after construction.
  ::rocksdb::WriteOptions write_options_;

  std::atomic<bool> writes_failing_{false};
  std::mutex resume_mutex_;
  int64_t last_resume_ms_ = 0;  // GUARDED_BY(resume_mutex_)

  // Held shared by every call and exclusively by close(), so close() waits for calls in flight
  // and no call ever sees a half-closed database.
  mutable std::shared_mutex lifecycle_mutex_;
  // Set by close() before it waits for lifecycle_mutex_. glibc's rwlock prefers readers, so under
  // a steady stream of calls close() would never get in; calls admitted after this is set are
  // refused instead.
  std::atomic<bool> closing_{false};
  // State below is protected by lifecycle_mutex_ (changed only under the exclusive lock).
  std::unique_ptr<::rocksdb::DB> db_;                // null once closed
  std::vector<::rocksdb::ColumnFamilyHandle*> cfs_;  // owned; destroyed before db_

  // Striped locks: apply() takes the stripe of every edge (from, type, to) and every key
  // (space, key) in its batch, in ascending order, from reading current state until the write
  // returns. Two batches touching the same edge or key therefore never interleave.
  std::array<std::mutex, kLockStripes> stripes_;

  // Exact copies of recently read counts and edge existence, kept current by apply().
  mutable CountCache count_cache_{kCountCacheEntries};
  mutable EdgeCache edge_cache_{kEdgeCacheEntries};
  mutable ListCache list_cache_{kListCacheEntries};
  mutable ListCache oldest_list_cache_{kListCacheEntries};
};

}  // namespace kindred::store::rocksdb_detail
