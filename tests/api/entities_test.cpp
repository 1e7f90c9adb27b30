// Entity helpers that need no server: dates as Mastodon writes them.
#include "api/mastodon/entities/entities.h"

#include <gtest/gtest.h>

#include <ctime>

namespace kindred::api::entities {
namespace {

TEST(Entities, Iso8601WritesUtcToTheMillisecond) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601(951'782'400'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(iso8601(1'709'164'800'123), "2024-02-29T00:00:00.123Z");
  EXPECT_EQ(iso8601(4'102'444'799'999), "2099-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_date(1'709'164'800'123), "2024-02-29");
}

TEST(Entities, Iso8601AgreesWithTheCLibraryEveryFewHoursForFourHundredYears) {
  // A full Gregorian cycle (leap centuries included), at an odd step so every hour and minute
  // turns up.
  for (int64_t ms = -2'208'988'800'000; ms < 10'413'792'000'000; ms += 7'777'777'777) {
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char want[32];
    std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
    const int64_t millis = ((ms % 1000) + 1000) % 1000;
    char full[40];
    std::snprintf(full, sizeof full, "%s.%03lldZ", want, static_cast<long long>(millis));
    ASSERT_EQ(iso8601(ms), full) << ms;
  }
}

}  // namespace
}  // namespace kindred::api::entities
