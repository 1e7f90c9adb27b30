#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/invalidation.h"
#include "store/store.h"

namespace kindred::store {

// A node's memory of what it read from a store that other nodes write too (PostgreSQL), kept
// until a write anywhere invalidates it, so that a read of something unchanged costs no round
// trip. It remembers objects by (type, id), present or absent, keys by (space, key), and per
// list (from, type) its count, whether some edges exist, and its newest edge (a range of one,
// newest first, without bounds: an account's latest post); not other ranges.
//
// Exactness rests on three things:
// - Every batch applied through any node's CachedStore names what it touched ("store"
//   invalidation, core/invalidation.h) after it committed and before apply returns: this node's
//   entries are dropped at once, the other nodes' when the message reaches them.
// - A value read from the store is kept only if nothing touching its shard was invalidated while
//   it was being read, and none of this node's writes to the shard was in flight, so a read that
//   raced a write cannot put back what the write replaced, and this node's readers never see a
//   count go back (one read the store after a commit, another keeping what it read before).
// - Entries are answered from only while the Invalidation trusts that no message was missed
//   (every node heard recently; see Invalidation::trust), and only in the trust epoch they were
//   read in. Without that trust every read goes to the store, as if this cache were not there.
// Entries also age out after `max_age_ms` whatever happens, which bounds what a writer outside
// the nodes (an admin command run against the database) can leave stale.
//
// An absent object is remembered too (the batch that creates it names it), in a map of its own
// so that guessed ids cannot crowd out objects read; an absent key is not remembered. Reads under
// store::FreshReads pass straight through. Memory is bounded: each of the four maps keeps at most
// its limit (a full shard starts over). Thread-safe.
class CachedStore final : public Store {
 public:
  struct Options {
    size_t max_objects = 262'144;
    size_t max_absent_objects = 65'536;
    size_t max_keys = 262'144;
    size_t max_lists = 262'144;
    size_t max_members_per_list = 64;  // edges remembered as present or absent, per list
    int64_t max_age_ms = 30'000;
  };
  // The kind of the invalidations a CachedStore publishes and hears.
  static constexpr std::string_view kInvalidationKind = "store";

  // `inner` and `invalidation` are borrowed and must outlive this.
  CachedStore(Store& inner, Invalidation& invalidation, Options options);
  CachedStore(Store& inner, Invalidation& invalidation) : CachedStore(inner, invalidation, Options()) {}
  ~CachedStore() override;

  Result<BatchOutcome> apply(const Batch& batch) override;
  Result<std::string> get_object(ObjectType type, Id id) const override;
  Result<std::vector<std::optional<std::string>>> get_objects(
      ObjectType type, const std::vector<Id>& ids) const override;
  Result<Id> lookup_key(KeyspaceType space, std::string_view key) const override;
  Result<KeyedObject> get_keyed_object(KeyspaceType space, std::string_view key,
                                       ObjectType type) const override;
  Result<Assoc> get_assoc(Id from, AssocType type, Id to) const override;
  Result<bool> assoc_exists(Id from, AssocType type, Id to) const override;
  Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                         const std::vector<Id>& tos) const override;
  Result<int64_t> assoc_count(Id from, AssocType type) const override;
  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const override;
  Result<RangePage> assoc_range(Id from, AssocType type, const RangeQuery& q) const override;
  Result<Id> max_object_id(ObjectType type) const override { return inner_.max_object_id(type); }
  Status compact() override { return inner_.compact(); }
  // Later reads go to `inner`, which answers Unavailable.
  Status close() override {
    closed_.store(true, std::memory_order_release);
    return inner_.close();
  }

