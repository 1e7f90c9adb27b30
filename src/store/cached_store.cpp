#include "store/cached_store.h"

#include <algorithm>
#include <functional>
#include <iostream>

#include "core/mix.h"
#include "store/fresh_reads.h"

namespace kindred::store {

// ---------------------------------------------------------------- the message

namespace {

// What a remembered absence answers (the store's own words differ by backend; callers test
// is_not_found only).
constexpr std::string_view kNoSuchObject = "no such object";

// Little-endian, fixed width: nodes agree on the bytes whatever their machines.
void put_uint(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool get_uint(std::string_view& in, int bytes, uint64_t& v) {
  if (in.size() < static_cast<size_t>(bytes)) return false;
  v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  in.remove_prefix(static_cast<size_t>(bytes));
  return true;
}

}  // namespace

std::string CachedStore::encode(const Touched& touched) {
  // 'o' type:1 id:8 | 'l' from:8 type:2 | 'k' space:1 length:4 key
  std::string out;
  for (const auto& [type, id] : touched.objects) {
    out.push_back('o');
    put_uint(out, static_cast<uint8_t>(type), 1);
    put_uint(out, id.value, 8);
  }
  for (const auto& [from, type] : touched.lists) {
    out.push_back('l');
    put_uint(out, from.value, 8);
    put_uint(out, static_cast<uint16_t>(type), 2);
  }
  for (const auto& [space, key] : touched.keys) {
    out.push_back('k');
    put_uint(out, static_cast<uint8_t>(space), 1);
    put_uint(out, key.size(), 4);
    out += key;
  }
  return out;
}

Result<CachedStore::Touched> CachedStore::decode(std::string_view in) {
  Touched t;
  const auto bad = [] { return Status::invalid_argument("not a store invalidation"); };
  while (!in.empty()) {
    const char tag = in.front();
    in.remove_prefix(1);
    uint64_t a = 0, b = 0;
    if (tag == 'o') {
      if (!get_uint(in, 1, a) || !get_uint(in, 8, b)) return bad();
      t.objects.emplace_back(static_cast<ObjectType>(a), Id(b));
    } else if (tag == 'l') {
      if (!get_uint(in, 8, a) || !get_uint(in, 2, b)) return bad();
      t.lists.emplace_back(Id(a), static_cast<AssocType>(b));
    } else if (tag == 'k') {
      if (!get_uint(in, 1, a) || !get_uint(in, 4, b) || in.size() < b) return bad();
      t.keys.emplace_back(static_cast<KeyspaceType>(a), std::string(in.substr(0, b)));
      in.remove_prefix(b);
    } else {
      return bad();
    }
  }
  return t;
}

CachedStore::Touched CachedStore::touched_by(const Batch& batch) {
  Touched t;
  for (const auto& p : batch.object_puts) t.objects.emplace_back(p.type, p.id);
  for (const auto& d : batch.object_deletes) t.objects.emplace_back(d.type, d.id);
  for (const auto& a : batch.assoc_adds) t.lists.emplace_back(a.assoc.from, a.assoc.type);
  for (const auto& r : batch.assoc_removes) t.lists.emplace_back(r.from, r.type);
  for (const auto& c : batch.key_claims) t.keys.emplace_back(c.space, c.key);
  for (const auto& r : batch.key_releases) t.keys.emplace_back(r.space, r.key);
  // A fan-out names one list many times (a post into many feeds names many lists once each).
  const auto dedup = [](auto& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  dedup(t.objects);
  dedup(t.lists);
  dedup(t.keys);
  return t;
}

// ---------------------------------------------------------------- the maps

size_t CachedStore::Hash::operator()(const ObjectKey& k) const {
  return static_cast<size_t>(mix64(k.id.value ^ (static_cast<uint64_t>(k.type) << 56)));
}
size_t CachedStore::Hash::operator()(const ListKey& k) const {
  return static_cast<size_t>(mix64(k.from.value ^ (static_cast<uint64_t>(k.type) << 48)));
}
size_t CachedStore::Hash::operator()(const KeyKey& k) const {
  return static_cast<size_t>(mix64(std::hash<std::string>()(k.key) ^ static_cast<uint64_t>(k.space)));
}

template <class K, class V>
template <class F>
bool CachedStore::Map<K, V>::find(const K& key, uint64_t epoch, int64_t oldest_ms, F&& use) const {
  const Shard& s = shard(key);
  std::scoped_lock lock(s.mutex);
  auto it = s.map.find(key);
  if (it == s.map.end() || it->second.epoch != epoch || it->second.read_ms < oldest_ms) return false;
  return use(it->second.value);
}

template <class K, class V>
uint64_t CachedStore::Map<K, V>::generation(const K& key) const {
  const Shard& s = shard(key);
  std::scoped_lock lock(s.mutex);
  return s.generation;
}

template <class K, class V>
template <class F>
void CachedStore::Map<K, V>::fill(const K& key, uint64_t generation, uint64_t epoch, int64_t now_ms,
                                  F&& fill) {
  Shard& s = shard(key);
  std::scoped_lock lock(s.mutex);
  // An invalidation raced the read, or a write of ours is in flight: keep nothing.
  if (s.generation != generation || s.writing > 0) return;
  if (s.map.size() >= shard_capacity_ && !s.map.contains(key)) s.map.clear();
  Entry& e = s.map[key];
  if (e.epoch != epoch || e.read_ms < now_ms - max_age_ms_) e = Entry{V(), epoch, now_ms};
  fill(e.value);
}

template <class K, class V>
void CachedStore::Map<K, V>::begin_write(const K& key) {
  Shard& s = shard(key);
  std::scoped_lock lock(s.mutex);
  ++s.writing;
  ++s.generation;
  s.map.erase(key);
}

template <class K, class V>
void CachedStore::Map<K, V>::end_write(const K& key) {
  Shard& s = shard(key);
  std::scoped_lock lock(s.mutex);
  --s.writing;
  ++s.generation;
  s.map.erase(key);
}

template <class K, class V>
void CachedStore::Map<K, V>::clear() {
  for (Shard& s : shards_) {
    std::scoped_lock lock(s.mutex);
    ++s.generation;
    s.map.clear();
  }
}

template <class K, class V>
void CachedStore::Map<K, V>::erase(const K& key) {
  Shard& s = shard(key);
  std::scoped_lock lock(s.mutex);
  ++s.generation;
  s.map.erase(key);
}

// ---------------------------------------------------------------- the store

CachedStore::CachedStore(Store& inner, Invalidation& invalidation, Options options)
    : inner_(inner),
      invalidation_(invalidation),
      link_(std::make_shared<Link>()),
      options_(options),
      objects_(options.max_objects, options.max_age_ms),
      absent_(options.max_absent_objects, options.max_age_ms),
      keys_(options.max_keys, options.max_age_ms),
      lists_(options.max_lists, options.max_age_ms) {
  link_->self = this;
  invalidation_.on(std::string(kInvalidationKind), [link = link_](std::string_view bytes) {
    std::scoped_lock lock(link->mutex);
    if (link->self != nullptr) link->self->invalidated(bytes);
  });
}

CachedStore::~CachedStore() {
  std::scoped_lock lock(link_->mutex);
  link_->self = nullptr;
}

void CachedStore::invalidated(std::string_view bytes) {
  auto touched = decode(bytes);
  if (!touched.has_value()) {
    // Not from a node of this version: nothing it names can be trusted to have been dropped.
    std::cerr << "kindred: an unreadable store invalidation; the cache starts over\n";
    objects_.clear();
    absent_.clear();
    keys_.clear();
    lists_.clear();
    return;
  }
  for (const auto& [type, id] : touched->objects) {
    objects_.erase({type, id});
    absent_.erase({type, id});
  }
  for (const auto& [from, type] : touched->lists) lists_.erase({from, type});
  for (auto& [space, key] : touched->keys) keys_.erase({space, std::move(key)});
}

template <class F>
auto CachedStore::timed(F&& read) const {
  const int64_t start = Invalidation::now_ms();
  auto result = read();
  const int64_t end = Invalidation::now_ms();
  // Not found is an answer; any other error is the database in trouble.
  const bool failed = !result.has_value() && !result.error().is_not_found();
  if (failed || end - start > kSlowReadMs) trouble_ms_.store(end, std::memory_order_relaxed);
  return result;
}

Result<Assoc> CachedStore::get_assoc(Id from, AssocType type, Id to) const {
  return timed([&] { return inner_.get_assoc(from, type, to); });
}

Result<RangePage> CachedStore::assoc_range(Id from, AssocType type, const RangeQuery& q) const {
  // Only the newest edge is remembered: a page of one, newest first, without bounds.
  const bool newest =
      q.limit == 1 && !q.oldest_first && q.max_position.value == 0 && q.min_position.value == 0;
  const auto epoch = newest ? usable_epoch() : std::nullopt;
  if (!epoch) return timed([&] { return inner_.assoc_range(from, type, q); });
  const ListKey list{from, type};
  const int64_t now = Invalidation::now_ms();
  RangePage out;
  if (lists_.find(list, *epoch, oldest_ms(now), [&](const ListState& s) {
        if (!s.newest) return false;
        out = *s.newest;
        return true;
      })) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return out;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t gen = lists_.generation(list);
  KINDRED_ASSIGN_OR_RETURN(out, timed([&] { return inner_.assoc_range(from, type, q); }));
  if (still_trusted(*epoch))
    lists_.fill(list, gen, *epoch, now, [&](ListState& s) { s.newest = out; });
  return out;
}

std::optional<uint64_t> CachedStore::usable_epoch() const {
  if (FreshReads::active() || closed_.load(std::memory_order_acquire)) return std::nullopt;
  const Invalidation::Trust t = invalidation_.trust();
  if (!t.trusted) return std::nullopt;
  return t.epoch;
}

bool CachedStore::still_trusted(uint64_t epoch) const {
  const Invalidation::Trust t = invalidation_.trust();
  return t.trusted && t.epoch == epoch;
}

Result<BatchOutcome> CachedStore::apply(const Batch& batch) {
  if (batch.empty()) return inner_.apply(batch);
  const Touched touched = touched_by(batch);
  const auto each = [&](auto&& objects, auto&& lists, auto&& keys) {
    for (const auto& [type, id] : touched.objects) objects(ObjectKey{type, id});
    for (const auto& [from, type] : touched.lists) lists(ListKey{from, type});
    for (const auto& [space, key] : touched.keys) keys(KeyKey{space, key});
  };
  each(
      [&](const ObjectKey& k) {
        objects_.begin_write(k);
        absent_.begin_write(k);
      },
      [&](const ListKey& k) { lists_.begin_write(k); },
      [&](const KeyKey& k) { keys_.begin_write(k); });
  auto outcome = inner_.apply(batch);
  // Named whatever the outcome: a write that failed may still have landed (a connection lost at
  // commit). This node's entries are dropped before publish returns.
  Status told = invalidation_.publish(kInvalidationKind, encode(touched));
  each(
      [&](const ObjectKey& k) {
        objects_.end_write(k);
        absent_.end_write(k);
      },
      [&](const ListKey& k) { lists_.end_write(k); }, [&](const KeyKey& k) { keys_.end_write(k); });
  // Not told: the Invalidation has stopped trusting and gone quiet, so the other nodes stop
  // trusting their caches before they could miss this (core/invalidation.h).
  if (!told.is_ok()) unpublished_.fetch_add(1, std::memory_order_relaxed);
  return outcome;
}

bool CachedStore::find_object(const ObjectKey& key, uint64_t epoch, int64_t now,
                              std::optional<std::string>& out) const {
  if (objects_.find(key, epoch, oldest_ms(now), [&](const std::string& v) {
        out = v;
        return true;
      }))
    return true;
  out.reset();
  return absent_.find(key, epoch, oldest_ms(now), [](bool) { return true; });
}

CachedStore::ObjectGenerations CachedStore::object_generations(const ObjectKey& key) const {
  return {objects_.generation(key), absent_.generation(key)};
}

void CachedStore::keep_object(const ObjectKey& key, ObjectGenerations gens, uint64_t epoch,
                              int64_t now, const std::optional<std::string>& bytes) const {
  if (bytes) {
    objects_.fill(key, gens.present, epoch, now, [&](std::string& v) { v = *bytes; });
  } else {
    absent_.fill(key, gens.absent, epoch, now, [](bool& v) { v = true; });
  }
}

Result<std::string> CachedStore::get_object(ObjectType type, Id id) const {
  const auto epoch = usable_epoch();
  if (!epoch) return timed([&] { return inner_.get_object(type, id); });
  const ObjectKey key{type, id};
  const int64_t now = Invalidation::now_ms();
  std::optional<std::string> known;
  if (find_object(key, *epoch, now, known)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    if (!known) return Status::not_found(std::string(kNoSuchObject));
    return std::move(*known);
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  const ObjectGenerations gens = object_generations(key);
  auto read = timed([&] { return inner_.get_object(type, id); });
  const bool answered = read.has_value() || read.error().is_not_found();
  if (answered && still_trusted(*epoch)) {
    keep_object(key, gens, *epoch, now,
                read.has_value() ? std::optional<std::string>(*read) : std::nullopt);
  }
  return read;
}

Result<std::vector<std::optional<std::string>>> CachedStore::get_objects(
    ObjectType type, const std::vector<Id>& ids) const {
  const auto epoch = usable_epoch();
  if (!epoch) return timed([&] { return inner_.get_objects(type, ids); });
  const int64_t now = Invalidation::now_ms();
  std::vector<std::optional<std::string>> out(ids.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!find_object({type, ids[i]}, *epoch, now, out[i])) missing.push_back(i);
  }
  hits_.fetch_add(ids.size() - missing.size(), std::memory_order_relaxed);
  if (missing.empty()) return out;
  misses_.fetch_add(missing.size(), std::memory_order_relaxed);
  std::vector<Id> ask;
  std::vector<ObjectGenerations> gens;
  for (size_t i : missing) {
    ask.push_back(ids[i]);
    gens.push_back(object_generations({type, ids[i]}));
  }
  KINDRED_ASSIGN_OR_RETURN(auto read, timed([&] { return inner_.get_objects(type, ask); }));
  const bool trusted = still_trusted(*epoch);
  for (size_t k = 0; k < missing.size(); ++k) {
    if (trusted) keep_object({type, ask[k]}, gens[k], *epoch, now, read[k]);
    out[missing[k]] = std::move(read[k]);
  }
  return out;
}

Result<Id> CachedStore::lookup_key(KeyspaceType space, std::string_view key) const {
  const auto epoch = usable_epoch();
  if (!epoch) return timed([&] { return inner_.lookup_key(space, key); });
  const KeyKey k{space, std::string(key)};
  const int64_t now = Invalidation::now_ms();
  Id id;
  if (keys_.find(k, *epoch, oldest_ms(now), [&](Id v) {
        id = v;
        return true;
      })) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return id;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t gen = keys_.generation(k);
  KINDRED_ASSIGN_OR_RETURN(id, timed([&] { return inner_.lookup_key(space, key); }));
  if (still_trusted(*epoch)) keys_.fill(k, gen, *epoch, now, [&](Id& v) { v = id; });
  return id;
}

Result<KeyedObject> CachedStore::get_keyed_object(KeyspaceType space, std::string_view key,
                                                  ObjectType type) const {
  const auto epoch = usable_epoch();
  if (!epoch) return timed([&] { return inner_.get_keyed_object(space, key, type); });
  const KeyKey k{space, std::string(key)};
  const int64_t now = Invalidation::now_ms();
  Id id;
  if (keys_.find(k, *epoch, oldest_ms(now), [&](Id v) {
        id = v;
        return true;
      })) {
    // The key is known: the object through the object map (a miss reads it alone).
    hits_.fetch_add(1, std::memory_order_relaxed);
    KINDRED_ASSIGN_OR_RETURN(std::string bytes, get_object(type, id));
    return KeyedObject{id, std::move(bytes)};
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t gen = keys_.generation(k);
  KINDRED_ASSIGN_OR_RETURN(KeyedObject found,
                           timed([&] { return inner_.get_keyed_object(space, key, type); }));
  // Only the key is kept: the object's shard generation was not taken before the read (its id
  // was not known), so the object is kept by the next read, through get_object.
  if (still_trusted(*epoch)) keys_.fill(k, gen, *epoch, now, [&](Id& v) { v = found.id; });
  return found;
}

Result<bool> CachedStore::assoc_exists(Id from, AssocType type, Id to) const {
  auto one = assocs_exist(from, type, std::vector<Id>{to});
  if (!one.has_value()) return one.error();
  return bool((*one)[0]);
}

Result<std::vector<bool>> CachedStore::assocs_exist(Id from, AssocType type,
                                                    const std::vector<Id>& tos) const {
  const auto epoch = usable_epoch();
  if (!epoch) return timed([&] { return inner_.assocs_exist(from, type, tos); });
  const ListKey list{from, type};
  const int64_t now = Invalidation::now_ms();
  std::vector<bool> out(tos.size());
  std::vector<size_t> missing;
  const bool known = lists_.find(list, *epoch, oldest_ms(now), [&](const ListState& s) {
    for (size_t i = 0; i < tos.size(); ++i) {
      if (s.count && *s.count == 0) continue;  // an empty list has no edges at all
      auto it = std::find_if(s.members.begin(), s.members.end(),
                             [&](const auto& m) { return m.first == tos[i]; });
      if (it == s.members.end()) missing.push_back(i);
      else out[i] = it->second;
    }
    return true;
  });
  if (!known) {
    for (size_t i = 0; i < tos.size(); ++i) missing.push_back(i);
  }
  hits_.fetch_add(tos.size() - missing.size(), std::memory_order_relaxed);
  if (missing.empty()) return out;
  misses_.fetch_add(missing.size(), std::memory_order_relaxed);
  std::vector<Id> ask;
  for (size_t i : missing) ask.push_back(tos[i]);
  const uint64_t gen = lists_.generation(list);
  KINDRED_ASSIGN_OR_RETURN(auto read, timed([&] { return inner_.assocs_exist(from, type, ask); }));
  for (size_t k = 0; k < missing.size(); ++k) out[missing[k]] = read[k];
  if (still_trusted(*epoch)) {
    lists_.fill(list, gen, *epoch, now, [&](ListState& s) {
      for (size_t k = 0; k < ask.size() && s.members.size() < options_.max_members_per_list; ++k) {
        if (std::none_of(s.members.begin(), s.members.end(),
                         [&](const auto& m) { return m.first == ask[k]; }))
          s.members.emplace_back(ask[k], read[k]);
      }
    });
  }
  return out;
}

Result<int64_t> CachedStore::assoc_count(Id from, AssocType type) const {
  auto one = assoc_counts({{from, type}});
  if (!one.has_value()) return one.error();
  return (*one)[0];
}

Result<std::vector<int64_t>> CachedStore::assoc_counts(
    const std::vector<std::pair<Id, AssocType>>& lists) const {
  const auto epoch = usable_epoch();
  if (!epoch) return timed([&] { return inner_.assoc_counts(lists); });
  const int64_t now = Invalidation::now_ms();
  std::vector<int64_t> out(lists.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!lists_.find({lists[i].first, lists[i].second}, *epoch, oldest_ms(now), [&](const ListState& s) {
          if (!s.count) return false;
          out[i] = *s.count;
          return true;
        }))
      missing.push_back(i);
  }
  hits_.fetch_add(lists.size() - missing.size(), std::memory_order_relaxed);
  if (missing.empty()) return out;
  misses_.fetch_add(missing.size(), std::memory_order_relaxed);
  std::vector<std::pair<Id, AssocType>> ask;
  std::vector<uint64_t> gens;
  for (size_t i : missing) {
    ask.push_back(lists[i]);
    gens.push_back(lists_.generation({lists[i].first, lists[i].second}));
  }
  KINDRED_ASSIGN_OR_RETURN(auto read, timed([&] { return inner_.assoc_counts(ask); }));
  const bool trusted = still_trusted(*epoch);
  for (size_t k = 0; k < missing.size(); ++k) {
    out[missing[k]] = read[k];
    if (trusted) {
      lists_.fill({ask[k].first, ask[k].second}, gens[k], *epoch, now,
                  [&](ListState& s) { s.count = read[k]; });
    }
  }
  return out;
}

}  // namespace kindred::store
