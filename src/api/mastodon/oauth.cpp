// POST /oauth/token, POST /oauth/revoke, GET and POST /oauth/authorize (sign-in and consent).
#include <boost/json/object.hpp>

#include "api/mastodon/handler.h"
#include "http/form.h"
#include "social/identity/scopes.h"
#include "social/identity/secrets.h"
#include "social/model/text.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

// OAuth errors keep RFC 6749's shape, as Mastodon (Doorkeeper) answers them.
http::Response oauth_error(int code, std::string_view error, std::string_view description) {
  return json_response(json::object{{"error", error}, {"error_description", description}}, code);
}

http::Response html_response(int code, std::string body) {
  http::Response r;
  r.status = code;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  // No form-action: browsers apply it to the redirect that follows the form, and Chrome and Safari
  // then block the redirect to a native app's own scheme (myapp://oauth?code=...). Mastodon sends
  // none on this page either. Framing stays refused.
  r.set_header("Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  r.set_header("X-Frame-Options", "DENY");
  r.set_header("Cache-Control", "no-store");
  return r;
}

std::string page(std::string_view title, const std::string& inner) {
  return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><title>" +
         social::html_escape(title) +
         "</title><style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;"
         "padding:0 1rem;color:#222}label{display:block;margin:.8rem 0 .2rem}input{width:100%;"
         "padding:.5rem;box-sizing:border-box}button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem}"
         ".scopes{background:#f4f4f4;padding:.6rem 1rem;border-radius:.4rem}.error{color:#a00}"
         "code{word-break:break-all}</style></head><body>" +
         inner + "</body></html>";
}

struct AuthorizeRequest {
  std::string client_id, redirect_uri, scope, state, code_challenge, code_challenge_method;
};

AuthorizeRequest read_authorize(const Input& in) {
  AuthorizeRequest a;
  auto get = [&in](std::string_view k) {
    auto v = in.string(k);
    return v.has_value() && *v ? **v : std::string();
  };
  a.client_id = get("client_id");
  a.redirect_uri = get("redirect_uri");
  a.scope = get("scope");
  a.state = get("state");
  a.code_challenge = get("code_challenge");
  a.code_challenge_method = get("code_challenge_method");
  return a;
}

std::string hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + social::html_escape(name) + "\" value=\"" +
         social::html_escape(value) + "\">";
}

std::string consent_page(const social::App& app, const AuthorizeRequest& a, std::string_view error) {
  std::string inner = "<h1>Sign in to Kindred</h1><p><strong>" + social::html_escape(app.name) +
                      "</strong> would like to use your account.</p><div class=\"scopes\">"
                      "It asks for: <strong>" +
                      social::html_escape(a.scope.empty() ? app.scopes : a.scope) + "</strong></div>";
  if (!error.empty()) inner += "<p class=\"error\" role=\"alert\">" + social::html_escape(error) + "</p>";
  inner += "<form method=\"post\" action=\"/oauth/authorize\">";
  inner += hidden("client_id", a.client_id) + hidden("redirect_uri", a.redirect_uri) +
           hidden("scope", a.scope) + hidden("state", a.state) +
           hidden("code_challenge", a.code_challenge) +
           hidden("code_challenge_method", a.code_challenge_method) + hidden("response_type", "code");
  inner +=
      "<label for=\"username\">Username or email</label><input id=\"username\" name=\"username\" "
      "autocomplete=\"username\" required><label for=\"password\">Password</label><input "
      "id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
      "required><button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>"
      "<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></form>";
  return page("Authorize " + app.name, inner);
}

// The same consent for a person already signed in to the site's pages: no password asked; the
// form carries the session's CSRF token instead.
std::string session_consent_page(const social::App& app, const AuthorizeRequest& a,
                                 const social::Account& who, const social::WebSession& session,
                                 const std::string& here) {
  std::string inner = "<h1>Authorize " + social::html_escape(app.name) + "</h1><p><strong>" +
                      social::html_escape(app.name) +
                      "</strong> would like to use your account, <strong>@" +
                      social::html_escape(who.username) +
                      "</strong>.</p><div class=\"scopes\">It asks for: <strong>" +
                      social::html_escape(a.scope.empty() ? app.scopes : a.scope) + "</strong></div>";
  inner += "<form method=\"post\" action=\"/oauth/authorize\">";
  inner += hidden("client_id", a.client_id) + hidden("redirect_uri", a.redirect_uri) +
           hidden("scope", a.scope) + hidden("state", a.state) +
           hidden("code_challenge", a.code_challenge) +
           hidden("code_challenge_method", a.code_challenge_method) + hidden("response_type", "code") +
           hidden("csrf", session.csrf);
  inner += "<button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>"
           "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>";
  inner += "<p>Not @" + social::html_escape(who.username) +
           "? <a href=\"/auth/sign_in?switch=1&amp;return_to=" + social::html_escape(http::percent_encode(here)) +
           "\">Sign in as someone else</a>.</p>";
  return page("Authorize " + app.name, inner);
}

