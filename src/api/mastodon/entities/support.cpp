#include "api/mastodon/entities/support.h"

#include "api/mastodon/entities/entities.h"

namespace kindred::api::entities {

namespace {

void string_or_null(JsonWriter& w, std::string_view key, const std::string& v) {
  w.key(key);
  if (v.empty()) {
    w.null();
  } else {
    w.string(v);
  }
}

void strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& vs) {
  w.key(key).begin_array();
  for (const auto& v : vs) w.string(v);
  w.end_array();
}

}  // namespace

void write_support_resource(JsonWriter& w, const social::ResourceView& v) {
  const social::SupportResource& r = *v.resource;
  w.begin_object().member("id", r.id).member("name", r.name);
  strings(w, "topics", r.topics);
  strings(w, "regions", r.regions);
  string_or_null(w, "phone", r.phone);
  string_or_null(w, "email", r.email);
  string_or_null(w, "website", r.website);
  w.key("hours");
  if (r.hours.empty()) {
    w.null();
  } else {
    w.begin_object().member("time_zone", r.time_zone).key("weekly").begin_array();
    for (const auto& h : r.hours) {
      w.begin_object();
      strings(w, "days", h.days);
      w.member("opens", h.opens).member("closes", h.closes).end_object();
    }
    w.end_array().end_object();
  }
  w.key("closures").begin_array();
  for (const auto& c : r.closures) {
    w.begin_object().member("from", c.from).member("to", c.to);
    string_or_null(w, "reason", c.reason);
    w.end_object();
  }
  w.end_array();
  const social::OpenState& s = v.state;
  w.key("open_now");
  if (s.known) {
    w.boolean(s.open_now);
  } else {
    w.null();
  }
  write_instant_or_null(w, "closes_at", s.open_now ? s.closes_at_ms : 0);
  write_instant_or_null(w, "next_open_at", s.next_open_at_ms);
  string_or_null(w, "next_open_at_local", s.next_open_at_local);
  w.end_object();
}

std::string support_resource_json(const social::ResourceView& v) {
  return to_json(v, write_support_resource);
}

std::string support_resources_json(const std::vector<social::ResourceView>& vs) {
  return to_json_array(vs, write_support_resource);
}

void write_support_card(JsonWriter& w, const social::SupportCard& card) {
  w.begin_object().member("message", card.message);
  strings(w, "topics", card.topics);
  w.key("resources").begin_array();
  for (const auto& r : card.resources) write_support_resource(w, r);
  w.end_array().end_object();
}

}  // namespace kindred::api::entities
