// `kindred admin announce`: the announcements of GET /api/v1/announcements.
#include <iostream>

#include "app/admin.h"
#include "social/identity/announcements.h"
#include "social/model/calendar.h"

namespace kindred::app {

namespace {

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS]" with an optional "Z": Unix ms.
std::optional<int64_t> parse_time(const std::string& text) {
  auto date = social::parse_date(std::string_view(text).substr(0, 10));
  if (!date) return std::nullopt;
  int64_t ms = social::days_since_epoch(*date) * 86'400'000;
  if (text.size() == 10) return ms;
  std::string rest = text.substr(10);
  if (!rest.empty() && rest.back() == 'Z') rest.pop_back();
  int h = 0, m = 0, s = 0;
  auto two = [&rest](size_t at, int max, int& out) {
    if (rest.size() < at + 2 || !isdigit(rest[at]) || !isdigit(rest[at + 1])) return false;
    out = (rest[at] - '0') * 10 + (rest[at + 1] - '0');
    return out <= max;
  };
  if (rest.size() != 6 && rest.size() != 9) return std::nullopt;
  if (rest[0] != 'T' || rest[3] != ':' || !two(1, 23, h) || !two(4, 59, m)) return std::nullopt;
  if (rest.size() == 9 && (rest[6] != ':' || !two(7, 59, s))) return std::nullopt;
  return ms + ((h * 60 + m) * 60 + s) * int64_t{1000};
}

}  // namespace

int announce(const AnnounceConfig& c) {
  const int modes = (c.text.empty() ? 0 : 1) + (c.remove.empty() ? 0 : 1) + (c.list ? 1 : 0);
  if (modes != 1) {
    std::cerr << "kindred: give one of --text, --remove or --list\n";
    return 2;
  }
  int64_t starts = 0, ends = 0;
  for (auto [text, out] : {std::pair{&c.starts_at, &starts}, std::pair{&c.ends_at, &ends}}) {
    if (text->empty()) continue;
    auto t = parse_time(*text);
    if (!t) {
      std::cerr << "kindred: '" << *text << "' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MMZ)\n";
      return 2;
    }
    *out = *t;
  }
  std::optional<Id> remove_id;
  if (!c.remove.empty()) {
    remove_id = Id::parse(c.remove);
    if (!remove_id) {
      std::cerr << "kindred: '" << c.remove << "' is not an announcement id\n";
      return 2;
    }
  }
  auto store = open_existing_store(c.data_dir);
  if (!store) return 1;
  SystemClock clock;
  IdGenerator ids = admin_ids(clock);
  social::SocialConfig social_config;
  social::AnnouncementService announcements(social::Deps{*store, clock, ids, social_config});
  Status done;
  if (c.list) {
    auto all = announcements.all();
    done = all.status();
    if (all.has_value()) {
      for (const auto& a : *all) std::cout << a.id.to_string() << '\t' << a.text << '\n';
    }
  } else if (remove_id) {
    done = announcements.remove(*remove_id);
    if (done.is_ok()) std::cout << "removed " << c.remove << '\n';
  } else {
    auto a = announcements.create(c.text, starts, ends, c.all_day);
    done = a.status();
    if (a.has_value()) std::cout << a->id.to_string() << '\n';
  }
  Status closed = store->close();
  if (done.is_ok()) done = closed;
  if (!done.is_ok()) {
    std::cerr << "kindred: " << (done.is_not_found() ? "no such announcement" : done.to_string())
              << '\n';
    return done.code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::cout << std::flush;
  return 0;
}

}  // namespace kindred::app
