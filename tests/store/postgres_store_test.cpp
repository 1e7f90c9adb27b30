// The PostgreSQL backend: the conformance suite against a throwaway cluster (support/pg_cluster.h),
// plus what only a shared database has: several stores, as several nodes would, writing the same
// edges at once.

#include "store/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/statements.h"
#include "store/rocksdb/rocksdb_store.h"
#include "store/store_conformance.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace {

using kindred::Id;
using kindred::Result;
using kindred::StatusCode;
using kindred::store::Assoc;
using kindred::store::AssocType;
using kindred::store::Batch;
using kindred::store::ObjectType;
using kindred::store::open_postgres_store;
using kindred::store::PostgresOptions;
using kindred::store::RangeQuery;
using kindred::testing::PgCluster;
using kindred::testing::StoreBackend;
using kindred::testing::StoreHarness;

const ::testing::Environment* const kPgEnvironment =
    ::testing::AddGlobalTestEnvironment(new kindred::testing::PgClusterEnvironment);

// A fresh database in the binary's cluster.
Result<std::string> fresh_database() {
  KINDRED_ASSIGN_OR_RETURN(PgCluster * cluster, PgCluster::shared());
  return cluster->create_database();
}

class PostgresHarness final : public StoreHarness {
 public:
  Result<std::unique_ptr<kindred::store::Store>> open() override {
    if (conninfo_.empty()) {
      KINDRED_ASSIGN_OR_RETURN(conninfo_, fresh_database());
    }
    return open_postgres_store(PostgresOptions{conninfo_, 8});
  }

 private:
  std::string conninfo_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, Store,
                         ::testing::Values(StoreBackend{
                             "Postgres", [] { return std::make_unique<PostgresHarness>(); }}),
                         kindred::testing::backend_name);

