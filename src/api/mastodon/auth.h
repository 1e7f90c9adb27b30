#pragma once

#include <optional>
#include <string_view>

#include "api/mastodon/api.h"
#include "http/message.h"
#include "social/model/views.h"

namespace kindred::api {

// Who made a request: the token's grant, and its user when the token has one.
struct Caller {
  std::optional<social::TokenGrant> grant;
  std::optional<social::Account> account;
  social::Viewer viewer() const { return {account ? account->id : Id()}; }
};

// The bearer token from "Authorization: Bearer ..." or the access_token query parameter, or "".
// Without one, the web pages' session cookie is taken as session_grant says.
std::string_view bearer_token(const http::Request& req);

// The grant of a browser session: the session cookie (social::kSessionCookie) with its CSRF
// token in the X-CSRF-Token header, from this site's origin when the browser names one. nullopt
// when the request has no cookie or no token header (it is then anonymous, as a page from another
// site that a signed-in person visits). Errors: Unauthenticated for an ended session;
// InvalidArgument (422, Mastodon's words) for a wrong token; PermissionDenied for another origin.
Result<std::optional<social::TokenGrant>> session_grant(ApiServices& s, const http::Request& req);

// Authenticates the request. `scope` is the scope the endpoint needs (e.g. "write:favourites");
// empty means any valid token; "a|b" means either (Mastodon 4.3's verify_credentials takes
// read:accounts or profile). With `require_user`, app-only tokens are refused (422, as Mastodon:
// "This method requires an authenticated user"); with `optional`, no token yields an anonymous
// caller. Errors: Unauthenticated (401), PermissionDenied (403) for a scope the token lacks or an
// account awaiting approval, InvalidArgument for app-only tokens on user endpoints.
enum class AuthNeed { kOptional, kApp, kUser };
Result<Caller> authenticate(ApiServices& s, const http::Request& req, AuthNeed need,
                            std::string_view scope);

// The account of a user token with `scope`, for the admin API (whose service checks the role).
// Errors as authenticate().
Result<social::Account> admin_caller(ApiServices& s, const http::Request& req, const char* scope);

}  // namespace kindred::api
