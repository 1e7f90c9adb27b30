#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
#include <list>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/call_groups.h"
#include "core/mix.h"
#include "store/postgres/migrations.h"
#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pool.h"
#include "store/postgres/statements.h"

namespace kindred::store {
namespace {

using pg::Params;
using pg::to_db;

// Runs of a batch that deadlocked or failed to serialise before one is given up.
constexpr int kTransactionAttempts = 8;

int64_t type_of(ObjectType t) { return static_cast<int64_t>(t); }
int64_t type_of(AssocType t) { return static_cast<int64_t>(t); }
int64_t type_of(KeyspaceType t) { return static_cast<int64_t>(t); }

Status check_ids(const Batch& batch) {
  for (const auto& put : batch.object_puts) {
    if (put.id.is_none()) return Status::invalid_argument("object id is zero");
  }
  for (const auto& add : batch.assoc_adds) {
    if (add.assoc.from.is_none() || add.assoc.to.is_none()) {
      return Status::invalid_argument("association endpoint id is zero");
    }
  }
  for (const auto& remove : batch.assoc_removes) {
    if (remove.from.is_none() || remove.to.is_none()) {
      return Status::invalid_argument("association endpoint id is zero");
    }
  }
  for (const auto& claim : batch.key_claims) {
    if (claim.id.is_none()) return Status::invalid_argument("key claim names id zero");
  }
  return check_conditions(batch);
}

struct EdgeKey {
  uint64_t from;
  uint16_t type;
  uint64_t to;
  bool operator==(const EdgeKey&) const = default;
  auto operator<=>(const EdgeKey&) const = default;
};
struct EdgeKeyHash {
  size_t operator()(const EdgeKey& k) const {
    uint64_t h = k.from * 0x9e3779b97f4a7c15ULL;
    h ^= (h >> 29) ^ (static_cast<uint64_t>(k.type) * 0xbf58476d1ce4e5b9ULL);
    h = (h ^ k.to) * 0x94d049bb133111ebULL;
    return static_cast<size_t>(h ^ (h >> 31));
  }
};
struct ObjectKey {
  uint64_t id;
  int64_t type;
  bool operator==(const ObjectKey&) const = default;
};
struct ObjectKeyHash {
  size_t operator()(const ObjectKey& k) const {
    return static_cast<size_t>((k.id * 0x9e3779b97f4a7c15ULL) ^ static_cast<uint64_t>(k.type));
  }
};

// What one "write" statement writes for one batch or a group of batches whose objects and edges
// are disjoint, each object and edge once (the statement's sub-statements share one snapshot):
// - objects: a batch's puts come before its deletes and the last put wins, so an object is
//   either put (its last bytes) or deleted;
// - edges: a batch's adds come before its removes, so an edge it both adds and removes is only
//   removed: if it was there the remove takes it (the add changed nothing); if not, the add
//   added it and the remove took it again, which changes no count. Repeated adds keep the
//   first (a present edge keeps its position).
// After the statement, `settle` turns the changed edges into each batch's BatchOutcome.
class WriteSet {
 public:
  // Whether `batch` touches none of the objects and edges already in the set.
  bool disjoint_from(const Batch& batch) const {
    for (const auto& p : batch.object_puts) {
      if (objects_.count(object_key(p))) return false;
    }
    for (const auto& d : batch.object_deletes) {
      if (objects_.count(object_key(d))) return false;
    }
    for (const auto& a : batch.assoc_adds) {
      if (edges_.count(edge_key(a.assoc))) return false;
    }
    for (const auto& r : batch.assoc_removes) {
      if (edges_.count(edge_key(r))) return false;
    }
    return true;
  }

