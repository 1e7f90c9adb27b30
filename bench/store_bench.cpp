// Store benchmarks: the favourite path on one hot status (the write every like makes) and the
// reads a status view makes (its favourites count, whether the viewer liked it). Figures and the
// command that produced them are in docs/PERFORMANCE.md.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "store/postgres/postgres_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "store/store.h"

namespace {

using kindred::Id;
using kindred::store::AssocType;
using kindred::store::Batch;
using kindred::store::Durability;

constexpr Id kHotStatus{1};
constexpr uint64_t kFirstAccount = 1'000'000;
constexpr uint64_t kPreloadedFavourites = 10'000;

// One store per benchmark run, made by Setup and removed by Teardown (both run on the main
// thread, outside the timed threads).
struct Run {
  std::filesystem::path dir;
  std::unique_ptr<kindred::store::Store> store;
  std::atomic<uint64_t> next_account{kFirstAccount};
};
Run* run = nullptr;

// The batch social::LikeService writes for one favourite.
Batch favourite(Id account) {
  Batch b;
  b.add_assoc({kHotStatus, AssocType::kFavouritedBy, account, account, ""});
  b.add_assoc({account, AssocType::kFavourites, kHotStatus, account, ""});
  return b;
}

void open_run(Durability durability, uint64_t preload) {
  std::string pattern = (std::filesystem::temp_directory_path() / "kindred-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) abort();  // no temp dir: nothing to measure
  run = new Run;
  run->dir = pattern;
  auto opened = kindred::store::open_rocksdb_store({(run->dir / "db").string(), durability});
  if (!opened.has_value()) abort();
  run->store = std::move(opened).value();
  for (uint64_t i = 0; i < preload; ++i) {
    if (!run->store->apply(favourite(Id(run->next_account++))).has_value()) abort();
  }
}

void setup_writes(const benchmark::State& state) {
  open_run(state.range(0) == 1 ? Durability::kFsync : Durability::kWal, 0);
}
void setup_reads(const benchmark::State&) { open_run(Durability::kWal, kPreloadedFavourites); }

void teardown(const benchmark::State&) {
  if (run->store != nullptr) (void)run->store->close();
  std::error_code ec;
  if (!run->dir.empty()) std::filesystem::remove_all(run->dir, ec);
  delete run;
  run = nullptr;
}

// Each iteration: one new account favourites the hot status (two edges, two counts, one batch).
void BM_FavouriteHotStatus(benchmark::State& state) {
  for (auto _ : state) {
    auto r = run->store->apply(favourite(Id(run->next_account.fetch_add(1))));
    if (!r.has_value()) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FavouriteHotStatus)
    ->ArgName("fsync")
    ->Arg(0)
    ->Arg(1)
    ->Setup(setup_writes)
    ->Teardown(teardown)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime();

// The hot status's favourites_count, with kPreloadedFavourites favourites written before.
void BM_AssocCountHotStatus(benchmark::State& state) {
  for (auto _ : state) {
    auto n = run->store->assoc_count(kHotStatus, AssocType::kFavouritedBy);
    if (!n.has_value() || *n != static_cast<int64_t>(kPreloadedFavourites)) {
      state.SkipWithError("wrong count");
      break;
    }
    benchmark::DoNotOptimize(*n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AssocCountHotStatus)
    ->Setup(setup_reads)
    ->Teardown(teardown)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

// Whether the viewer liked the hot status: range(0) == 1 asks about an account that did.
void BM_AssocExistsHotStatus(benchmark::State& state) {
  const bool hit = state.range(0) == 1;
  uint64_t i = 0;
  for (auto _ : state) {
    const uint64_t offset = i++ % kPreloadedFavourites;
    const Id viewer(hit ? kFirstAccount + offset : kFirstAccount + kPreloadedFavourites + offset);
    auto exists = run->store->assoc_exists(kHotStatus, AssocType::kFavouritedBy, viewer);
    if (!exists.has_value() || *exists != hit) {
      state.SkipWithError("wrong answer");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AssocExistsHotStatus)
    ->ArgName("hit")
    ->Arg(1)
    ->Arg(0)
    ->Setup(setup_reads)
    ->Teardown(teardown)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

// The same favourites over PostgreSQL, when KINDRED_BENCH_DATABASE_URL names a database (bench/
// pg_store.sh starts one with synchronous_commit on): range(0) is the store's max_group, 1 for
// each batch in its own statement and 256 for concurrent batches grouped into one. Each run likes
// a status of its own, so runs do not see each other's edges.
std::atomic<uint64_t> pg_status{1'000};
Id pg_hot;

void setup_postgres(const benchmark::State& state) {
  const char* url = ::getenv("KINDRED_BENCH_DATABASE_URL");
  run = new Run;
  kindred::store::PostgresOptions options;
  options.conninfo = url == nullptr ? "" : url;
  options.max_connections = 16;
  options.max_group = static_cast<int>(state.range(0));
  auto opened = kindred::store::open_postgres_store(options);
  if (opened.has_value()) run->store = std::move(opened).value();
  pg_hot = Id(pg_status.fetch_add(1) << 20);
}

void BM_FavouriteHotStatusPostgres(benchmark::State& state) {
  if (run->store == nullptr) {
    state.SkipWithError("set KINDRED_BENCH_DATABASE_URL (bench/pg_store.sh)");
    return;
  }
  for (auto _ : state) {
    const Id account(run->next_account.fetch_add(1));
    Batch b;
    b.add_assoc({pg_hot, AssocType::kFavouritedBy, account, account, ""});
    b.add_assoc({account, AssocType::kFavourites, pg_hot, account, ""});
    auto r = run->store->apply(b);
    if (!r.has_value()) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FavouriteHotStatusPostgres)
    ->ArgName("max_group")
    ->Arg(1)
    ->Arg(256)
    ->Setup(setup_postgres)
    ->Teardown(teardown)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
