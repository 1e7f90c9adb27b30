#include "api/mastodon/entities/lists.h"

namespace kindred::api::entities {

void write_list(JsonWriter& w, const social::List& l) {
  w.begin_object()
      .member("id", l.id.to_string())
      .member("title", l.title)
      .member("replies_policy", social::replies_policy_name(l.replies_policy))
      .member("exclusive", l.exclusive)
      .end_object();
}

std::string list_json(const social::List& l) { return to_json(l, write_list); }
std::string lists_json(const std::vector<social::List>& ls) {
  return to_json_array(ls, write_list);
}

}  // namespace kindred::api::entities
