#pragma once

// Internal to src/store/rocksdb/: exact in-memory copies of what a process reads often, counts
// (CountCache) and whether an edge exists (EdgeCache).
//
// A count read from RocksDB costs a memtable search and often a merge of operands (0.5 to 3 us);
// a page of 20 statuses reads 120 of them, and asks whether 40 to 60 edges exist. These caches
// answer repeated reads from memory and stay exact because every change goes through
// RocksDbStore::apply, which brackets its write with begin_write / end_write:
//   - begin_write marks the keys' shards as having a write in flight;
//   - end_write updates the cached values (if cached: a count by the write's delta, an edge to
//     its new state), clears the mark and advances the shards' generation.
// A value read from RocksDB on a miss is cached only if its shard had no write in flight when the
// read began (ticket) and none began or ended before it is filled in (same generation, no write
// in flight): so a cached value never misses a change, and never counts one twice. And a read
// that missed answers the cached value if the key was cached meanwhile (settle()), so no reader
// sees a value go back.
//
// Only this process writes the embedded store, so no other writer can change a count behind the
// cache. Bounded: a full shard is emptied and starts over. Thread-safe.
//
// Each shard's map is open-addressed (boost::unordered_flat_map): a lookup touches one group of
// slots instead of walking a bucket's chain of separately allocated nodes, and an insert
// allocates nothing once the shard has grown. In the read storm std::unordered_map's lookups and
// rehashes here were 7.4% of the server's CPU, and these 4.9% (docs/PERFORMANCE.md, issue 20's
// first slice).

#include <algorithm>
#include <array>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "core/id.h"
#include "store/store.h"

namespace kindred::store::rocksdb_detail {

struct CountKey {
  uint64_t from = 0;
  uint16_t type = 0;
  bool operator==(const CountKey&) const = default;
};

struct EdgeKey {
  uint64_t from = 0;
  uint64_t to = 0;
  uint16_t type = 0;
  bool operator==(const EdgeKey&) const = default;
};

inline uint64_t mix_key(uint64_t x) {
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 29;
  return x;
}

struct KeyHash {
  size_t operator()(const CountKey& k) const {
    return static_cast<size_t>(mix_key(k.from ^ (uint64_t{k.type} * 0x9e3779b97f4a7c15ULL)));
  }
  size_t operator()(const EdgeKey& k) const {
    return static_cast<size_t>(mix_key(mix_key(k.from ^ (uint64_t{k.type} * 0x9e3779b97f4a7c15ULL)) ^ k.to));
  }
};

template <class Key, class Value>
class WriteTrackedCache {
 public:
  explicit WriteTrackedCache(size_t capacity) : shard_capacity_(std::max<size_t>(64, capacity / kShards)) {}

  std::optional<Value> find(const Key& k) const {
    const Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    auto it = s.values.find(k);
    if (it == s.values.end()) return std::nullopt;
    return it->second;
  }

  // For each keys[i]: hit(i, value) if cached, else miss(i, ticket) with what ticket(keys[i])
  // would answer. Keys are visited shard by shard, each shard's mutex taken once, not twice a key
  // (a page of 60 statuses asks about 400 counts at once), and in no particular order.
  template <class Hit, class Miss>
  void lookup_many(const std::vector<Key>& keys, Hit hit, Miss miss) const {
    std::vector<std::pair<uint32_t, uint32_t>> order;  // (shard, i)
    order.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i)
      order.emplace_back(static_cast<uint32_t>(KeyHash()(keys[i]) % kShards),
                         static_cast<uint32_t>(i));
    std::sort(order.begin(), order.end());
    for (size_t j = 0; j < order.size();) {
      const uint32_t at = order[j].first;
      const Shard& s = shards_[at];
      std::scoped_lock lock(s.mutex);
      const auto ticket =
          s.writes_in_flight > 0 ? std::nullopt : std::optional<uint64_t>(s.generation);
      for (; j < order.size() && order[j].first == at; ++j) {
        const size_t i = order[j].second;
        if (auto it = s.values.find(keys[i]); it != s.values.end()) {
          hit(i, it->second);
        } else {
          miss(i, ticket);
        }
      }
    }
  }

