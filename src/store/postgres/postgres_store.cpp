#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/postgres/migrations.h"
#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pool.h"

namespace kindred::store {
namespace {

using pg::Params;
using pg::to_db;

// Every statement a connection prepares. Integer parameters are all sent as int8 (binary) and
// compared with the smallint and integer columns through PostgreSQL's cross-type operators,
// which the btree indexes serve. Ids and positions are stored with pg::to_db.
const std::vector<pg::Statement>& statements() {
  static const std::vector<pg::Statement> kStatements = {
      // Locks the batch's edges (hashes, sorted by the caller) until the transaction ends.
      {"lock_edges", "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k"},
      {"put_object",
       "INSERT INTO kindred_objects (id, type, bytes) VALUES ($1::bigint, $2::bigint, $3::bytea)"
       " ON CONFLICT (id, type) DO UPDATE SET bytes = EXCLUDED.bytes"},
      {"delete_object", "DELETE FROM kindred_objects WHERE id = $1::bigint AND type = $2::bigint"},
      {"get_object",
       "SELECT bytes FROM kindred_objects WHERE id = $1::bigint AND type = $2::bigint"},
      {"get_objects",
       "SELECT id, bytes FROM kindred_objects WHERE id = ANY($1::bigint[]) AND type = $2::bigint"},
      // Walks the primary key (id, type) down from the top; start-up only (app/instance.cpp).
      {"max_object_id",
       "SELECT id FROM kindred_objects WHERE type = $1::bigint ORDER BY id DESC LIMIT 1"},
      // Returns the id the key names after the claim: ours, or the other id it already named.
      {"claim_key",
       "INSERT INTO kindred_keys (key, space, id) VALUES ($1::bytea, $2::bigint, $3::bigint)"
       " ON CONFLICT (key, space) DO UPDATE SET id = kindred_keys.id RETURNING id"},
      {"release_key", "DELETE FROM kindred_keys WHERE key = $1::bytea AND space = $2::bigint"},
      {"lookup_key", "SELECT id FROM kindred_keys WHERE key = $1::bytea AND space = $2::bigint"},
      {"add_edge",
       "INSERT INTO kindred_assocs (from_id, type, to_id, position, data)"
       " VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bytea)"
       " ON CONFLICT (from_id, type, to_id) DO NOTHING"},
      {"remove_edge",
       "DELETE FROM kindred_assocs WHERE from_id = $1::bigint AND type = $2::bigint"
       " AND to_id = $3::bigint"},
      // Count deltas of the lists a batch changed, in (from_id, type) order, so two transactions
      // lock shared count rows in one order. Slot 0 only in this slice: a hot list's writers
      // queue on its one row from this statement to their commit. Spreading them over slots
      // (the schema sums slots already) is the next slice (docs/SCALING.md).
      {"add_counts",
       "INSERT INTO kindred_assoc_counts (from_id, type, slot, count)"
       " SELECT f, t, 0, d FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(f, t, d)"
       " ON CONFLICT (from_id, type, slot) DO UPDATE"
       " SET count = kindred_assoc_counts.count + EXCLUDED.count"},
      {"get_assoc",
       "SELECT position, data FROM kindred_assocs WHERE from_id = $1::bigint"
       " AND type = $2::bigint AND to_id = $3::bigint"},
      {"assocs_exist",
       "SELECT to_id FROM kindred_assocs WHERE from_id = $1::bigint AND type = $2::bigint"
       " AND to_id = ANY($3::bigint[])"},
      {"assoc_count",
       "SELECT coalesce(sum(count), 0)::bigint FROM kindred_assoc_counts"
       " WHERE from_id = $1::bigint AND type = $2::bigint"},
      {"assoc_counts",
       "SELECT c.from_id, c.type::bigint, sum(c.count)::bigint FROM kindred_assoc_counts c"
       " JOIN (SELECT DISTINCT f, t FROM unnest($1::bigint[], $2::bigint[]) AS u(f, t)) q"
       " ON c.from_id = q.f AND c.type = q.t GROUP BY c.from_id, c.type"},
      // Positions between two inclusive bounds; newest first is the index's forward order.
      {"range_newest",
       "SELECT to_id, position, data FROM kindred_assocs WHERE from_id = $1::bigint"
       " AND type = $2::bigint AND position BETWEEN $3::bigint AND $4::bigint"
       " ORDER BY position DESC, to_id ASC LIMIT $5::bigint"},
      {"range_oldest",
       "SELECT to_id, position, data FROM kindred_assocs WHERE from_id = $1::bigint"
       " AND type = $2::bigint AND position BETWEEN $3::bigint AND $4::bigint"
       " ORDER BY position ASC, to_id DESC LIMIT $5::bigint"},
  };
  return kStatements;
}

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
  return Status::ok();
}

// The advisory lock key of one edge: a 64-bit mix of (from, type, to). Two edges that share a
// key only wait for each other needlessly.
int64_t edge_lock_key(Id from, AssocType type, Id to) {
  uint64_t h = from.value * 0x9e3779b97f4a7c15ULL;
  h ^= (h >> 29) ^ (static_cast<uint64_t>(type) * 0xbf58476d1ce4e5b9ULL);
  h = (h ^ to.value) * 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return static_cast<int64_t>(h);
}

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
      : pool_(options.conninfo, statements(), options.max_connections) {}
  ~PostgresStore() override { pool_.close(); }

