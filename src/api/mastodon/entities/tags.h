#pragma once

#include <string>
#include <vector>

#include "api/mastodon/api.h"
#include "api/mastodon/entities/json_writer.h"
#include "social/graph/tags.h"

// Mastodon's Tag and FeaturedTag entities (docs.joinmastodon.org/entities/Tag, FeaturedTag).
// Pure functions: no store, no I/O.
namespace kindred::api::entities {

// Tag: {id (4.4), name, url, history: [{day, uses, accounts}] (strings, today first), following and
// featuring (only for a signed-in viewer)}. The one rendering of a Tag: search and trends use it.
void write_tag(JsonWriter& w, const social::TagView& t, const ApiConfig& c);
std::string tag_json(const social::TagView& t, const ApiConfig& c);
std::string tags_json(const std::vector<social::TagView>& ts, const ApiConfig& c);
// FeaturedTag: {id, name, url (the profile's tagged page), statuses_count (a string, as
// Mastodon's serializer casts it), last_status_at (a date, or null)}.
void write_featured_tag(JsonWriter& w, const social::FeaturedTagView& t, const ApiConfig& c);
std::string featured_tag_json(const social::FeaturedTagView& t, const ApiConfig& c);
std::string featured_tags_json(const std::vector<social::FeaturedTagView>& ts, const ApiConfig& c);

}  // namespace kindred::api::entities
