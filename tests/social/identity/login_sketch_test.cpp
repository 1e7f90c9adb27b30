// The weekly logins' HyperLogLog sketch (social/identity/login_sketch.h): exact for a handful,
// within a few for hundreds and within 2% for millions, idempotent, and
// refused when its stored bytes are not a sketch.
#include "social/identity/login_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace kindred::social {
namespace {

// Ids as the server makes them: time in the high bits, so neighbours differ only in low bits.
Id account(uint64_t n) { return Id((uint64_t{1'700'000'000'000} << 16) + n * 3); }

TEST(LoginSketch, CountsSmallSetsClosely) {
  auto s = std::make_unique<LoginSketch>();
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(s->estimate(), 0);
  for (uint64_t n = 1; n <= 1000; ++n) {
    s->add(account(n));
    s->add(account(n));  // twice: still one login
    const auto want = static_cast<int64_t>(n);
    if (n <= 20) {
      ASSERT_EQ(s->estimate(), want) << "after " << n << " accounts";
    }
    const int64_t slack = std::max<int64_t>(2, want / 100);
    ASSERT_LE(std::abs(s->estimate() - want), slack) << "after " << n << " accounts";
  }
}

TEST(LoginSketch, StaysWithinTwoPercentUpToMillions) {
  auto s = std::make_unique<LoginSketch>();
  uint64_t added = 0;
  for (uint64_t target : {10'000, 100'000, 1'600'000}) {
    for (; added < target; ++added) s->add(account(added));
    const double error = std::abs(static_cast<double>(s->estimate()) - static_cast<double>(target)) /
                         static_cast<double>(target);
    EXPECT_LT(error, 0.02) << target << " accounts estimated as " << s->estimate();
  }
}

TEST(LoginSketch, MergeCountsTheUnionAndRoundTrips) {
  auto a = std::make_unique<LoginSketch>();
  auto b = std::make_unique<LoginSketch>();
  for (uint64_t n = 0; n < 150; ++n) a->add(account(n));
  for (uint64_t n = 100; n < 200; ++n) b->add(account(n));
  a->merge(*b);
  EXPECT_EQ(a->estimate(), 200);

  auto copy = std::make_unique<LoginSketch>();
  ASSERT_TRUE(LoginSketch::decode(a->encode(), *copy));
  EXPECT_EQ(copy->estimate(), 200);
  EXPECT_EQ(copy->encode(), a->encode());
  copy->clear();
  EXPECT_TRUE(copy->empty());
}

TEST(LoginSketch, DecodeRefusesWhatIsNotASketch) {
  auto s = std::make_unique<LoginSketch>();
  s->add(account(1));
  EXPECT_FALSE(LoginSketch::decode("", *s));
  EXPECT_FALSE(LoginSketch::decode(std::string(LoginSketch::kRegisters - 1, '\0'), *s));
  std::string bad(LoginSketch::kRegisters, '\0');
  bad[7] = static_cast<char>(200);  // no 64-bit hash has a rank of 200
  EXPECT_FALSE(LoginSketch::decode(bad, *s));
  EXPECT_EQ(s->estimate(), 1) << "a refused decode leaves the sketch as it was";
}

}  // namespace
}  // namespace kindred::social