  Result<BatchOutcome> apply(const Batch& batch) override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_RETURN_IF_ERROR(check_ids(batch));
    BatchOutcome outcome;
    outcome.assoc_added.assign(batch.assoc_adds.size(), false);
    outcome.assoc_removed.assign(batch.assoc_removes.size(), false);
    if (batch.empty()) return outcome;
    for (int attempt = 1;; ++attempt) {
      Status s = apply_once(*conn, batch, outcome);
      if (s.is_ok()) return outcome;
      const bool retry = pg::is_retryable(conn->last_sqlstate()) && conn->is_ok();
      if (conn->is_ok() && conn->in_transaction()) (void)conn->exec("ROLLBACK");
      if (!retry || attempt == kTransactionAttempts) return s;
    }
  }

  Result<std::string> get_object(ObjectType type, Id id) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_ASSIGN_OR_RETURN(
        auto rows, conn->run("get_object", Params().int8(to_db(id.value)).int8(type_of(type))));
    if (rows.count() == 0) return Status::not_found("no such object");
    return std::string(rows.bytes(0, 0));
  }

  Result<std::vector<std::optional<std::string>>> get_objects(
      ObjectType type, const std::vector<Id>& ids) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    std::vector<std::optional<std::string>> out(ids.size());
    if (ids.empty()) return out;
    KINDRED_ASSIGN_OR_RETURN(
        auto rows, conn->run("get_objects", Params().int8_array(db_ids(ids)).int8(type_of(type))));
    std::unordered_map<uint64_t, std::string_view> found;
    for (int r = 0; r < rows.count(); ++r) found[pg::from_db(rows.int8(r, 0))] = rows.bytes(r, 1);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (auto it = found.find(ids[i].value); it != found.end()) out[i] = std::string(it->second);
    }
    return out;
  }

  Result<Id> lookup_key(KeyspaceType space, std::string_view key) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_ASSIGN_OR_RETURN(auto rows,
                             conn->run("lookup_key", Params().bytes(key).int8(type_of(space))));
    if (rows.count() == 0) return Status::not_found("no such key");
    return Id(pg::from_db(rows.int8(0, 0)));
  }

  Result<Assoc> get_assoc(Id from, AssocType type, Id to) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_ASSIGN_OR_RETURN(auto rows, conn->run("get_assoc", edge_params(from, type, to)));
    if (rows.count() == 0) return Status::not_found("no such association");
    return Assoc{from, type, to, Id(pg::from_db(rows.int8(0, 0))), std::string(rows.bytes(0, 1))};
  }

  Result<bool> assoc_exists(Id from, AssocType type, Id to) const override {
    KINDRED_ASSIGN_OR_RETURN(auto exist, assocs_exist(from, type, {to}));
    return bool(exist[0]);
  }

  Result<std::vector<bool>> assocs_exist(Id from, AssocType type,
                                         const std::vector<Id>& tos) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    std::vector<bool> out(tos.size(), false);
    if (tos.empty()) return out;
    KINDRED_ASSIGN_OR_RETURN(
        auto rows,
        conn->run("assocs_exist",
                  Params().int8(to_db(from.value)).int8(type_of(type)).int8_array(db_ids(tos))));
    std::unordered_map<uint64_t, bool> found;
    for (int r = 0; r < rows.count(); ++r) found[pg::from_db(rows.int8(r, 0))] = true;
    for (size_t i = 0; i < tos.size(); ++i) out[i] = found.count(tos[i].value) > 0;
    return out;
  }

  Result<int64_t> assoc_count(Id from, AssocType type) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_ASSIGN_OR_RETURN(
        auto rows, conn->run("assoc_count", Params().int8(to_db(from.value)).int8(type_of(type))));
    return rows.int8(0, 0);
  }

  Result<std::vector<int64_t>> assoc_counts(
      const std::vector<std::pair<Id, AssocType>>& lists) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    std::vector<int64_t> out(lists.size(), 0);
    if (lists.empty()) return out;
    std::vector<int64_t> froms, types;
    for (const auto& [from, type] : lists) {
      froms.push_back(to_db(from.value));
      types.push_back(type_of(type));
    }
    KINDRED_ASSIGN_OR_RETURN(
        auto rows, conn->run("assoc_counts", Params().int8_array(froms).int8_array(types)));
    std::map<std::pair<int64_t, int64_t>, int64_t> found;
    for (int r = 0; r < rows.count(); ++r) {
      found[{rows.int8(r, 0), rows.int8(r, 1)}] = rows.int8(r, 2);
    }
    for (size_t i = 0; i < lists.size(); ++i) {
      if (auto it = found.find({froms[i], types[i]}); it != found.end()) out[i] = it->second;
    }
    return out;
  }

  Result<RangePage> assoc_range(Id from, AssocType type, const RangeQuery& q) const override {
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    RangePage page;
    // Exclusive bounds become inclusive ones; nothing lies above the largest id.
    constexpr uint64_t kMaxId = std::numeric_limits<uint64_t>::max();
    if (q.min_position.value == kMaxId) return page;
    const int64_t low = to_db(q.min_position.value) + (q.min_position.is_none() ? 0 : 1);
    const int64_t high = q.max_position.is_none() ? to_db(kMaxId) : to_db(q.max_position.value) - 1;
    const auto limit = static_cast<int64_t>(std::min<size_t>(q.limit, INT64_MAX - 1));
    KINDRED_ASSIGN_OR_RETURN(auto rows, conn->run(q.oldest_first ? "range_oldest" : "range_newest",
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
    KINDRED_ASSIGN_OR_RETURN(auto conn, pool_.acquire());
    KINDRED_ASSIGN_OR_RETURN(auto rows, conn->run("max_object_id", Params().int8(type_of(type))));
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
    pool_.close();
    return Status::ok();
  }

 private:
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

  // One run of `batch` as one transaction, in Batch's documented order. Fills `outcome`.
  static Status apply_once(pg::Connection& conn, const Batch& batch, BatchOutcome& outcome) {
    KINDRED_ASSIGN_OR_RETURN(auto begun, conn.exec("BEGIN"));
    (void)begun;
    // Every edge the batch adds or removes is locked first, in one order, until commit, as the
    // RocksDB store's striped locks do. Under READ COMMITTED each statement sees what has
    // committed when it starts; without these locks a batch removing both directions of a like
    // could run between the two statements of a batch adding them and remove only one.
    // Taken before any row lock (keys, objects, counts: each kind in key order), so batches
    // wait for each other in one order and do not deadlock.
    std::vector<int64_t> locks;
    for (const auto& a : batch.assoc_adds) {
      locks.push_back(edge_lock_key(a.assoc.from, a.assoc.type, a.assoc.to));
    }
    for (const auto& r : batch.assoc_removes) locks.push_back(edge_lock_key(r.from, r.type, r.to));
    std::sort(locks.begin(), locks.end());
    locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
    if (!locks.empty()) {
      KINDRED_ASSIGN_OR_RETURN(auto locked, conn.run("lock_edges", Params().int8_array(locks)));
      (void)locked;
    }
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
    const auto by_object = [](const auto& o) { return std::make_pair(o.id, type_of(o.type)); };
    for (size_t i : sorted_order(batch.object_puts, by_object)) {
      const auto& p = batch.object_puts[i];
      KINDRED_ASSIGN_OR_RETURN(
          auto rows,
          conn.run("put_object",
                   Params().int8(to_db(p.id.value)).int8(type_of(p.type)).bytes(p.bytes)));
      (void)rows;
    }
    for (size_t i : sorted_order(batch.object_deletes, by_object)) {
      const auto& d = batch.object_deletes[i];
      KINDRED_ASSIGN_OR_RETURN(
          auto rows,
          conn.run("delete_object", Params().int8(to_db(d.id.value)).int8(type_of(d.type))));
      (void)rows;
    }
    // Count deltas by list, applied last, in list order, once the edges are settled: the count
    // rows (the contended ones) are locked for as short a time as the transaction allows.
    std::map<std::pair<uint64_t, int64_t>, int64_t> deltas;
    const auto by_edge = [](const auto& e) {
      return std::make_tuple(e.from, type_of(e.type), e.to);
    };
    const auto by_add = [&](const Batch::AssocAdd& a) { return by_edge(a.assoc); };
    for (size_t i : sorted_order(batch.assoc_adds, by_add)) {
      const Assoc& a = batch.assoc_adds[i].assoc;
      KINDRED_ASSIGN_OR_RETURN(
          auto rows,
          conn.run("add_edge",
                   edge_params(a.from, a.type, a.to).int8(to_db(a.position.value)).bytes(a.data)));
      outcome.assoc_added[i] = rows.affected() == 1;
      if (outcome.assoc_added[i]) ++deltas[{a.from.value, type_of(a.type)}];
    }
    for (size_t i : sorted_order(batch.assoc_removes, by_edge)) {
      const auto& r = batch.assoc_removes[i];
      KINDRED_ASSIGN_OR_RETURN(auto rows,
                               conn.run("remove_edge", edge_params(r.from, r.type, r.to)));
      outcome.assoc_removed[i] = rows.affected() == 1;
      if (outcome.assoc_removed[i]) --deltas[{r.from.value, type_of(r.type)}];
    }
    std::vector<int64_t> froms, types, amounts;
    for (const auto& [list, delta] : deltas) {
      if (delta == 0) continue;
      froms.push_back(to_db(list.first));
      types.push_back(list.second);
      amounts.push_back(delta);
    }
    if (!froms.empty()) {
      KINDRED_ASSIGN_OR_RETURN(
          auto rows,
          conn.run("add_counts", Params().int8_array(froms).int8_array(types).int8_array(amounts)));
      (void)rows;
    }
    KINDRED_ASSIGN_OR_RETURN(auto committed, conn.exec("COMMIT"));
    (void)committed;
    return Status::ok();
  }

  mutable pg::Pool pool_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const PostgresOptions& options) {
  if (options.conninfo.empty()) return Status::invalid_argument("postgres: no connection string");
  if (options.max_connections < 1) {
    return Status::invalid_argument("postgres: max_connections must be at least 1");
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
