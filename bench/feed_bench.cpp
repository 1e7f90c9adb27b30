// Home feeds and fan-out, measured through the real server (docs/PERFORMANCE.md, "Home feeds and
// fan-out"). The feeds issue asks that
//   (a) a post by an account with 1,000,000 followers is accepted as fast as one by an account
//       with 10, and
//   (b) a home feed page for someone following 1,000 accounts (10 of them very large) is served
//       within 2x the time of a single status read,
// as medians of the same run.
//
// Steps:
//  1. Seed a fresh data dir straight through the store: load-test accounts with tokens
//     (social::LoadSeeder) and follow edges (kFollows + kFollowedBy, as RelationshipService::follow
//     writes them) in large batches. The 1,000,000 followers of the big author are bare ids, not
//     accounts: nothing measured here loads them (fan-out of a large account only counts them).
//     Then a full compaction, as a long-running store would have.
//  2. Start app::Instance on 127.0.0.1:0 over that dir (no access log, no rate limits, default
//     --large-account-followers 10000) and fill the reader's home feed through the API: every
//     followed account posts once a round (--posts-per-friend rounds); the ordinary ones' posts are
//     fanned out on write, the large ones' (spread over each round) merged when read. Then
//     FeedService::wait_idle(), so no fan-out runs while reads are measured.
//  3. Reads, alternating one by one: GET /api/v1/timelines/home (limit 20) as the reader,
//     GET /api/v1/statuses/:id as the reader (the ids of that home page in turn), and the home
//     feed with limit=1 (its fixed cost: the slope between the two is the cost per status).
//  4. Posts, alternating one by one (order swapped every pair): POST /api/v1/statuses by the
//     1M-follower author and by the 10-follower author. Timed to the response (accepted); then
//     the fan-out is waited for outside the timed part, and that time reported beside it.
// Every request is one keep-alive connection's single request in flight, timed by the client with
// steady_clock (write + read of the whole response). Medians and p90, and the ratios. The server
// runs in this process: the profile in docs/PERFORMANCE.md is `perf record -p` during --home-loop.
//
//   build/release/bench/feed_bench --data-dir /tmp/kindred-bench/feeds
//   build/release/bench/feed_bench --help
//
// Exit status: 0 when every check passed (targets missed are reported, not failures), 1 when a
// check failed (a non-2xx answer, a feed without the expected posts, a wrong follower count), 2 for
// bad arguments.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include <unistd.h>

#include "app/instance.h"
#include "app/serve.h"
#include "core/clock.h"
#include "core/id.h"
#include "social/model/context.h"
#include "social/identity/load_seed.h"
#include "store/rocksdb/rocksdb_store.h"
#include "store/store.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using kindred::Id;
using kindred::Status;
using kindred::store::AssocType;
using kindred::store::Batch;

// ---------------------------------------------------------------- options

struct Options {
  std::string data_dir = "/tmp/kindred-bench/feeds";
  int64_t big_followers = 1'000'000;   // the 1M author (one of the reader's large follows)
  int64_t large_followers = 20'000;    // each of the other large authors (over the 10,000 default)
  int large = 10;                      // large accounts the reader follows (incl. the 1M author)
  int follows = 1'000;                 // accounts the reader follows in all
  int small_followers = 10;            // followers of the small author
  int posts_per_friend = 3;            // statuses each ordinary followed account posts
  int post_n = 200;                    // timed posts per author
  int read_n = 500;                    // timed requests per read kind
  int warmup = 100;                    // untimed requests of each kind before timing
  int threads = 0;                     // server network threads (0: one per core)
  double home_loop_s = 0;              // after measuring: home reads for this long (for perf -p)
  bool keep = false;                   // keep the data dir afterwards
};

