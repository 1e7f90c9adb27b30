#pragma once

#include <string>
#include <vector>

#include "api/mastodon/api.h"
#include "api/mastodon/entities/json_writer.h"
#include "social/posts/scheduled.h"

// Mastodon's ScheduledStatus (docs.joinmastodon.org/entities/ScheduledStatus). Pure functions.
namespace kindred::api::entities {

// {id, scheduled_at, params: {text, poll, media_ids, sensitive, spoiler_text, visibility,
// in_reply_to_id, language, application_id, scheduled_at, idempotency, with_rate_limit}
// (null where the request gave nothing, as Mastodon keeps them), media_attachments}.
void write_scheduled_status(JsonWriter& w, const social::ScheduledPostView& v, const ApiConfig& c);
std::string scheduled_status_json(const social::ScheduledPostView& v, const ApiConfig& c);
std::string scheduled_statuses_json(const std::vector<social::ScheduledPostView>& vs, const ApiConfig& c);

}  // namespace kindred::api::entities
