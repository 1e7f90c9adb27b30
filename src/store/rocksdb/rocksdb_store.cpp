#include "store/rocksdb/rocksdb_store.h"
#include "store/rocksdb/info_log.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "store/rocksdb/encoding.h"
#include "store/rocksdb/rocksdb_store_impl.h"

namespace kindred::store {

namespace rocksdb_detail {
namespace {

// Shared by every column family. The hot working set (counts, recent edges, index and filter
// blocks) is small; the OS page cache holds the rest.
constexpr size_t kBlockCacheBytes = 64 << 20;
constexpr int kBloomBitsPerKey = 10;
// Without a bound, every favourite of a hot status leaves one more merge operand in the memtable
// and each count read walks them all (600 us per read at 10,000 operands). Past this many, the
// write folds them into one value. Each merge write also counts the operands before it, so the
// bound is kept small: 16 measured 0.5 us per count read against 3.3 us at 64, and cheaper writes.
// Folding reads the count at the writer's own sequence number inside the write path; that is
// exact because RocksDB never inserts a write group containing a Merge into the memtable in
// parallel (DBImpl::WriteImpl: `parallel = parallel && !writer->batch->HasMerge()`). Re-check
// that before turning on enable_pipelined_write or unordered_write, which take other paths.
constexpr size_t kMaxSuccessiveMerges = 16;
// Batched reads of at most this many keys are done as single Gets (see multi_get).
constexpr size_t kSmallMultiGet = 4;
// Share of each memtable's size given to its Bloom filter (point-read column families).
constexpr double kMemtableBloomRatio = 0.1;

// Adds signed 64-bit little-endian integers, so a count changes by a blind Merge(+1 / -1)
// instead of a read-modify-write. A malformed operand fails the merge, which RocksDB reports
// as Corruption to the reader.
class Int64AddOperator final : public ::rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const ::rocksdb::Slice& /*key*/, const ::rocksdb::Slice* existing_value,
             const ::rocksdb::Slice& value, std::string* new_value,
             ::rocksdb::Logger* /*logger*/) const override {
    int64_t sum = 0;
    if (existing_value != nullptr) {
      const auto existing = decode_count_value(existing_value->ToStringView());
      if (!existing) return false;
      sum = *existing;
    }
    const auto delta = decode_count_value(value.ToStringView());
    if (!delta) return false;
    // Wrapping addition: counts never approach 2^63, and signed overflow would be UB.
    *new_value = count_value(
        static_cast<int64_t>(static_cast<uint64_t>(sum) + static_cast<uint64_t>(*delta)));
    return true;
  }
  const char* Name() const override { return "kindred.Int64Add"; }
};

::rocksdb::ColumnFamilyOptions cf_options(const std::shared_ptr<::rocksdb::Cache>& cache,
                                          Cf which) {
  ::rocksdb::ColumnFamilyOptions options;
  ::rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live with their table readers, outside the block cache. In the
  // cache, data blocks read during a 1.6M-account like storm evicted them, and every lookup then
  // re-read and re-checksummed multi-megabyte filter blocks (XXH3 and page copies were 70% of the
  // profile, at 3k likes/s). Memory: about 1.3 bytes per key for the Bloom filters.
  table.cache_index_and_filter_blocks = false;
  table.filter_policy.reset(::rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  if (which == kRanges) {
    // Only ever scanned within one (from, type): filter on that prefix, not on whole keys.
    options.prefix_extractor.reset(::rocksdb::NewFixedPrefixTransform(kAssocPrefixSize));
    table.whole_key_filtering = false;
    // Range rows at the bottommost level, where nearly all of them settle, in ZSTD (level 6,
    // with a dictionary trained per file) in 16 KiB blocks; the upper levels, rewritten often,
    // stay in Snappy. Range rows are only scanned (a page of likers, a feed page), so a larger
    // block costs little per row. Point reads (edges, objects, keys, counts) stay in Snappy in
    // 4 KiB blocks: ZSTD on every column family cut the store by 41% but the read storm to
    // 0.88 x. Disk per like, compacted (bench/run.sh): 37.4 B in Snappy, 32.1 B with ZSTD level
    // 3 in 4 KiB blocks, 25.7 B so (docs/PERFORMANCE.md, "Issue 20, second slice").
    options.bottommost_compression = ::rocksdb::kZSTD;
    options.bottommost_compression_opts.enabled = true;
    options.bottommost_compression_opts.max_dict_bytes = 16 << 10;
    options.bottommost_compression_opts.zstd_max_train_bytes = 100 * (16 << 10);
    options.bottommost_compression_opts.level = 6;
    table.block_size = 16 << 10;
    // Until its dictionary is trained, an output file's data is held in memory (charged to the
    // block cache), up to the whole file: bounded at 8 MiB, the storm's rows took 62.8 MB instead
    // of 56.7 (docs/PERFORMANCE.md), so it is left unbounded (max_dict_buffer_bytes 0).
  } else {
    // Point reads (is there an edge, a count) mostly miss in the memtable, which holds the last
    // few thousand writes: a Bloom filter over its keys answers those misses without a skip-list
    // search (a page of 20 statuses does about 100 such reads; the search was 40% of it).
    options.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
    options.memtable_whole_key_filtering = true;
  }
  if (which == kCounts) {
    options.merge_operator = std::make_shared<Int64AddOperator>();
    options.max_successive_merges = kMaxSuccessiveMerges;
  }
  options.table_factory.reset(::rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

::rocksdb::DBOptions db_options() {
  ::rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  options.bytes_per_sync = 1 << 20;
  options.keep_log_file_num = 4;
  return options;
}

}  // namespace

Status to_status(const ::rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::ok();
  std::string message = "rocksdb " + std::string(context) + ": " + s.ToString();
  switch (s.code()) {
    case ::rocksdb::Status::kNotFound:
      return Status::not_found(std::move(message));
    case ::rocksdb::Status::kCorruption:
      return Status::corruption(std::move(message));
    case ::rocksdb::Status::kBusy:
    case ::rocksdb::Status::kTimedOut:
    case ::rocksdb::Status::kTryAgain:
    case ::rocksdb::Status::kShutdownInProgress:
      // Unavailable messages reach people (503): no internals in them.
      return Status::unavailable("The store is busy; please try again shortly");
    case ::rocksdb::Status::kIOError:
      if (s.IsNoSpace())
        return Status::unavailable(
            "The store cannot save anything now (its disk is full or failing); nothing was changed");
      return Status::internal(std::move(message));
    default:
      return Status::internal(std::move(message));
  }
}

RocksDbStore::RocksDbStore(std::unique_ptr<::rocksdb::DB> db,
                           std::vector<::rocksdb::ColumnFamilyHandle*> cfs, Durability durability)
    : db_(std::move(db)), cfs_(std::move(cfs)) {
  // Concurrent fsyncing writers are group-committed by RocksDB's write thread: one fsync
  // covers every batch queued behind the leader.
  write_options_.sync = durability == Durability::kFsync;
}

RocksDbStore::~RocksDbStore() {
  // Nobody is left to hear about a failure here; callers wanting the status call close().
  (void)close();
}

std::shared_lock<std::shared_mutex> RocksDbStore::admit() const {
  if (closing_.load(std::memory_order_acquire)) return {};
  std::shared_lock lock(lifecycle_mutex_);
  if (!db_) return {};
  return lock;
}

Status RocksDbStore::close() {
  closing_.store(true, std::memory_order_release);
  std::unique_lock lock(lifecycle_mutex_);
  if (!db_) return Status::ok();
  // Flushing memtables makes the next open fast (no log replay) and leaves the data in
  // fsynced table files even when writes were acknowledged before their log was synced.
  ::rocksdb::FlushOptions flush;
  flush.wait = true;
  Status result = to_status(db_->Flush(flush, cfs_), "flush on close");
  for (auto* handle : cfs_) {
    Status s = to_status(db_->DestroyColumnFamilyHandle(handle), "close column family");
    if (result.is_ok()) result = std::move(s);
  }
  cfs_.clear();
  count_cache_.clear();
  edge_cache_.clear();
  list_cache_.clear();
  oldest_list_cache_.clear();
  Status s = to_status(db_->Close(), "close");
  if (result.is_ok()) result = std::move(s);
  db_.reset();
  return result;
}

Result<std::vector<std::optional<std::string>>> RocksDbStore::multi_get(
    Cf c, std::vector<std::string> keys) const {
  std::vector<std::optional<std::string>> out(keys.size());
  if (keys.empty()) return out;
  if (keys.size() <= kSmallMultiGet) {
    // A few keys (a single status's counts and flags): plain Gets cost less than MultiGet's
    // set-up and sorting.
    ::rocksdb::PinnableSlice value;
    for (size_t i = 0; i < keys.size(); ++i) {
      value.Reset();
      auto s = db_->Get(::rocksdb::ReadOptions(), cf(c), keys[i], &value);
      if (s.IsNotFound()) continue;
      if (!s.ok()) return to_status(s, "multi-get");
      out[i] = value.ToString();
    }
    return out;
  }
  std::vector<::rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<::rocksdb::PinnableSlice> values(keys.size());
  std::vector<::rocksdb::Status> statuses(keys.size());
  db_->MultiGet(::rocksdb::ReadOptions(), cf(c), keys.size(), slices.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return to_status(statuses[i], "multi-get");
    out[i] = values[i].ToString();
  }
  return out;
}

Result<std::string> RocksDbStore::get_object(ObjectType type, Id id) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  std::string value;
  auto s = db_->Get(::rocksdb::ReadOptions(), cf(kObjects), object_key(type, id), &value);
  if (s.IsNotFound()) return Status::not_found("object not found");
  if (!s.ok()) return to_status(s, "get object");
  return value;
}

Result<std::vector<std::optional<std::string>>> RocksDbStore::get_objects(
    ObjectType type, const std::vector<Id>& ids) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (Id id : ids) keys.push_back(object_key(type, id));
  return multi_get(kObjects, std::move(keys));
}

Result<Id> RocksDbStore::lookup_key(KeyspaceType space, std::string_view key) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  ::rocksdb::PinnableSlice value;
  auto s = db_->Get(::rocksdb::ReadOptions(), cf(kKeys), keyspace_key(space, key), &value);
  if (s.IsNotFound()) return Status::not_found("key not found");
  if (!s.ok()) return to_status(s, "lookup key");
  auto id = decode_id_value(value.ToStringView());
  if (!id) return Status::corruption("rocksdb: malformed key value");
  return *id;
}