// The person signed in to the site's pages in this browser, if any.
std::optional<std::pair<social::Account, social::WebSession>> browser_session(ApiServices& s,
                                                                              const http::Request& req) {
  auto secret = req.cookie(social::kSessionCookie);
  if (!secret) return std::nullopt;
  auto session = s.sessions.authenticate(*secret);
  if (!session.has_value()) return std::nullopt;
  auto account = s.accounts.get(session->account_id);
  if (!account.has_value() || !account->approved || account->memorial) return std::nullopt;
  return std::make_pair(std::move(*account), std::move(*session));
}

std::string with_query(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    out += sep;
    out += k + "=" + http::percent_encode(v);
    sep = '&';
  }
  return out;
}

http::Response redirect(const std::string& location) {
  http::Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.set_header("Location", location);
  r.set_header("Cache-Control", "no-store");
  return r;
}

// The answer to an approved authorization: a one-time code for `account_id`, shown on the page for
// the out-of-band redirect URI, else sent to the app's redirect URI with the state.
http::Response grant_code(ApiServices& s, const social::App& app, const AuthorizeRequest& a,
                          Id account_id) {
  auto code = s.oauth.create_code(app, account_id, a.scope, a.redirect_uri, a.code_challenge,
                                  a.code_challenge_method);
  if (!code.has_value())
    return html_response(400, page("Error", "<h1>Cannot authorize</h1><p>" +
                                                social::html_escape(code.error().message()) + "</p>"));
  if (a.redirect_uri == social::kOutOfBand)
    return html_response(200, page("Authorization code",
                                   "<h1>Authorization code</h1><p>Copy this code and paste it "
                                   "into the application:</p><p><code id=\"code\">" +
                                       social::html_escape(*code) + "</code></p>"));
  return redirect(with_query(a.redirect_uri, {{"code", *code}, {"state", a.state}}));
}

// Validates client_id and redirect_uri; errors are shown on the page, never redirected.
Result<social::App> authorize_client(ApiServices& s, const AuthorizeRequest& a) {
  auto app = s.oauth.find_app(a.client_id);
  if (!app.has_value())
    return Status::invalid_argument("Client authentication failed due to unknown client.");
  if (!social::redirect_uri_registered(*app, a.redirect_uri))
    return Status::invalid_argument("The redirect uri included is not valid.");
  if (!social::parse_scopes(a.scope).has_value())
    return Status::invalid_argument("The requested scope is invalid, unknown, or malformed.");
  return app;
}

http::Response token_grant(ApiServices& s, const Input& in) {
  auto text = [&in](std::string_view k) {
    auto v = in.string(k);
    return v.has_value() && *v ? **v : std::string();
  };
  const std::string grant = text("grant_type");
  if (grant.empty()) return oauth_error(400, "invalid_request", "Missing required parameter: grant_type.");
  if (grant != "client_credentials" && grant != "password" && grant != "authorization_code")
    return oauth_error(400, "unsupported_grant_type",
                       "The authorization grant type is not supported by the authorization server.");
  auto app = s.oauth.authenticate_client(text("client_id"), text("client_secret"));
  if (!app.has_value()) return oauth_error(401, "invalid_client", app.error().message());
  const std::string scope = text("scope");
  if (!scope.empty() && !social::parse_scopes(scope).has_value())
    return oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");

  Result<social::IssuedToken> issued = Status::internal("unreachable");
  if (grant == "client_credentials") {
    issued = s.oauth.issue_token(*app, Id(), scope);
  } else if (grant == "password") {
    if (!sign_in_attempt_allowed(s, text("username")))
      return error_response(429, "Too many sign-in attempts for this account; try again later");
    auto account = s.accounts.sign_in(text("username"), text("password"));
    if (!account.has_value()) {
      if (account.error().code() == StatusCode::kUnauthenticated ||
          account.error().code() == StatusCode::kPermissionDenied)
        return oauth_error(400, "invalid_grant",
                           "The provided authorization grant is invalid, expired, revoked, does not "
                           "match the redirection URI used in the authorization request, or was "
                           "issued to another client.");
      return error_response(account.error());
    }
    if (!account->approved)
      return oauth_error(400, "invalid_grant", "Your login is currently pending approval");
    issued = s.oauth.issue_token(*app, account->id, scope);
  } else {
    issued = s.oauth.exchange_code(*app, text("code"), text("redirect_uri"), text("code_verifier"));
    if (!issued.has_value() && issued.error().code() == StatusCode::kUnauthenticated)
      return oauth_error(400, "invalid_grant", issued.error().message());
  }
  if (!issued.has_value()) {
    if (issued.error().code() == StatusCode::kInvalidArgument)
      return oauth_error(400, "invalid_scope", issued.error().message());
    return error_response(issued.error());
  }
  auto res = json_response(entities::token(*issued));
  res.set_header("Cache-Control", "no-store");
  return res;
}

}  // namespace

