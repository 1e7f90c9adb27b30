#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/unordered/unordered_flat_map.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "store/fresh_reads.h"
#include "store/store.h"

namespace kindred::social {

// How long anything social/ caches may be answered from, process-wide. 0 (the default): for
// ever; this process is the store's only writer and every cache is kept in step with its writes.
// With several nodes on one database (--store postgres), another node can change what this one
// cached, so instance.cpp sets a bound: a cached record, grant, session, mark or snapshot older
// than it is loaded again, and a change made on any node is seen on every node within it
// (docs/ARCHITECTURE.md, "Caches with several nodes").
class CacheAge {
 public:
  static void set_max_ms(int64_t ms) { max_ms_.store(ms, std::memory_order_relaxed); }
  static int64_t max_ms() { return max_ms_.load(std::memory_order_relaxed); }
  static bool bounded() { return max_ms() > 0; }
  // A monotonic clock in milliseconds (only read when bounded).
  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  // When something loaded now stops being fresh; 0 when unbounded (never).
  static int64_t expiry_from_now() {
    const int64_t max = max_ms();
    return max > 0 ? now_ms() + max : 0;
  }
  // Whether something with this expiry may still be answered from: never under store::FreshReads
  // (a check just before a write that depends on it reads the store).
  static bool fresh(int64_t expiry) {
    return !store::FreshReads::active() && (expiry == 0 || now_ms() < expiry);
  }
  // Whether something with this expiry is past the bound, whatever store::FreshReads says: for a
  // cache's own bookkeeping (which tombstones it may drop), not for answering.
  static bool expired(int64_t expiry) { return expiry != 0 && now_ms() >= expiry; }

 private:
  static inline std::atomic<int64_t> max_ms_{0};
};

// A bounded, sharded in-memory cache of immutable records (decoded posts, accounts, token
// grants) in front of the store. Each shard holds capacity/kShards entries, in two parts: a
// record loaded from the store waits in a probation part (a quarter of the shard) and moves to
// the main part when it is asked for again later, by another request; a record just written goes
// to the main part at once.
// So records asked for once (a like storm's million new likers, each token and account read once)
// pass through the small part and never push out the records that are read again (a read storm's
// viewers). A full part drops an eighth of its size, live entries and expired tombstones (never
// unexpired ones), taken from the front of the map's slot order: a key's chance of going is set
// by its hash, not by its age or use. Memory stays bounded except for tombstones (deleted records,
// for as long as CacheAge keeps them), and a working set larger than the cache keeps most of its
// hits: dropping the whole shard, as it did, left 100,000 viewers reading in turn through 65,536
// places with almost none (docs/PERFORMANCE.md, "Issue 20, second slice"). Thread-safe; a lock is
// held only for one map operation (and a full shard's eviction).
//
// Deletion leaves a tombstone, and loads are inserted only where nothing is cached yet, so a
// reader that loaded a record just before it was deleted cannot put it back. With CacheAge
// bounded, an entry (tombstones too) older than the bound is a miss and is replaced by the
// next load.
template <class Key, class T, class Hash = std::hash<Key>>
class RecordCache {
 public:
  explicit RecordCache(size_t capacity)
      : probation_capacity_(std::max<size_t>(16, capacity / kShards) / 4),
        main_capacity_(std::max<size_t>(16, capacity / kShards) - probation_capacity_) {}

  // nullopt: not cached. A null pointer: known deleted. Otherwise the record.
  std::optional<std::shared_ptr<const T>> find(const Key& key) const {
    const Shard& s = shard(key);
    std::scoped_lock lock(s.mutex);
    if (auto it = s.main.find(key); it != s.main.end()) {
      if (!CacheAge::fresh(it->second.expiry)) return std::nullopt;
      return it->second.value;
    }
    auto it = s.probation.find(key);
    if (it == s.probation.end() || !CacheAge::fresh(it->second.expiry)) return std::nullopt;
    // Asked for again later (not by the request that loaded it): into the main part.
    if (CacheAge::now_ms() - it->second.loaded_ms < kPromoteAfterMs) return it->second.value;
    Entry entry = std::move(it->second);
    s.probation.erase(it);
    make_room(s.main, main_capacity_);
    auto value = entry.value;
    s.main.emplace(key, std::move(entry));
    return value;
  }