Result<Assoc> RocksDbStore::get_assoc(Id from, AssocType type, Id to) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  ::rocksdb::PinnableSlice value;
  auto s = db_->Get(::rocksdb::ReadOptions(), cf(kEdges), edge_key(from, type, to), &value);
  if (s.IsNotFound()) return Status::not_found("association not found");
  if (!s.ok()) return to_status(s, "get assoc");
  auto edge = decode_edge_value(value.ToStringView());
  if (!edge) return Status::corruption("rocksdb: malformed edge value");
  return Assoc{from, type, to, edge->position, std::string(edge->data)};
}

Result<bool> RocksDbStore::assoc_exists(Id from, AssocType type, Id to) const {
  KINDRED_ASSIGN_OR_RETURN(auto exist, assocs_exist(from, type, {to}));
  return static_cast<bool>(exist.front());
}

Result<std::vector<bool>> RocksDbStore::assocs_exist(Id from, AssocType type,
                                                     const std::vector<Id>& tos) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  std::vector<bool> out(tos.size(), false);
  // Misses: their slot, cache key and ticket (nullopt: a write is in flight, do not cache).
  std::vector<size_t> slots;
  std::vector<EdgeKey> missed;
  std::vector<std::optional<uint64_t>> tickets;
  std::vector<std::string> keys;
  std::vector<EdgeKey> wanted;
  wanted.reserve(tos.size());
  for (Id to : tos) wanted.push_back(EdgeCache::key(from, type, to));
  edge_cache_.lookup_many(
      wanted, [&](size_t i, bool exists) { out[i] = exists; },
      [&](size_t i, std::optional<uint64_t> ticket) {
        slots.push_back(i);
        missed.push_back(wanted[i]);
        tickets.push_back(ticket);
        keys.push_back(edge_key(from, type, tos[i]));
      });
  if (keys.empty()) return out;
  KINDRED_ASSIGN_OR_RETURN(auto values, multi_get(kEdges, std::move(keys)));
  for (size_t j = 0; j < values.size(); ++j) {
    out[slots[j]] = edge_cache_.settle(missed[j], tickets[j], values[j].has_value());
  }
  return out;
}

