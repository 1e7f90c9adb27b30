// parse_iso8601_ms: the times scheduled_at takes.
#include <gtest/gtest.h>

#include <random>

#include "api/mastodon/input.h"

namespace kindred::api {
namespace {

constexpr int64_t k20240301 = 1'709'251'200'000;  // 2024-03-01T00:00:00Z

TEST(Iso8601, ReadsUtcOffsetsAndFractions) {
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T00:00:00Z", "t"), k20240301);
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T12:10:00.000Z", "t"), k20240301 + 12 * 3'600'000 + 600'000);
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T12:10Z", "t"), k20240301 + 12 * 3'600'000 + 600'000);
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T00:00:01.5Z", "t"), k20240301 + 1500);
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T00:00:00.123456Z", "t"), k20240301 + 123);
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T01:30:00+01:30", "t"), k20240301);
  EXPECT_EQ(*parse_iso8601_ms("2024-02-29T23:00:00-01:00", "t"), k20240301);
  EXPECT_EQ(*parse_iso8601_ms("2024-02-29T23:00:00-0100", "t"), k20240301);
  EXPECT_EQ(*parse_iso8601_ms("2024-03-01T00:00:00", "t"), k20240301);
}

TEST(Iso8601, RefusesWhatIsNotATime) {
  for (const char* bad : {"", "tomorrow", "2024-03-01", "2024-02-30T00:00:00Z", "2024-03-01T24:00:00Z",
                          "2024-03-01T12:60:00Z", "2024-03-01T12:00:61Z", "2024-03-01T12:00:00.Z",
                          "2024-03-01T12:00:00+25:00", "2024-03-01T12:00:00 UTC", "2024-03-01X12:00:00Z",
                          "2024-03-01T1:00:00Z", "2024-03-01T12:00:00+01:0"}) {
    auto r = parse_iso8601_ms(bad, "Scheduled at");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().message(), "Validation failed: Scheduled at is invalid") << bad;
  }
}

// Any bytes: an answer or an error, never a crash (seeded; the seed is printed on failure).
TEST(Iso8601, ArbitraryInputNeverCrashes) {
  const uint32_t seed = 1616;
  std::mt19937 rng(seed);
  const std::string alphabet = "0123456789-:T.Z+ zt";
  for (int i = 0; i < 20000; ++i) {
    std::string s = "2024-03-01T";
    const size_t n = rng() % 16;
    for (size_t k = 0; k < n; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    if (rng() % 4 == 0) s = s.substr(rng() % s.size());
    auto r = parse_iso8601_ms(s, "t");
    if (r.has_value()) {
      EXPECT_GE(*r, 0) << "seed " << seed << ": " << s;
    }
  }
}

}  // namespace
}  // namespace kindred::api
