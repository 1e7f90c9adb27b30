// Kindred's held-comments settings: hidden words, Limits and a restriction.
#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

std::string hidden_words_json(const social::HiddenWords& w,
                              const std::vector<social::BuiltinWordList>& lists) {
  std::string out;
  JsonWriter j(out);
  j.begin_object().key("words").begin_array();
  for (const auto& word : w.words) j.string(word);
  j.end_array().key("builtin_lists").begin_array();
  for (const auto& l : w.builtin_lists) j.string(l);
  j.end_array().key("available_builtin_lists").begin_array();
  for (const auto& l : lists) {
    j.begin_object()
        .member("language", l.language)
        .member("name", l.name)
        .member("size", static_cast<int64_t>(l.phrases.size()))
        .end_object();
  }
  j.end_array().end_object();
  return out;
}

std::string limits_json(const social::LimitsView& v) {
  std::string out;
  JsonWriter j(out);
  j.begin_object().member("active", v.active).key("until");
  if (v.active) {
    j.string(iso_date(v.until_ms));
  } else {
    j.null();
  }
  j.member("recent_followers", v.recent_followers).end_object();
  return out;
}

std::string restriction_json(Id id, bool restricting) {
  std::string out;
  JsonWriter j(out);
  j.begin_object().member("id", id.to_string()).member("restricting", restricting).end_object();
  return out;
}

}  // namespace kindred::api::entities