  // REQUIRES: disjoint_from(batch); `batch` and `outcome` outlive the set.
  void add(const Batch& batch, BatchOutcome& outcome) {
    std::unordered_map<ObjectKey, size_t, ObjectKeyHash> last_put;
    for (size_t i = 0; i < batch.object_puts.size(); ++i) {
      last_put[object_key(batch.object_puts[i])] = i;
    }
    std::unordered_set<ObjectKey, ObjectKeyHash> deleted;
    for (const auto& d : batch.object_deletes) {
      if (deleted.insert(object_key(d)).second) {
        objects_.insert(object_key(d));
        delete_ids_.push_back(to_db(d.id.value));
        delete_types_.push_back(type_of(d.type));
      }
    }
    for (size_t i = 0; i < batch.object_puts.size(); ++i) {
      const auto& p = batch.object_puts[i];
      const ObjectKey key = object_key(p);
      if (last_put[key] != i || deleted.count(key)) continue;
      objects_.insert(key);
      put_ids_.push_back(to_db(p.id.value));
      put_types_.push_back(type_of(p.type));
      put_bytes_.push_back(p.bytes);
    }
    // The counts after the write are asked for the lists of small batches only (a like, not a
    // fan-out of a thousand home feeds).
    if (BatchOutcome::counts_after_given(batch)) {
      for (const auto& a : batch.assoc_adds) want_count(a.assoc.from, a.assoc.type);
      for (const auto& r : batch.assoc_removes) want_count(r.from, r.type);
    }
    std::vector<int64_t> batch_pairs;  // one per edge written
    // Removes first, so that an add of an edge the batch also removes is left out.
    for (size_t i = 0; i < batch.assoc_removes.size(); ++i) {
      const auto& r = batch.assoc_removes[i];
      auto [it, fresh] = edges_.try_emplace(edge_key(r), Edge{&outcome});
      if (!fresh) continue;  // a repeated remove changes nothing
      it->second.remove = i;
      remove_from_.push_back(to_db(r.from.value));
      remove_types_.push_back(type_of(r.type));
      remove_to_.push_back(to_db(r.to.value));
      batch_pairs.push_back(pair_lock(r.from, r.to));
    }
    for (size_t i = 0; i < batch.assoc_adds.size(); ++i) {
      const Assoc& a = batch.assoc_adds[i].assoc;
      if (const size_t c = batch.assoc_adds[i].only_if_added; c != Batch::kAlways) {
        // Once in the batch, and so in the set (check_conditions), as is its condition.
        edges_.try_emplace(edge_key(a), Edge{&outcome}).first->second.add = i;
        const Assoc& cond = batch.assoc_adds[c].assoc;
        if_from_.push_back(to_db(a.from.value));
        if_types_.push_back(type_of(a.type));
        if_to_.push_back(to_db(a.to.value));
        if_positions_.push_back(to_db(a.position.value));
        if_data_.push_back(a.data);
        if_cond_from_.push_back(to_db(cond.from.value));
        if_cond_types_.push_back(type_of(cond.type));
        if_cond_to_.push_back(to_db(cond.to.value));
        if_fewer_than_.push_back(batch.assoc_adds[i].only_if_fewer_than);
        batch_pairs.push_back(pair_lock(a.from, a.to));
        continue;
      }
      auto [it, fresh] = edges_.try_emplace(edge_key(a), Edge{&outcome});
      if (!fresh) {
        if (it->second.outcome == &outcome && it->second.add == kNone) it->second.add = i;
        continue;
      }
      it->second.add = i;
      add_from_.push_back(to_db(a.from.value));
      add_types_.push_back(type_of(a.type));
      add_to_.push_back(to_db(a.to.value));
      add_positions_.push_back(to_db(a.position.value));
      add_data_.push_back(a.data);
      batch_pairs.push_back(pair_lock(a.from, a.to));
    }
    // A pair the batch joins by two or more edges (a like's two directions) is locked; an edge
    // alone on its pair needs no lock (any interleaving with another batch is some order of the
    // two), so a batch of many unrelated edges (a fan-out, a seed) takes none.
    std::sort(batch_pairs.begin(), batch_pairs.end());
    for (size_t i = 1; i < batch_pairs.size(); ++i)
      if (batch_pairs[i] == batch_pairs[i - 1]) pair_locks_.push_back(batch_pairs[i]);  // params() dedups
    ++batches_;
  }

  size_t batches() const { return batches_; }

  // The advisory lock key of the pair an edge joins, whichever its direction (a like's two rows
  // share one). Two pairs may share a key: they then wait for each other, nothing worse.
  static int64_t pair_lock(Id a, Id b) {
    return static_cast<int64_t>(mix64(mix64(std::min(a.value, b.value)) ^ std::max(a.value, b.value)));
  }

  Params params(int64_t slot) const {
    Params p;
    p.int8_array(put_ids_).int8_array(put_types_).bytea_array(put_bytes_);
    p.int8_array(delete_ids_).int8_array(delete_types_);
    p.int8_array(add_from_).int8_array(add_types_).int8_array(add_to_).int8_array(add_positions_);
    p.bytea_array(add_data_);
    p.int8_array(remove_from_).int8_array(remove_types_).int8_array(remove_to_);
    p.int8(slot);
    // Sorted and once each, so that two statements wanting the same locks take them in one order.
    std::vector<int64_t> locks = pair_locks_;
    std::sort(locks.begin(), locks.end());
    locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
    p.int8_array(locks);
    p.int8_array(if_from_).int8_array(if_types_).int8_array(if_to_).int8_array(if_positions_);
    p.bytea_array(if_data_);
    p.int8_array(if_cond_from_).int8_array(if_cond_types_).int8_array(if_cond_to_);
    p.int8_array(if_fewer_than_);
    p.int8_array(want_from_).int8_array(want_types_);
    return p;
  }

