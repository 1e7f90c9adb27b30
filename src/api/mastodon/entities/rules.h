#pragma once

#include <boost/json/array.hpp>
#include <vector>

#include "social/safety/rules.h"

namespace kindred::api::entities {

// Mastodon's Rule entities, in order: [{"id": "1", "text", "hint", "translations": {}}]. The
// rules are in the server's one language: no translations.
boost::json::array rules_json(const std::vector<social::InstanceRule>& rules);

}  // namespace kindred::api::entities