  // Before reading `k` from the store on a miss: nullopt if a write is in flight (do not cache).
  std::optional<uint64_t> ticket(const Key& k) const {
    const Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    if (s.writes_in_flight > 0) return std::nullopt;
    return s.generation;
  }

  // Caches `value`, read from the store after `ticket`, unless a write touched the shard since;
  // it replaces a cached value (no write since the ticket: both are current, and the read one
  // may know more, as a list's window that removals had shrunk).
  void fill(const Key& k, uint64_t ticket, Value value) {
    Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    if (s.writes_in_flight > 0 || s.generation != ticket) return;
    if (s.values.size() >= shard_capacity_) s.values.clear();
    s.values.insert_or_assign(k, std::move(value));
  }

  // What a read that missed answers, given `value` read from the store after `ticket` (nullopt:
  // a write was in flight): the cached value if `k` became cached meanwhile, else `value`, which
  // is then cached unless a write touched the shard since the ticket.
  //
  // Why the cached value wins: a write commits to the store before end_write updates the cache,
  // so in between, a read of the store can see the new value while the cache still holds the
  // old one. Answering the store's value there and the cache's on the next read would make a
  // count go backwards (seen: CountsReadWhileWritingStayExactAndMonotonic under ASan). The cache
  // holds the one order every reader sees; the store's value is answered only for a key nobody
  // has cached, and no older value can be cached after it (a fill needs no write in flight and
  // no write ended since its ticket).
  Value settle(const Key& k, std::optional<uint64_t> ticket, Value value) {
    Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    if (auto it = s.values.find(k); it != s.values.end()) return it->second;
    if (!ticket || s.writes_in_flight > 0 || s.generation != *ticket) return value;
    if (s.values.size() >= shard_capacity_) s.values.clear();
    s.values.emplace(k, value);
    return value;
  }

  // Around a store write that changes `keys`.
  void begin_write(const std::vector<Key>& keys) {
    for (const auto& k : keys) {
      Shard& s = shard(k);
      std::scoped_lock lock(s.mutex);
      ++s.writes_in_flight;
    }
  }
  // `written`: whether the write succeeded; then `update(i, value)` brings the cached value of
  // keys[i], if cached, up to date. A failed write's keys are forgotten (reread from the store
  // next time) rather than trusted either way.
  template <class Update>
  void end_write(const std::vector<Key>& keys, bool written, Update update) {
    for (size_t i = 0; i < keys.size(); ++i) {
      Shard& s = shard(keys[i]);
      std::scoped_lock lock(s.mutex);
      auto it = s.values.find(keys[i]);
      if (it != s.values.end()) {
        if (written) {
          update(i, it->second);
        } else {
          s.values.erase(it);
        }
      }
      --s.writes_in_flight;
      ++s.generation;
    }
  }

  void clear() {
    for (auto& s : shards_) {
      std::scoped_lock lock(s.mutex);
      s.values.clear();
      ++s.generation;
    }
  }

 private:
  static constexpr size_t kShards = 64;
  struct Shard {
    mutable std::mutex mutex;
    boost::unordered_flat_map<Key, Value, KeyHash> values;  // GUARDED_BY(mutex)
    uint64_t generation = 0;                                // GUARDED_BY(mutex)
    int writes_in_flight = 0;                               // GUARDED_BY(mutex)
  };
  Shard& shard(const Key& k) { return shards_[KeyHash()(k) % kShards]; }
  const Shard& shard(const Key& k) const { return shards_[KeyHash()(k) % kShards]; }

  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

// Exact counts of associations, by (from, type).
class CountCache : public WriteTrackedCache<CountKey, int64_t> {
 public:
  using WriteTrackedCache::WriteTrackedCache;
  static CountKey key(Id from, AssocType type) { return {from.value, static_cast<uint16_t>(type)}; }
};

// Whether an association exists, by (from, type, to).
class EdgeCache : public WriteTrackedCache<EdgeKey, bool> {
 public:
  using WriteTrackedCache::WriteTrackedCache;
  static EdgeKey key(Id from, AssocType type, Id to) {
    return {from.value, to.value, static_cast<uint16_t>(type)};
  }
};

}  // namespace kindred::store::rocksdb_detail
