#pragma once

// Internal to src/store/rocksdb/: an exact in-memory copy of the counts a process reads often.
//
// A count read from RocksDB costs a memtable search and often a merge of operands (0.5 to 3 us);
// a page of 20 statuses reads 120 of them. This cache answers repeated reads from memory and
// stays exact because every count change goes through RocksDbStore::apply, which brackets its
// write with begin_write / end_write:
//   - begin_write marks the counts' shards as having a write in flight;
//   - end_write adds the write's deltas to the cached values (if cached), clears the mark and
//     advances the shards' generation.
// A value read from RocksDB on a miss is cached only if its shard had no write in flight when the
// read began (ticket) and none began or ended before it is filled in (same generation, no write
// in flight): so a cached value never misses a change, and never counts one twice.
//
// Only this process writes the embedded store, so no other writer can change a count behind the
// cache. Bounded: a full shard is emptied and starts over. Thread-safe.

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
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

class CountCache {
 public:
  explicit CountCache(size_t capacity) : shard_capacity_(std::max<size_t>(64, capacity / kShards)) {}

  static CountKey key(Id from, AssocType type) { return {from.value, static_cast<uint16_t>(type)}; }

  std::optional<int64_t> find(const CountKey& k) const {
    const Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    auto it = s.values.find(k);
    if (it == s.values.end()) return std::nullopt;
    return it->second;
  }

  // Before reading `k` from the store on a miss: nullopt if a write is in flight (do not cache).
  std::optional<uint64_t> ticket(const CountKey& k) const {
    const Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    if (s.writes_in_flight > 0) return std::nullopt;
    return s.generation;
  }

  // Caches `value`, read from the store after `ticket`, unless a write touched the shard since.
  void fill(const CountKey& k, uint64_t ticket, int64_t value) {
    Shard& s = shard(k);
    std::scoped_lock lock(s.mutex);
    if (s.writes_in_flight > 0 || s.generation != ticket) return;
    if (s.values.size() >= shard_capacity_) s.values.clear();
    s.values.emplace(k, value);
  }

  // Around a store write that changes the counts of `keys` by `deltas` (same order).
  void begin_write(const std::vector<CountKey>& keys) {
    for (const auto& k : keys) {
      Shard& s = shard(k);
      std::scoped_lock lock(s.mutex);
      ++s.writes_in_flight;
    }
  }
  // `written`: whether the write succeeded. A failed write's counts are forgotten (reread from
  // the store next time) rather than trusted either way.
  void end_write(const std::vector<CountKey>& keys, const std::vector<int64_t>& deltas, bool written) {
    for (size_t i = 0; i < keys.size(); ++i) {
      Shard& s = shard(keys[i]);
      std::scoped_lock lock(s.mutex);
      auto it = s.values.find(keys[i]);
      if (it != s.values.end()) {
        if (written) {
          it->second += deltas[i];
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
  struct Hash {
    size_t operator()(const CountKey& k) const {
      uint64_t x = k.from ^ (uint64_t{k.type} << 52) ^ (uint64_t{k.type} * 0x9e3779b97f4a7c15ULL);
      x ^= x >> 31;
      x *= 0xbf58476d1ce4e5b9ULL;
      x ^= x >> 29;
      return static_cast<size_t>(x);
    }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<CountKey, int64_t, Hash> values;  // GUARDED_BY(mutex)
    uint64_t generation = 0;                             // GUARDED_BY(mutex)
    int writes_in_flight = 0;                            // GUARDED_BY(mutex)
  };
  Shard& shard(const CountKey& k) { return shards_[Hash()(k) % kShards]; }
  const Shard& shard(const CountKey& k) const { return shards_[Hash()(k) % kShards]; }

  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace kindred::store::rocksdb_detail