  // Reads answered from memory, and reads passed to the store (for tests and benchmarks).
  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };
  Stats stats() const {
    return {hits_.load(std::memory_order_relaxed), misses_.load(std::memory_order_relaxed)};
  }
  // Batches whose invalidation could not be published (Redis unreachable).
  uint64_t unpublished() const { return unpublished_.load(std::memory_order_relaxed); }
  // Whether every read passed to the store in the last second answered within 50 ms and without
  // an error: a caller that must not wait long (a network thread) may then risk a miss.
  bool answering_quickly() const {
    return Invalidation::now_ms() - trouble_ms_.load(std::memory_order_relaxed) > kTroubleMemoryMs;
  }

  // What an invalidation message names: exposed for the tests of its encoding.
  struct Touched {
    std::vector<std::pair<ObjectType, Id>> objects;
    std::vector<std::pair<Id, AssocType>> lists;
    std::vector<std::pair<KeyspaceType, std::string>> keys;
  };
  static std::string encode(const Touched& touched);
  // Errors: InvalidArgument for bytes encode() did not write.
  static Result<Touched> decode(std::string_view bytes);
  static Touched touched_by(const Batch& batch);

 private:
  struct ObjectKey {
    ObjectType type;
    Id id;
    bool operator==(const ObjectKey&) const = default;
  };
  struct ListKey {
    Id from;
    AssocType type;
    bool operator==(const ListKey&) const = default;
  };
  struct KeyKey {
    KeyspaceType space;
    std::string key;
    bool operator==(const KeyKey&) const = default;
  };
  struct Hash {
    size_t operator()(const ObjectKey& k) const;
    size_t operator()(const ListKey& k) const;
    size_t operator()(const KeyKey& k) const;
  };
  struct ListState {
    std::optional<int64_t> count;
    std::vector<std::pair<Id, bool>> members;  // edges to these ids: present or not
    std::optional<RangePage> newest;           // the newest edge, if read (a page of one)
  };

  // One of the three maps: sharded, each shard with its own lock and invalidation generation.
  template <class K, class V>
  class Map {
   public:
    static constexpr size_t kShards = 256;
    Map(size_t max_entries, int64_t max_age_ms)
        : shard_capacity_(std::max<size_t>(4, max_entries / kShards)), max_age_ms_(max_age_ms) {}

    // The entry's value if it was read in `epoch` and is younger than `max_age_ms`.
    template <class F>
    bool find(const K& key, uint64_t epoch, int64_t oldest_ms, F&& use) const;
    // The shard's generation, taken before reading the store for `key`.
    uint64_t generation(const K& key) const;
    // Keeps what was read if no invalidation reached the shard since `generation` and trust held
    // in `epoch` throughout: `fill(V&)` changes the entry (created empty if absent or stale).
    template <class F>
    void fill(const K& key, uint64_t generation, uint64_t epoch, int64_t now_ms, F&& fill);
    void erase(const K& key);
    // Around this node's own write of `key`: while one is in flight nothing is kept in its shard
    // (a reader may see the store before or after the commit), and what was kept is dropped.
    void begin_write(const K& key);
    void end_write(const K& key);
    void clear();

   private:
    struct Entry {
      V value;
      uint64_t epoch = 0;
      int64_t read_ms = 0;
    };
    struct Shard {
      mutable std::mutex mutex;
      uint64_t generation = 0;               // GUARDED_BY(mutex); moves on every invalidation
      int writing = 0;                       // GUARDED_BY(mutex); this node's writes in flight
      std::unordered_map<K, Entry, Hash> map;  // GUARDED_BY(mutex)
    };
    Shard& shard(const K& key) { return shards_[Hash()(key) % kShards]; }
    const Shard& shard(const K& key) const { return shards_[Hash()(key) % kShards]; }

    const size_t shard_capacity_;
    const int64_t max_age_ms_;
    std::array<Shard, kShards> shards_;
  };

  // An object remembered as present (`out` its bytes) or absent (`out` empty).
  bool find_object(const ObjectKey& key, uint64_t epoch, int64_t now,
                   std::optional<std::string>& out) const;
  struct ObjectGenerations {
    uint64_t present;  // objects_'s shard
    uint64_t absent;   // absent_'s shard
  };
  // Taken before reading the store for `key`, for keep_object.
  ObjectGenerations object_generations(const ObjectKey& key) const;
  // Keeps what was read of `key` (nullopt: absent) unless an invalidation raced the read.
  void keep_object(const ObjectKey& key, ObjectGenerations gens, uint64_t epoch, int64_t now,
                   const std::optional<std::string>& bytes) const;

  // The trust this read may use, or none (no trust, or FreshReads): read the store only.
  std::optional<uint64_t> usable_epoch() const;
  bool still_trusted(uint64_t epoch) const;
  int64_t oldest_ms(int64_t now) const { return now - options_.max_age_ms; }
  void invalidated(std::string_view bytes);
  // Runs one read of the store, noting it if it was slow or failed (answering_quickly).
  template <class F>
  auto timed(F&& read) const;
  static constexpr int64_t kSlowReadMs = 50;
  static constexpr int64_t kTroubleMemoryMs = 1000;

  // What the invalidation handler holds (handlers cannot be removed): null once this is gone.
  struct Link {
    std::mutex mutex;
    CachedStore* self = nullptr;  // GUARDED_BY(mutex)
  };

  Store& inner_;
  Invalidation& invalidation_;
  std::shared_ptr<Link> link_;
  const Options options_;
  mutable Map<ObjectKey, std::string> objects_;
  // Objects known to be absent, apart (and smaller), so that guessed ids filling it start only it
  // over, never the objects read.
  mutable Map<ObjectKey, bool> absent_;
  mutable Map<KeyKey, Id> keys_;
  mutable Map<ListKey, ListState> lists_;
  std::atomic<bool> closed_{false};
  mutable std::atomic<int64_t> trouble_ms_{-kTroubleMemoryMs - 1};  // last slow or failed read
  std::atomic<uint64_t> unpublished_{0};
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
};

}  // namespace kindred::store
