#include "api/mastodon/api.h"

#include "api/mastodon/auth.h"
#include "api/mastodon/entities/entities.h"
#include "api/mastodon/errors.h"
#include "http/client_address.h"

namespace kindred::api {

namespace {

void add_rate_headers(http::Response& res, const http::RateLimiter::Decision& d) {
  res.set_header("X-RateLimit-Limit", std::to_string(d.limit));
  res.set_header("X-RateLimit-Remaining", std::to_string(d.remaining));
  res.set_header("X-RateLimit-Reset", entities::iso8601(d.reset_ms));
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

bool sign_in_attempt_allowed(ApiServices& s, std::string_view username_or_email) {
  if (s.sign_in_account_limiter == nullptr) return true;
  std::string key = "account:";
  for (char c : username_or_email) {
    if (c == ' ' || c == '\t') continue;  // " Lena" and "lena" name one account
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return s.sign_in_account_limiter->hit(key).allowed;
}

MastodonApi::MastodonApi(ApiServices services, http::Router& router) : services_(services) {
  if (services_.config.rate_limits) {
    sign_in_account_limiter_ = std::make_unique<http::RateLimiter>(
        services_.clock, services_.config.sign_in_account_limit,
        services_.config.sign_in_account_period_ms, services_.config.limit_sharing, "sign_in_account");
    services_.sign_in_account_limiter = sign_in_account_limiter_.get();
  }
  register_app_routes(router, services_);
  register_oauth_routes(router, services_);
  register_account_routes(router, services_);
  register_status_routes(router, services_);
  register_status_edit_routes(router, services_);
  register_scheduled_status_routes(router, services_);
  register_poll_routes(router, services_);
  register_favourite_routes(router, services_);
  register_instance_routes(router, services_);
  register_media_routes(router, services_);
  register_relationship_routes(router, services_);
  register_timeline_routes(router, services_);
  register_notification_routes(router, services_);
  register_filter_routes(router, services_);
  register_notification_request_routes(router, services_);
  register_push_routes(router, services_);
  register_startup_routes(router, services_);
  register_domain_block_routes(router, services_);
  register_report_routes(router, services_);
  register_admin_report_routes(router, services_);
  register_admin_account_routes(router, services_);
  register_list_routes(router, services_);
  register_conversation_routes(router, services_);
  register_tag_routes(router, services_);
  register_trend_routes(router, services_);
  register_announcement_routes(router, services_);
  register_instance_text_routes(router, services_);
  register_discovery_routes(router, services_);
  register_oauth_discovery_routes(router, services_);
  register_search_routes(router, services_);
  register_kindred_comment_routes(router, services_);
  register_kindred_support_routes(router, services_);
  register_streaming_routes(router, services_);
  register_kindred_preference_routes(router, services_);
  register_kindred_account_deletion_routes(router, services_);
  register_kindred_memory_routes(router, services_);
  register_kindred_hold_routes(router, services_);
  register_kindred_comment_control_routes(router, services_);
  register_kindred_data_routes(router, services_);
  register_kindred_audit_log_routes(router, services_);
  router.set_not_found([](http::Request&) { return error_response(404, "Not found"); });
  // Browser-based Mastodon apps call from their own origin: as Mastodon's config/initializers/
  // cors.rb, any origin, no credentials, on the API, the token endpoints and discovery. Never on
  // the sign-in and consent page (/oauth/authorize), nor on the web pages to come.
  const std::string api_methods = "POST, PUT, DELETE, GET, PATCH, OPTIONS";
  router.set_cors({
      {"/api/", api_methods,
       "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id"},
      {"/oauth/token", "POST", ""},
      {"/oauth/revoke", "POST", ""},
      {"/oauth/userinfo", "GET, POST", ""},
      {"/.well-known/", "GET", ""},
      {"/nodeinfo/", "GET", ""},
  });

  if (!services_.config.rate_limits) return;
  const auto& cfg = services_.config;
  api_limiter_ = std::make_unique<http::RateLimiter>(services_.clock, cfg.api_limit, cfg.api_period_ms,
                                                     cfg.limit_sharing, "api");
  signup_limiter_ = std::make_unique<http::RateLimiter>(services_.clock, cfg.signup_limit, cfg.signup_period_ms,
                                                        cfg.limit_sharing, "signup");
  sign_in_limiter_ = std::make_unique<http::RateLimiter>(services_.clock, cfg.sign_in_limit, cfg.sign_in_period_ms,
                                                         cfg.limit_sharing, "sign_in");
  media_limiter_ = std::make_unique<http::RateLimiter>(services_.clock, cfg.media_limit, cfg.media_period_ms,
                                                       cfg.limit_sharing, "media");
  // As Mastodon's rack-attack: /api/* is limited per account when signed in, else per IP;
  // sign-ups are limited per IP on top, and so are sign-in attempts (token grants and the
  // authorization form), which would otherwise allow unlimited password guessing. Every decision
  // is made from the route that will handle the request (req.route, one spelling per route),
  // never from the path as sent, so no other spelling of a path reaches a handler unlimited.
  router.set_filter([this](http::Request& req, http::Response& extra) -> std::optional<http::Response> {
    const std::string_view route = req.route;
    if (req.method == http::Method::kPost &&
        (route == "/oauth/token" || route == "/oauth/authorize")) {
      auto d = sign_in_limiter_->hit(http::rate_limit_key(req.remote_ip));
      add_rate_headers(extra, d);
      if (d.allowed) return std::nullopt;
      return error_response(429, "Too many requests");
    }
    if (!starts_with(route, "/api/")) return std::nullopt;
    std::string key = http::rate_limit_key(req.remote_ip);
    std::string_view token = bearer_token(req);
    if (!token.empty()) {
      auto grant = services_.oauth.authenticate_token(token);
      if (grant.has_value() && !grant->token.account_id.is_none())
        key = "account:" + grant->token.account_id.to_string();
    }
    auto d = api_limiter_->hit(key);
    if (req.method == http::Method::kPost && route == "/api/v1/accounts") {
      auto s = signup_limiter_->hit(http::rate_limit_key(req.remote_ip));
      if (!s.allowed) d = s;
    }
    if (req.method == http::Method::kPost &&
        (route == "/api/v1/media" || route == "/api/v2/media")) {
      auto m = media_limiter_->hit(key);
      if (!m.allowed) d = m;
    }
    add_rate_headers(extra, d);
    if (d.allowed) return std::nullopt;
    http::Response res = error_response(429, "Too many requests");
    return res;
  });
}

MastodonApi::~MastodonApi() = default;

}  // namespace kindred::api
