// Search speed (issue 16): account search by prefix over --accounts accounts and status search
// over --posts posts, p50/p99 of the social layer's calls (SearchService::accounts and ::statuses,
// what GET /api/v2/search runs, JSON aside), and what indexing costs a post:
//   1. Accounts are written straight to the store in batches, as AccountService writes them
//      (record, username key, name index edges), with pronounceable random names and display
//      names. The searcher follows 200 of them. Queries: random 1- to 5-letter prefixes of
//      existing names.
//   2. Posts are written straight to the store (record, kInstanceStatuses, kAuthored) by 1,000
//      authors (a third of them `indexable`), 12 words each from a Zipf-like vocabulary of 20,000
//      words, and indexed by StatusIndexer::rebuild into Xapian. Queries: one word, and two words,
//      of varying frequency, by a searcher who liked 500 posts.
//   3. Own index in the store, for the record of why Xapian: the same posts' words written as
//      store edges (word node -> post, as kTagStatuses), and the two-word queries answered by
//      walking the rarer word's list newest first and checking the other with assocs_exist.
//   4. Post rate: PostService::create by one author, --rate-posts posts without and then with
//      the StatusIndexer listening (its commits run on its own thread, as in the server), in
//      --rate-rounds alternating rounds; the median ratio, and CPU per post by thread.
//
//   build/release/bench/search_bench --dir /tmp/kindred-bench/search --accounts 1000000 --posts
//   1000000
// With --keep 1, a later run reuses the store and index in --dir (same --accounts and --posts)
// and measures status search and the post rate only.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "media/blob_store.h"
#include "search/xapian_index.h"
#include "social/identity/account_names.h"
#include "social/identity/accounts.h"
#include "social/identity/secrets.h"
#include "social/photos/media.h"
#include "social/posts/posts.h"
#include "social/search/indexer.h"
#include "social/search/search.h"
#include "store/rocksdb/rocksdb_store.h"

using namespace kindred;
using Steady = std::chrono::steady_clock;

