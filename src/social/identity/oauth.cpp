#include "social/identity/oauth.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "social/identity/scopes.h"
#include "social/identity/secrets.h"
#include "social/model/text.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
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
  // Schemes that run code or carry a document where a browser follows the redirect (RFC 6749
  // §10.6 and Mastodon's redirect URI validation refuse these).
  std::string scheme(uri.substr(0, colon));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "javascript" || scheme == "data" || scheme == "vbscript") return false;
  return std::none_of(uri.begin(), uri.end(),
                      [](unsigned char c) { return std::isspace(c) || c < 32; });
}

namespace {

// "http://127.0.0.1:8123/cb" -> "http://127.0.0.1/cb"; nullopt when `uri` is not an http URI on
// a loopback address.
std::optional<std::string> without_loopback_port(std::string_view uri) {
  for (std::string_view host : {"http://127.0.0.1", "http://[::1]"}) {
    if (uri.substr(0, host.size()) != host) continue;
    std::string_view rest = uri.substr(host.size());
    if (!rest.empty() && rest.front() == ':') {
      size_t digits = 1;
      while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
      if (digits == 1 || digits > 6) return std::nullopt;
      rest.remove_prefix(digits);
    }
    if (!rest.empty() && rest.front() != '/' && rest.front() != '?') return std::nullopt;
    return std::string(host) + std::string(rest);
  }
  return std::nullopt;
}

}  // namespace

bool redirect_uri_registered(const App& app, std::string_view uri) {
  if (std::find(app.redirect_uris.begin(), app.redirect_uris.end(), uri) != app.redirect_uris.end())
    return true;
  auto asked = without_loopback_port(uri);
  if (!asked) return false;
  return std::any_of(app.redirect_uris.begin(), app.redirect_uris.end(), [&](const std::string& r) {
    auto registered = without_loopback_port(r);
    return registered && *registered == *asked;
  });
}

