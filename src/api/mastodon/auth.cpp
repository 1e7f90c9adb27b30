#include "api/mastodon/auth.h"

#include "social/identity/scopes.h"

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

Result<Caller> authenticate(ApiServices& s, const http::Request& req, AuthNeed need,
                            std::string_view scope) {
  Caller caller;
  std::string_view token = bearer_token(req);
  if (token.empty()) {
    if (need == AuthNeed::kOptional) return caller;
    return Status::unauthenticated("The access token is invalid");
  }
  KINDRED_ASSIGN_OR_RETURN(social::TokenGrant grant, s.oauth.authenticate_token(token));
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
    if (account->memorial) return Status::permission_denied("Your login is currently disabled");
    caller.account = std::move(*account);
  } else if (need == AuthNeed::kUser) {
    return Status::invalid_argument("This method requires an authenticated user");
  }
  caller.grant = std::move(grant);
  return caller;
}

}  // namespace kindred::api