namespace {

struct Options {
  std::string dir = "/tmp/kindred-bench/search";
  int64_t accounts = 100'000;
  int64_t posts = 100'000;
  int64_t queries = 2000;
  int64_t rate_posts = 3000;
  int64_t own_index_posts = 100'000;  // posts also written to the store-edge index (step 3)
  int64_t rate_rounds = 3;
  bool keep = false;     // reuse the accounts, posts and index a previous run left in --dir
  bool reindex = false;  // with --keep: index the kept posts again  // reuse the accounts, posts and index a previous run left in --dir
};

std::string syllables(std::mt19937_64& rng, int n) {
  static const char* kS[] = {"ka", "ri", "mo", "an", "el", "to", "sa", "li",
                             "ne", "da", "vi", "ro", "ma", "te", "lu", "be",
                             "ha", "jo", "ni", "co", "pa", "zu", "ye", "fi"};
  std::string out;
  for (int i = 0; i < n; ++i) out += kS[rng() % std::size(kS)];
  return out;
}

struct Stats {
  double p50 = 0, p99 = 0, mean = 0;
};
Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  if (ms.empty()) return s;
  s.p50 = ms[ms.size() / 2];
  s.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  for (double m : ms) s.mean += m;
  s.mean /= static_cast<double>(ms.size());
  return s;
}
void report(const char* what, const std::vector<double>& ms) {
  const Stats s = stats(ms);
  std::printf("%-44s n=%-6zu p50 %7.3f ms  p99 %7.3f ms  mean %7.3f ms\n", what, ms.size(), s.p50,
              s.p99, s.mean);
}
double since_ms(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

void check(const Status& s) {
  if (!s.is_ok()) {
    std::fprintf(stderr, "search_bench: %s\n", s.to_string().c_str());
    std::exit(1);
  }
}
template <class T>
T must(Result<T> r) {
  if (!r.has_value()) check(r.error());
  return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const char* v = argv[i + 1];
    if (a == "--dir")
      o.dir = v;
    else if (a == "--accounts")
      o.accounts = std::atoll(v);
    else if (a == "--posts")
      o.posts = std::atoll(v);
    else if (a == "--queries")
      o.queries = std::atoll(v);
    else if (a == "--rate-posts")
      o.rate_posts = std::atoll(v);
    else if (a == "--own-index-posts")
      o.own_index_posts = std::atoll(v);
    else if (a == "--rate-rounds")
      o.rate_rounds = std::atoll(v);
    else if (a == "--keep")
      o.keep = std::atoll(v) != 0;
    else if (a == "--reindex")
      o.reindex = std::atoll(v) != 0;
    else {
      std::fprintf(stderr,
                   "usage: search_bench [--dir D] [--accounts N] [--posts N] [--queries N] "
                   "[--rate-posts N] [--own-index-posts N] [--rate-rounds N] [--keep 0|1] "
                   "[--reindex 0|1]\n");
      return 2;
    }
  }
  // --keep 1 reuses what an earlier run with the same --accounts and --posts wrote (steps 1 and 2
  // take minutes at a million): account search is then skipped (its names are not kept).
  const bool reuse = o.keep && std::filesystem::exists(o.dir + "/store");
  if (!reuse) std::filesystem::remove_all(o.dir);
  store::StoreOptions so;
  so.path = o.dir + "/store";
  auto store = must(store::open_rocksdb_store(so));
  SystemClock clock;
  IdGenerator ids(clock);
  social::SocialConfig config;
  social::Deps deps{*store, clock, ids, config};
  social::PasswordHasher hasher(1, true);
  social::AccountService accounts(deps, hasher, social::RegistrationMode::kOpen);
  media::BlobStore blobs(o.dir + "/media");
  social::MediaService media(deps, blobs, social::MediaConfig{});
  social::PostService posts(deps, accounts, media);
  social::SearchService search(deps, accounts, posts);
  std::mt19937_64 rng(42);

  // 1. Accounts.
  std::vector<std::string> names;
  std::vector<Id> account_ids;
  auto t0 = Steady::now();
  if (reuse) {
    store::RangeQuery rq;
    rq.oldest_first = true;
    rq.limit = static_cast<size_t>(o.accounts);
    for (const auto& a :
         must(store->assoc_range(store::kInstanceNode, store::AssocType::kInstanceAccounts, rq))
             .items)
      account_ids.push_back(a.to);
    std::printf("reusing %zu accounts in %s\n", account_ids.size(), o.dir.c_str());
  }
  for (int64_t done = reuse ? o.accounts : 0; done < o.accounts;) {
    store::Batch b;
    for (int k = 0; k < 5000 && done < o.accounts; ++k, ++done) {
      social::Account a;
      a.id = ids.next();
      a.username = syllables(rng, 2 + static_cast<int>(rng() % 3)) + std::to_string(done);
      a.display_name = syllables(rng, 2 + static_cast<int>(rng() % 2)) + " " + syllables(rng, 3);
      a.display_name[0] = static_cast<char>(std::toupper(a.display_name[0]));
      a.created_at_ms = clock.now_ms();
      a.indexable = rng() % 3 == 0;
      b.claim_key(store::KeyspaceType::kUsername, social::ascii_lower(a.username), a.id);
      b.put_object(store::ObjectType::kAccount, a.id, a.encode());
      b.add_assoc({store::kInstanceNode, store::AssocType::kInstanceAccounts, a.id, a.id, {}});
      social::add_account_name_index(b, nullptr, a);
      names.push_back(a.username);
      account_ids.push_back(a.id);
    }
    check(store->apply(b).status());
  }
  std::printf("wrote %lld accounts in %.1f s\n", static_cast<long long>(o.accounts),
              since_ms(t0) / 1000);
  const Id searcher = account_ids.front();
  if (!reuse) {
    store::Batch b;
    for (int i = 0; i < 200; ++i) {
      const Id f = account_ids[rng() % account_ids.size()];
      if (f == searcher) continue;
      b.add_assoc({searcher, store::AssocType::kFollows, f, ids.next(), {}});
      b.add_assoc({f, store::AssocType::kFollowedBy, searcher, ids.next(), {}});
    }
    check(store->apply(b).status());
  }
  if (!reuse) check(store->compact());
  std::vector<double> ms;
  for (int64_t i = 0; i < (reuse ? 0 : o.queries); ++i) {
    const std::string& n = names[rng() % names.size()];
    social::SearchQuery q;
    q.q = n.substr(0, 1 + rng() % 5);
    q.limit = 40;
    auto t = Steady::now();
    auto r = must(search.accounts(social::Viewer{searcher}, q));
    ms.push_back(since_ms(t));
    if (r.empty()) check(Status::internal("no account found for " + q.q));
  }
  if (!reuse) report("account search, 1-5 letter prefix, limit 40", ms);

  // 2. Posts and the Xapian index. The vocabulary has a generator of its own, so that a reused
  // store's posts have the words of this run's.
  std::vector<std::string> vocab;
  {
    std::mt19937_64 vrng(7);
    for (int i = 0; i < 20'000; ++i)
      vocab.push_back(syllables(vrng, 2 + i % 3) + (i % 7 == 0 ? "s" : ""));
    std::sort(vocab.begin(), vocab.end());
    vocab.erase(std::unique(vocab.begin(), vocab.end()), vocab.end());
    std::shuffle(vocab.begin(), vocab.end(), vrng);
  }
  // Zipf-like: word k drawn with probability ~ 1/(k+1).
  std::vector<double> weights;
  for (size_t k = 0; k < vocab.size(); ++k) weights.push_back(1.0 / static_cast<double>(k + 1));
  std::discrete_distribution<size_t> zipf(weights.begin(), weights.end());
  std::vector<Id> authors(account_ids.begin(),
                          account_ids.begin() + std::min<size_t>(1000, account_ids.size()));
  std::vector<Id> post_ids;
  t0 = Steady::now();
  if (reuse) {
    store::RangeQuery rq;
    rq.oldest_first = true;
    rq.limit = static_cast<size_t>(o.posts);
    for (const auto& a :
         must(store->assoc_range(store::kInstanceNode, store::AssocType::kInstanceStatuses, rq))
             .items)
      post_ids.push_back(a.to);
  }
  for (int64_t done = reuse ? o.posts : 0; done < o.posts;) {
    store::Batch b;
    for (int k = 0; k < 2000 && done < o.posts; ++k, ++done) {
      social::Post p;
      p.id = ids.next();
      p.account_id = authors[rng() % authors.size()];
      for (int w = 0; w < 12; ++w) p.text += (w ? " " : "") + vocab[zipf(rng)];
      p.created_at_ms = p.id.ms();
      b.put_object(store::ObjectType::kStatus, p.id, p.encode());
      b.add_assoc({store::kInstanceNode, store::AssocType::kInstanceStatuses, p.id, p.id, {}});
      b.add_assoc({p.account_id, store::AssocType::kAuthored, p.id, p.id, {}});
      post_ids.push_back(p.id);
    }
    check(store->apply(b).status());
  }
  if (!reuse)
    std::printf("wrote %lld posts in %.1f s\n", static_cast<long long>(o.posts),
                since_ms(t0) / 1000);
  if (!reuse) {
    store::Batch b;
    for (int i = 0; i < 500; ++i) {
      const Id p = post_ids[rng() % post_ids.size()];
      b.add_assoc({searcher, store::AssocType::kFavourites, p, ids.next(), {}});
    }
    check(store->apply(b).status());
  }
  auto index = must(search::XapianStatusIndex::open(o.dir + "/search"));
  if (!reuse || o.reindex || must(index->size()) < o.posts) {
    social::StatusIndexer indexer(deps, accounts, *index);
    t0 = Steady::now();
    check(indexer.rebuild(nullptr));
    std::printf("indexed %lld posts into Xapian in %.1f s (%.0f posts/s)\n",
                static_cast<long long>(o.posts), since_ms(t0) / 1000,
                static_cast<double>(o.posts) / (since_ms(t0) / 1000));
  }
  search.set_index(index.get());
  // Queries have a generator of their own too, so that runs on a kept store ask the same, and
  // each kind's results are summed up (count and a hash of the ids) to compare runs.
  std::mt19937_64 qrng(11);
  auto word = [&](size_t lo, size_t hi) { return vocab[lo + qrng() % (hi - lo)]; };
  struct Kind {
    const char* name;
    std::function<std::string()> make;
  };
  const std::vector<Kind> kinds = {
      {"status search, one common word (top 100)", [&] { return word(0, 100); }},
      {"status search, one rare word (rank 1000+)", [&] { return word(1000, vocab.size()); }},
      {"status search, two words (top 100, top 1000)",
       [&] { return word(0, 100) + " " + word(100, 1000); }},
  };
  // The searcher who liked 500 posts, and one who never liked anything.
  for (const Id who : {searcher, account_ids[1]}) {
    std::printf("-- searcher with %s\n", who == searcher ? "500 likes" : "no likes");
    for (const auto& kind : kinds) {
      ms.clear();
      uint64_t found = 0, digest = 0;
      for (int64_t i = 0; i < o.queries / 2; ++i) {
        social::SearchQuery q;
        q.q = kind.make();
        q.limit = 20;
        auto t = Steady::now();
        auto r = must(search.statuses(social::Viewer{who}, q));
        ms.push_back(since_ms(t));
        for (const auto& v : r) digest = digest * 1000003 + v.post.id.value;
        found += r.size();
      }
      report(kind.name, ms);
      std::printf("  results: %llu posts, digest %016llx\n", static_cast<unsigned long long>(found),
                  static_cast<unsigned long long>(digest));
    }
  }

  // 3. Own index in the store: word -> post edges, AND by walking the rarer list.
  const int64_t own = std::min<int64_t>(o.own_index_posts, static_cast<int64_t>(post_ids.size()));
  if (own > 0) {
  auto word_node = [](const std::string& w) { return social::hash_node("bench-word:" + w); };
  constexpr auto kWordType = store::AssocType::kTagStatuses;  // same shape as a tag's list
  t0 = Steady::now();
  for (int64_t i = 0; i < own; i += 1000) {
    std::vector<Id> chunk(post_ids.begin() + i,
                          post_ids.begin() + std::min<int64_t>(own, i + 1000));
    auto blobs_ = must(store->get_objects(store::ObjectType::kStatus, chunk));
    store::Batch b;
    for (const auto& bytes : blobs_) {
      auto p = must(social::Post::decode(*bytes));
      for (const auto& t : social::status_terms(p, true))
        if (std::islower(static_cast<unsigned char>(t[0])))
          b.add_assoc({word_node(t), kWordType, p.id, p.id, {}});
    }
    check(store->apply(b).status());
  }
  const double own_write_s = since_ms(t0) / 1000;
  std::printf("own index: %lld posts' words as store edges in %.1f s (%.0f posts/s)\n",
              static_cast<long long>(own), own_write_s, static_cast<double>(own) / own_write_s);
  ms.clear();
  for (int64_t i = 0; i < o.queries / 2; ++i) {
    const std::string a = word(0, 100), b2 = word(100, 1000);
    auto t = Steady::now();
    const auto ca = must(store->assoc_count(word_node(a), kWordType));
    const auto cb = must(store->assoc_count(word_node(b2), kWordType));
    const Id walk = ca < cb ? word_node(a) : word_node(b2);
    const Id other = ca < cb ? word_node(b2) : word_node(a);
    std::vector<Id> hits;
    store::RangeQuery rq;
    rq.limit = 500;
    for (;;) {
      auto page = must(store->assoc_range(walk, kWordType, rq));
      std::vector<Id> tos;
      for (const auto& e : page.items) tos.push_back(e.to);
      auto has = must(store->assocs_exist(other, kWordType, tos));
      for (size_t k = 0; k < tos.size(); ++k)
        if (has[k]) hits.push_back(tos[k]);
      if (hits.size() >= 40 || !page.more) break;
      rq.max_position = page.items.back().position;
    }
    ms.push_back(since_ms(t));
  }
  report("own store index, two words, 40 hits (no rules)", ms);
  }
  ms.clear();
  for (int64_t i = 0; i < o.queries / 2; ++i) {
    social::StatusIndex::Query q;
    q.all = {word(0, 100), word(100, 1000)};
    q.limit = 40;
    auto t = Steady::now();
    auto r = must(index->search(q));
    ms.push_back(since_ms(t));
  }
  report("xapian index, two words, 40 hits (no rules)", ms);
  ms.clear();
  for (int64_t i = 0; i < o.queries / 2; ++i) {
    social::StatusIndex::Query q;
    q.all = {word(0, 100)};
    q.any = {"P"};
    q.limit = 29;
    auto t = Steady::now();
    auto r = must(index->search(q));
    ms.push_back(since_ms(t));
  }
  report("xapian index, one common word and P, 29 hits", ms);

  // 4. Post rate without and with the indexer.
  const social::Account author =
      must(accounts.create_account("rate_" + std::to_string(clock.now_ms()), "Rate Author", false,
                                   false));
  // CPU seconds of this thread (the posting one) or of the whole process.
  auto cpu_s = [](int who) {
    rusage u{};
    getrusage(who, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  struct Round {
    double per_s, main_us, other_us;
  };
  // Posts per second, and CPU per post on the posting thread (the request path) and on the
  // others (the indexer, RocksDB's). On a busy 2-core machine the rate is noisy; the CPU is not.
  auto rate = [&](const char* what, social::StatusIndexer* indexer) {
    const double m0 = cpu_s(RUSAGE_THREAD), c0 = cpu_s(RUSAGE_SELF);
    const auto t = Steady::now();
    for (int64_t i = 0; i < o.rate_posts; ++i) {
      social::NewPost np;
      np.text = vocab[zipf(rng)] + " " + vocab[zipf(rng)] + " #" + vocab[zipf(rng)];
      must(posts.create(author, np));
    }
    const double s = since_ms(t) / 1000;
    // The indexer's last batch is applied here: outside the timing (the server does not wait for
    // it either), inside the CPU count, and not during the next round without the indexer.
    if (indexer) indexer->flush();
    const double n = static_cast<double>(o.rate_posts);
    const double main_us = (cpu_s(RUSAGE_THREAD) - m0) * 1e6 / n;
    const Round r{n / s, main_us, (cpu_s(RUSAGE_SELF) - c0) * 1e6 / n - main_us};
    std::printf("%-44s %6.0f posts/s, CPU per post %5.1f us posting + %5.1f us other threads\n",
                what, r.per_s, r.main_us, r.other_us);
    return r;
  };
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  // Alternating rounds, so warming up favours neither.
  social::StatusIndexer live(deps, accounts, *index);
  check(live.start());
  double without = 0, with = 0;
  std::vector<double> ratios, main_ratios, other_added;
  for (int64_t round = 0; round < o.rate_rounds; ++round) {
    posts.set_listener(nullptr);
    const auto w0 = rate("post rate, no search indexer", nullptr);
    posts.add_listener(&live);
    const auto w1 = rate("post rate, search indexer listening", &live);
    without += w0.per_s;
    with += w1.per_s;
    ratios.push_back(w1.per_s / w0.per_s);
    main_ratios.push_back(w0.main_us / w1.main_us);
    other_added.push_back(w1.other_us - w0.other_us);
  }
  if (!ratios.empty())
    std::printf("post rate with indexing / without, median of %zu rounds: %.1f%% (min %.1f%%, max "
                "%.1f%%)\n"
                "  posting thread's CPU per post, without / with: %.1f%% (the rate with a core "
                "to spare); other threads' CPU added per post: %.1f us\n",
                ratios.size(), 100.0 * median(ratios),
                100.0 * *std::min_element(ratios.begin(), ratios.end()),
                100.0 * *std::max_element(ratios.begin(), ratios.end()),
                100.0 * median(main_ratios), median(other_added));
  live.flush();
  posts.set_listener(nullptr);
  live.stop();
  if (o.rate_rounds > 0)
    std::printf("post rate with indexing: %.1f%% of without (%lld alternating rounds each)\n",
                100.0 * with / without, static_cast<long long>(o.rate_rounds));
  index.reset();
  check(store->close());
  return 0;
}