Result<int64_t> RocksDbStore::assoc_count(Id from, AssocType type) const {
  KINDRED_ASSIGN_OR_RETURN(auto counts, assoc_counts({{from, type}}));
  return counts.front();
}

Result<std::vector<int64_t>> RocksDbStore::assoc_counts(
    const std::vector<std::pair<Id, AssocType>>& lists) const {
  KINDRED_RETURN_IF_ERROR(check_counted(lists));
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  return read_counts(lists);
}

Result<std::vector<int64_t>> RocksDbStore::read_counts(
    const std::vector<std::pair<Id, AssocType>>& lists) const {
  std::vector<int64_t> out(lists.size(), 0);
  // Misses: their slot, cache key and ticket (nullopt: a write is in flight, do not cache).
  std::vector<size_t> slots;
  std::vector<CountKey> missed;
  std::vector<std::optional<uint64_t>> tickets;
  std::vector<std::string> keys;
  std::vector<CountKey> wanted;
  wanted.reserve(lists.size());
  for (const auto& [from, type] : lists) wanted.push_back(CountCache::key(from, type));
  count_cache_.lookup_many(
      wanted, [&](size_t i, int64_t count) { out[i] = count; },
      [&](size_t i, std::optional<uint64_t> ticket) {
        slots.push_back(i);
        missed.push_back(wanted[i]);
        tickets.push_back(ticket);
        keys.push_back(assoc_prefix(lists[i].first, lists[i].second));
      });
  if (keys.empty()) return out;
  KINDRED_ASSIGN_OR_RETURN(auto values, multi_get(kCounts, std::move(keys)));
  for (size_t j = 0; j < values.size(); ++j) {
    int64_t n = 0;
    if (values[j]) {
      auto decoded = decode_count_value(*values[j]);
      if (!decoded) return Status::corruption("rocksdb: malformed count value");
      n = *decoded;
    }
    out[slots[j]] = count_cache_.settle(missed[j], tickets[j], n);
  }
  return out;
}

