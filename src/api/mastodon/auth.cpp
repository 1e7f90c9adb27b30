#include "api/mastodon/auth.h"

#include "social/identity/scopes.h"
#include "social/identity/secrets.h"

namespace kindred::api {

std::string_view bearer_token(const http::Request& req) {
  if (auto h = req.header("authorization")) {
    std::string_view v = *h;
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
      v.remove_prefix(7);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      return v;
    }
    return {};
  }
  // Mastodon (Doorkeeper) also accepts the token as a query parameter.
  std::string_view q = req.query;
  constexpr std::string_view kKey = "access_token=";
  size_t pos = 0;
  while (pos < q.size()) {
    size_t end = q.find('&', pos);
    if (end == std::string_view::npos) end = q.size();
    std::string_view piece = q.substr(pos, end - pos);
    if (piece.substr(0, kKey.size()) == kKey) return piece.substr(kKey.size());
    pos = end + 1;
  }
  return {};
}


Result<std::optional<social::TokenGrant>> session_grant(ApiServices& s, const http::Request& req) {
  auto secret = req.cookie(social::kSessionCookie);
  if (!secret || secret->empty()) return std::optional<social::TokenGrant>();
  // Only the site's own pages may use the cookie: their scripts send the session's CSRF token
  // in a header, which another site can neither read nor send (and a browser tells the origin).
  auto sent = req.header("x-csrf-token");
  if (!sent) return std::optional<social::TokenGrant>();
  if (auto origin = req.header("origin"); origin && *origin != http::url_origin(s.config.base_url))
    return Status::permission_denied("Requests from another site cannot use this site's sign-in");
  KINDRED_ASSIGN_OR_RETURN(social::WebSession session, s.sessions.authenticate(*secret));
  if (!social::secrets_equal(*sent, session.csrf))
    return Status::invalid_argument("Can't verify CSRF token authenticity.");
  social::TokenGrant grant;
  grant.token.id = session.id;
  grant.token.account_id = session.account_id;
  grant.token.scopes = std::string(social::kSessionScopes);
  grant.token.created_at_ms = session.created_at_ms;
  KINDRED_ASSIGN_OR_RETURN(grant.scopes, social::parse_scopes(social::kSessionScopes));
  return std::optional<social::TokenGrant>(std::move(grant));
}

Result<Caller> authenticate(ApiServices& s, const http::Request& req, AuthNeed need,
                            std::string_view scope) {
  Caller caller;
  std::string_view token = bearer_token(req);
  social::TokenGrant grant;
  if (token.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto from_session, session_grant(s, req));
    if (!from_session) {
      if (need == AuthNeed::kOptional) return caller;
      return Status::unauthenticated("The access token is invalid");
    }
    grant = std::move(*from_session);
  } else {
    KINDRED_ASSIGN_OR_RETURN(grant, s.oauth.authenticate_token(token));
  }
  if (!scope.empty()) {
    bool allowed = false;
    for (size_t pos = 0; pos <= scope.size() && !allowed;) {
      size_t bar = scope.find('|', pos);
      if (bar == std::string_view::npos) bar = scope.size();
      allowed = social::scopes_allow(grant.scopes, scope.substr(pos, bar - pos));
      pos = bar + 1;
    }
    if (!allowed) return Status::permission_denied("This action is outside the authorized scopes");
  }
  if (!grant.token.account_id.is_none()) {
    auto account = s.accounts.get(grant.token.account_id);
    if (!account.has_value()) {
      if (account.error().is_not_found()) return Status::unauthenticated("The access token is invalid");
      return account.error();
    }
    if (!account->approved)
      return Status::permission_denied("Your login is currently pending approval");
    // Mastodon refuses the tokens of a suspended, disabled or deleted account the same way.
    if (account->memorial || account->disabled || social::is_hidden(*account))
      return Status::permission_denied("Your login is currently disabled");
    s.activity.note_active(account->id);  // the weekly logins of /api/v1/instance/activity
    caller.account = std::move(*account);
  } else if (need == AuthNeed::kUser) {
    return Status::invalid_argument("This method requires an authenticated user");
  }
  caller.grant = std::move(grant);
  return caller;
}

Result<social::Account> admin_caller(ApiServices& s, const http::Request& req, const char* scope) {
  KINDRED_ASSIGN_OR_RETURN(Caller caller, authenticate(s, req, AuthNeed::kUser, scope));
  return std::move(*caller.account);
}

}  // namespace kindred::api
