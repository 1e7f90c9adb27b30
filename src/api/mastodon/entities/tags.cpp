#include "api/mastodon/entities/tags.h"

#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

void write_tag(JsonWriter& w, const social::TagView& t, const ApiConfig& c) {
  w.begin_object()
      .member("id", t.id.to_string())
      .member("name", t.name)
      .member("url", c.base_url + "/tags/" + t.name);
  w.key("history").begin_array();
  for (const auto& d : t.history) {
    w.begin_object()
        .member("day", std::to_string(d.day_ms / 1000))
        .member("accounts", std::to_string(d.accounts))
        .member("uses", std::to_string(d.uses))
        .end_object();
  }
  w.end_array();
  if (t.following) w.member("following", *t.following);
  if (t.featuring) w.member("featuring", *t.featuring);
  w.end_object();
}

std::string tag_json(const social::TagView& t, const ApiConfig& c) {
  return to_json(t, [&c](JsonWriter& w, const social::TagView& x) { write_tag(w, x, c); });
}
std::string tags_json(const std::vector<social::TagView>& ts, const ApiConfig& c) {
  return to_json_array(ts, [&c](JsonWriter& w, const social::TagView& x) { write_tag(w, x, c); });
}

void write_featured_tag(JsonWriter& w, const social::FeaturedTagView& t, const ApiConfig& c) {
  w.begin_object()
      .member("id", t.id.to_string())
      .member("name", t.name)
      .member("url", c.base_url + "/@" + t.username + "/tagged/" + t.name)
      .member("statuses_count", std::to_string(t.statuses_count));
  w.key("last_status_at");
  if (t.last_status_at_ms == 0) {
    w.null();
  } else {
    w.string(iso_date(t.last_status_at_ms));
  }
  w.end_object();
}

std::string featured_tag_json(const social::FeaturedTagView& t, const ApiConfig& c) {
  return to_json(t, [&c](JsonWriter& w, const social::FeaturedTagView& x) { write_featured_tag(w, x, c); });
}
std::string featured_tags_json(const std::vector<social::FeaturedTagView>& ts, const ApiConfig& c) {
  return to_json_array(
      ts, [&c](JsonWriter& w, const social::FeaturedTagView& x) { write_featured_tag(w, x, c); });
}

}  // namespace kindred::api::entities
