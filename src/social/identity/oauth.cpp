#include "social/identity/oauth.h"

#include <algorithm>
#include <cctype>

#include "social/identity/scopes.h"
#include "social/identity/secrets.h"

namespace kindred::social {

using store::KeyspaceType;
using store::ObjectType;

namespace {

constexpr int64_t kCodeLifetimeMs = 10 * 60 * 1000;

template <class T>
Result<T> load(const store::Store& s, ObjectType type, Id id) {
  auto bytes = s.get_object(type, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return T::decode(*bytes);
}

Status invalid_grant() {
  return Status::unauthenticated(
      "The provided authorization grant is invalid, expired, revoked, does not match the "
      "redirection URI used in the authorization request, or was issued to another client.");
}

}  // namespace

bool valid_redirect_uri(std::string_view uri) {
  if (uri == kOutOfBand) return true;
  if (uri.size() > 2000 || uri.find('#') != std::string_view::npos) return false;
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= uri.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return std::none_of(uri.begin(), uri.end(),
                      [](unsigned char c) { return std::isspace(c) || c < 32; });
}

Result<App> OAuthService::create_app(const NewApp& in) {
  if (in.name.empty()) return Status::invalid_argument("Validation failed: Application name can't be blank");
  if (in.name.size() > 60)
    return Status::invalid_argument("Validation failed: Application name is too long (maximum is 60 characters)");
  if (in.redirect_uris.empty())
    return Status::invalid_argument("Validation failed: Redirect URI can't be blank");
  for (const auto& uri : in.redirect_uris)
    if (!valid_redirect_uri(uri))
      return Status::invalid_argument("Validation failed: Redirect URI must be an absolute URI.");
  if (in.website.size() > 2000) return Status::invalid_argument("Validation failed: Website is invalid");
  KINDRED_ASSIGN_OR_RETURN(auto scopes, parse_scopes(in.scopes));

  App app;
  app.id = deps_.ids.next();
  app.name = in.name;
  app.website = in.website;
  app.redirect_uris = in.redirect_uris;
  app.scopes = join_scopes(scopes);
  app.client_id = random_token();
  app.client_secret = random_token();
  app.created_at_ms = deps_.clock.now_ms();
  store::Batch b;
  b.claim_key(KeyspaceType::kClientId, app.client_id, app.id);
  b.put_object(ObjectType::kApp, app.id, app.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return app;
}

Result<App> OAuthService::get_app(Id id) const { return load<App>(deps_.store, ObjectType::kApp, id); }

Result<App> OAuthService::find_app(std::string_view client_id) const {
  auto id = deps_.store.lookup_key(KeyspaceType::kClientId, client_id);
  if (!id.has_value()) {
    if (id.error().is_not_found()) return Status::not_found("Record not found");
    return id.error();
  }
  return get_app(*id);
}

Result<App> OAuthService::authenticate_client(std::string_view client_id,
                                              std::string_view client_secret) const {
  auto app = find_app(client_id);
  if (!app.has_value() || !secrets_equal(app->client_secret, client_secret))
    return Status::unauthenticated(
        "Client authentication failed due to unknown client, no client authentication included, "
        "or unsupported authentication method.");
  return app;
}

Result<IssuedToken> OAuthService::issue_token(const App& app, Id account_id, std::string_view scopes) {
  KINDRED_ASSIGN_OR_RETURN(auto requested,
                           parse_scopes(scopes.empty() ? std::string_view(app.scopes) : scopes));
  KINDRED_ASSIGN_OR_RETURN(auto registered, parse_scopes(app.scopes));
  if (!scopes_subset(requested, registered))
    return Status::invalid_argument("The requested scope is invalid, unknown, or malformed.");
  IssuedToken out;
  out.access_token = random_token();
  Token& t = out.token;
  t.id = deps_.ids.next();
  t.app_id = app.id;
  t.account_id = account_id;
  t.scopes = join_scopes(requested);
  t.created_at_ms = deps_.clock.now_ms();
  t.hash = hash_secret(out.access_token);
  store::Batch b;
  b.claim_key(KeyspaceType::kTokenHash, t.hash, t.id);
  b.put_object(ObjectType::kToken, t.id, t.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return out;
}

Result<TokenGrant> OAuthService::authenticate_token(std::string_view access_token) {
  if (access_token.empty() || access_token.size() > 200)
    return Status::unauthenticated("The access token is invalid");
  std::string hash = hash_secret(access_token);
  if (auto cached = cache_.find(hash)) {
    if (!*cached) return Status::unauthenticated("The access token is invalid");
    return **cached;
  }
  auto id = deps_.store.lookup_key(KeyspaceType::kTokenHash, hash);
  if (!id.has_value()) {
    if (id.error().is_not_found()) return Status::unauthenticated("The access token is invalid");
    return id.error();
  }
  auto token = load<Token>(deps_.store, ObjectType::kToken, *id);
  if (!token.has_value()) {
    if (token.error().is_not_found()) return Status::unauthenticated("The access token is invalid");
    return token.error();
  }
  KINDRED_ASSIGN_OR_RETURN(auto scopes, parse_scopes(token->scopes));
  auto grant = std::make_shared<const TokenGrant>(TokenGrant{std::move(*token), std::move(scopes)});
  cache_.insert_if_absent(hash, grant);
  return *grant;
}

Status OAuthService::revoke(const App& app, std::string_view access_token) {
  const std::string hash = hash_secret(access_token);
  auto id = deps_.store.lookup_key(KeyspaceType::kTokenHash, hash);
  if (!id.has_value()) return id.error().is_not_found() ? Status::ok() : id.error();
  KINDRED_ASSIGN_OR_RETURN(Token token, load<Token>(deps_.store, ObjectType::kToken, *id));
  if (token.app_id != app.id)
    return Status::permission_denied("You are not authorized to revoke this token");
  store::Batch b;
  b.release_key(KeyspaceType::kTokenHash, hash);
  b.delete_object(ObjectType::kToken, token.id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  // A request racing with revocation may still pass; none after this.
  cache_.tombstone(hash);
  return Status::ok();
}

Result<std::string> OAuthService::create_code(const App& app, Id account_id, std::string_view scopes,
                                              std::string_view redirect_uri,
                                              std::string_view code_challenge,
                                              std::string_view code_challenge_method) {
  if (std::find(app.redirect_uris.begin(), app.redirect_uris.end(), redirect_uri) ==
      app.redirect_uris.end())
    return Status::invalid_argument(
        "The redirect uri included is not valid.");
  std::string method(code_challenge_method);
  if (!code_challenge.empty() && method.empty()) method = "plain";
  if (!code_challenge.empty() && method != "S256" && method != "plain")
    return Status::invalid_argument("Code challenge method must be S256 or plain");
  KINDRED_ASSIGN_OR_RETURN(auto requested,
                           parse_scopes(scopes.empty() ? std::string_view(app.scopes) : scopes));
  KINDRED_ASSIGN_OR_RETURN(auto registered, parse_scopes(app.scopes));
  if (!scopes_subset(requested, registered))
    return Status::invalid_argument("The requested scope is invalid, unknown, or malformed.");

  std::string code = random_token();
  AuthCode c;
  c.id = deps_.ids.next();
  c.app_id = app.id;
  c.account_id = account_id;
  c.scopes = join_scopes(requested);
  c.redirect_uri = std::string(redirect_uri);
  c.code_challenge = std::string(code_challenge);
  c.code_challenge_method = code_challenge.empty() ? "" : method;
  c.expires_at_ms = deps_.clock.now_ms() + kCodeLifetimeMs;
  c.hash = hash_secret(code);
  store::Batch b;
  b.claim_key(KeyspaceType::kAuthCodeHash, c.hash, c.id);
  b.put_object(ObjectType::kAuthCode, c.id, c.encode());
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return code;
}

Result<IssuedToken> OAuthService::exchange_code(const App& app, std::string_view code,
                                                std::string_view redirect_uri,
                                                std::string_view code_verifier) {
  const std::string hash = hash_secret(code);
  auto id = deps_.store.lookup_key(KeyspaceType::kAuthCodeHash, hash);
  if (!id.has_value()) return id.error().is_not_found() ? invalid_grant() : id.error();
  auto c = load<AuthCode>(deps_.store, ObjectType::kAuthCode, *id);
  if (!c.has_value()) return c.error().is_not_found() ? invalid_grant() : c.error();
  // A code works once: spend it before checking anything else. The claim of a fresh marker id
  // makes a racing second exchange fail with Conflict instead of issuing a second token.
  store::Batch b;
  b.claim_key(KeyspaceType::kIdempotency, "oauth-code:" + hash, deps_.ids.next());
  b.release_key(KeyspaceType::kAuthCodeHash, hash);
  b.delete_object(ObjectType::kAuthCode, c->id);
  auto spent = deps_.store.apply(b);
  if (!spent.has_value()) return spent.error().is_conflict() ? invalid_grant() : spent.error();
  if (c->app_id != app.id || c->expires_at_ms < deps_.clock.now_ms() ||
      c->redirect_uri != redirect_uri)
    return invalid_grant();
  if (!c->code_challenge.empty()) {
    const std::string expected =
        c->code_challenge_method == "S256" ? pkce_s256(code_verifier) : std::string(code_verifier);
    if (code_verifier.empty() || !secrets_equal(expected, c->code_challenge)) return invalid_grant();
  }
  return issue_token(app, c->account_id, c->scopes);
}

}  // namespace kindred::social
