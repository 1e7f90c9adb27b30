#include "core/id.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/codec.h"

namespace kindred {
namespace {

TEST(Id, ParsesDecimalAndRejectsJunk) {
  EXPECT_EQ(Id::parse("109876543210")->value, 109876543210u);
  EXPECT_FALSE(Id::parse(""));
  EXPECT_FALSE(Id::parse("12a"));
  EXPECT_FALSE(Id::parse("-1"));
  EXPECT_FALSE(Id::parse("99999999999999999999999"));
}

TEST(IdGenerator, IdsAreTimeOrderedAndCarryTheirMillisecond) {
  ManualClock clock(1'700'000'000'000);
  IdGenerator gen(clock);
  Id a = gen.next();
  EXPECT_EQ(a.ms(), 1'700'000'000'000);
  clock.advance_ms(5);
  Id b = gen.next();
  EXPECT_GT(b, a);
  EXPECT_EQ(b.ms(), 1'700'000'000'005);
}

TEST(IdGenerator, StaysIncreasingWhenTheClockStepsBack) {
  ManualClock clock(1'700'000'000'000);
  IdGenerator gen(clock);
  Id a = gen.next();
  clock.advance_ms(-1000);
  EXPECT_GT(gen.next(), a);
}

TEST(IdGenerator, IsUniqueAcrossThreads) {
  SystemClock clock;
  IdGenerator gen(clock);
  std::vector<std::vector<Id>> per(8);
  std::vector<std::thread> threads;
  for (auto& v : per)
    threads.emplace_back([&gen, &v] {
      for (int i = 0; i < 10000; ++i) v.push_back(gen.next());
    });
  for (auto& t : threads) t.join();
  std::set<Id> all;
  for (auto& v : per) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 80000u);
}

// Two nodes on one database, one clock, each observing the other's ids now and then (as a node
// does at start-up): neither ever issues an id the other issued, and each stays increasing.
TEST(IdGenerator, NodesNeverIssueEachOthersIds) {
  ManualClock clock(1'700'000'000'000);
  IdGenerator a(clock, 1), b(clock, 2);
  std::set<Id> all;
  Id last_a, last_b;
  for (int i = 0; i < 5000; ++i) {
    if (i % 1000 == 999) clock.advance_ms(1);
    if (i % 700 == 0) a.observe(last_b);
    Id x = a.next(), y = b.next();
    EXPECT_GT(x, last_a);
    EXPECT_GT(y, last_b);
    EXPECT_EQ(x.value % IdGenerator::kMaxNodes, 1u);
    EXPECT_EQ(y.value % IdGenerator::kMaxNodes, 2u);
    last_a = x;
    last_b = y;
    all.insert(x);
    all.insert(y);
  }
  EXPECT_EQ(all.size(), 10000u);
  // The clock steps back: ids keep increasing, still the node's own.
  clock.advance_ms(-1000);
  Id z = a.next();
  EXPECT_GT(z, last_a);
  EXPECT_EQ(z.value % IdGenerator::kMaxNodes, 1u);
  // The first id of a millisecond is the node's first id in it.
  clock.advance_ms(5000);
  EXPECT_EQ(b.next(), Id(Id::at_ms(clock.now_ms()).value + 2));
}

TEST(Record, RoundTripsAndRejectsTruncation) {
  RecordWriter w;
  w.put_u64(300);
  w.put_str("héllo");
  w.put_bool(true);
  w.put_i64(-5);
  std::string bytes = std::move(w).bytes();
  RecordReader r(bytes);
  uint64_t u;
  std::string s;
  bool b;
  int64_t i;
  ASSERT_TRUE(r.get_u64(u) && r.get_str(s) && r.get_bool(b) && r.get_i64(i));
  EXPECT_EQ(u, 300u);
  EXPECT_EQ(s, "héllo");
  EXPECT_TRUE(b);
  EXPECT_EQ(i, -5);
  EXPECT_TRUE(r.at_end());
  RecordReader cut(std::string_view(bytes).substr(0, 4));
  ASSERT_TRUE(cut.get_u64(u));
  EXPECT_FALSE(cut.get_str(s));
}

}  // namespace
}  // namespace kindred
