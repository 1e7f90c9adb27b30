#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "api/mastodon/api.h"
#include "social/oauth.h"
#include "social/views.h"

// Domain views -> Mastodon JSON entities. Pure functions: no store, no I/O.
namespace kindred::api::entities {

// "2026-11-25T17:00:00.123Z"
std::string iso8601(int64_t ms);
// "2026-11-25"
std::string iso_date(int64_t ms);

// Mastodon's Account; `kindred.verified` is Kindred's extension.
boost::json::object account(const social::AccountView& v, const ApiConfig& c);
// CredentialAccount: Account plus `source` and `role`, for the account itself only.
boost::json::object credential_account(const social::AccountView& v, const ApiConfig& c);
// Mastodon's Status as its viewer sees it. `with_source` adds `text` (as returned by delete).
boost::json::object status(const social::PostView& v, const ApiConfig& c, bool with_source = false);
// Application; `with_secrets` adds client_id and client_secret (only when just created).
boost::json::object application(const social::App& app, bool with_secrets);
// Token: {access_token, token_type, scope, created_at}.
boost::json::object token(const social::IssuedToken& t);

}  // namespace kindred::api::entities