void usage() {
  std::cerr <<
      "usage: feed_bench [options]\n"
      "  --data-dir DIR          data dir to create (removed first if it holds an earlier run); default /tmp/kindred-bench/feeds\n"
      "  --big-followers N       followers of the big author (default 1000000)\n"
      "  --large-followers N     followers of each other large author (default 20000)\n"
      "  --large N               large accounts the reader follows, the big one included (default 10)\n"
      "  --follows N             accounts the reader follows in all (default 1000)\n"
      "  --small-followers N     followers of the small author (default 10)\n"
      "  --posts-per-friend N    rounds of posts while filling: each followed account posts once a round (default 3)\n"
      "  --post-n N              timed posts per author (default 200)\n"
      "  --read-n N              timed reads per kind (default 500)\n"
      "  --warmup N              untimed requests per kind first (default 100)\n"
      "  --threads N             server network threads (default: one per core)\n"
      "  --home-loop SECONDS     afterwards, read the home feed for this long (attach perf -p)\n"
      "  --keep                  keep the data dir\n";
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    auto num = [&](auto& out) {
      const char* v = next();
      if (v == nullptr) return false;
      char* end = nullptr;
      const double d = std::strtod(v, &end);
      if (end == v || *end != '\0' || d < 0) return false;
      out = static_cast<std::remove_reference_t<decltype(out)>>(d);
      return true;
    };
    bool ok = true;
    if (a == "--data-dir") {
      const char* v = next();
      ok = v != nullptr;
      if (ok) o.data_dir = v;
    } else if (a == "--big-followers") ok = num(o.big_followers);
    else if (a == "--large-followers") ok = num(o.large_followers);
    else if (a == "--large") ok = num(o.large);
    else if (a == "--follows") ok = num(o.follows);
    else if (a == "--small-followers") ok = num(o.small_followers);
    else if (a == "--posts-per-friend") ok = num(o.posts_per_friend);
    else if (a == "--post-n") ok = num(o.post_n);
    else if (a == "--read-n") ok = num(o.read_n);
    else if (a == "--warmup") ok = num(o.warmup);
    else if (a == "--threads") ok = num(o.threads);
    else if (a == "--home-loop") ok = num(o.home_loop_s);
    else if (a == "--keep") o.keep = true;
    else if (a == "--help" || a == "-h") { usage(); std::exit(0); }
    else ok = false;
    if (!ok) {
      std::cerr << "feed_bench: bad or incomplete option " << a << "\n";
      return false;
    }
  }
  if (o.large < 1 || o.follows <= o.large || o.post_n < 1 || o.read_n < 1 ||
      o.big_followers < o.large_followers || o.large_followers <= 10'000) {
    std::cerr << "feed_bench: need large >= 1, follows > large, post-n and read-n >= 1, "
                 "big-followers >= large-followers > 10000 (the server's large-account threshold)\n";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- small helpers

double secs_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void log(const std::string& s) { std::cerr << "feed_bench: " << s << std::endl; }

[[noreturn]] void die(const std::string& s) {
  std::cerr << "feed_bench: FAILED: " << s << std::endl;
  std::exit(1);
}

void check(const Status& s, const char* what) {
  if (!s.is_ok()) die(std::string(what) + ": " + s.to_string());
}

// q-quantile (nearest rank) of a copy of `v`.
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

std::string fmt(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

std::string form_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------- a minimal keep-alive client

// One blocking connection, one request at a time; reconnects if the server closed it.
class Client {
 public:
  // The read buffer starts at 64 KiB, as a browser's or curl's (16 KiB and up) would: Beast's
  // flat_buffer otherwise stays at 512 bytes and reads a 30 KB home page in 60 recv calls, which
  // measured the client (about 60 us a page), not the server.
  explicit Client(uint16_t port) : port_(port) { buffer_.reserve(64 * 1024); }

  struct Reply {
    int status = 0;
    std::string body;
    double ms = 0;  // write of the request to the last byte of the response
  };

  Reply request(bhttp::verb method, const std::string& target, const std::string& token,
                std::string body = {}) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::user_agent, "kindred-feed-bench");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (method == bhttp::verb::post) {
      req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    req.keep_alive(true);
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!socket_) connect();
      beast::error_code ec;
      bhttp::response<bhttp::string_body> res;
      const auto t0 = Clock::now();
      bhttp::write(*socket_, req, ec);
      if (!ec) bhttp::read(*socket_, buffer_, res, ec);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (ec) {
        socket_.reset();
        buffer_.clear();
        if (attempt == 0) continue;
        die("HTTP " + target + ": " + ec.message());
      }
      if (!res.keep_alive()) {
        socket_.reset();
        buffer_.clear();
      }
      return {static_cast<int>(res.result_int()), std::move(res.body()), ms};
    }
    die("unreachable");
  }

 private:
  void connect() {
    socket_.emplace(io_);
    socket_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    socket_->set_option(tcp::no_delay(true));
  }

  uint16_t port_;
  asio::io_context io_;
  std::optional<tcp::socket> socket_;
  beast::flat_buffer buffer_;
};

