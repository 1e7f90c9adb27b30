// Deleting one's own account: POST /api/v1/kindred/account/delete (Mastodon has it only as a
// settings page; Kindred's apps need it too).
#include "api/mastodon/handler.h"

namespace kindred::api {

void register_kindred_account_deletion_routes(http::Router& router, ApiServices& s) {
  // `password` (form or JSON): the account's current password. 200 with {} once the deletion has
  // started (the account is hidden at once; the rest goes in the background); 400 without a
  // password; 422 for a wrong one; 429 past the sign-in attempts allowed for the account.
  router.add(http::Method::kPost, "/api/v1/kindred/account/delete", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(std::optional<std::string> password, in.string("password"));
    if (!password || password->empty())
      return error_response(400, "param is missing or the value is empty: password");
    if (!s.deletion) return error_response(503, "Account deletion is not available");
    // Guessing the password here costs as much as at sign-in.
    if (!sign_in_attempt_allowed(s, caller.account->username))
      return error_response(429, "Too many password attempts for this account; try again later");
    if (Status st = s.deletion->delete_own(caller.account->id, std::move(*password)); !st.is_ok())
      return error_response(st);
    return json_text_response("{}");
  });
}

}  // namespace kindred::api