  // Fills every batch's outcome from the rows "write" returned (kind, from, type, to), and
  // its counts_after from the kind 2 rows (kind, from, type, count).
  void settle(const pg::Rows& rows) {
    std::unordered_map<EdgeKey, int64_t, EdgeKeyHash> changed;
    std::map<std::pair<uint64_t, uint16_t>, int64_t> counts;  // (from, type) -> count after
    for (int r = 0; r < rows.count(); ++r) {
      const uint64_t from = pg::from_db(rows.int8(r, 1));
      const auto type = static_cast<uint16_t>(rows.int8(r, 2));
      if (rows.int8(r, 0) == 2) {
        counts[{from, type}] = rows.int8(r, 3);
        continue;
      }
      changed[EdgeKey{from, type, pg::from_db(rows.int8(r, 3))}] = rows.int8(r, 0);
    }
    if (!counts.empty()) {
      std::set<std::tuple<const BatchOutcome*, uint64_t, uint16_t>> named;
      for (const auto& [key, edge] : edges_) {
        auto count = counts.find({key.from, key.type});
        if (count == counts.end() || !named.emplace(edge.outcome, key.from, key.type).second)
          continue;
        edge.outcome->counts_after.push_back(
            {Id(key.from), static_cast<AssocType>(key.type), count->second});
      }
    }
    for (const auto& [key, edge] : edges_) {
      auto it = changed.find(key);
      const int64_t kind = it == changed.end() ? 0 : it->second;
      if (edge.remove != kNone && edge.add != kNone) {
        // Added and removed by the batch: present before (the remove took it, the add changed
        // nothing), or absent (the add added it, the remove took it again).
        edge.outcome->assoc_removed[edge.remove] = true;
        edge.outcome->assoc_added[edge.add] = kind != -1;
      } else if (edge.remove != kNone) {
        edge.outcome->assoc_removed[edge.remove] = kind == -1;
      } else {
        edge.outcome->assoc_added[edge.add] = kind == 1;
      }
    }
  }

 private:
  static constexpr size_t kNone = SIZE_MAX;
  struct Edge {
    BatchOutcome* outcome;
    size_t add = kNone;     // the batch's first add of the edge
    size_t remove = kNone;  // the batch's first remove of it
  };
  static EdgeKey edge_key(const Assoc& a) {
    return EdgeKey{a.from.value, static_cast<uint16_t>(a.type), a.to.value};
  }
  static EdgeKey edge_key(const Batch::AssocRemove& r) {
    return EdgeKey{r.from.value, static_cast<uint16_t>(r.type), r.to.value};
  }
  template <class O>
  static ObjectKey object_key(const O& o) {
    return ObjectKey{o.id.value, type_of(o.type)};
  }

  std::unordered_map<EdgeKey, Edge, EdgeKeyHash> edges_;
  std::unordered_set<ObjectKey, ObjectKeyHash> objects_;
  size_t batches_ = 0;
  std::vector<int64_t> put_ids_, put_types_, delete_ids_, delete_types_;
  std::vector<std::string_view> put_bytes_, add_data_;
  std::vector<int64_t> add_from_, add_types_, add_to_, add_positions_;
  std::vector<int64_t> pair_locks_;  // pairs some batch joins by two or more edges
  std::vector<int64_t> remove_from_, remove_types_, remove_to_;
  // Conditional adds, each with the edge whose adding it waits on.
  std::vector<int64_t> if_from_, if_types_, if_to_, if_positions_;
  std::vector<std::string_view> if_data_;
  std::vector<int64_t> if_cond_from_, if_cond_types_, if_cond_to_, if_fewer_than_;
  std::vector<int64_t> want_from_, want_types_;  // lists whose counts after are asked for
  std::set<std::pair<uint64_t, uint16_t>> wanted_;