json::value parse_json(const Client::Reply& r, const std::string& what) {
  if (r.status < 200 || r.status >= 300)
    die(what + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
  beast::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec) die(what + ": not JSON: " + r.body.substr(0, 300));
  return v;
}

// ---------------------------------------------------------------- seeding

struct Account {
  Id id;
  std::string token;
};

struct Population {
  Account big;                  // the 1M-follower author
  std::vector<Account> large;   // the other large authors (reader follows big + these)
  std::vector<Account> friends; // the ordinary accounts the reader follows
  Account small;                // the 10-follower author
  std::vector<Account> fans;    // its followers
  Account reader;
  int64_t edges = 0;            // follow pairs written
};

// Accounts named prefix0..prefix(n-1), in one LoadSeeder batch; their ids by username lookup.
std::vector<Account> seed_accounts(kindred::social::LoadSeeder& seeder, kindred::store::Store& store,
                                   const std::string& prefix, int n) {
  auto tokens = seeder.seed(0, n, prefix);
  if (!tokens.has_value()) die("seeding " + prefix + ": " + tokens.error().to_string());
  std::vector<Account> out;
  for (int i = 0; i < n; ++i) {
    auto id = store.lookup_key(kindred::store::KeyspaceType::kUsername, prefix + std::to_string(i));
    if (!id.has_value()) die("no account " + prefix + std::to_string(i));
    out.push_back({*id, (*tokens)[static_cast<size_t>(i)]});
  }
  return out;
}

// Follow pairs, written as RelationshipService::follow writes them, many per batch.
class Follows {
 public:
  Follows(kindred::store::Store& store, kindred::IdGenerator& ids, int64_t& count)
      : store_(store), ids_(ids), count_(count) {}
  ~Follows() { flush(); }
  void add(Id follower, Id followed) {
    const Id at = ids_.next();
    b_.add_assoc({follower, AssocType::kFollows, followed, at, {}});
    b_.add_assoc({followed, AssocType::kFollowedBy, follower, at, {}});
    ++count_;
    if (b_.assoc_adds.size() >= 2 * kPairsPerBatch) flush();
  }
  void flush() {
    if (b_.empty()) return;
    check(store_.apply(b_).status(), "writing follow edges");
    b_ = Batch();
  }

 private:
  static constexpr size_t kPairsPerBatch = 10'000;
  kindred::store::Store& store_;
  kindred::IdGenerator& ids_;
  int64_t& count_;
  Batch b_;
};