void register_oauth_routes(http::Router& router, ApiServices& s) {
  router.add_blocking(http::Method::kPost, "/oauth/token", [&s](http::Request& req) {
    auto in = Input::from(req);
    if (!in.has_value()) return oauth_error(400, "invalid_request", in.error().message());
    return token_grant(s, *in);
  });

  router.add(http::Method::kPost, "/oauth/revoke", [&s](http::Request& req) {
    auto in = Input::from(req);
    if (!in.has_value()) return oauth_error(400, "invalid_request", in.error().message());
    auto text = [&in](std::string_view k) {
      auto v = in->string(k);
      return v.has_value() && *v ? **v : std::string();
    };
    auto app = s.oauth.authenticate_client(text("client_id"), text("client_secret"));
    if (!app.has_value()) return oauth_error(401, "invalid_client", app.error().message());
    const std::string token = text("token");
    if (token.empty()) return oauth_error(400, "invalid_request", "Missing required parameter: token.");
    Status st = s.oauth.revoke(*app, token);
    if (st.code() == StatusCode::kPermissionDenied)
      return oauth_error(403, "unauthorized_client", st.message());
    if (!st.is_ok()) return error_response(st);
    return json_response(json::object{});
  });

  router.add(http::Method::kGet, "/oauth/authorize", [&s](http::Request& req) {
    auto in = Input::from(req);
    if (!in.has_value()) return html_response(400, page("Error", "<p>Malformed request.</p>"));
    AuthorizeRequest a = read_authorize(*in);
    auto response_type = in->string("response_type");
    if (!response_type.has_value() || !*response_type || **response_type != "code")
      return html_response(400, page("Error", "<h1>Cannot authorize</h1><p>response_type must be "
                                              "&quot;code&quot;.</p>"));
    auto app = authorize_client(s, a);
    if (!app.has_value())
      return html_response(400, page("Error", "<h1>Cannot authorize</h1><p>" +
                                                  social::html_escape(app.error().message()) + "</p>"));
    if (auto who = browser_session(s, req))
      return html_response(200, session_consent_page(*app, a, who->first, who->second, req.target));
    return html_response(200, consent_page(*app, a, ""));
  });

  router.add_blocking(http::Method::kPost, "/oauth/authorize", [&s](http::Request& req) {
    auto in = Input::from(req);
    if (!in.has_value()) return html_response(400, page("Error", "<p>Malformed request.</p>"));
    AuthorizeRequest a = read_authorize(*in);
    auto app = authorize_client(s, a);
    if (!app.has_value())
      return html_response(400, page("Error", "<h1>Cannot authorize</h1><p>" +
                                                  social::html_escape(app.error().message()) + "</p>"));
    auto decision = in->string("decision");
    const bool oob = a.redirect_uri == social::kOutOfBand;
    if (decision.has_value() && *decision && **decision == "deny") {
      if (oob) return html_response(200, page("Denied", "<h1>Access denied</h1><p>You can close this page.</p>"));
      return redirect(with_query(a.redirect_uri, {{"error", "access_denied"},
                                                  {"error_description", "The resource owner denied the request."},
                                                  {"state", a.state}}));
    }
    // Signed in to the site already: the session, with its form token, stands for the password.
    auto csrf = in->string("csrf");
    if (csrf.has_value() && *csrf && !(*csrf)->empty()) {
      auto who = browser_session(s, req);
      if (!who || !social::secrets_equal(**csrf, who->second.csrf))
        return html_response(403, page("Error", "<h1>Cannot authorize</h1><p>This form has "
                                                "expired. Go back, reload the page and try again.</p>"));
      return grant_code(s, *app, a, who->first.id);
    }
    auto username = in->string("username");
    auto password = in->string("password");
    const std::string name = username.has_value() && *username ? **username : "";
    if (!sign_in_attempt_allowed(s, name))
      return html_response(429, consent_page(*app, a,
                                             "Too many sign-in attempts for this account. Please "
                                             "try again in an hour."));
    auto account = s.accounts.sign_in(name, password.has_value() && *password ? **password : "");
    if (!account.has_value()) {
      if (account.error().code() == StatusCode::kUnauthenticated ||
          account.error().code() == StatusCode::kPermissionDenied)
        return html_response(401, consent_page(*app, a, account.error().message()));
      return error_response(account.error());
    }
    if (!account->approved)
      return html_response(403, consent_page(*app, a, "Your login is currently pending approval"));
    return grant_code(s, *app, a, account->id);
  });
}

}  // namespace kindred::api
