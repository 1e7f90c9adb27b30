// The routes Mastodon apps call the moment they start, with nothing Kindred-specific to say:
// GET /api/v1/preferences, /api/v1/custom_emojis, /api/v1/instance/peers and
// /api/v1/instance/translation_languages.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

void register_startup_routes(http::Router& router, ApiServices& s) {
  // The account's posting and reading defaults, in Mastodon's keys. Kindred posts public and
  // not sensitive unless a post says otherwise (the Account's source says the same), in the
  // account's own language; media and content warnings are shown as the app chooses.
  router.add(http::Method::kGet, "/api/v1/preferences", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    std::string language;
    if (caller.account.has_value()) language = caller.account->locale;  // always, for kUser
    return json_response(json::object{
        {"posting:default:visibility", "public"},
        {"posting:default:sensitive", false},
        {"posting:default:language", language.empty() ? json::value(nullptr) : json::value(language)},
        {"reading:expand:media", "default"},
        {"reading:expand:spoilers", false},
    });
  });
  // No custom emoji on this server (a photo server's composer has Unicode's).
  router.add(http::Method::kGet, "/api/v1/custom_emojis",
             [](http::Request&) { return json_response(json::array{}); });
  // Kindred does not federate: no other server is known.
  router.add(http::Method::kGet, "/api/v1/instance/peers",
             [](http::Request&) { return json_response(json::array{}); });
  // No translation service: no language pair to offer.
  router.add(http::Method::kGet, "/api/v1/instance/translation_languages",
             [](http::Request&) { return json_response(json::object{}); });
}

}  // namespace kindred::api
