#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace kindred::social {

// A day of the proleptic Gregorian calendar, with no time zone.
struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

bool is_leap_year(int year);
// Whether the date exists (2025-02-29 does not).
bool is_valid_date(const CivilDate& d);
// "YYYY-MM-DD" with a year from 1970 to 9999; nullopt for anything else or a day that does not
// exist.
std::optional<CivilDate> parse_date(std::string_view text);
std::string format_date(const CivilDate& d);
// Days since 1970-01-01 (negative before), and back. REQUIRES: is_valid_date(d).
int64_t days_since_epoch(const CivilDate& d);
CivilDate date_from_days(int64_t days);
// The day after `d`. REQUIRES: is_valid_date(d).
CivilDate next_day(const CivilDate& d);

// An IANA time zone from the system's tz database (/usr/share/zoneinfo, via Howard Hinnant's
// date library); daylight-saving rules come from the database, never from fixed offsets.
// Thread-safe; the database is read once, on first use.
class TimeZone {
 public:
  // UTC.
  TimeZone();
  // Errors: InvalidArgument when `name` is not a zone of the tz database (names are
  // case-sensitive, "Europe/London"; "localtime" and paths are refused).
  static Result<TimeZone> named(std::string_view name);
  // Whether `name` would be accepted by named().
  static bool valid(std::string_view name);

  const std::string& name() const { return name_; }
  // The calendar day at `ms` (Unix milliseconds) in this zone.
  CivilDate date_at(int64_t ms) const;
  // The first instant of `d` in this zone, as Unix milliseconds (where midnight is skipped by a
  // daylight-saving change, the moment the day begins).
  int64_t day_start_ms(const CivilDate& d) const;

 private:
  TimeZone(std::string name, const date::time_zone* zone) : name_(std::move(name)), zone_(zone) {}
  std::string name_;
  const date::time_zone* zone_;  // owned by the date library's database; never null
};

}  // namespace kindred::social
