// Mastodon 4.3's OAuth discovery (GET /.well-known/oauth-authorization-server, RFC 8414) and
// OpenID-style user information (GET and POST /oauth/userinfo, for a token with `profile`).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/mastodon/handler.h"
#include "social/identity/scopes.h"

namespace kindred::api {
namespace json = boost::json;

void register_oauth_discovery_routes(http::Router& router, ApiServices& s) {
  // Only what Kindred does: codes (with PKCE S256 only) sent back in the redirect's query; the
  // authorization_code, password and client_credentials grants; client secrets in the form body.
  router.add(http::Method::kGet, "/.well-known/oauth-authorization-server", [&s](http::Request&) {
    const std::string& base = s.config.base_url;
    json::array scopes;
    for (const auto& scope : social::known_scopes()) scopes.emplace_back(scope);
    return json_response(json::object{
        {"issuer", base + "/"},
        {"service_documentation", "https://docs.joinmastodon.org/"},
        {"authorization_endpoint", base + "/oauth/authorize"},
        {"token_endpoint", base + "/oauth/token"},
        {"app_registration_endpoint", base + "/api/v1/apps"},
        {"revocation_endpoint", base + "/oauth/revoke"},
        {"userinfo_endpoint", base + "/oauth/userinfo"},
        {"scopes_supported", std::move(scopes)},
        {"response_types_supported", json::array{"code"}},
        {"response_modes_supported", json::array{"query"}},
        {"grant_types_supported",
         json::array{"authorization_code", "password", "client_credentials"}},
        {"token_endpoint_auth_methods_supported", json::array{"client_secret_post"}},
        {"code_challenge_methods_supported", json::array{"S256"}},
    });
  });

  auto userinfo = [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "profile"));
    API_TRY(social::Account a, s.accounts.get(caller.viewer().account_id));
    const std::string avatar = a.avatar.empty()
                                   ? s.config.base_url + "/avatars/original/missing.png"
                                   : entities::media_url(s.config, a.avatar);
    auto res = json_response(json::object{
        {"iss", s.config.base_url + "/"},
        {"sub", s.config.base_url + "/users/" + a.username},
        {"name", a.display_name},
        {"preferred_username", a.username},
        {"profile", s.config.base_url + "/@" + a.username},
        {"picture", avatar},
    });
    res.set_header("Cache-Control", "no-store");
    return res;
  };
  router.add(http::Method::kGet, "/oauth/userinfo", userinfo);
  router.add(http::Method::kPost, "/oauth/userinfo", userinfo);
}

}  // namespace kindred::api