Result<App> OAuthService::create_app(const NewApp& in) {
  if (in.name.empty()) return Status::invalid_argument("Validation failed: Application name can't be blank");
  KINDRED_RETURN_IF_ERROR(check_length("Application name", in.name, 60));
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

Result<IssuedToken> OAuthService::issue_token(const App& app, Id account_id, std::string_view scopes,
                                              Id token_id) {
  KINDRED_ASSIGN_OR_RETURN(auto requested,
                           parse_scopes(scopes.empty() ? std::string_view(app.scopes) : scopes));
  KINDRED_ASSIGN_OR_RETURN(auto registered, parse_scopes(app.scopes));
  if (!scopes_subset(requested, registered))
    return Status::invalid_argument("The requested scope is invalid, unknown, or malformed.");
  IssuedToken out;
  Token& t = out.token;
  t.id = token_id.is_none() ? deps_.ids.next() : token_id;
  out.access_token = id_token(t.id);
  t.app_id = app.id;
  t.account_id = account_id;
  t.scopes = join_scopes(requested);
  t.created_at_ms = deps_.clock.now_ms();
  t.hash = hash_secret(out.access_token);
  store::Batch b;
  b.claim_key(KeyspaceType::kTokenHash, t.hash, t.id);
  b.put_object(ObjectType::kToken, t.id, t.encode());
  const bool app_token = account_id.is_none();
  if (app_token) b.add_assoc({app.id, AssocType::kAppTokens, t.id, t.id, {}});
  else b.add_assoc({account_id, AssocType::kAccountTokens, t.id, t.id, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  if (app_token) {
    KINDRED_RETURN_IF_ERROR(trim_app_tokens(app.id));
    out.expires_in_s = deps_.config.app_token_lifetime_ms / 1000;
  }
  return out;
}

Status OAuthService::trim_app_tokens(Id app_id) {
  // Checked and written together: read the store as it is now, not a cache (store/fresh_reads.h).
  const store::FreshReads fresh;
  KINDRED_ASSIGN_OR_RETURN(int64_t count, deps_.store.assoc_count(app_id, AssocType::kAppTokens));
  const auto keep = static_cast<int64_t>(deps_.config.app_tokens_per_app);
  if (count <= keep) return Status::ok();
  store::RangeQuery q;
  q.oldest_first = true;
  q.limit = static_cast<size_t>(count - keep);
  KINDRED_ASSIGN_OR_RETURN(auto oldest, deps_.store.assoc_range(app_id, AssocType::kAppTokens, q));
  for (const auto& edge : oldest.items) KINDRED_RETURN_IF_ERROR(revoke_id(edge.to));
  return Status::ok();
}

bool OAuthService::expired(const Token& token) const {
  return token.account_id.is_none() &&
         deps_.clock.now_ms() >= token.created_at_ms + deps_.config.app_token_lifetime_ms;
}

Result<TokenGrant> OAuthService::authenticate_token(std::string_view access_token) {
  if (access_token.empty() || access_token.size() > 200)
    return Status::unauthenticated("The access token is invalid");
  std::string hash = hash_secret(access_token);
  if (auto cached = cache_.find(hash)) {
    if (!*cached) return Status::unauthenticated("The access token is invalid");
    if (expired((*cached)->token)) {
      KINDRED_RETURN_IF_ERROR(revoke_id((*cached)->token.id));
      return Status::unauthenticated("The access token expired");
    }
    return **cached;
  }
  Result<Token> found = find_token(access_token, hash);
  if (!found.has_value()) {
    if (found.error().is_not_found()) return Status::unauthenticated("The access token is invalid");
    return found.error();
  }
  Token token = std::move(*found);
  if (expired(token)) {
    KINDRED_RETURN_IF_ERROR(revoke_id(token.id));
    return Status::unauthenticated("The access token expired");
  }
  KINDRED_ASSIGN_OR_RETURN(auto scopes, parse_scopes(token.scopes));
  auto grant = std::make_shared<const TokenGrant>(TokenGrant{std::move(token), std::move(scopes)});
  cache_.insert_if_absent(hash, grant);
  return *grant;
}

Result<Token> OAuthService::find_token(std::string_view access_token,
                                       const std::string& hash) const {
  if (auto id = token_id_of(access_token)) {
    // A token that names its record: one read by id, then its hash must match the record's.
    KINDRED_ASSIGN_OR_RETURN(Token token, load<Token>(deps_.store, ObjectType::kToken, *id));
    if (!secrets_equal(token.hash, hash)) return Status::not_found("no such token");
    return token;
  }
  // A token of random bits alone: its hash's key and the record, in one read (one round trip
  // over the network).
  KINDRED_ASSIGN_OR_RETURN(
      auto keyed, deps_.store.get_keyed_object(KeyspaceType::kTokenHash, hash, ObjectType::kToken));
  return Token::decode(keyed.bytes);
}

Status OAuthService::revoke(const App& app, std::string_view access_token) {
  const std::string hash = hash_secret(access_token);
  auto found = find_token(access_token, hash);
  if (!found.has_value()) return found.error().is_not_found() ? Status::ok() : found.error();
  const Token& token = *found;
  if (token.app_id != app.id)
    return Status::permission_denied("You are not authorized to revoke this token");
  store::Batch b;
  b.release_key(KeyspaceType::kTokenHash, hash);
  b.delete_object(ObjectType::kToken, token.id);
  b.delete_object(ObjectType::kPushSubscription, token.id);  // its Web Push subscription goes too
  if (token.account_id.is_none()) b.remove_assoc(token.app_id, AssocType::kAppTokens, token.id);
  else b.remove_assoc(token.account_id, AssocType::kAccountTokens, token.id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  // A request racing with revocation may still pass; none after this.
  cache_.tombstone(hash);
  return Status::ok();
}

Status OAuthService::revoke_id(Id id) {
  auto token = load<Token>(deps_.store, ObjectType::kToken, id);
  if (!token.has_value()) return token.error().is_not_found() ? Status::ok() : token.error();
  store::Batch b;
  b.release_key(KeyspaceType::kTokenHash, token->hash);
  b.delete_object(ObjectType::kToken, token->id);
  b.delete_object(ObjectType::kPushSubscription, token->id);
  if (token->account_id.is_none()) b.remove_assoc(token->app_id, AssocType::kAppTokens, token->id);
  else b.remove_assoc(token->account_id, AssocType::kAccountTokens, token->id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cache_.tombstone(token->hash);
  return Status::ok();
}

namespace {

// RFC 7636 §4.1: 43 to 128 characters of [A-Z] [a-z] [0-9] - . _ ~
bool valid_pkce_text(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

}  // namespace

Result<std::string> OAuthService::create_code(const App& app, Id account_id, std::string_view scopes,
                                              std::string_view redirect_uri,
                                              std::string_view code_challenge,
                                              std::string_view code_challenge_method) {
  if (!redirect_uri_registered(app, redirect_uri))
    return Status::invalid_argument("The redirect uri included is not valid.");
  std::string method(code_challenge_method);
  // "plain" puts the verifier itself in the browser's address bar and history: S256 only, which
  // every Mastodon client that uses PKCE sends.
  if (!code_challenge.empty() && method != "S256")
    return Status::invalid_argument("Code challenge method must be S256");
  // An S256 challenge is the base64url of a SHA-256 digest: 43 characters.
  if (!code_challenge.empty() && !valid_pkce_text(code_challenge, 43, 43))
    return Status::invalid_argument("Code challenge must be 43 base64url characters (S256)");
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
  const std::string spent_key = "oauth-code:" + hash;
  // A code presented again: the token it bought may be in a thief's hands, or the thief may have
  // been first. Either way that token is revoked (RFC 6749 §4.1.2).
  auto revoke_spent = [&]() -> Status {
    auto first = deps_.store.lookup_key(KeyspaceType::kIdempotency, spent_key);
    if (!first.has_value()) return first.error().is_not_found() ? invalid_grant() : first.error();
    KINDRED_RETURN_IF_ERROR(revoke_id(*first));
    return invalid_grant();
  };
  auto id = deps_.store.lookup_key(KeyspaceType::kAuthCodeHash, hash);
  if (!id.has_value()) return id.error().is_not_found() ? revoke_spent() : id.error();
  auto c = load<AuthCode>(deps_.store, ObjectType::kAuthCode, *id);
  if (!c.has_value()) return c.error().is_not_found() ? revoke_spent() : c.error();
  // A code works once: spend it before checking anything else. The claim of the key naming the
  // token it will buy makes a racing second exchange fail with Conflict instead of issuing a
  // second token, and lets a later presentation find that token.
  const Id token_id = deps_.ids.next();
  store::Batch b;
  b.claim_key(KeyspaceType::kIdempotency, spent_key, token_id);
  b.release_key(KeyspaceType::kAuthCodeHash, hash);
  b.delete_object(ObjectType::kAuthCode, c->id);
  auto spent = deps_.store.apply(b);
  if (!spent.has_value()) return spent.error().is_conflict() ? revoke_spent() : spent.error();
  if (c->app_id != app.id || c->expires_at_ms < deps_.clock.now_ms() ||
      c->redirect_uri != redirect_uri)
    return invalid_grant();
  if (!c->code_challenge.empty()) {
    if (!valid_pkce_text(code_verifier, 43, 128)) return invalid_grant();
    // Codes made before plain was refused may still say plain, for ten minutes.
    const std::string expected =
        c->code_challenge_method == "S256" ? pkce_s256(code_verifier) : std::string(code_verifier);
    if (!secrets_equal(expected, c->code_challenge)) return invalid_grant();
  }
  return issue_token(app, c->account_id, c->scopes, token_id);
}

namespace {

constexpr size_t kMaxTokensListed = 1000;

}  // namespace

Status OAuthService::for_each_account_token(Id account_id,
                                           const std::function<Status(const Token&)>& visit) const {
  store::RangeQuery q;
  q.limit = kMaxTokensListed;
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto edges,
                             deps_.store.assoc_range(account_id, AssocType::kAccountTokens, q));
    for (const auto& e : edges.items) {
      auto token = load<Token>(deps_.store, ObjectType::kToken, e.to);
      if (!token.has_value()) {
        if (token.error().is_not_found()) continue;
        return token.error();
      }
      KINDRED_RETURN_IF_ERROR(visit(*token));
    }
    if (!edges.more || edges.items.empty()) return Status::ok();
    q.max_position = edges.items.back().position;
  }
}

Result<std::vector<AuthorizedApp>> OAuthService::authorized_apps(Id account_id) const {
  std::vector<AuthorizedApp> out;  // newest token first, so newest app first
  KINDRED_RETURN_IF_ERROR(for_each_account_token(account_id, [&](const Token& token) -> Status {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const AuthorizedApp& a) { return a.app.id == token.app_id; });
    if (it == out.end()) {
      auto app = get_app(token.app_id);
      if (!app.has_value()) return app.error().is_not_found() ? Status::ok() : app.error();
      out.push_back({std::move(*app), "", token.created_at_ms, 0});
      it = std::prev(out.end());
    }
    ++it->tokens;
    it->first_authorized_ms = std::min(it->first_authorized_ms, token.created_at_ms);
    KINDRED_ASSIGN_OR_RETURN(auto have, parse_scopes(it->scopes));
    KINDRED_ASSIGN_OR_RETURN(auto more, parse_scopes(token.scopes));
    for (auto& scope : more)
      if (std::find(have.begin(), have.end(), scope) == have.end()) have.push_back(std::move(scope));
    it->scopes = join_scopes(have);
    return Status::ok();
  }));
  return out;
}

Status OAuthService::revoke_app(Id account_id, Id app_id) {
  // Revoking removes the edge, which the walk has passed already.
  size_t revoked = 0;
  KINDRED_RETURN_IF_ERROR(for_each_account_token(account_id, [&](const Token& token) -> Status {
    if (token.app_id != app_id) return Status::ok();
    ++revoked;
    return revoke_id(token.id);
  }));
  if (revoked == 0) return Status::not_found("Record not found");
  return Status::ok();
}

}  // namespace kindred::social
