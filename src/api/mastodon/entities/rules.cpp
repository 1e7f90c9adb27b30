#include "api/mastodon/entities/rules.h"

#include <boost/json/object.hpp>

namespace kindred::api::entities {

boost::json::array rules_json(const std::vector<social::InstanceRule>& rules) {
  boost::json::array out;
  for (const auto& r : rules) {
    out.push_back(boost::json::object{{"id", r.id.to_string()},
                                      {"text", r.text},
                                      {"hint", r.hint},
                                      {"translations", boost::json::object{}}});
  }
  return out;
}

}  // namespace kindred::api::entities
