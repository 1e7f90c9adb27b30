// Kindred's preferences and memories entities.
#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

namespace {

void string_or_null(JsonWriter& w, std::string_view key, const std::string& v) {
  w.key(key);
  if (v.empty()) {
    w.null();
  } else {
    w.string(v);
  }
}

void write_hidden_range(JsonWriter& w, const social::HiddenRange& r) {
  w.begin_object()
      .member("id", r.id.to_string())
      .member("start_date", r.start_date)
      .member("end_date", r.end_date);
  string_or_null(w, "note", r.note);
  w.end_object();
}

}  // namespace

std::string preferences_json(const social::Preferences& p) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("memories", p.memories).member("support_resources", p.support_resources);
  string_or_null(w, "region", p.region);
  string_or_null(w, "time_zone", p.time_zone);
  w.member("default_comment_policy", social::reply_policy_name(p.default_reply_policy));
  w.end_object();
  return out;
}

std::string years_ago_label(int years) {
  if (years == 1) return "One year ago";
  return std::to_string(years) + " years ago";
}

std::string memories_json(const std::vector<social::MemoryView>& ms, const ApiConfig& c) {
  std::string out;
  out.reserve(2200 * ms.size() + 2);
  JsonWriter w(out);
  w.begin_array();
  for (const auto& m : ms) {
    w.begin_object()
        .member("years_ago", static_cast<int64_t>(m.years_ago))
        .member("label", years_ago_label(m.years_ago))
        .member("date", social::format_date(m.date))
        .key("status");
    write_status(w, m.post, c);
    w.end_object();
  }
  w.end_array();
  return out;
}

std::string hidden_range_json(const social::HiddenRange& r) {
  return to_json(r, write_hidden_range);
}

std::string hidden_ranges_json(const std::vector<social::HiddenRange>& rs) {
  return to_json_array(rs, write_hidden_range);
}

}  // namespace kindred::api::entities