Status RocksDbStore::compact() {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  ::rocksdb::FlushOptions flush;
  flush.wait = true;
  KINDRED_RETURN_IF_ERROR(to_status(db_->Flush(flush, cfs_), "flush before compaction"));
  ::rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = ::rocksdb::BottommostLevelCompaction::kForce;
  for (auto* handle : cfs_) {
    KINDRED_RETURN_IF_ERROR(
        to_status(db_->CompactRange(options, handle, nullptr, nullptr), "compaction"));
  }
  return Status::ok();
}

Result<Id> RocksDbStore::max_object_id(ObjectType type) const {
  const auto lock = admit();
  if (!lock.owns_lock()) return closed_status();
  std::unique_ptr<::rocksdb::Iterator> it(db_->NewIterator(::rocksdb::ReadOptions(), cf(kObjects)));
  it->SeekForPrev(object_key(type, Id(~uint64_t{0})));
  if (!it->Valid()) {
    KINDRED_RETURN_IF_ERROR(to_status(it->status(), "max object id"));
    return Id();
  }
  const auto key = it->key().ToStringView();
  if (key.empty() || key[0] != static_cast<char>(type)) return Id();
  if (key.size() != kObjectKeySize) return Status::corruption("rocksdb: malformed object key");
  return Id(get_be64(key.data() + 1));
}

}  // namespace rocksdb_detail

Result<std::unique_ptr<Store>> open_rocksdb_store(const StoreOptions& options) {
  using namespace rocksdb_detail;
  if (options.path.empty()) return Status::invalid_argument("store path is empty");
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return Status::internal("create store directory " + options.path + ": " + ec.message());

  auto cache = ::rocksdb::NewLRUCache(kBlockCacheBytes);
  std::vector<::rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t c = 0; c < kNumCfs; ++c) {
    descriptors.emplace_back(kCfNames[c], cf_options(cache, static_cast<Cf>(c)));
  }
  std::vector<::rocksdb::ColumnFamilyHandle*> handles;
  ::rocksdb::DB* raw = nullptr;
  ::rocksdb::DBOptions db_opts = db_options();
  db_opts.info_log = std::make_shared<InfoLog>(options.path);
  auto s = ::rocksdb::DB::Open(db_opts, options.path, descriptors, &handles, &raw);
  if (!s.ok()) return to_status(s, "open " + options.path);
  std::unique_ptr<::rocksdb::DB> db(raw);
  return std::unique_ptr<Store>(
      std::make_unique<RocksDbStore>(std::move(db), std::move(handles), options.durability));
}

}  // namespace kindred::store
