#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/model/models.h"
#include "social/model/record_cache.h"

namespace kindred::social {

struct NewApp {
  std::string name;
  std::string website;
  std::vector<std::string> redirect_uris;
  std::string scopes;  // space-separated; empty means "read"
};

// A token as presented: the stored record plus its parsed scopes.
struct TokenGrant {
  Token token;
  std::vector<std::string> scopes;
};

// An access token just issued: the only time its text exists outside the client.
struct IssuedToken {
  std::string access_token;
  Token token;
  int64_t expires_in_s = 0;  // seconds left for an app's own token; 0: it does not expire
};

// An app a person has given access to their account, with what their tokens for it allow.
struct AuthorizedApp {
  App app;
  std::string scopes;                // the union of the tokens' scopes
  int64_t first_authorized_ms = 0;   // the oldest token's time
  size_t tokens = 0;
};

constexpr std::string_view kOutOfBand = "urn:ietf:wg:oauth:2.0:oob";

// OAuth 2 applications, access tokens and authorization codes (with PKCE), as Mastodon does them.
// Tokens and codes are 256 random bits; only their SHA-256 is stored. Validated tokens are cached
// in memory (bounded) and dropped from the cache on revocation.
// Thread-safe.
class OAuthService {
 public:
  explicit OAuthService(Deps deps) : deps_(deps), cache_(deps.config.token_cache_entries) {}

  // Errors: InvalidArgument for a missing name, a bad redirect URI or an unknown scope.
  Result<App> create_app(const NewApp& app);
  Result<App> get_app(Id id) const;
  // The app with this client_id whose secret matches (constant-time). Errors: Unauthenticated.
  Result<App> authenticate_client(std::string_view client_id, std::string_view client_secret) const;
  // Errors: NotFound.
  Result<App> find_app(std::string_view client_id) const;

  // Issues a token for `app`, for `account_id` (none for client credentials), with `scopes`.
  // Errors: InvalidArgument if `scopes` asks for more than the app registered.
  // `token_id` names the new token when given (exchange_code records it with the spent code).
  Result<IssuedToken> issue_token(const App& app, Id account_id, std::string_view scopes,
                                  Id token_id = Id());
  // An app's own tokens (client_credentials: `account_id` none) expire after
  // SocialConfig::app_token_lifetime_ms, and an app keeps at most app_tokens_per_app of them:
  // issuing one more revokes its oldest.
  // The grant for a presented bearer token. Errors: Unauthenticated if unknown, revoked or
  // expired (an expired token is deleted then).
  Result<TokenGrant> authenticate_token(std::string_view access_token);
  // Revokes `access_token` if it belongs to `app`; unknown tokens are fine (RFC 7009).
  // Errors: PermissionDenied if the token belongs to another app.
  Status revoke(const App& app, std::string_view access_token);

  // A one-time code for the authorization_code grant, valid 10 minutes. With PKCE (RFC 7636) the
  // method must be S256 and the challenge 43 base64url characters; "plain" is refused.
  // Errors: InvalidArgument for a redirect URI the app did not register or a bad PKCE method or
  // challenge.
  Result<std::string> create_code(const App& app, Id account_id, std::string_view scopes,
                                  std::string_view redirect_uri, std::string_view code_challenge,
                                  std::string_view code_challenge_method);
  // Exchanges a code (once). A code presented again revokes the token it bought the first time
  // (RFC 6749 §4.1.2: it may have been stolen). A PKCE verifier must be 43 to 128 unreserved
  // characters (RFC 7636 §4.1). Errors: Unauthenticated ("invalid_grant") for an unknown, used,
  // expired or mismatched code, redirect URI or PKCE verifier.
  Result<IssuedToken> exchange_code(const App& app, std::string_view code,
                                    std::string_view redirect_uri, std::string_view code_verifier);

  // The apps holding tokens for `account_id` (tokens issued since the per-account index
  // existed), most recently authorised first.
  Result<std::vector<AuthorizedApp>> authorized_apps(Id account_id) const;
  // Revokes every token `app_id` holds for `account_id`. Errors: NotFound if it holds none.
  Status revoke_app(Id account_id, Id app_id);
  // Deletes the token `id` if it exists, with its push subscription (its grant cache entry is
  // tombstoned). Idempotent (account deletion).
  Status revoke_id(Id id);

 private:
  Deps deps_;
  // Calls `visit` with each token issued for `account_id`, newest first, every page of them;
  // stops at the first error `visit` returns.
  Status for_each_account_token(Id account_id, const std::function<Status(const Token&)>& visit) const;
  // Revokes the oldest client_credentials tokens of `app_id` beyond app_tokens_per_app.
  Status trim_app_tokens(Id app_id);
  // Whether an app's own token has outlived app_token_lifetime_ms.
  bool expired(const Token& token) const;
  // The record of `access_token`, whose hash_secret() is `hash`: read by the id the token begins
  // with (and its hash checked), or, for a token of random bits alone, by its hash's key.
  // NotFound when there is none.
  Result<Token> find_token(std::string_view access_token, const std::string& hash) const;
  // Validated tokens by hash; revocation leaves a tombstone.
  RecordCache<std::string, TokenGrant> cache_;
};

// Whether `uri` is acceptable as a redirect URI: the out-of-band URN, or an absolute URI with a
// scheme and no fragment, and never a javascript:, data: or vbscript: one.
bool valid_redirect_uri(std::string_view uri);
// Whether `uri`, asked for at authorization, is one `app` registered: the same string, or, for a
// registered loopback address (http://127.0.0.1 or http://[::1], RFC 8252 §7.3: a native app
// listens on whatever port it gets), the same URI with any port.
bool redirect_uri_registered(const App& app, std::string_view uri);

}  // namespace kindred::social
