#include "api/mastodon/entities/tags.h"

#include "social/posts/posts.h"

namespace kindred::api::entities {

void write_tag(JsonWriter& w, const social::TagView& t, const ApiConfig& c) {
  w.begin_object()
      .member("id", social::tag_node(t.name).to_string())
      .member("name", t.name)
      .member("url", c.base_url + "/tags/" + t.name);
  w.key("history").begin_array();
  for (const auto& d : t.history)
    w.begin_object()
        .member("day", std::to_string(d.day_s))
        .member("uses", std::to_string(d.uses))
        .member("accounts", std::to_string(d.accounts))
        .end_object();
  w.end_array();
  if (t.following) w.member("following", *t.following).member("featuring", false);
  w.end_object();
}

std::string tag_json(const social::TagView& t, const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  write_tag(w, t, c);
  return out;
}

}  // namespace kindred::api::entities
