#pragma once

#include <string>
#include <vector>

#include "api/mastodon/entities/json_writer.h"
#include "social/care/support.h"

// Kindred's support-resource entities. Pure functions: no store, no I/O.
namespace kindred::api::entities {

// The SupportResource entity: the stored fields (as api/kindred/support_json.h reads them) plus
// open_now (null when no hours are known: nothing is claimed), closes_at (when open),
// next_open_at (ISO 8601 UTC, null when no hours are known) and next_open_at_local (the same
// moment in the organisation's own time zone, with its offset).
void write_support_resource(JsonWriter& w, const social::ResourceView& v);
std::string support_resource_json(const social::ResourceView& v);
std::string support_resources_json(const std::vector<social::ResourceView>& vs);
// {"message", "topics", "resources"}: a Status's `kindred.support`.
void write_support_card(JsonWriter& w, const social::SupportCard& card);

}  // namespace kindred::api::entities