  void want_count(Id from, AssocType type) {
    if (!is_counted(type)) return;
    if (!wanted_.emplace(from.value, static_cast<uint16_t>(type)).second) return;
    want_from_.push_back(to_db(from.value));
    want_types_.push_back(type_of(type));
  }
};

// Indices of `items` in the order `key` sorts them, ties in batch order. Each kind of change is
// applied in key order so that concurrent batches take their row locks in one order (fewer
// deadlocks), while repeats of one key keep their order (the last put of an object wins).
template <class T, class Key>
std::vector<size_t> sorted_order(const std::vector<T>& items, Key key) {
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return key(items[a]) < key(items[b]); });
  return order;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const PostgresOptions& options)
      : pool_(options.conninfo, pg::store_statements(),
              pg::Pool::Limits{options.max_connections,
                               std::chrono::milliseconds(options.acquire_timeout_ms)}),
        max_group_(static_cast<size_t>(options.max_group)) {}
  ~PostgresStore() override { pool_.close(); }

  Result<BatchOutcome> apply(const Batch& batch) override {
    if (closed_.load(std::memory_order_acquire)) return Status::unavailable("store closed");
    KINDRED_RETURN_IF_ERROR(check_ids(batch));
    BatchOutcome outcome;
    outcome.assoc_added.assign(batch.assoc_adds.size(), false);
    outcome.assoc_removed.assign(batch.assoc_removes.size(), false);
    if (batch.empty()) return outcome;
    if (!batch.key_claims.empty() || !batch.key_releases.empty()) {
      KINDRED_RETURN_IF_ERROR(apply_with_keys(batch, outcome));
      return outcome;
    }
    Writer self{&batch, &outcome};
    std::unique_lock lock(writers_mu_);
    waiting_.push_back(&self);
    self.wake.wait(lock, [&] {
      return self.done ||
             (leaders_ < kLeaders && !waiting_.empty() && waiting_.front() == &self);
    });
    if (self.done) {
      if (!self.status.is_ok()) return self.status;
      return outcome;
    }
    // The writer at the front leads: it takes every waiting batch it can (disjoint objects and
    // edges, at most max_group_) and writes them with one statement, while up to kLeaders groups
    // are in flight. Batches that arrive meanwhile wait, and form the next group: the longer a
    // write takes (a synchronous standby), the more each one carries.
    std::vector<Writer*> group;
    WriteSet set;
    for (auto it = waiting_.begin(); it != waiting_.end() && group.size() < max_group_;) {
      if (set.disjoint_from(*(*it)->batch)) {
        set.add(*(*it)->batch, *(*it)->outcome);
        group.push_back(*it);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    ++leaders_;
    wake_front();  // another writer may be at the front now, with a slot to lead in
    lock.unlock();
    // Nothing may escape between taking the slot and giving it back: a slot never given back,
    // or a member never woken, would stall every later writer of the node.
    try {
      Status s = write_group(set);
      if (!s.is_ok() && group.size() > 1 && s.code() != StatusCode::kUnavailable) {
        // Which batch failed? Each is written alone, so one cannot fail the others.
        for (Writer* w : group) {
          WriteSet alone;
          alone.add(*w->batch, *w->outcome);
          w->status = write_group(alone);
        }
      } else {
        for (Writer* w : group) w->status = s;
      }
    } catch (const std::exception& e) {
      // (The write may have landed: as a connection lost at commit, its outcome is not known.)
      for (Writer* w : group)
        w->status = Status::internal(std::string("write failed: ") + e.what());
    }
    lock.lock();
    --leaders_;
    for (Writer* w : group) {
      w->done = true;
      if (w != &self) w->wake.notify_one();
    }
    wake_front();
    if (!self.status.is_ok()) return self.status;
    return outcome;
  }

  Result<std::string> get_object(ObjectType type, Id id) const override {
    ObjectCall call;
    call.type = type;
    call.id = id;
    KINDRED_RETURN_IF_ERROR(object_groups_.run(call, [this](auto& calls) { answer(calls); }));
    if (!call.found) return Status::not_found("no such object");
    return std::move(*call.found);
  }

  Result<std::vector<std::optional<std::string>>> get_objects(
      ObjectType type, const std::vector<Id>& ids) const override {
    std::vector<std::optional<std::string>> out(ids.size());
    if (ids.empty()) return out;
    KINDRED_ASSIGN_OR_RETURN(
        auto rows, read("get_objects", Params().int8_array(db_ids(ids)).int8(type_of(type))));
    std::unordered_map<uint64_t, std::string_view> found;
    for (int r = 0; r < rows.count(); ++r) found[pg::from_db(rows.int8(r, 0))] = rows.bytes(r, 1);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (auto it = found.find(ids[i].value); it != found.end()) out[i] = std::string(it->second);
    }
    return out;
  }

  Result<Id> lookup_key(KeyspaceType space, std::string_view key) const override {
    KINDRED_ASSIGN_OR_RETURN(auto rows,
                             read("lookup_key", Params().bytes(key).int8(type_of(space))));
    if (rows.count() == 0) return Status::not_found("no such key");
    return Id(pg::from_db(rows.int8(0, 0)));
  }

  Result<KeyedObject> get_keyed_object(KeyspaceType space, std::string_view key,
                                       ObjectType type) const override {
    KeyedCall call;
    call.space = space;
    call.key = key;
    call.type = type;
    KINDRED_RETURN_IF_ERROR(keyed_groups_.run(call, [this](auto& calls) { answer(calls); }));
    if (!call.found) return Status::not_found("no such key or object");
    return std::move(*call.found);
  }

  Result<Assoc> get_assoc(Id from, AssocType type, Id to) const override {
    KINDRED_ASSIGN_OR_RETURN(auto rows, read("get_assoc", edge_params(from, type, to)));
    if (rows.count() == 0) return Status::not_found("no such association");
    return Assoc{from, type, to, Id(pg::from_db(rows.int8(0, 0))), std::string(rows.bytes(0, 1))};
  }

  Result<bool> assoc_exists(Id from, AssocType type, Id to) const override {
    KINDRED_ASSIGN_OR_RETURN(auto exist, assocs_exist(from, type, {to}));
    return bool(exist[0]);
  }

  Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                         const std::vector<Id>& tos) const override {
    if (tos.empty()) return std::vector<bool>{};
    ExistsCall call;
    call.from = from;
    call.type = type;
    call.tos = &tos;
    KINDRED_RETURN_IF_ERROR(exists_groups_.run(call, [this](auto& calls) { answer(calls); }));
    return std::move(call.exist);
  }

  Result<int64_t> assoc_count(Id from, AssocType type) const override {
    KINDRED_RETURN_IF_ERROR(check_counted({{from, type}}));
    KINDRED_ASSIGN_OR_RETURN(
        auto rows, read("assoc_count", Params().int8(to_db(from.value)).int8(type_of(type))));
    return rows.int8(0, 0);
  }

  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const override {
    if (lists.empty()) return std::vector<int64_t>{};
    KINDRED_RETURN_IF_ERROR(check_counted(lists));
    CountsCall call;
    call.lists = &lists;
    KINDRED_RETURN_IF_ERROR(count_groups_.run(call, [this](auto& calls) { answer(calls); }));
    return std::move(call.counts);
  }

  Result<RangePage> assoc_range(Id from, AssocType type, const RangeQuery& q) const override {
    RangePage page;
    // Exclusive bounds become inclusive ones; nothing lies above the largest id.
    constexpr uint64_t kMaxId = std::numeric_limits<uint64_t>::max();
    if (q.min_position.value == kMaxId) return page;
    const int64_t low = to_db(q.min_position.value) + (q.min_position.is_none() ? 0 : 1);
    const int64_t high = q.max_position.is_none() ? to_db(kMaxId) : to_db(q.max_position.value) - 1;
    const auto limit = static_cast<int64_t>(std::min<size_t>(q.limit, INT64_MAX - 1));
    KINDRED_ASSIGN_OR_RETURN(auto rows, read(q.oldest_first ? "range_oldest" : "range_newest",
                                             Params()
                                                 .int8(to_db(from.value))
                                                 .int8(type_of(type))
                                                 .int8(low)
                                                 .int8(high)
                                                 .int8(limit + 1)));
    const int n = rows.count();
    page.more = static_cast<size_t>(n) > q.limit;
    for (int r = 0; r < n && static_cast<size_t>(r) < q.limit; ++r) {
      page.items.push_back(Assoc{from, type, Id(pg::from_db(rows.int8(r, 0))),
                                 Id(pg::from_db(rows.int8(r, 1))), std::string(rows.bytes(r, 2))});
    }
    return page;
  }

  Result<Id> max_object_id(ObjectType type) const override {
    KINDRED_ASSIGN_OR_RETURN(auto rows, read("max_object_id", Params().int8(type_of(type))));
    if (rows.count() == 0) return Id();
    return Id(pg::from_db(rows.int8(0, 0)));
  }

  Status compact() override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_ASSIGN_OR_RETURN(auto rows,
                             conn->exec("VACUUM (ANALYZE) kindred_objects, kindred_assocs,"
                                        " kindred_assoc_counts, kindred_keys"));
    (void)rows;
    return Status::ok();
  }

  Status close() override {
    closed_.store(true, std::memory_order_release);
    pool_.close();
    return Status::ok();
  }

 private:
  // Runs a read-only statement. A connection found broken (the server restarted, failed over,
  // or ended it) is replaced and the statement sent once more, as a read always may be: without
  // it each of a node's idle connections answered one request 503 after a failover.
  Result<pg::Rows> read(const char* statement, const Params& params) const {
    for (int attempt = 1;; ++attempt) {
      KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
      auto rows = conn->run(statement, params);
      if (rows.has_value() || conn->is_ok() || attempt == 2) return rows;
    }
  }

  // Reads that concurrent calls share (CallGroups): each call's request and answer.
  struct KeyedCall : GroupedCall {
    KeyspaceType space{};
    std::string_view key;
    ObjectType type{};
    std::optional<KeyedObject> found;
  };
  struct ObjectCall : GroupedCall {
    ObjectType type{};
    Id id;
    std::optional<std::string> found;
  };
  struct CountsCall : GroupedCall {
    const std::vector<std::pair<Id, AssocType>>* lists = nullptr;
    std::vector<int64_t> counts;
  };

  struct ExistsCall : GroupedCall {
    Id from;
    AssocType type{};
    const std::vector<Id>* tos = nullptr;
    std::vector<bool> exist;
  };

  template <class Call>
  static void fail(std::vector<Call*>& calls, const Status& s) {
    for (Call* c : calls) c->status = s;
  }

  void answer(std::vector<KeyedCall*>& calls) const {
    if (calls.size() == 1) {  // the plainer statement
      KeyedCall& c = *calls[0];
      auto rows = read("get_keyed_object",
                       Params().bytes(c.key).int8(type_of(c.space)).int8(type_of(c.type)));
      if (!rows.has_value()) return fail(calls, rows.error());
      if (rows->count() > 0)
        c.found = KeyedObject{Id(pg::from_db(rows->int8(0, 0))), std::string(rows->bytes(0, 1))};
      return;
    }
    std::vector<std::string_view> keys;
    std::vector<int64_t> spaces, types;
    for (const KeyedCall* c : calls) {
      keys.push_back(c->key);
      spaces.push_back(type_of(c->space));
      types.push_back(type_of(c->type));
    }
    Params params;
    params.bytea_array(keys).int8_array(spaces).int8_array(types);
    auto rows = read("get_keyed_objects", params);
    if (!rows.has_value()) return fail(calls, rows.error());
    for (int r = 0; r < rows->count(); ++r) {
      calls[static_cast<size_t>(rows->int8(r, 0) - 1)]->found =
          KeyedObject{Id(pg::from_db(rows->int8(r, 1))), std::string(rows->bytes(r, 2))};
    }
  }

  void answer(std::vector<ObjectCall*>& calls) const {
    if (calls.size() == 1) {
      ObjectCall& c = *calls[0];
      auto rows = read("get_object", Params().int8(to_db(c.id.value)).int8(type_of(c.type)));
      if (!rows.has_value()) return fail(calls, rows.error());
      if (rows->count() > 0) c.found = std::string(rows->bytes(0, 0));
      return;
    }
    std::vector<int64_t> ids, types;
    for (const ObjectCall* c : calls) {
      ids.push_back(to_db(c->id.value));
      types.push_back(type_of(c->type));
    }
    auto rows = read("get_objects_of", Params().int8_array(ids).int8_array(types));
    if (!rows.has_value()) return fail(calls, rows.error());
    for (int r = 0; r < rows->count(); ++r) {
      calls[static_cast<size_t>(rows->int8(r, 0) - 1)]->found = std::string(rows->bytes(r, 1));
    }
  }

  void answer(std::vector<CountsCall*>& calls) const {
    if (calls.size() == 1) {
      auto counts = read_counts(*calls[0]->lists);
      if (!counts.has_value()) return fail(calls, counts.error());
      calls[0]->counts = std::move(*counts);
      return;
    }
    std::vector<int64_t> froms, types;
    for (CountsCall* c : calls) {
      c->counts.assign(c->lists->size(), 0);
      for (const auto& [from, type] : *c->lists) {
        froms.push_back(to_db(from.value));
        types.push_back(type_of(type));
      }
    }
    auto rows = read("assoc_counts_of", Params().int8_array(froms).int8_array(types));
    if (!rows.has_value()) return fail(calls, rows.error());
    // Row i (from 1) answers the i-th list of the calls taken in order.
    std::vector<std::pair<CountsCall*, size_t>> place;
    place.reserve(froms.size());
    for (CountsCall* c : calls)
      for (size_t k = 0; k < c->lists->size(); ++k) place.emplace_back(c, k);
    for (int r = 0; r < rows->count(); ++r) {
      const auto& [c, k] = place[static_cast<size_t>(rows->int8(r, 0) - 1)];
      c->counts[k] = rows->int8(r, 1);
    }
  }

  void answer(std::vector<ExistsCall*>& calls) const {
    for (ExistsCall* c : calls) c->exist.assign(c->tos->size(), false);
    if (calls.size() == 1) {
      const ExistsCall& c = *calls[0];
      Params params;
      params.int8(to_db(c.from.value)).int8(type_of(c.type)).int8_array(db_ids(*c.tos));
      auto rows = read("assocs_exist", params);
      if (!rows.has_value()) return fail(calls, rows.error());
      std::unordered_set<uint64_t> found;
      for (int r = 0; r < rows->count(); ++r) found.insert(pg::from_db(rows->int8(r, 0)));
      for (size_t i = 0; i < c.tos->size(); ++i)
        calls[0]->exist[i] = found.count((*c.tos)[i].value) > 0;
      return;
    }
    std::vector<int64_t> froms, types, tos;
    std::vector<std::pair<ExistsCall*, size_t>> place;  // the edge at each place (from 1)
    for (ExistsCall* c : calls) {
      for (size_t k = 0; k < c->tos->size(); ++k) {
        froms.push_back(to_db(c->from.value));
        types.push_back(type_of(c->type));
        tos.push_back(to_db((*c->tos)[k].value));
        place.emplace_back(c, k);
      }
    }
    auto rows =
        read("assocs_exist_of", Params().int8_array(froms).int8_array(types).int8_array(tos));
    if (!rows.has_value()) return fail(calls, rows.error());
    for (int r = 0; r < rows->count(); ++r) {
      const auto& [c, k] = place[static_cast<size_t>(rows->int8(r, 0) - 1)];
      c->exist[k] = true;
    }
  }

  // One call's counts with the "assoc_counts" statement.
  Result<std::vector<int64_t>> read_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const {
    std::vector<int64_t> out(lists.size(), 0);
    std::vector<int64_t> froms, types;
    for (const auto& [from, type] : lists) {
      froms.push_back(to_db(from.value));
      types.push_back(type_of(type));
    }
    const auto distinct = [](std::vector<int64_t> v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      return v;
    };
    KINDRED_ASSIGN_OR_RETURN(
        auto rows,
        read("assoc_counts", Params().int8_array(distinct(froms)).int8_array(distinct(types))));
    std::map<std::pair<int64_t, int64_t>, int64_t> found;
    for (int r = 0; r < rows.count(); ++r) {
      found[{rows.int8(r, 0), rows.int8(r, 1)}] = rows.int8(r, 2);
    }
    for (size_t i = 0; i < lists.size(); ++i) {
      if (auto it = found.find({froms[i], types[i]}); it != found.end()) out[i] = it->second;
    }
    return out;
  }

  static std::vector<int64_t> db_ids(const std::vector<Id>& ids) {
    std::vector<int64_t> out;
    out.reserve(ids.size());
    for (Id id : ids) out.push_back(to_db(id.value));
    return out;
  }

  static Params edge_params(Id from, AssocType type, Id to) {
    Params p;
    p.int8(to_db(from.value)).int8(type_of(type)).int8(to_db(to.value));
    return p;
  }

  // A count slot for the next write: writes in flight at once use different rows of a hot
  // list's count, so they do not queue on one row lock (a read sums the slots).
  int64_t next_slot() const {
    return static_cast<int64_t>((slot_base_ + slot_turn_.fetch_add(1, std::memory_order_relaxed)) %
                                kCountSlots);
  }

  // Writes `set` with one "write" statement (its own transaction), again if it deadlocked.
  Status write_group(WriteSet& set) {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    const Params params = set.params(next_slot());
    for (int attempt = 1;; ++attempt) {
      auto rows = conn->run("write", params);
      if (rows.has_value()) {
        set.settle(*rows);
        return Status::ok();
      }
      if (!pg::is_retryable(conn->last_sqlstate()) || !conn->is_ok() ||
          attempt == kTransactionAttempts) {
        return rows.error();
      }
    }
  }

  // A batch that claims or releases keys: one transaction of its key changes (a claim of a key
  // naming another id fails it with Conflict), then the "write" statement.
  Status apply_with_keys(const Batch& batch, BatchOutcome& outcome) {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    for (int attempt = 1;; ++attempt) {
      WriteSet set;
      set.add(batch, outcome);
      Status s = keys_then_write(*conn, batch, set);
      if (s.is_ok()) return s;
      const bool retry = pg::is_retryable(conn->last_sqlstate()) && conn->is_ok();
      if (conn->is_ok() && conn->in_transaction()) (void)conn->exec("ROLLBACK");
      if (!retry || attempt == kTransactionAttempts) return s;
    }
  }

  Status keys_then_write(pg::Connection& conn, const Batch& batch, WriteSet& set) const {
    KINDRED_ASSIGN_OR_RETURN(auto begun, conn.exec("BEGIN"));
    (void)begun;
    // In key order, so that concurrent batches take their row locks in one order.
    const auto by_key = [](const auto& k) { return std::make_pair(k.key, type_of(k.space)); };
    for (size_t i : sorted_order(batch.key_releases, by_key)) {
      const auto& r = batch.key_releases[i];
      KINDRED_ASSIGN_OR_RETURN(
          auto rows, conn.run("release_key", Params().bytes(r.key).int8(type_of(r.space))));
      (void)rows;
    }
    for (size_t i : sorted_order(batch.key_claims, by_key)) {
      const auto& c = batch.key_claims[i];
      KINDRED_ASSIGN_OR_RETURN(
          auto rows,
          conn.run("claim_key",
                   Params().bytes(c.key).int8(type_of(c.space)).int8(to_db(c.id.value))));
      if (rows.count() != 1 || pg::from_db(rows.int8(0, 0)) != c.id.value) {
        return Status::conflict("key is taken");
      }
    }
    KINDRED_ASSIGN_OR_RETURN(auto written, conn.run("write", set.params(next_slot())));
    KINDRED_ASSIGN_OR_RETURN(auto committed, conn.exec("COMMIT"));
    (void)committed;
    set.settle(written);
    return Status::ok();
  }

  // A batch waiting in apply() to be written, alone or in a group. Each waits on its own
  // condition (with writers_mu_) and is woken only when it is done or may lead: one shared
  // condition woke every waiting writer at each group's start and end, and in the cluster's
  // spread storm a node's thirty-odd waiting writers were most of its thread switches.
  struct Writer {
    Writer(const Batch* b, BatchOutcome* o) : batch(b), outcome(o) {}
    const Batch* batch;
    BatchOutcome* outcome;
    Status status = Status::ok();
    bool done = false;  // GUARDED_BY(writers_mu_)
    std::condition_variable wake;
  };
  // Wakes the oldest waiting writer if a group may start (writers_mu_ held). Notified under the
  // lock: a writer woken as done may return and destroy its condition once it takes the lock.
  void wake_front() {
    if (leaders_ < kLeaders && !waiting_.empty()) waiting_.front()->wake.notify_one();
  }
  // Groups in flight at once per store. Fewer groups carry more batches each: in the cluster's
  // spread storm 4 wrote 3.6 likes a statement and 2 wrote 5.9, and PostgreSQL's CPU a like fell
  // by about a fifth (each statement's planning, executor start and commit are paid once).
  static constexpr int kLeaders = 2;
  // Groups of one kind of read in flight at once, and calls in one group at most.
  static constexpr int kReadLeaders = 2;
  static constexpr size_t kMaxReadGroup = 64;
  mutable CallGroups<KeyedCall> keyed_groups_{kReadLeaders, kMaxReadGroup};
  mutable CallGroups<ObjectCall> object_groups_{kReadLeaders, kMaxReadGroup};
  mutable CallGroups<CountsCall> count_groups_{kReadLeaders, kMaxReadGroup};
  mutable CallGroups<ExistsCall> exists_groups_{kReadLeaders, kMaxReadGroup};
  static constexpr uint64_t kCountSlots = 16;

  std::mutex writers_mu_;
  std::list<Writer*> waiting_;  // GUARDED_BY(writers_mu_), oldest first
  int leaders_ = 0;             // GUARDED_BY(writers_mu_)
  std::atomic<bool> closed_{false};
  const uint64_t slot_base_ = std::random_device{}();
  mutable std::atomic<uint64_t> slot_turn_{0};

  mutable pg::Pool pool_;
  const size_t max_group_;  // batches in one statement, at most
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const PostgresOptions& options) {
  if (options.conninfo.empty()) return Status::invalid_argument("postgres: no connection string");
  if (options.max_connections < 1) {
    return Status::invalid_argument("postgres: max_connections must be at least 1");
  }
  if (options.max_group < 1) return Status::invalid_argument("postgres: max_group must be at least 1");
  if (options.acquire_timeout_ms < 1) {
    return Status::invalid_argument("postgres: acquire_timeout_ms must be at least 1");
  }
  {
    // The pool's connections prepare statements over the tables, so the schema comes first, on
    // a connection of its own.
    KINDRED_ASSIGN_OR_RETURN(auto conn, pg::Connection::open(options.conninfo, {}));
    KINDRED_RETURN_IF_ERROR(pg::migrate(*conn));
  }
  return std::unique_ptr<Store>(std::make_unique<PostgresStore>(options));
}

}  // namespace kindred::store
