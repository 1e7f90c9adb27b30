// GET /api/v1/instance, /api/v2/instance, /.well-known/nodeinfo, /nodeinfo/2.0, default images.
#include <boost/json/array.hpp>

#include "api/mastodon/default_images.h"
#include "api/mastodon/entities/rules.h"
#include "api/mastodon/handler.h"
#include "social/identity/instance.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

std::string version_string() {
  return std::string(kMastodonVersion) + " (compatible; Kindred " + std::string(kKindredVersion) + ")";
}

json::object statuses_config(const ApiConfig& c, const ApiServices& s) {
  return json::object{{"max_characters", c.max_status_chars},
                      {"max_media_attachments", s.media.config().max_per_post},
                      {"characters_reserved_per_url", 23}};
}

json::object media_config(const social::MediaConfig& m) {
  return json::object{
      {"supported_mime_types", json::array{"image/jpeg", "image/png", "image/gif", "image/webp"}},
      {"image_size_limit", m.limits.max_bytes},
      {"image_matrix_limit", m.limits.max_pixels},
      {"description_limit", m.max_description_chars},
      {"video_size_limit", 0},
      {"video_frame_rate_limit", 0},
      {"video_matrix_limit", 0}};
}

// What social::make_poll enforces.
json::object polls_config() {
  const social::PollLimits& l = social::kPollLimits;
  return json::object{{"max_options", l.max_options},
                      {"max_characters_per_option", l.max_characters_per_option},
                      {"min_expiration", l.min_expiration_s},
                      {"max_expiration", l.max_expiration_s}};
}

http::Response image(const unsigned char* data, size_t n) {
  http::Response r;
  r.content_type = "image/png";
  r.body.assign(reinterpret_cast<const char*>(data), n);
  r.set_header("Cache-Control", "public, max-age=86400");
  return r;
}

}  // namespace

void register_instance_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/instance", [&s](http::Request&) {
    API_TRY(social::InstanceStats stats, social::instance_stats(s.store));
    const ApiConfig& c = s.config;
    json::object o{
        {"uri", c.domain},
        {"title", c.title},
        {"short_description", c.description},
        {"description", c.description},
        {"email", c.contact_email},
        {"version", version_string()},
        {"urls", json::object{{"streaming_api", streaming_url(c)}}},
        {"stats", json::object{{"user_count", stats.user_count},
                               {"status_count", stats.status_count},
                               {"domain_count", 0}}},
        {"thumbnail", nullptr},
        {"languages", json::array{"en"}},
        {"registrations", c.registrations != social::RegistrationMode::kClosed},
        {"approval_required", c.registrations == social::RegistrationMode::kApproval},
        {"invites_enabled", false},
        {"configuration",
         json::object{{"accounts", json::object{{"max_featured_tags", 0}}},
                      {"statuses", statuses_config(c, s)},
                      {"media_attachments", media_config(s.media.config())},
                      {"polls", polls_config()}}},
        {"contact_account", nullptr},
        {"rules", entities::rules_json(s.reports.rules())}};
    return json_response(o);
  });

  router.add(http::Method::kGet, "/api/v2/instance", [&s](http::Request&) {
    const ApiConfig& c = s.config;
    json::object o{
        {"domain", c.domain},
        {"title", c.title},
        {"version", version_string()},
        {"source_url", c.source_url},
        {"description", c.description},
        {"usage", json::object{{"users", json::object{{"active_month", 0}}}}},
        {"thumbnail", json::object{{"url", c.base_url + "/headers/original/missing.png"}}},
        {"icon", json::array()},
        {"languages", json::array{"en"}},
        {"configuration",
         json::object{{"urls", json::object{{"streaming", streaming_url(c)}, {"status", nullptr}}},
                      {"vapid", json::object{{"public_key", ""}}},
                      {"accounts", json::object{{"max_featured_tags", 0}, {"max_pinned_statuses", 0}}},
                      {"statuses", statuses_config(c, s)},
                      {"media_attachments", media_config(s.media.config())},
                      {"polls", polls_config()},
                      {"translation", json::object{{"enabled", false}}}}},
        {"registrations",
         json::object{{"enabled", c.registrations != social::RegistrationMode::kClosed},
                      {"approval_required", c.registrations == social::RegistrationMode::kApproval},
                      {"message", nullptr},
                      {"url", nullptr}}},
        {"api_versions", json::object{{"mastodon", 2}}},
        {"contact", json::object{{"email", c.contact_email}, {"account", nullptr}}},
        {"rules", entities::rules_json(s.reports.rules())}};
    return json_response(o);
  });

  router.add(http::Method::kGet, "/.well-known/nodeinfo", [&s](http::Request&) {
    return json_response(json::object{
        {"links", json::array{json::object{
                      {"rel", "http://nodeinfo.diaspora.software/ns/schema/2.0"},
                      {"href", s.config.base_url + "/nodeinfo/2.0"}}}}});
  });

  router.add(http::Method::kGet, "/nodeinfo/2.0", [&s](http::Request&) {
    API_TRY(social::InstanceStats stats, social::instance_stats(s.store));
    const ApiConfig& c = s.config;
    auto res = json_response(json::object{
        {"version", "2.0"},
        {"software", json::object{{"name", "kindred"}, {"version", kKindredVersion}}},
        {"protocols", json::array{"activitypub"}},
        {"services", json::object{{"outbound", json::array()}, {"inbound", json::array()}}},
        {"usage", json::object{{"users", json::object{{"total", stats.user_count},
                                                      {"activeMonth", 0},
                                                      {"activeHalfyear", 0}}},
                               {"localPosts", stats.status_count}}},
        {"openRegistrations", c.registrations == social::RegistrationMode::kOpen},
        {"metadata", json::object{{"nodeName", c.title},
                                  {"nodeDescription", c.description},
                                  {"upstream", json::object{{"name", "mastodon"},
                                                            {"version", kMastodonVersion}}}}}});
    res.content_type =
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"";
    return res;
  });

  router.add(http::Method::kGet, "/avatars/original/missing.png", [](http::Request&) {
    return image(kMissingAvatarPng, sizeof kMissingAvatarPng);
  });
  router.add(http::Method::kGet, "/headers/original/missing.png", [](http::Request&) {
    return image(kMissingHeaderPng, sizeof kMissingHeaderPng);
  });
}

}  // namespace kindred::api
