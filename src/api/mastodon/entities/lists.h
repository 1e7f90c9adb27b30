#pragma once

#include <string>
#include <vector>

#include "api/mastodon/entities/json_writer.h"
#include "social/graph/lists.h"

// Mastodon's List entity (docs.joinmastodon.org/entities/List). Pure functions: no store, no I/O.
namespace kindred::api::entities {

// List: {id, title, replies_policy, exclusive}.
void write_list(JsonWriter& w, const social::List& l);
std::string list_json(const social::List& l);
std::string lists_json(const std::vector<social::List>& ls);

}  // namespace kindred::api::entities
