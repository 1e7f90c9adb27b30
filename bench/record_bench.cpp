// Record codec benchmarks: decoding and encoding the records every request path reads (a post on
// each status view, an account for its author and for every liker's token) when they are not in
// the record caches. Compared with the same program built at another commit
// (docs/PERFORMANCE.md, "Record codecs"):
//
//   record_bench [Google Benchmark flags]   times each codec (noisy on a shared machine)
//   record_bench --loop post|account|encode N
//                                           runs one codec N times, for counting instructions
//                                           under callgrind (bench/record_instructions.sh)

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "social/model/models.h"

namespace {

using kindred::Id;
using kindred::social::Account;
using kindred::social::Post;

// A photo post as the demo and the storms have them: a caption, a photo, two tags.
Post sample_post() {
  Post p;
  p.id = Id(113000000000000002);
  p.account_id = Id(113000000000000001);
  p.text = "A year ago today we said hello and goodbye to Iris. #iris #grief";
  p.content_html =
      "<p>A year ago today we said hello and goodbye to Iris. <a href=\"http://127.0.0.1:8080/tags/"
      "iris\" class=\"mention hashtag\" rel=\"tag\">#<span>iris</span></a></p>";
  p.language = "en";
  p.created_at_ms = 1700000000456;
  p.tags = {"iris", "grief"};
  p.media_ids = {Id(113000000000000020)};
  return p;
}

// A seeded account with a profile.
Account sample_account() {
  Account a;
  a.id = Id(113000000000000001);
  a.username = "lena";
  a.display_name = "Lena Okafor";
  a.note = "Photos, mostly of the sea.";
  a.email = "lena@example.org";
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdGVkc2FsdA$aGFzaGVkaGFzaGVkaGFzaA";
  a.locale = "en";
  a.created_at_ms = 1700000000123;
  a.avatar = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.jpg";
  a.fields = {{"Pronouns", "she/her"}};
  return a;
}

void BM_DecodePost(benchmark::State& state) {
  const std::string bytes = sample_post().encode();
  for (auto _ : state) {
    auto p = Post::decode(bytes);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_DecodePost);

void BM_DecodeAccount(benchmark::State& state) {
  const std::string bytes = sample_account().encode();
  for (auto _ : state) {
    auto a = Account::decode(bytes);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_DecodeAccount);

void BM_EncodePost(benchmark::State& state) {
  const Post p = sample_post();
  for (auto _ : state) {
    std::string bytes = p.encode();
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_EncodePost);

// Runs one codec `n` times; prints a checksum so that nothing is optimised away.
int loop(const std::string& what, long n) {
  const std::string post = sample_post().encode(), account = sample_account().encode();
  const Post p = sample_post();
  size_t sum = 0;
  for (long i = 0; i < n; ++i) {
    if (what == "post")
      sum += Post::decode(post)->text.size();
    else if (what == "account")
      sum += Account::decode(account)->note.size();
    else if (what == "encode")
      sum += p.encode().size();
    else
      return 2;
  }
  std::printf("%zu\n", sum);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--loop") return loop(argv[2], std::atol(argv[3]));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
