#include "social/model/calendar.h"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>

namespace kindred::social {

namespace {

date::year_month_day to_ymd(const CivilDate& d) {
  return date::year{d.year} / date::month{d.month} / date::day{d.day};
}

CivilDate from_ymd(const date::year_month_day& ymd) {
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day())};
}

bool parse_uint(std::string_view s, unsigned& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Zone names are letters, digits and "_+-/" in parts that never start with a dot.
bool plausible_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "localtime") return false;
  if (name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) return false;
  }
  return true;
}

const date::time_zone* find_zone(std::string_view name) {
  if (!plausible_zone_name(name)) return nullptr;
  // The date library reports an unknown name (and an unreadable database) by throwing; it
  // stops here.
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

bool is_leap_year(int year) { return date::year{year}.is_leap(); }

bool is_valid_date(const CivilDate& d) { return d.year >= 1 && d.year <= 9999 && to_ymd(d).ok(); }

std::optional<CivilDate> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  unsigned y = 0, m = 0, d = 0;
  if (!parse_uint(text.substr(0, 4), y) || !parse_uint(text.substr(5, 2), m) ||
      !parse_uint(text.substr(8, 2), d))
    return std::nullopt;
  CivilDate out{static_cast<int>(y), m, d};
  if (y < 1970 || !is_valid_date(out)) return std::nullopt;
  return out;
}

std::string format_date(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

int64_t days_since_epoch(const CivilDate& d) {
  return date::sys_days(to_ymd(d)).time_since_epoch().count();
}

CivilDate date_from_days(int64_t days) {
  return from_ymd(date::year_month_day(date::sys_days(date::days(days))));
}

CivilDate next_day(const CivilDate& d) { return date_from_days(days_since_epoch(d) + 1); }

TimeZone::TimeZone() : TimeZone("UTC", find_zone("UTC")) {}

Result<TimeZone> TimeZone::named(std::string_view name) {
  const date::time_zone* zone = find_zone(name);
  if (zone == nullptr)
    return Status::invalid_argument("Validation failed: Time zone is not a known IANA time zone");
  return TimeZone(std::string(name), zone);
}

bool TimeZone::valid(std::string_view name) { return find_zone(name) != nullptr; }

CivilDate TimeZone::date_at(int64_t ms) const {
  const auto instant = date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms));
  const auto local = zone_->to_local(instant);
  return from_ymd(date::year_month_day(date::floor<date::days>(local)));
}

int64_t TimeZone::day_start_ms(const CivilDate& d) const {
  const date::local_days local{to_ymd(d)};
  // choose::earliest also settles a midnight that happens twice; for one that does not happen
  // the library answers the moment of the change, when the day begins.
  const auto instant = zone_->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(instant.time_since_epoch()).count();
}

}  // namespace kindred::social