  // Caches a freshly loaded record unless something (a newer record or a tombstone) is there.
  void insert_if_absent(const Key& key, std::shared_ptr<const T> value) {
    Shard& s = shard(key);
    std::scoped_lock lock(s.mutex);
    auto replace_if_stale = [&](Entry& cached) {
      // A stale record gives way to the load (under store::FreshReads every record is stale); a
      // tombstone only once expired, so a load from before a deletion never undoes it.
      if (cached.value ? !CacheAge::fresh(cached.expiry) : CacheAge::expired(cached.expiry))
        cached = Entry{std::move(value), CacheAge::expiry_from_now()};
    };
    if (auto it = s.main.find(key); it != s.main.end()) return replace_if_stale(it->second);
    if (auto it = s.probation.find(key); it != s.probation.end())
      return replace_if_stale(it->second);
    make_room(s.probation, probation_capacity_);
    s.probation.emplace(key,
                        Entry{std::move(value), CacheAge::expiry_from_now(), CacheAge::now_ms()});
  }

  // Caches a record just written, replacing whatever was cached.
  void put(const Key& key, std::shared_ptr<const T> value) {
    Shard& s = shard(key);
    std::scoped_lock lock(s.mutex);
    s.probation.erase(key);
    make_room(s.main, main_capacity_);
    s.main.insert_or_assign(key, Entry{std::move(value), CacheAge::expiry_from_now()});
  }

  // Forgets the key: the next find misses and the caller reloads.
  void erase(const Key& key) {
    Shard& s = shard(key);
    std::scoped_lock lock(s.mutex);
    s.main.erase(key);
    s.probation.erase(key);
  }

  // Marks the record deleted: later finds answer "deleted" until the record is put again.
  void tombstone(const Key& key) { put(key, nullptr); }

  size_t size_for_test() const {
    size_t n = 0;
    for (const auto& s : shards_) {
      std::scoped_lock lock(s.mutex);
      n += s.main.size() + s.probation.size();
    }
    return n;
  }

 private:
  static constexpr size_t kShards = 16;
  // A record on probation moves to the main part when asked for this long after its load: one
  // request asks for the same account several times within a millisecond or two.
  static constexpr int64_t kPromoteAfterMs = 100;
  struct Entry {
    std::shared_ptr<const T> value;  // null: a tombstone
    int64_t expiry;                  // CacheAge::expiry_from_now() when cached
    int64_t loaded_ms = 0;           // CacheAge::now_ms() when loaded (probation only)
  };
  using Map = boost::unordered_flat_map<Key, Entry, Hash>;
  struct Shard {
    mutable std::mutex mutex;
    // Loads land in `probation`; a second find moves them to `main`, as do writes (put). Both
    // GUARDED_BY(mutex); mutable, since a find may move an entry.
    mutable Map main;
    mutable Map probation;
  };

  Shard& shard(const Key& key) { return shards_[Hash()(key) % kShards]; }
  const Shard& shard(const Key& key) const { return shards_[Hash()(key) % kShards]; }

  // REQUIRES: the shard's mutex held.
  static void make_room(Map& map, size_t capacity) {
    if (map.size() < capacity) return;
    size_t to_drop = std::max<size_t>(1, capacity / 8);
    for (auto it = map.begin(); it != map.end() && to_drop > 0;) {
      if (it->second.value != nullptr || CacheAge::expired(it->second.expiry)) {
        map.erase(it++);  // erasing leaves the other iterators valid
        --to_drop;
      } else {
        ++it;
      }
    }
  }

  const size_t probation_capacity_;  // per shard
  const size_t main_capacity_;       // per shard
  std::array<Shard, kShards> shards_;
};

// The stored records of `type` among `ids`, in order, through `cache`: hits come from the cache,
// misses from one multi-get, decoded with T::decode and cached when `cacheable(record)` (records
// that may still change are not). Absent and deleted ids are skipped.
template <class T, class Cacheable>
Result<std::vector<T>> load_records(RecordCache<Id, T>& cache, const store::Store& store,
                                    store::ObjectType type, const std::vector<Id>& ids,
                                    Cacheable cacheable) {
  std::vector<std::optional<std::shared_ptr<const T>>> found(ids.size());
  std::vector<Id> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    found[i] = cache.find(ids[i]);
    if (!found[i]) missing.push_back(ids[i]);
  }
  std::unordered_map<Id, std::shared_ptr<const T>> loaded;
  if (!missing.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto blobs, store.get_objects(type, missing));
    for (size_t i = 0; i < blobs.size(); ++i) {
      if (!blobs[i]) continue;
      KINDRED_ASSIGN_OR_RETURN(T record, T::decode(*blobs[i]));
      auto shared = std::make_shared<const T>(std::move(record));
      if (cacheable(*shared)) cache.insert_if_absent(missing[i], shared);
      loaded.emplace(missing[i], std::move(shared));
    }
  }
  std::vector<T> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (found[i]) {
      if (*found[i]) out.push_back(**found[i]);
    } else if (auto it = loaded.find(ids[i]); it != loaded.end()) {
      out.push_back(*it->second);
    }
  }
  return out;
}

}  // namespace kindred::social
