#include "app/admin.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include "cluster/redis_state.h"
#include "core/invalidation.h"
#include "media/blob_store.h"
#include "social/safety/account_deletion.h"
#include "social/identity/accounts.h"
#include "social/identity/oauth.h"
#include "social/identity/sessions.h"
#include "social/photos/media.h"
#include "social/posts/posts.h"
#include "social/posts/scheduled.h"
#include "social/identity/load_seed.h"
#include "social/search/indexer.h"
#include "search/xapian_index.h"
#include "store/cached_store.h"
#include "store/forwarding_store.h"
#include "store/postgres/postgres_store.h"
#include "store/rocksdb/rocksdb_store.h"

namespace kindred::app {

namespace {
std::string admin_database_url;  // set once by main() before any command runs
std::string admin_redis_url;     // likewise

// The database, and what tells the running nodes of each write (through their Redis), as their
// own writes do: their caches drop what it changed (store/cached_store.h). Reads are never
// answered from memory here (no heartbeats, so never trusted): an admin command reads fresh.
class TellingDatabase final : public store::ForwardingStore {
 public:
  TellingDatabase(std::unique_ptr<store::Store> database, std::unique_ptr<SharedState> shared)
      : ForwardingStore(cached_),
        database_(std::move(database)),
        shared_(std::move(shared)),
        invalidation_(shared_.get()),
        cached_(*database_, invalidation_) {}
  ~TellingDatabase() override {
    // Heartbeat-less, this command cannot make the nodes stop trusting: say so instead.
    if (const uint64_t n = cached_.unpublished(); n > 0) {
      std::cerr << "kindred: " << n << " write(s) could not be named to the running nodes (Redis"
                << " unreachable); they may answer what they remembered for up to 30 s\n";
    }
  }

 private:
  std::unique_ptr<store::Store> database_;
  std::unique_ptr<SharedState> shared_;
  Invalidation invalidation_;
  store::CachedStore cached_;
};

// The PostgreSQL store at `url` (the schema brought up to date); with --redis-url, one whose
// writes reach the running nodes' caches.
Result<std::unique_ptr<store::Store>> open_database(const std::string& url) {
  store::PostgresOptions po;
  po.conninfo = url;
  KINDRED_ASSIGN_OR_RETURN(auto database, store::open_postgres_store(po));
  if (admin_redis_url.empty()) return database;
  cluster::RedisOptions ro;
  ro.url = admin_redis_url;
  KINDRED_ASSIGN_OR_RETURN(auto shared, cluster::open_redis_state(ro));
  return std::unique_ptr<store::Store>(
      std::make_unique<TellingDatabase>(std::move(database), std::move(shared)));
}

void progress(int64_t done, int64_t total, double seconds, const char* what = "accounts") {
  constexpr int kWidth = 30;
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %lld/%lld %s  %.0f %s/s  ", bar.c_str(),
               static_cast<long long>(done), static_cast<long long>(total), what,
               seconds > 0 ? static_cast<double>(done) / seconds : 0.0, what);
  std::fflush(stderr);
}

}  // namespace

