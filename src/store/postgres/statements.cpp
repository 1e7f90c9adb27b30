#include "store/postgres/statements.h"

#include <iterator>
#include <string>

#include "store/store.h"

namespace kindred::store::pg {
namespace {

// The write statement (see its comment in store_statements). Lists that keep no count
// (store::is_counted) move no count rows and are never summed.
const std::string& write_sql() {
  static_assert(std::size(kUncountedAssocTypes) > 0, "the counted step's NOT IN () needs a type");
  static const std::string kSql = [] {
    std::string uncounted;
    for (AssocType t : kUncountedAssocTypes) {
      if (!uncounted.empty()) uncounted += ", ";
      uncounted += std::to_string(static_cast<int>(t));
    }
    return std::string(
               "WITH locks AS (SELECT count(pg_advisory_xact_lock(k)) AS n"
               "   FROM unnest($15::bigint[]) AS k),"
               // Each list a count condition or the caller asks about, with its count in the
               // snapshot: summed once however many rows use it.
               " lists AS MATERIALIZED (SELECT l.f, l.t, (SELECT coalesce(sum(n.count), 0)"
               "     FROM kindred_assoc_counts n WHERE n.from_id = l.f AND n.type = l.t) AS before"
               "   FROM (SELECT u.cf, u.ct FROM unnest($21::bigint[], $22::bigint[], $24::bigint[])"
               "       AS u(cf, ct, b) WHERE u.b <> 9223372036854775807"
               "     UNION SELECT * FROM unnest($25::bigint[], $26::bigint[])) AS l(f, t)),"
               " put AS (INSERT INTO kindred_objects (id, type, bytes)"
               "   SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])"
               "   ON CONFLICT (id, type) DO UPDATE SET bytes = EXCLUDED.bytes),"
               " unput AS (DELETE FROM kindred_objects o"
               "   USING unnest($4::bigint[], $5::bigint[]) AS u(i, t)"
               "   WHERE o.id = u.i AND o.type = u.t),"
               " added AS (INSERT INTO kindred_assocs (from_id, type, to_id, position, data)"
               "   SELECT * FROM unnest($6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],"
               "     $10::bytea[])"
               "   WHERE (SELECT n FROM locks) IS NOT NULL"
               "   ON CONFLICT (from_id, type, to_id) DO NOTHING RETURNING from_id, type, to_id),"
               " added_if AS (INSERT INTO kindred_assocs (from_id, type, to_id, position, data)"
               "   SELECT c.f, c.t, c.o, c.p, c.d FROM (SELECT u.*, dense_rank() OVER"
               "       (PARTITION BY u.cf, u.ct, u.b = 9223372036854775807 ORDER BY u.co) - 1 AS r"
               "     FROM unnest($16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[],"
               "       $20::bytea[], $21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[])"
               "       AS u(f, t, o, p, d, cf, ct, co, b)"
               "     WHERE EXISTS (SELECT 1 FROM added a"
               "       WHERE a.from_id = u.cf AND a.type = u.ct AND a.to_id = u.co)) c"
               "   WHERE c.b = 9223372036854775807 OR (SELECT s.before FROM lists s"
               "     WHERE s.f = c.cf AND s.t = c.ct) + c.r < c.b"
               "   ON CONFLICT (from_id, type, to_id) DO NOTHING RETURNING from_id, type, to_id),"
               " removed AS (DELETE FROM kindred_assocs a"
               "   USING unnest($11::bigint[], $12::bigint[], $13::bigint[]) AS u(f, t, o)"
               "   WHERE a.from_id = u.f AND a.type = u.t AND a.to_id = u.o"
               "     AND (SELECT n FROM locks) IS NOT NULL"
               "   RETURNING a.from_id, a.type, a.to_id),"
               " changed AS (SELECT 1::bigint AS kind, from_id, type, to_id FROM added"
               "   UNION ALL SELECT 1::bigint, from_id, type, to_id FROM added_if"
               "   UNION ALL SELECT -1::bigint, from_id, type, to_id FROM removed),"
               " counted AS (INSERT INTO kindred_assoc_counts (from_id, type, slot, count)"
               "   SELECT from_id, type, $14::bigint, sum(kind)::bigint FROM changed"
               "   WHERE type NOT IN (") +
           uncounted +
           ")"
           "   GROUP BY from_id, type HAVING sum(kind) <> 0 ORDER BY from_id, type"
           "   ON CONFLICT (from_id, type, slot) DO UPDATE"
           "   SET count = kindred_assoc_counts.count + EXCLUDED.count)"
           " SELECT kind, from_id, type::bigint, to_id FROM changed"
           " UNION ALL SELECT 2::bigint, d.from_id, d.type::bigint, (d.delta + s.before)::bigint"
           "   FROM (SELECT from_id, type, sum(kind) AS delta FROM changed GROUP BY from_id, type"
           "     HAVING sum(kind) <> 0) d"
           "   JOIN unnest($25::bigint[], $26::bigint[]) AS w(f, t) ON w.f = d.from_id"
           "     AND w.t = d.type"
           "   JOIN lists s ON s.f = d.from_id AND s.t = d.type";
  }();
  return kSql;
}

}  // namespace

// Every statement a connection prepares. Integer parameters are all sent as int8 (binary) and
// compared with the smallint and integer columns through PostgreSQL's cross-type operators,
// which the btree indexes serve. Ids and positions are stored with pg::to_db.
const std::vector<Statement>& store_statements() {
  static const std::vector<Statement> kStatements = {
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
      // lookup_key and get_object in one. (Under Citus the two tables are distributed by
      // different columns, so this join is not co-located: the store would run the two.)
      {"get_keyed_object",
       "SELECT k.id, o.bytes FROM kindred_keys k"
       " JOIN kindred_objects o ON o.id = k.id AND o.type = $3::bigint"
       " WHERE k.key = $1::bytea AND k.space = $2::bigint"},
      // Everything a batch (or a group of batches, see Writer) writes but its keys, in one
      // statement: object puts and deletes, edge adds and removes, and the changed lists' counts
      // (lists that keep one: store::is_counted), moved by the edges that really changed
      // (RETURNING), in one count slot ($14). One statement is atomic on its own, so a batch
      // without keys needs no BEGIN or COMMIT: one round trip. Its sub-statements share one
      // snapshot and must not touch one row twice, so callers pass each object and each edge at
      // most once (WriteSet). Returns the edges that changed: kind 1 added, -1 removed; then kind 2
      // rows, for each changed list among those asked for ($25, $26), its count after the statement
      // (in the last column): the count its snapshot saw plus the statement's own change
      // (BatchOutcome::counts_after; every sub-statement reads the snapshot, so the sum never sees
      // the upsert). Each list asked about or under a count condition is summed once (`lists`): a
      // like's post was summed twice. Conditional adds
      // ($16-$24, Batch::add_assoc_if_added) are inserted only where their condition's edge is
      // among those `added` inserted and, with a count condition ($24 below the largest bigint),
      // where the condition's list held fewer edges in the statement's snapshot, plus one for each
      // other condition edge of the list ranked ahead of it in the statement (several batches'
      // likes of one post, grouped). Unconditional adds to the list in the same statement (a
      // self-like, a like from a node that knows the post past the line) are not ranked: a few more
      // may pass.
      //
      // Before any edge is touched, the statement takes a transaction advisory lock for each pair
      // of accounts or things that one of its batches joins by two or more edges ($15, sorted:
      // WriteSet::pair_lock), through the `locks` CTE that both edge sub-statements wait on.
      // Without it a batch adding both directions of a like could meet one removing them between
      // its two rows, and add one direction only (read committed takes each row's latest state);
      // the conformance test CountsStayExactUnderEightThreadsAddingAndRemoving saw it in one run
      // in five. Only such pairs: every lock lives in PostgreSQL's shared lock table until commit.
      {"write", write_sql().c_str()},
      // The grouped forms of get_keyed_object, get_object, assoc_counts and assocs_exist: one
      // statement answers every call of a group (CallGroups), each by its place in the arrays
      // (`i`, from 1). The generic plans are nested loops over the arrays with an index scan each.
      {"get_keyed_objects",
       "SELECT q.i, k.id, o.bytes FROM unnest($1::bytea[], $2::bigint[], $3::bigint[])"
       " WITH ORDINALITY AS q(key, space, type, i)"
       " JOIN kindred_keys k ON k.key = q.key AND k.space = q.space"
       " JOIN kindred_objects o ON o.id = k.id AND o.type = q.type"},
      {"get_objects_of",
       "SELECT q.i, o.bytes FROM unnest($1::bigint[], $2::bigint[])"
       " WITH ORDINALITY AS q(id, type, i)"
       " JOIN kindred_objects o ON o.id = q.id AND o.type = q.type"},
      {"assoc_counts_of",
       "SELECT q.i, (SELECT coalesce(sum(c.count), 0) FROM kindred_assoc_counts c"
       "   WHERE c.from_id = q.f AND c.type = q.t)::bigint"
       " FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS q(f, t, i)"},
      {"assocs_exist_of",
       "SELECT q.i FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])"
       " WITH ORDINALITY AS q(f, t, o, i),"
       " LATERAL (SELECT 1 FROM kindred_assocs a"
       "   WHERE a.from_id = q.f AND a.type = q.t AND a.to_id = q.o LIMIT 1) e"},
      {"get_assoc",
       "SELECT position, data FROM kindred_assocs WHERE from_id = $1::bigint"
       " AND type = $2::bigint AND to_id = $3::bigint"},
      // One primary-key probe per edge asked about (LATERAL ... LIMIT 1 keeps the planner from
      // joining instead): the generic plan of "to_id = ANY($3)" walked the whole list and
      // filtered, which for a post liked a million times is a million index entries.
      {"assocs_exist",
       "SELECT u.o FROM unnest($3::bigint[]) AS u(o), LATERAL (SELECT 1 FROM kindred_assocs a"
       " WHERE a.from_id = $1::bigint AND a.type = $2::bigint AND a.to_id = u.o LIMIT 1) e"},
      {"assoc_count",
       "SELECT coalesce(sum(count), 0)::bigint FROM kindred_assoc_counts"
       " WHERE from_id = $1::bigint AND type = $2::bigint"},
      // The lists' froms and types as two sets: the rows of every pair are read (an index scan
      // with array keys) and the caller keeps the pairs it asked for. Cheaper to plan and run
      // than a join with the exact pairs (28 against 53 us a call, measured with
      // pg_stat_statements in the like storm), and a page asks about few froms and types.
      {"assoc_counts",
       "SELECT from_id, type::bigint, sum(count)::bigint FROM kindred_assoc_counts"
       " WHERE from_id = ANY($1::bigint[]) AND type = ANY($2::bigint[]) GROUP BY from_id, type"},
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

}  // namespace kindred::store::pg