Population seed(const Options& o) {
  const auto t0 = Clock::now();
  kindred::store::StoreOptions so;
  so.path = o.data_dir + "/store";
  auto opened = kindred::store::open_rocksdb_store(so);
  if (!opened.has_value()) die("opening the store: " + opened.error().to_string());
  auto store = std::move(opened).value();
  kindred::SystemClock clock;
  kindred::IdGenerator ids(clock);
  kindred::social::SocialConfig config;
  kindred::social::LoadSeeder seeder(kindred::social::Deps{*store, clock, ids, config});

  Population p;
  p.big = seed_accounts(seeder, *store, "big", 1)[0];
  p.large = seed_accounts(seeder, *store, "large", o.large - 1);
  p.friends = seed_accounts(seeder, *store, "friend", o.follows - o.large);
  p.small = seed_accounts(seeder, *store, "small", 1)[0];
  p.fans = seed_accounts(seeder, *store, "fan", o.small_followers);
  p.reader = seed_accounts(seeder, *store, "reader", 1)[0];
  log("accounts seeded in " + fmt(secs_since(t0), 1) + " s");

  {
    Follows f(*store, ids, p.edges);
    // The reader follows everyone it reads: the big author, the other large ones, the friends.
    f.add(p.reader.id, p.big.id);
    for (const auto& a : p.large) f.add(p.reader.id, a.id);
    for (const auto& a : p.friends) f.add(p.reader.id, a.id);
    for (const auto& a : p.fans) f.add(a.id, p.small.id);
    // Bare follower ids (no account records): made by the same generator, so they are unique
    // and time-ordered like real ones. The large authors share the first of them.
    std::vector<Id> others;
    others.reserve(static_cast<size_t>(o.big_followers - 1));
    for (int64_t i = 0; i < o.big_followers - 1; ++i) others.push_back(ids.next());
    for (int64_t i = 0; i < o.big_followers - 1; ++i) {
      f.add(others[static_cast<size_t>(i)], p.big.id);
      if ((i + 1) % 200'000 == 0)
        log("  " + std::to_string(i + 1) + " followers of the big author, " + fmt(secs_since(t0), 1) + " s");
    }
    for (const auto& a : p.large)
      for (int64_t i = 0; i < o.large_followers - 1; ++i) f.add(others[static_cast<size_t>(i)], a.id);
  }
  log(std::to_string(p.edges) + " follow pairs written, " + fmt(secs_since(t0), 1) + " s; compacting ...");
  check(store->compact(), "compacting");
  check(store->close(), "closing the store");
  log("seeded and compacted in " + fmt(secs_since(t0), 1) + " s");
  return p;
}

// ---------------------------------------------------------------- measuring

struct Series {
  explicit Series(std::string n) : name(std::move(n)) {}
  std::string name;
  std::vector<double> ms;
  size_t bytes = 0;
  double median() const { return quantile(ms, 0.5); }
  double p90() const { return quantile(ms, 0.9); }
};

std::string post_body(int n, const std::string& who) {
  return "status=" + form_encode("Harbour notes " + std::to_string(n) + " from " + who +
                                 ": the ferry was late again, and the gulls knew it before we did.");
}

// Posts once and returns the reply; dies on an error.
Client::Reply post(Client& c, const Account& a, int n, const std::string& who) {
  auto r = c.request(bhttp::verb::post, "/api/v1/statuses", a.token, post_body(n, who));
  if (r.status != 200) die("POST /api/v1/statuses as " + who + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
  return r;
}

std::string account_followers(Client& c, const Account& a) {
  auto v = parse_json(c.request(bhttp::verb::get, "/api/v1/accounts/" + a.id.to_string(), ""), "GET account");
  return json::serialize(v.as_object().at("followers_count"));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    usage();
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path dir = o.data_dir;
  const fs::path marker = dir / ".feed_bench";
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    if (!fs::exists(marker, ec)) die(o.data_dir + " exists, is not empty and was not made by feed_bench; not touching it");
    fs::remove_all(dir, ec);
    if (ec) die("removing " + o.data_dir + ": " + ec.message());
  }
  fs::create_directories(dir, ec);
  if (ec) die("creating " + o.data_dir + ": " + ec.message());
  std::ofstream(marker) << "made by bench/feed_bench\n";

  log("seeding " + o.data_dir + ": 1 author with " + std::to_string(o.big_followers) + " followers, " +
      std::to_string(o.large - 1) + " with " + std::to_string(o.large_followers) + ", a reader following " +
      std::to_string(o.follows) + " accounts (" + std::to_string(o.large) + " of them large), a small author with " +
      std::to_string(o.small_followers) + " followers");
  Population pop = seed(o);

  kindred::app::ServeConfig sc;
  sc.listen = "127.0.0.1:0";
  sc.data_dir = o.data_dir;
  sc.access_log = false;
  sc.rate_limits = false;
  sc.threads = o.threads;
  kindred::app::Instance instance(sc);
  check(instance.start(nullptr), "starting the server");
  log("serving on " + instance.url() + " (large accounts: over " + std::to_string(sc.large_account_followers) + " followers)");
  Client c(instance.port());

  // ---- fill the reader's home feed
  {
    const auto t0 = Clock::now();
    const size_t nf = pop.friends.size();
    const size_t every = std::max<size_t>(1, nf / static_cast<size_t>(o.large));
    int posted = 0;
    for (int round = 0; round < o.posts_per_friend; ++round) {
      for (size_t i = 0; i < nf; ++i) {
        post(c, pop.friends[i], round, "friend" + std::to_string(i));
        ++posted;
        // Each large account posts once a round, spread over the round.
        if (i % every == every - 1 && i / every < static_cast<size_t>(o.large)) {
          const size_t k = i / every;
          if (k == 0) {
            post(c, pop.big, round, "big0");
          } else {
            post(c, pop.large[k - 1], round, "large" + std::to_string(k - 1));
          }
          ++posted;
        }
      }
    }
    post(c, pop.small, 0, "small0");
    ++posted;
    instance.feeds_for_test().wait_idle();
    log("filled the home feed: " + std::to_string(posted) + " posts in " + fmt(secs_since(t0), 1) + " s");
  }

  // ---- checks
  const std::string home_target = "/api/v1/timelines/home?limit=20";
  std::vector<std::string> status_ids;
  size_t from_large = 0;
  {
    auto v = parse_json(c.request(bhttp::verb::get, home_target, pop.reader.token), "GET home");
    std::unordered_set<std::string> large_ids{pop.big.id.to_string()};
    for (const auto& a : pop.large) large_ids.insert(a.id.to_string());
    for (const auto& s : v.as_array()) {
      status_ids.push_back(std::string(s.at("id").as_string()));
      if (large_ids.count(std::string(s.at("account").at("id").as_string()))) ++from_large;
    }
    if (status_ids.size() != 20) die("the home page has " + std::to_string(status_ids.size()) + " statuses, expected 20");
    // Further down, the large accounts' posts are merged in: page until one shows up.
    size_t pages = 1, merged = from_large;
    std::string max_id = status_ids.back();
    while (merged == 0 && pages < 20) {
      auto w = parse_json(c.request(bhttp::verb::get, home_target + "&max_id=" + max_id, pop.reader.token), "GET home page");
      if (w.as_array().empty()) break;
      for (const auto& s : w.as_array())
        if (large_ids.count(std::string(s.at("account").at("id").as_string()))) ++merged;
      max_id = std::string(w.as_array().back().at("id").as_string());
      ++pages;
    }
    if (merged == 0) die("no post of a large account in the first " + std::to_string(pages) + " home pages");
    const std::string big_n = account_followers(c, pop.big);
    const std::string small_n = account_followers(c, pop.small);
    if (big_n != std::to_string(o.big_followers) || small_n != std::to_string(o.small_followers))
      die("followers_count: big " + big_n + ", small " + small_n);
    log("checks: home page of 20 (" + std::to_string(from_large) + " by large accounts on page 1); followers_count big " +
        big_n + ", small " + small_n);
  }

  // ---- reads, alternating
  Series home("GET /api/v1/timelines/home?limit=20");
  Series status("GET /api/v1/statuses/:id");
  Series home1("GET /api/v1/timelines/home?limit=1");  // fixed cost of a home page, for the slope
  {
    auto one = [&](bool timed, int i) {
      auto h = c.request(bhttp::verb::get, home_target, pop.reader.token);
      auto s = c.request(bhttp::verb::get, "/api/v1/statuses/" + status_ids[static_cast<size_t>(i) % status_ids.size()],
                         pop.reader.token);
      auto h1 = c.request(bhttp::verb::get, "/api/v1/timelines/home?limit=1", pop.reader.token);
      if (h.status != 200 || s.status != 200 || h1.status != 200)
        die("read answered " + std::to_string(h.status) + "/" + std::to_string(s.status) + "/" + std::to_string(h1.status));
      if (timed) {
        home.ms.push_back(h.ms), home.bytes = h.body.size();
        status.ms.push_back(s.ms), status.bytes = s.body.size();
        home1.ms.push_back(h1.ms), home1.bytes = h1.body.size();
      }
    };
    for (int i = 0; i < o.warmup; ++i) one(false, i);
    for (int i = 0; i < o.read_n; ++i) one(true, i);
  }

  // ---- posts, alternating (order swapped every pair)
  const std::string nb = std::to_string(o.big_followers), ns = std::to_string(o.small_followers);
  Series big_post("POST /api/v1/statuses, " + nb + " followers: accepted");
  Series small_post("POST /api/v1/statuses, " + ns + " followers: accepted");
  Series big_settle("POST, " + nb + " followers: accepted + fan-out done");
  Series small_settle("POST, " + ns + " followers: accepted + fan-out done");
  {
    auto one = [&](bool timed, const Account& a, int n, const std::string& who, Series& s, Series& settle) {
      const auto t0 = Clock::now();
      auto r = post(c, a, 1000 + n, who);
      instance.feeds_for_test().wait_idle();
      const double total = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (timed) {
        s.ms.push_back(r.ms), s.bytes = r.body.size();
        settle.ms.push_back(total);
      }
    };
    for (int i = 0; i < o.warmup / 4 + 2 * o.post_n; ++i) {
      const bool timed = i >= o.warmup / 4;
      const bool big_first = i % 2 == 0;
      for (int k = 0; k < 2; ++k) {
        if ((k == 0) == big_first) one(timed, pop.big, i, "big0", big_post, big_settle);
        else one(timed, pop.small, i, "small0", small_post, small_settle);
      }
      if (timed && static_cast<int>(big_post.ms.size()) >= o.post_n) break;
    }
  }

  if (o.home_loop_s > 0) {
    log("home loop for " + fmt(o.home_loop_s, 0) + " s (pid " + std::to_string(::getpid()) + ")");
    const auto t0 = Clock::now();
    size_t n = 0;
    while (secs_since(t0) < o.home_loop_s) {
      c.request(bhttp::verb::get, home_target, pop.reader.token);
      ++n;
    }
    log("home loop: " + std::to_string(n) + " requests, " + fmt(1000.0 * o.home_loop_s / static_cast<double>(n), 3) + " ms each");
  }

  instance.stop();
  if (!o.keep) fs::remove_all(dir, ec);

  // ---- report
  const double post_ratio = big_post.median() / small_post.median();
  const double read_ratio = home.median() / status.median();
  std::printf("| request | n | median ms | p90 ms | body B |\n|---|---:|---:|---:|---:|\n");
  for (const Series* s : {&big_post, &small_post, &big_settle, &small_settle, &home, &status, &home1})
    std::printf("| %s | %zu | %s | %s | %s |\n", s->name.c_str(), s->ms.size(), fmt(s->median()).c_str(),
                fmt(s->p90()).c_str(), s->bytes ? std::to_string(s->bytes).c_str() : "");
  std::printf("\npost %s/%s followers (median accepted): %s  target <= 1.5: %s\n", nb.c_str(), ns.c_str(),
              fmt(post_ratio, 2).c_str(),
              post_ratio <= 1.5 ? "met" : "NOT met");
  std::printf("home/status (median): %s  target <= 2.0: %s\n", fmt(read_ratio, 2).c_str(),
              read_ratio <= 2.0 ? "met" : "NOT met");
  std::printf("home page: %s ms fixed (limit=1) + %s ms per further status ((limit 20 - limit 1) / 19)\n",
              fmt(home1.median()).c_str(), fmt((home.median() - home1.median()) / 19.0).c_str());
  std::printf("(home page 1: %zu of 20 statuses by large accounts; %lld follow pairs seeded)\n", from_large,
              static_cast<long long>(pop.edges));
  std::printf("result post_ratio=%s home_status_ratio=%s post_big_ms=%s post_small_ms=%s home_ms=%s status_ms=%s\n",
              fmt(post_ratio, 3).c_str(), fmt(read_ratio, 3).c_str(), fmt(big_post.median()).c_str(),
              fmt(small_post.median()).c_str(), fmt(home.median()).c_str(), fmt(status.median()).c_str());
  return 0;
}
