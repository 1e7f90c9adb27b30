// Calendar days, time zones from the system tz database, and which days of an earlier year are
// memories on a given day (leap days above all).
#include "social/model/calendar.h"

#include <gtest/gtest.h>

#include "social/care/memories.h"
#include "social/model/models.h"

namespace kindred::social {
namespace {

std::string window(std::string_view today, int year) {
  auto w = memory_window(*parse_date(today), year);
  if (!w) return "none";
  return format_date(w->first) + ".." + format_date(w->end);
}

TEST(Calendar, ParsesOnlyRealDaysInTheirOneForm) {
  EXPECT_EQ(format_date(*parse_date("2024-02-29")), "2024-02-29");
  for (const char* bad :
       {"2025-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-4-01", "20240401",
        "2024-04-01T00:00", "1969-12-31", " 2024-04-01", "+024-04-01", ""})
    EXPECT_FALSE(parse_date(bad)) << bad;
}

TEST(Calendar, LeapYears) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2025));
}

TEST(Calendar, MemoryWindowTakesLeapDaysToTheLastDayOfFebruary) {
  EXPECT_EQ(window("2025-02-28", 2024), "2024-02-28..2024-03-01");  // both days of a leap year
  EXPECT_EQ(window("2025-02-28", 2023), "2023-02-28..2023-03-01");
  EXPECT_EQ(window("2028-02-28", 2024), "2024-02-28..2024-02-29");  // a leap year: its own day
  EXPECT_EQ(window("2028-02-29", 2024), "2024-02-29..2024-03-01");
  EXPECT_EQ(window("2028-02-29", 2025), "none");
  EXPECT_EQ(window("2025-03-01", 2024), "2024-03-01..2024-03-02");
  EXPECT_EQ(window("2025-12-31", 2024), "2024-12-31..2025-01-01");
}

TEST(Calendar, TimeZonesComeFromTheTzDatabase) {
  auto london = TimeZone::named("Europe/London");
  ASSERT_TRUE(london.has_value());
  // 2024-03-31: clocks go forward at 01:00 UTC. Midnight is still midnight UTC (GMT)...
  EXPECT_EQ(london->day_start_ms(*parse_date("2024-03-31")), 1'711'843'200'000);
  // ...and in summer a London day starts at 23:00 UTC the day before.
  EXPECT_EQ(london->day_start_ms(*parse_date("2024-07-01")), 1'719'788'400'000);
  EXPECT_EQ(format_date(london->date_at(1'719'788'400'000)), "2024-07-01");
  EXPECT_EQ(format_date(london->date_at(1'719'788'399'999)), "2024-06-30");
  // Santiago skips midnight when summer time starts (2024-09-08 00:00 -> 01:00): the day begins
  // at the change.
  auto santiago = TimeZone::named("America/Santiago");
  ASSERT_TRUE(santiago.has_value());
  EXPECT_EQ(santiago->day_start_ms(*parse_date("2024-09-08")), 1'725'768'000'000);
  EXPECT_EQ(TimeZone().name(), "UTC");
  for (const char* bad : {"", "localtime", "Europe", "europe/london", "../zoneinfo/UTC",
                          "/usr/share/zoneinfo/UTC", "posix/UTC", "UTC+1", "Mars/Base"})
    EXPECT_FALSE(TimeZone::valid(bad)) << bad;
}

TEST(Models, PreferencesAndHiddenRangesRoundTrip) {
  Preferences p{false, true, "GB", "Europe/London"};
  auto back = Preferences::decode(p.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(Preferences::decode(p.encode().substr(0, 3)).has_value());
  HiddenRange r{Id(42), "2022-01-01", "2022-12-31", "that year"};
  auto r2 = HiddenRange::decode(r.encode());
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(*r2, r);
  EXPECT_FALSE(HiddenRange::decode("").has_value());
}

}  // namespace
}  // namespace kindred::social
