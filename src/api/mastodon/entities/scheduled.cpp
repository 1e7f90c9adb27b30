#include "api/mastodon/entities/scheduled.h"

#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

namespace {

void optional_string(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  w.key(key);
  if (v) {
    w.string(*v);
  } else {
    w.null();
  }
}

}  // namespace

void write_scheduled_status(JsonWriter& w, const social::ScheduledPostView& v, const ApiConfig& c) {
  const social::ScheduledPost& p = v.scheduled;
  w.begin_object()
      .member("id", p.id.to_string())
      .member("scheduled_at", iso8601(p.scheduled_at_ms));
  w.key("params").begin_object().member("text", p.text).key("poll");
  if (p.poll) {
    w.begin_object().key("options").begin_array();
    for (const auto& o : p.poll->options) w.string(o);
    w.end_array();
    w.member("expires_in", std::to_string(p.poll->expires_in_s.value_or(0)))
        .member("multiple", p.poll->multiple)
        .member("hide_totals", p.poll->hide_totals)
        .end_object();
  } else {
    w.null();
  }
  w.key("media_ids");
  if (p.media_ids.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (Id m : p.media_ids) w.string(m.to_string());
    w.end_array();
  }
  w.key("sensitive");
  if (p.sensitive) {
    w.boolean(*p.sensitive);
  } else {
    w.null();
  }
  optional_string(w, "spoiler_text", p.spoiler_text);
  optional_string(w, "visibility",
                  p.visibility.empty() ? std::nullopt : std::optional<std::string>(p.visibility));
  optional_string(w, "in_reply_to_id", p.in_reply_to_id.is_none()
                                           ? std::nullopt
                                           : std::optional<std::string>(p.in_reply_to_id.to_string()));
  optional_string(w, "language", p.language);
  if (p.app_id.is_none()) {
    w.key("application_id").null();
  } else {
    w.member("application_id", static_cast<int64_t>(p.app_id.value));  // an integer, as Mastodon's
  }
  optional_string(w, "idempotency",
                  p.idempotency.empty() ? std::nullopt : std::optional<std::string>(p.idempotency));
  w.key("scheduled_at").null().member("with_rate_limit", false).end_object();
  w.key("media_attachments").begin_array();
  for (const auto& m : v.media) write_media(w, m, c);
  w.end_array().end_object();
}

std::string scheduled_status_json(const social::ScheduledPostView& v, const ApiConfig& c) {
  return to_json(v, [&c](JsonWriter& w, const social::ScheduledPostView& x) { write_scheduled_status(w, x, c); });
}

std::string scheduled_statuses_json(const std::vector<social::ScheduledPostView>& vs, const ApiConfig& c) {
  return to_json_array(vs, [&c](JsonWriter& w, const social::ScheduledPostView& x) {
    write_scheduled_status(w, x, c);
  });
}

}  // namespace kindred::api::entities
