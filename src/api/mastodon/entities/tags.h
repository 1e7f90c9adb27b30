#pragma once

#include <string>
#include <vector>

#include "api/mastodon/api.h"
#include "api/mastodon/entities/json_writer.h"
#include "social/search/search.h"

// Mastodon's Tag entity (docs.joinmastodon.org/entities/Tag). Pure functions: no store, no I/O.
namespace kindred::api::entities {

// Tag: {id, name, url, history: [{day, uses, accounts}] (strings, today first), following and
// featuring (signed-in viewers only; featuring false: no featured tags yet)}. The id is the
// tag's node (social::tag_node), stable for its name.
void write_tag(JsonWriter& w, const social::TagView& t, const ApiConfig& c);
std::string tag_json(const social::TagView& t, const ApiConfig& c);

}  // namespace kindred::api::entities
