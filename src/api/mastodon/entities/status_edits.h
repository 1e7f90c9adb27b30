#pragma once

#include <string>
#include <vector>

#include "api/mastodon/api.h"
#include "api/mastodon/entities/json_writer.h"
#include "social/posts/posts.h"

// Mastodon's StatusEdit and StatusSource (docs.joinmastodon.org/entities/StatusEdit,
// StatusSource). Pure functions: no store, no I/O.
namespace kindred::api::entities {

// StatusEdit: {content, spoiler_text, sensitive, created_at, account, media_attachments,
// emojis}; `poll` is left out, as Mastodon does for a version without one.
void write_status_edit(JsonWriter& w, const social::PostVersionView& v, const ApiConfig& c);
std::string status_edits_json(const std::vector<social::PostVersionView>& vs, const ApiConfig& c);
// StatusSource: {id, text, spoiler_text}.
std::string status_source_json(const social::Post& p);

}  // namespace kindred::api::entities