// Two stores on one database (two nodes), four threads each, liking and unliking one hot post
// with an overlapping set of accounts: every edge is counted once, whichever store added it,
// and each store reads the same exact count.
TEST(PostgresStore, TwoStoresWritingTheSameEdgesAtOnceKeepCountsExact) {
  auto conninfo = fresh_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  auto a = open_postgres_store(PostgresOptions{*conninfo, 4});
  auto b = open_postgres_store(PostgresOptions{*conninfo, 4});
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  ASSERT_TRUE(b.has_value()) << b.error().to_string();
  kindred::store::Store* stores[] = {a->get(), b->get()};
  constexpr int kThreadsPerStore = 4;
  constexpr uint64_t kAccounts = 40;
  constexpr int kRounds = 3;
  const Id post(9000);
  std::atomic<int64_t> net{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < 2; ++s) {
    for (int t = 0; t < kThreadsPerStore; ++t) {
      threads.emplace_back([&, s, t] {
        int64_t mine = 0;
        for (int round = 0; round < kRounds; ++round) {
          for (uint64_t k = 0; k < kAccounts; ++k) {
            // Every thread likes every account's edge (the same edges at once), and the odd
            // threads also unlike some, so adds and removes of one edge race.
            const Id account((k + static_cast<uint64_t>(t)) % kAccounts + 1);
            Batch batch;
            const bool remove = t % 2 == 1 && k % 3 == 0;
            if (remove) {
              batch.remove_assoc(post, AssocType::kFavouritedBy, account);
              batch.remove_assoc(account, AssocType::kBookmarks, post);
            } else {
              batch.add_assoc(Assoc{post, AssocType::kFavouritedBy, account, account, ""});
              batch.add_assoc(Assoc{account, AssocType::kBookmarks, post, account, ""});
            }
            auto r = stores[s]->apply(batch);
            if (!r.has_value()) {
              ADD_FAILURE() << r.error().to_string();
              ++failures;
              continue;
            }
            const auto& flags = remove ? r->assoc_removed : r->assoc_added;
            if (flags[0] != flags[1]) ++failures;
            mine += flags[0] ? (remove ? -1 : 1) : 0;
          }
        }
        net += mine;
      });
    }
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  RangeQuery all;
  all.limit = 1000;
  auto page = stores[0]->assoc_range(post, AssocType::kFavouritedBy, all);
  ASSERT_TRUE(page.has_value());
  for (auto* store : stores) {
    EXPECT_EQ(*store->assoc_count(post, AssocType::kFavouritedBy), net.load());
    EXPECT_EQ(*store->assoc_count(post, AssocType::kFavouritedBy),
              static_cast<int64_t>(page->items.size()));
  }
  for (uint64_t k = 1; k <= kAccounts; ++k) {
    const bool liked = *stores[1]->assoc_exists(post, AssocType::kFavouritedBy, Id(k));
    EXPECT_EQ(*stores[0]->assoc_count(Id(k), AssocType::kBookmarks), liked ? 1 : 0) << k;
  }
}

// The write statement answers each changed list's count after it (BatchOutcome::counts_after):
// its own slot's new count plus the list's other slots, which two stores (two nodes) writing in
// turn fill. A list the batch left unchanged is not named.
TEST(PostgresStore, AWriteAnswersTheCountsOfTheListsItChanged) {
  auto conninfo = fresh_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  auto a = open_postgres_store(PostgresOptions{*conninfo, 4});
  auto b = open_postgres_store(PostgresOptions{*conninfo, 4});
  ASSERT_TRUE(a.has_value() && b.has_value());
  kindred::store::Store* stores[] = {a->get(), b->get()};
  const Id post(500), author(9);
  // The count after the write of `list` in `outcome`, or -1 when not named.
  const auto after = [](const kindred::store::BatchOutcome& outcome, Id from, AssocType type) {
    for (const auto& c : outcome.counts_after)
      if (c.from == from && c.type == type) return c.count;
    return int64_t{-1};
  };
  for (uint64_t liker = 1; liker <= 12; ++liker) {
    Batch like;
    like.add_assoc(Assoc{post, AssocType::kFavouritedBy, Id(liker), Id(1000 + liker), ""});
    like.add_assoc(Assoc{Id(liker), AssocType::kBookmarks, post, Id(1000 + liker), ""});
    like.add_assoc(Assoc{Id(liker), AssocType::kFavourites, post, Id(1000 + liker), ""});
    like.add_assoc_if_added(
        Assoc{author, AssocType::kRequestNotifications, Id(1000 + liker), Id(1000 + liker), "n"}, 0,
        5);
    auto outcome = stores[liker % 2]->apply(like);
    ASSERT_TRUE(outcome.has_value()) << outcome.status().to_string();
    EXPECT_EQ(after(*outcome, post, AssocType::kFavouritedBy), static_cast<int64_t>(liker));
    EXPECT_EQ(after(*outcome, Id(liker), AssocType::kBookmarks), 1);
    EXPECT_EQ(after(*outcome, Id(liker), AssocType::kFavourites), -1)
        << "a list that keeps no count";
    // The notification list moved for the first five likes only.
    EXPECT_EQ(after(*outcome, author, AssocType::kRequestNotifications),
              liker <= 5 ? static_cast<int64_t>(liker) : -1);
    EXPECT_EQ(*stores[(liker + 1) % 2]->assoc_count(post, AssocType::kFavouritedBy),
              static_cast<int64_t>(liker));
  }
  // Liking again changes nothing, so no count is named.
  Batch again;
  again.add_assoc(Assoc{post, AssocType::kFavouritedBy, Id(3), Id(2000), ""});
  auto repeated = stores[0]->apply(again);
  ASSERT_TRUE(repeated.has_value());
  EXPECT_TRUE(repeated->counts_after.empty());
  // An unlike names the count it left.
  Batch unlike;
  unlike.remove_assoc(post, AssocType::kFavouritedBy, Id(3));
  auto removed = stores[1]->apply(unlike);
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(after(*removed, post, AssocType::kFavouritedBy), 11);
  // A batch of more edges than BatchOutcome::kMaxCountedBatchEdges (a fan-out) is told none.
  Batch fanout;
  for (uint64_t f = 1; f <= kindred::store::BatchOutcome::kMaxCountedBatchEdges + 1; ++f)
    fanout.add_assoc(Assoc{Id(f), AssocType::kHomeFeed, post, post, ""});
  auto spread = stores[0]->apply(fanout);
  ASSERT_TRUE(spread.has_value());
  EXPECT_TRUE(spread->counts_after.empty());
  EXPECT_EQ(*stores[1]->assoc_count(Id(17), AssocType::kHomeFeed), 1);
}

// Opening stores on one fresh database at once applies the schema once; all of them work.
TEST(PostgresStore, StoresOpeningOneNewDatabaseAtOnceMigrateItOnce) {
  auto conninfo = fresh_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  constexpr int kStores = 4;
  std::vector<std::unique_ptr<kindred::store::Store>> stores(kStores);
  std::vector<std::string> errors(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      auto s = open_postgres_store(PostgresOptions{*conninfo, 2});
      if (s.has_value()) {
        stores[static_cast<size_t>(i)] = std::move(s).value();
      } else {
        errors[static_cast<size_t>(i)] = s.error().to_string();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < kStores; ++i) {
    ASSERT_NE(stores[static_cast<size_t>(i)], nullptr) << errors[static_cast<size_t>(i)];
    Batch b;
    b.add_assoc(Assoc{Id(1), AssocType::kFollows, Id(100 + static_cast<uint64_t>(i)), Id(5), ""});
    ASSERT_TRUE(stores[static_cast<size_t>(i)]->apply(b).has_value());
  }
  EXPECT_EQ(*stores[0]->assoc_count(Id(1), AssocType::kFollows), kStores);
}

// A node whose connections the server ends (a restart, a failover, an administrator): a read
// that finds its connection gone is sent again on a new one and answers; a write that finds one
// gone answers Unavailable (it is not sent twice: the caller retries, with its idempotency key),
// and none of the other idle connections, all gone too, is handed out again.
TEST(PostgresStore, ConnectionsTheServerEndsAreReplaced) {
  auto cluster = PgCluster::shared();
  ASSERT_TRUE(cluster.has_value()) << cluster.error().to_string();
  auto conninfo = (*cluster)->create_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  auto store = open_postgres_store(PostgresOptions{*conninfo, 4});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  Batch b;
  b.add_assoc(Assoc{Id(1), AssocType::kFollows, Id(2), Id(10), ""});
  ASSERT_TRUE((*store)->apply(b).has_value());
  // Four connections open and idle.
  {
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i) {
      readers.emplace_back([&] {
        for (int k = 0; k < 50; ++k)
          ASSERT_TRUE((*store)->assoc_count(Id(1), AssocType::kFollows).has_value());
      });
    }
    for (auto& t : readers) t.join();
  }
  const auto end_all = [&] {
    return (*cluster)->psql(*conninfo,
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  };
  ASSERT_TRUE(end_all().is_ok());
  for (int i = 0; i < 6; ++i) {
    auto n = (*store)->assoc_count(Id(1), AssocType::kFollows);
    ASSERT_TRUE(n.has_value()) << "read " << i << ": " << n.error().to_string();
    EXPECT_EQ(*n, 1);
  }

  ASSERT_TRUE(end_all().is_ok());
  Batch more;
  more.add_assoc(Assoc{Id(1), AssocType::kFollows, Id(3), Id(11), ""});
  auto first = (*store)->apply(more);
  if (!first.has_value()) {
    EXPECT_EQ(first.error().code(), StatusCode::kUnavailable) << first.error().to_string();
    first = (*store)->apply(more);
  }
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  EXPECT_EQ(*(*store)->assoc_count(Id(1), AssocType::kFollows), 2);
}

// Many threads reading at once through two connections: their reads of one kind (objects, keyed
// objects, edges, counts) wait behind each other and go as one statement (CallGroups),
// present and absent alike, and each call gets its own answer. Ranges, read among them, are not
// grouped (grouping them moved no storm; docs/SCALING.md).
TEST(PostgresStore, ConcurrentReadsSharingAStatementEachGetTheirOwnAnswer) {
  auto conninfo = fresh_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  auto store = open_postgres_store(PostgresOptions{*conninfo, 2});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  constexpr int kItems = 120;
  // Item i: a status if i is even; an account named "user<i>" unless i % 3 == 0, claimed by key
  // when i % 4 != 0 (a key naming an account that is not there reads as absent); i % 5 follows.
  for (int i = 1; i <= kItems; ++i) {
    Batch b;
    if (i % 2 == 0) b.put_object(ObjectType::kStatus, Id(i), "status " + std::to_string(i));
    if (i % 3 != 0) b.put_object(ObjectType::kAccount, Id(i), "account " + std::to_string(i));
    if (i % 4 != 0)
      b.claim_key(kindred::store::KeyspaceType::kUsername, "user" + std::to_string(i), Id(i));
    for (int f = 0; f < i % 5; ++f) {
      b.add_assoc(Assoc{Id(i), AssocType::kFollows, Id(1000 + f), Id(10 + f), ""});
    }
    ASSERT_TRUE((*store)->apply(b).has_value());
  }
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 300; ++n) {
        const int i = 1 + (n * 7 + t * 13) % kItems;
        const int j = 1 + (i * 11) % kItems;
        switch (n % 5) {
          case 0: {
            auto got = (*store)->get_object(ObjectType::kStatus, Id(i));
            if (got.has_value() ? (i % 2 != 0 || *got != "status " + std::to_string(i))
                                : (i % 2 == 0 || !got.error().is_not_found()))
              ++wrong;
            break;
          }
          case 1: {
            auto got = (*store)->get_keyed_object(kindred::store::KeyspaceType::kUsername,
                                                  "user" + std::to_string(i), ObjectType::kAccount);
            const bool there = i % 4 != 0 && i % 3 != 0;
            if (got.has_value()
                    ? (!there || got->id != Id(i) || got->bytes != "account " + std::to_string(i))
                    : (there || !got.error().is_not_found()))
              ++wrong;
            break;
          }
          case 2: {
            // i follows 1000 .. 1000 + i % 5 - 1.
            auto got =
                (*store)->assocs_exist(Id(i), AssocType::kFollows, {Id(1003), Id(1000), Id(7)});
            if (!got.has_value()) {
              ++failed;
            } else if (*got != std::vector<bool>{i % 5 > 3, i % 5 > 0, false}) {
              ++wrong;
            }
            break;
          }
          case 3: {
            // i's follows, newest first or oldest first, two at a time from a bound.
            RangeQuery q;
            q.limit = 2;
            q.oldest_first = n % 2 == 0;
            if (q.oldest_first)
              q.min_position = Id(10);
            else
              q.max_position = Id(14);
            auto got = (*store)->assoc_range(Id(i), AssocType::kFollows, q);
            // Positions 10 .. 10 + i % 5 - 1: oldest first from above 10 (11, 12, ...), newest
            // first from below 14 (13, 12, ...).
            std::vector<uint64_t> want;
            const int count = i % 5;
            if (q.oldest_first) {
              for (int p = 11; p < 10 + count && want.size() < 2; ++p)
                want.push_back(static_cast<uint64_t>(p));
            } else {
              for (int p = std::min(13, 10 + count - 1); p >= 10 && want.size() < 2; --p)
                want.push_back(static_cast<uint64_t>(p));
            }
            const size_t beyond = q.oldest_first ? static_cast<size_t>(std::max(0, count - 1))
                                                 : static_cast<size_t>(std::min(count, 4));
            if (!got.has_value()) {
              ++failed;
              break;
            }
            std::vector<uint64_t> positions;
            for (const auto& a : got->items) {
              positions.push_back(a.position.value);
              if (a.from != Id(i) || a.to.value != 1000 + a.position.value - 10) ++wrong;
            }
            if (positions != want || got->more != (beyond > 2)) ++wrong;
            break;
          }
          default: {
            auto got = (*store)->assoc_counts({{Id(i), AssocType::kFollows},
                                               {Id(j), AssocType::kFollows},
                                               {Id(i), AssocType::kBlocks}});
            if (!got.has_value()) {
              ++failed;
            } else if (*got != std::vector<int64_t>{i % 5, j % 5, 0}) {
              ++wrong;
            }
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(failed.load(), 0);
}

// Every statement the store prepares, on its one generic plan, finds rows through an index, on a
// database whose statistics show one long list (20,000 likes of one post) beside short ones: a
// generic plan is chosen once for every list, so it must not walk a list to find one edge.
// ("to_id = ANY($3)" did: a check of one like walked all of a post's likes.)
TEST(PgConnection, EveryStatementsGenericPlanFindsRowsByIndex) {
  auto conninfo = fresh_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  {
    auto store = open_postgres_store(PostgresOptions{*conninfo, 2});
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    for (int chunk = 0; chunk < 20; ++chunk) {
      Batch b;
      for (int k = 0; k < 1000; ++k) {
        const uint64_t who = 10'000 + static_cast<uint64_t>(chunk * 1000 + k);
        b.add_assoc(Assoc{Id(1), AssocType::kFavouritedBy, Id(who), Id(who), ""});
      }
      ASSERT_TRUE((*store)->apply(b).has_value());
    }
    // Many objects, keys and lists with a count each, so that no table is small enough to be
    // read whole.
    for (int chunk = 0; chunk < 20; ++chunk) {
      Batch b;
      for (int k = 0; k < 1000; ++k) {
        const uint64_t id = 100'000 + static_cast<uint64_t>(chunk * 1000 + k);
        b.put_object(ObjectType::kAccount, Id(id), "someone");
        b.add_assoc(Assoc{Id(id), AssocType::kFollows, Id(1), Id(id), ""});
        if (chunk < 10)
          b.claim_key(kindred::store::KeyspaceType::kUsername, "user" + std::to_string(id), Id(id));
      }
      ASSERT_TRUE((*store)->apply(b).has_value());
    }
    for (uint64_t post = 2; post < 200; ++post) {
      Batch b;
      b.put_object(ObjectType::kStatus, Id(post), "a post");
      b.add_assoc(Assoc{Id(post), AssocType::kFavouritedBy, Id(5), Id(5), ""});
      b.add_assoc(Assoc{Id(5), AssocType::kBookmarks, Id(post), Id(post), ""});
      ASSERT_TRUE((*store)->apply(b).has_value());
    }
  }
  namespace pg = kindred::store::pg;
  auto conn = pg::Connection::open(*conninfo, pg::store_statements());
  ASSERT_TRUE(conn.has_value()) << conn.error().to_string();
  ASSERT_TRUE((*conn)->exec("ANALYZE").has_value());
  for (const pg::Statement& st : pg::store_statements()) {
    const std::string sql = st.sql;
    int params = 0;
    for (size_t at = sql.find('$'); at != std::string::npos; at = sql.find('$', at + 1)) {
      params = std::max(params, std::atoi(sql.c_str() + at + 1));
    }
    std::string explain = "EXPLAIN EXECUTE " + std::string(st.name);
    for (int i = 1; i <= params; ++i) explain += std::string(i == 1 ? "(" : ", ") + "NULL";
    if (params > 0) explain += ")";
    auto rows = (*conn)->exec(explain);
    ASSERT_TRUE(rows.has_value()) << st.name << ": " << rows.error().to_string();
    std::string plan;
    for (int r = 0; r < rows->count(); ++r) plan += std::string(rows->bytes(r, 0)) + "\n";
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << st.name << ":\n" << plan;
    if (std::string_view(st.name).starts_with("assocs_exist")) {
      EXPECT_NE(plan.find("to_id = "), std::string::npos) << st.name << ":\n" << plan;
      EXPECT_EQ(plan.find("Filter"), std::string::npos) << st.name << ":\n" << plan;
      EXPECT_EQ(plan.find("Hash"), std::string::npos) << st.name << ":\n" << plan;
    }
  }
}

// The store's connections plan each statement once (plan_cache_mode force_generic_plan): with
// PostgreSQL's default a statement with array parameters was planned on every run, a third of
// the database's CPU in the cluster's like storm.
TEST(PgConnection, StatementsRunOnOneGenericPlan) {
  auto cluster = PgCluster::shared();
  ASSERT_TRUE(cluster.has_value()) << cluster.error().to_string();
  auto conninfo = (*cluster)->create_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  namespace pg = kindred::store::pg;
  auto conn = pg::Connection::open(
      *conninfo,
      {{"pick", "SELECT x FROM generate_series(1, 100) AS x WHERE x = ANY($1::bigint[])"}});
  ASSERT_TRUE(conn.has_value()) << conn.error().to_string();
  for (int i = 0; i < 10; ++i) {
    auto rows = (*conn)->run("pick", pg::Params().int8_array({i + 1, i + 2}));
    ASSERT_TRUE(rows.has_value()) << rows.error().to_string();
    EXPECT_EQ(rows->count(), 2);
  }
  auto plans = (*conn)->exec(
      "SELECT generic_plans::text, custom_plans::text FROM pg_prepared_statements WHERE name = "
      "'pick'");
  ASSERT_TRUE(plans.has_value()) << plans.error().to_string();
  ASSERT_EQ(plans->count(), 1);
  EXPECT_EQ(plans->bytes(0, 0), "10");
  EXPECT_EQ(plans->bytes(0, 1), "0");
}

// Every connection busy (here the only one, its statement waiting on a lock another session
// holds): a call waits for a free one at most acquire_timeout_ms, then answers Unavailable
// without sending anything; once the lock goes, the store serves again.
TEST(PostgresStore, ACallFindingEveryConnectionBusyGivesUpAfterTheWait) {
  auto cluster = PgCluster::shared();
  ASSERT_TRUE(cluster.has_value()) << cluster.error().to_string();
  auto conninfo = (*cluster)->create_database();
  ASSERT_TRUE(conninfo.has_value()) << conninfo.error().to_string();
  PostgresOptions options{*conninfo, 1};
  options.acquire_timeout_ms = 300;
  auto store = open_postgres_store(options);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  Batch b;
  b.put_object(ObjectType::kAccount, Id(1), "ann");
  ASSERT_TRUE((*store)->apply(b).has_value());

  // Waits (in the server, reading the lock table live) until a lock on kindred_objects is in
  // the state `granted`; fails after 10 s rather than hang.
  const auto wait_for_lock = [&](const char* granted) {
    ASSERT_TRUE((*cluster)
                    ->psql(*conninfo,
                           std::string("DO $$ DECLARE i int := 0; BEGIN WHILE NOT EXISTS (SELECT 1 FROM pg_locks"
                                       " WHERE relation = 'kindred_objects'::regclass AND granted = ") +
                               granted +
                               ") LOOP i := i + 1; IF i > 1000 THEN RAISE EXCEPTION 'lock not seen'; END IF;"
                               " PERFORM pg_sleep(0.01); END LOOP; END $$;")
                    .is_ok())
        << "the lock on kindred_objects never reached granted = " << granted;
  };
  std::thread locker([&] {
    EXPECT_TRUE((*cluster)
                    ->psql(*conninfo,
                           "BEGIN; LOCK TABLE kindred_objects IN ACCESS EXCLUSIVE MODE;"
                           " SELECT pg_sleep(5); COMMIT;")
                    .is_ok());
  });
  wait_for_lock("true");
  std::thread blocked([&] {
    auto held = (*store)->get_object(ObjectType::kAccount, Id(1));  // waits for the lock
    EXPECT_TRUE(held.has_value()) << held.status().to_string();
  });
  wait_for_lock("false");  // the store's one connection waits on it
  const auto start = std::chrono::steady_clock::now();
  auto waited = (*store)->assoc_count(Id(1), AssocType::kFollows);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(waited.has_value());
  EXPECT_EQ(waited.error().code(), StatusCode::kUnavailable) << waited.error().to_string();
  EXPECT_NE(waited.error().message().find("no connection came free"), std::string::npos);
  EXPECT_GE(took, std::chrono::milliseconds(250));
  locker.join();
  blocked.join();
  auto after = (*store)->get_object(ObjectType::kAccount, Id(1));
  ASSERT_TRUE(after.has_value()) << after.status().to_string();
  EXPECT_EQ(*after, "ann");
}

TEST(PostgresStore, AnEmptyConnectionStringIsInvalid) {
  EXPECT_EQ(open_postgres_store(PostgresOptions{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(PostgresStore, AZeroConnectionWaitIsInvalid) {
  PostgresOptions options{"host=/nonexistent-kindred dbname=x", 1};
  options.acquire_timeout_ms = 0;
  EXPECT_EQ(open_postgres_store(options).status().code(), StatusCode::kInvalidArgument);
}

TEST(PostgresStore, AnUnreachableServerIsUnavailable) {
  EXPECT_EQ(
      open_postgres_store(PostgresOptions{"host=/nonexistent-kindred dbname=x", 1}).status().code(),
      StatusCode::kUnavailable);
}

}  // namespace

namespace copying {

using kindred::store::copy_rocksdb_store;
using kindred::store::KeyspaceType;
using kindred::store::ObjectType;
using kindred::store::open_rocksdb_store;
using kindred::store::StoreOptions;
using kindred::testing::TempDir;

// `kindred admin copy-store`: an embedded store's objects, edges (positions and data) and keys
// arrive in PostgreSQL, which counts the edges itself; the counts match, and copying again (an
// interrupted copy finished) changes nothing.
TEST(PostgresCopy, AnEmbeddedStoreArrivesWholeAndCountsMatch) {
  TempDir dir;
  StoreOptions embedded{dir.sub("store")};
  {
    auto source = open_rocksdb_store(embedded);
    ASSERT_TRUE(source.has_value()) << source.error().to_string();
    Batch b;
    b.put_object(ObjectType::kStatus, Id(10), "a post");
    b.put_object(ObjectType::kAccount, Id(20), "an account");
    for (uint64_t liker = 100; liker < 2600; ++liker) {
      b.add_assoc({Id(10), AssocType::kFavouritedBy, Id(liker), Id(liker * 7), liker % 3 ? "" : "d"});
    }
    b.claim_key(KeyspaceType::kUsername, "ann", Id(20));
    ASSERT_TRUE((*source)->apply(b).has_value());
    Batch unlike;
    for (uint64_t liker = 100; liker < 200; ++liker) {
      unlike.remove_assoc(Id(10), AssocType::kFavouritedBy, Id(liker));
    }
    ASSERT_TRUE((*source)->apply(unlike).has_value());
    ASSERT_TRUE((*source)->close().is_ok());
  }
  auto url = fresh_database();
  ASSERT_TRUE(url.has_value()) << url.error().to_string();
  auto target = open_postgres_store(PostgresOptions{*url, 4});
  ASSERT_TRUE(target.has_value()) << target.error().to_string();
  for (int run = 0; run < 2; ++run) {
    auto report = copy_rocksdb_store(embedded, **target);
    ASSERT_TRUE(report.has_value()) << report.error().to_string();
    EXPECT_EQ(report->objects, 2u);
    EXPECT_EQ(report->edges, 2400u);
    EXPECT_EQ(report->keys, 1u);
    EXPECT_EQ(report->counts_checked, 1u);
    EXPECT_EQ(report->counts_differing, 0u);
    EXPECT_EQ(*(*target)->assoc_count(Id(10), AssocType::kFavouritedBy), 2400);
  }
  EXPECT_EQ(*(*target)->get_object(ObjectType::kStatus, Id(10)), "a post");
  EXPECT_EQ(*(*target)->lookup_key(KeyspaceType::kUsername, "ann"), Id(20));
  auto edge = (*target)->get_assoc(Id(10), AssocType::kFavouritedBy, Id(300));
  ASSERT_TRUE(edge.has_value());
  EXPECT_EQ(edge->position, Id(2100));
  EXPECT_EQ(edge->data, "d");
  EXPECT_FALSE(*(*target)->assoc_exists(Id(10), AssocType::kFavouritedBy, Id(150)));
  RangeQuery newest;
  newest.limit = 2;
  auto page = (*target)->assoc_range(Id(10), AssocType::kFavouritedBy, newest);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].to, Id(2599));
  EXPECT_EQ(page->items[1].to, Id(2598));
}

// A key the target already gives to another id stops the copy with Conflict, and says so.
TEST(PostgresCopy, AKeyTakenInTheTargetStopsTheCopy) {
  TempDir dir;
  StoreOptions embedded{dir.sub("store")};
  {
    auto source = open_rocksdb_store(embedded);
    ASSERT_TRUE(source.has_value());
    Batch b;
    b.claim_key(KeyspaceType::kUsername, "ann", Id(20));
    ASSERT_TRUE((*source)->apply(b).has_value());
  }
  auto url = fresh_database();
  ASSERT_TRUE(url.has_value());
  auto target = open_postgres_store(PostgresOptions{*url, 4});
  ASSERT_TRUE(target.has_value());
  Batch other;
  other.claim_key(KeyspaceType::kUsername, "ann", Id(99));
  ASSERT_TRUE((*target)->apply(other).has_value());
  auto report = copy_rocksdb_store(embedded, **target);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), StatusCode::kConflict);
  EXPECT_EQ(*(*target)->lookup_key(KeyspaceType::kUsername, "ann"), Id(99));
}

}  // namespace copying