int seed_load(const SeedLoadConfig& c) {
  if (c.accounts < 1) {
    std::cerr << "kindred: --accounts must be at least 1\n";
    return 2;
  }
  store::StoreOptions so;
  so.path = c.data_dir + "/store";
  Result<std::unique_ptr<store::Store>> store = Status::internal("unopened");
  if (admin_database_url.empty()) {
    store = store::open_rocksdb_store(so);  // made if missing: seeding may start an instance
  } else {
    store = open_database(admin_database_url);
  }
  if (!store.has_value()) {
    std::cerr << "kindred: " << store.error().to_string() << '\n';
    return 1;
  }
  SystemClock clock;
  IdGenerator ids = admin_ids(clock);
  for (auto type : {store::ObjectType::kAccount, store::ObjectType::kApp, store::ObjectType::kToken}) {
    auto max = (*store)->max_object_id(type);
    if (max.has_value()) ids.observe(*max);
  }
  social::SocialConfig social_config;
  social::LoadSeeder seeder(social::Deps{**store, clock, ids, social_config});

  auto real = seeder.has_real_accounts();
  if (!real.has_value()) {
    std::cerr << "kindred: " << real.error().to_string() << '\n';
    return 1;
  }
  if (*real && !c.force) {
    std::cerr << "kindred: this instance has real accounts; refusing to add load-test accounts "
                 "(use --force if you really mean it)\n";
    return 2;
  }
  auto existing = seeder.existing_load_accounts();
  if (!existing.has_value()) {
    std::cerr << "kindred: " << existing.error().to_string() << '\n';
    return 1;
  }

  std::ofstream out;
  if (!c.tokens_out.empty()) {
    out.open(c.tokens_out, std::ios::app);
    if (!out) {
      std::cerr << "kindred: cannot write " << c.tokens_out << '\n';
      return 1;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  int64_t done = 0;
  while (done < c.accounts) {
    const int64_t n = std::min(c.batch, c.accounts - done);
    auto tokens = seeder.seed(*existing + done, n, c.prefix);
    if (!tokens.has_value()) {
      std::cerr << "\nkindred: " << tokens.error().to_string() << '\n';
      return 1;
    }
    if (out.is_open()) {
      for (const auto& t : *tokens) out << t << '\n';
    }
    done += n;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(done, c.accounts, secs);
  }
  if (out.is_open()) out.flush();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\nseeded %lld load-test accounts in %.1f s (%.0f accounts/s)\n",
               static_cast<long long>(done), secs, static_cast<double>(done) / secs);
  Status closed = (*store)->close();
  if (!closed.is_ok()) {
    std::cerr << "kindred: " << closed.to_string() << '\n';
    return 1;
  }
  return 0;
}

void set_admin_database_url(std::string url) { admin_database_url = std::move(url); }
void set_admin_redis_url(std::string url) { admin_redis_url = std::move(url); }

IdGenerator admin_ids(const Clock& clock) {
  if (admin_database_url.empty()) return IdGenerator(clock);
  return IdGenerator(clock, kAdminNodeId);
}

std::unique_ptr<store::Store> open_existing_store(const std::string& data_dir) {
  if (!admin_database_url.empty()) {
    auto store = open_database(admin_database_url);
    if (!store.has_value()) {
      std::cerr << "kindred: " << store.error().to_string() << '\n';
      return nullptr;
    }
    return std::move(*store);
  }
  const std::string path = data_dir + "/store";
  // Never create an empty store by mistake: admin commands change an instance that exists.
  if (!std::filesystem::exists(path)) {
    std::cerr << "kindred: no store at " << path << '\n';
    return nullptr;
  }
  store::StoreOptions so;
  so.path = path;
  auto store = store::open_rocksdb_store(so);
  if (!store.has_value()) {
    std::cerr << "kindred: " << store.error().to_string() << " (is the server running?)\n";
    return nullptr;
  }
  return std::move(*store);
}

namespace {

// Opens the store of `c.data_dir`, runs `change` on the account service, closes the store and
// prints `describe(account)`. Exit codes as verify() promises.
int change_account(const VerifyConfig& c,
                   const std::function<Result<social::Account>(social::AccountService&)>& change,
                   const std::function<std::string(const social::Account&)>& describe) {
  auto store = open_existing_store(c.data_dir);
  if (!store) return 1;
  SystemClock clock;
  IdGenerator ids = admin_ids(clock);
  auto max = store->max_object_id(store::ObjectType::kAccount);
  if (max.has_value()) ids.observe(*max);
  social::SocialConfig social_config;
  social::PasswordHasher hasher(1, true);  // unused: nobody signs in here
  social::AccountService accounts(social::Deps{*store, clock, ids, social_config}, hasher,
                                  social::RegistrationMode::kClosed);
  auto account = change(accounts);
  Status closed = store->close();
  if (!account.has_value()) {
    if (account.error().is_not_found()) {
      std::cerr << "kindred: no account named '" << c.username << "'\n";
    } else {
      std::cerr << "kindred: " << account.error().to_string() << '\n';
    }
    return 1;
  }
  if (!closed.is_ok()) {
    std::cerr << "kindred: " << closed.to_string() << '\n';
    return 1;
  }
  std::cout << "@" << account->username << describe(*account) << std::endl;
  return 0;
}

}  // namespace

int verify(const VerifyConfig& c) {
  return change_account(
      c, [&c](social::AccountService& a) { return a.set_verified(c.username, !c.off); },
      [](const social::Account& a) { return a.verified ? " is verified" : " is not verified"; });
}

int memorial(const VerifyConfig& c) {
  return change_account(
      c, [&c](social::AccountService& a) { return a.set_memorial(c.username, !c.off); },
      [](const social::Account& a) {
        return a.memorial ? " is a memorial account" : " is not a memorial account";
      });
}

int role(const RoleConfig& c) {
  std::optional<social::Role> role =
      c.role.empty() ? (c.off ? social::Role::kUser : social::Role::kAdmin) : social::parse_role(c.role);
  if (!role || (c.off && *role != social::Role::kUser)) {
    std::cerr << "kindred: --role takes moderator, admin or user (--off means user)\n";
    return 1;
  }
  return change_account(
      c, [&c, r = *role](social::AccountService& a) { return a.set_role(c.username, r); },
      [](const social::Account& a) {
        switch (social::role_of(a)) {
          case social::Role::kAdmin: return " is an admin";
          case social::Role::kModerator: return " is a moderator";
          case social::Role::kUser: break;
        }
        return " is neither an admin nor a moderator";
      });
}

int delete_account(const VerifyConfig& c) {
  auto store = open_existing_store(c.data_dir);
  if (!store) return 1;
  SystemClock clock;
  IdGenerator ids = admin_ids(clock);
  for (auto type : {store::ObjectType::kAccount, store::ObjectType::kStatus, store::ObjectType::kApp,
                    store::ObjectType::kToken, store::ObjectType::kMedia,
                    store::ObjectType::kScheduledStatus, store::ObjectType::kPoll}) {
    auto max = store->max_object_id(type);
    if (max.has_value()) ids.observe(*max);
  }
  social::SocialConfig social_config;
  social::Deps deps{*store, clock, ids, social_config};
  social::PasswordHasher hasher(1, true);  // unused: nobody signs in here
  social::AccountService accounts(deps, hasher, social::RegistrationMode::kClosed);
  media::BlobStore blobs(c.data_dir + "/media");
  Status st = accounts.load_marks();
  std::string name;
  if (st.is_ok()) {
    social::MediaService media(deps, blobs, social::MediaConfig{});
    social::PostService posts(deps, accounts, media);
    social::OAuthService oauth(deps);
    social::SessionService sessions(deps);
    social::ScheduledPostService scheduled(deps, posts, accounts, media);  // never started
    social::AccountDeletion deletion(deps, accounts, posts, media, oauth, sessions);
    deletion.set_scheduled(&scheduled);
    auto account = accounts.lookup_with_hidden(c.username);
    st = account.status();
    if (st.is_ok()) {
      name = account->username;
      st = deletion.start(account->id);
    }
    if (st.is_ok()) {
      std::string_view last_step;
      st = deletion.run(account->id, [&](const social::DeletionProgress& p) {
        if (p.step != last_step && !last_step.empty()) std::fputc('\n', stderr);
        last_step = p.step;
        std::fprintf(stderr, "\r%.*s: %lld removed  ", static_cast<int>(p.step.size()),
                     p.step.data(), static_cast<long long>(p.removed));
        std::fflush(stderr);
      });
      if (!last_step.empty()) std::fputc('\n', stderr);
    }
  }
  Status closed = store->close();
  if (!st.is_ok()) {
    if (st.is_not_found())
      std::cerr << "kindred: no account named '" << c.username << "'\n";
    else
      std::cerr << "kindred: " << st.to_string() << " (run it again to go on)\n";
    return 1;
  }
  if (!closed.is_ok()) {
    std::cerr << "kindred: " << closed.to_string() << '\n';
    return 1;
  }
  std::cout << "@" << name << " is deleted" << std::endl;
  return 0;
}

namespace {

uintmax_t bytes_on_disk(const std::string& dir) {
  uintmax_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  return total;
}

}  // namespace


int compact(const std::string& data_dir) {
  const std::string path = data_dir + "/store";
  auto store = open_existing_store(data_dir);
  if (!store) return 1;
  const uintmax_t before = bytes_on_disk(path);
  const auto start = std::chrono::steady_clock::now();
  Status s = store->compact();
  if (s.is_ok()) s = store->close();
  if (!s.is_ok()) {
    std::cerr << "kindred: " << s.to_string() << '\n';
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "compacted " << path << ": " << before << " -> " << bytes_on_disk(path)
            << " bytes in " << secs << " s" << std::endl;
  return 0;
}

int copy_store(const std::string& data_dir, const std::string& database_url) {
  const std::string path = data_dir + "/store";
  if (!std::filesystem::exists(path)) {
    std::cerr << "kindred: no store at " << path << '\n';
    return 1;
  }
  auto target = open_database(database_url);
  if (!target.has_value()) {
    std::cerr << "kindred: " << target.error().to_string() << '\n';
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  store::StoreOptions from;
  from.path = path;
  auto report = store::copy_rocksdb_store(from, **target);
  Status closed = (*target)->close();
  if (!report.has_value() || !closed.is_ok()) {
    std::cerr << "kindred: "
              << (report.has_value() ? closed.to_string()
                                     : report.error().to_string() + " (is the server running?)")
              << "\nRunning the copy again is safe: it finishes what was left.\n";
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "copied " << report->objects << " objects, " << report->edges << " edges and "
            << report->keys << " keys in " << secs << " s; " << report->counts_checked
            << " counts compared, " << report->counts_differing << " differ" << std::endl;
  if (report->counts_differing > 0) {
    std::cerr << "kindred: the copy's counts differ from the embedded store's (was the target "
                 "database empty?)\n";
    return 1;
  }
  return 0;
}

int search_reindex(const std::string& data_dir) {
  auto store = open_existing_store(data_dir);
  if (!store) return 1;
  auto index = search::XapianStatusIndex::open(data_dir + "/search");
  if (!index.has_value()) {
    std::cerr << "kindred: " << index.error().to_string() << " (is the server running?)\n";
    return 1;
  }
  SystemClock clock;
  IdGenerator ids = admin_ids(clock);
  social::SocialConfig social_config;
  social::PasswordHasher hasher(1, true);  // unused: nobody signs in here
  social::Deps deps{*store, clock, ids, social_config};
  social::AccountService accounts(deps, hasher, social::RegistrationMode::kClosed);
  social::StatusIndexer indexer(deps, accounts, **index);
  const auto start = std::chrono::steady_clock::now();
  int64_t indexed = 0;
  Status st = indexer.rebuild([&](int64_t done, int64_t total) {
    indexed = done;
    progress(done, total, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
             "posts");
  });
  Status closed = store->close();
  if (!st.is_ok() || !closed.is_ok()) {
    std::cerr << "\nkindred: " << (st.is_ok() ? closed : st).to_string() << '\n';
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\nindexed %lld posts in %.1f s\n", static_cast<long long>(indexed), secs);
  return 0;
}

}  // namespace kindred::app
