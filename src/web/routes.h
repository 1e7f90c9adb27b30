#pragma once

// How a page or a form is put on the router: the reader's language, who is signed in, the page
// rate limit, the checks a form's POST passes (Origin, CSRF token, signed in), and the HTML 500
// page for anything thrown. Internal to the web layer; each file of pages registers its routes
// with these (register_*_pages in page.h).
#include <algorithm>
#include <iostream>

#include "http/client_address.h"
#include "http/multipart.h"
#include "http/router.h"
#include "social/identity/secrets.h"
#include "web/numbers.h"
#include "web/page.h"
#include "web/session.h"

namespace kindred::web {

namespace routes_detail {

// Who the session cookie names, if it names a live session of an account that may sign in.
// `stale` is set when the browser holds a cookie that no longer works (it is then removed).
inline std::optional<SignedIn> signed_in(const WebServices& s, const http::Request& req, bool& stale) {
  auto secret = cookie(req, kSessionCookie);
  if (!secret || secret->empty()) return std::nullopt;
  auto session = s.sessions.authenticate(*secret);
  if (!session.has_value()) {
    stale = session.error().code() == StatusCode::kUnauthenticated;
    return std::nullopt;
  }
  auto account = s.accounts.get(session->account_id);
  // As the API's tokens: memorial, disabled, suspended and deleted accounts are signed out.
  if (!account.has_value() || !account->approved || account->memorial || account->disabled ||
      social::is_hidden(*account)) {
    stale = true;
    return std::nullopt;
  }
  return SignedIn{std::move(*session), std::move(*account)};
}

// What every page and form handler runs in: the reader's language, who is signed in, the page
// rate limit; anything thrown becomes the HTML 500 page; cookies the request made are set.
template <class F>
http::Response run(const WebServices& s, const Assets& assets, http::RateLimiter* limiter,
                   http::Request& req, F&& f) {
  auto lang = req.header("accept-language");
  PageContext c{s, assets, req, preferred_language(lang ? *lang : ""), std::nullopt, {}, {}, {}, false};
  if (limiter) {
    const auto d = limiter->hit(http::rate_limit_key(req.remote_ip));
    if (!d.allowed) {
      http::Response r = error_page(c, 429);
      const int64_t wait_s = std::max<int64_t>(1, (d.reset_ms - s.clock.now_ms() + 999) / 1000);
      r.set_header("Retry-After", std::to_string(wait_s));
      return r;
    }
  }
  bool stale = false;
  http::Response r;
  try {
    c.me = signed_in(s, req, stale);
    r = f(c);
  } catch (const std::exception& e) {
    std::cerr << "kindred web: " << req.path << " threw: " << e.what() << '\n';
    r = error_page(c, 500);
  }
  if (stale) r.set_header("Set-Cookie", set_cookie(s.config, kSessionCookie, "", -1));
  // A session in use lasts 90 days from its last use, in the browser as on the server: when this
  // request moved its "last seen" (at most every few minutes), the cookie's Max-Age starts again.
  if (c.me && c.me->session.last_seen_ms != c.me->session.created_at_ms &&
      s.clock.now_ms() - c.me->session.last_seen_ms < 1000) {
    if (auto secret = cookie(req, kSessionCookie))
      r.set_header("Set-Cookie", set_cookie(s.config, kSessionCookie, *secret,
                                            social::SessionService::kIdleLimitMs / 1000));
  }
  if (c.set_csrf_cookie) r.set_header("Set-Cookie", set_cookie(s.config, kCsrfCookie, c.pre_session_csrf, 0));
  // Pages differ by who is signed in.
  r.set_header("Vary", "Cookie");
  return r;
}

template <class F>
http::Handler page(const WebServices& s, const Assets& assets, http::RateLimiter* limiter, F f) {
  return [&s, &assets, limiter, f](http::Request& req) {
    return run(s, assets, limiter, req, [&f](PageContext& c) { return f(c); });
  };
}

enum class Need { kAnyone, kSignedIn };

// A page only a signed-in person has: anyone else is sent to sign in, and back here after.
template <class F>
http::Handler signed_in_page(const WebServices& s, const Assets& assets, http::RateLimiter* limiter, F f) {
  return [&s, &assets, limiter, f](http::Request& req) {
    return run(s, assets, limiter, req, [&](PageContext& c) -> http::Response {
      if (!c.me) return see_other("/auth/sign_in?return_to=" + http::percent_encode(req.target));
      return f(static_cast<const PageContext&>(c));
    });
  };
}

// Reads a form's fields into c.form (and, for multipart bodies, its files into c.files).
// Returns false when the body is neither form encoding, or malformed.
inline bool read_form(PageContext& c) {
  if (auto fields = form_fields(c.req)) {
    c.form = std::move(*fields);
    return true;
  }
  auto type = c.req.header("content-type");
  if (!type) return false;
  auto boundary = http::multipart_boundary(*type);
  if (!boundary) return false;
  auto parts = http::parse_multipart(c.req.body, *boundary);
  if (!parts) return false;
  for (auto& part : *parts) {
    if (part.filename.empty() && part.content_type.empty())
      c.form.add(part.name, std::string(part.data));
    else
      c.files.push_back(std::move(part));
  }
  return true;
}

// A form's POST: from this site (Origin), with its CSRF token, from a signed-in person when
// `need` says so. Anything else changes nothing: a 403 page, or the sign-in page for a person
// whose session ended.
template <class F>
http::Handler action(const WebServices& s, const Assets& assets, http::RateLimiter* limiter, Need need,
                     F f) {
  return [&s, &assets, limiter, need, f](http::Request& req) {
    return run(s, assets, limiter, req, [&](PageContext& c) -> http::Response {
      if (!same_origin(s.config, req)) return error_page(c, 403);
      if (!read_form(c)) return error_page(c, 400);
      const std::string sent = c.field(kCsrfField);
      std::string expected;
      if (c.me) {
        expected = c.me->session.csrf;
      } else if (auto v = cookie(req, kCsrfCookie)) {
        expected = std::string(*v);
      }
      if (sent.empty() || expected.empty() || !social::secrets_equal(sent, expected)) {
        // A session that ended while the page was open: sign in again, then come back.
        if (need == Need::kSignedIn && !c.me && cookie(req, kSessionCookie))
          return see_other("/auth/sign_in?return_to=" + http::percent_encode(return_path(c, "/home")));
        return error_page(c, 403);
      }
      if (need == Need::kSignedIn && !c.me)
        return see_other("/auth/sign_in?return_to=" + http::percent_encode(return_path(c, "/home")));
      return f(static_cast<const PageContext&>(c));
    });
  };
}

}  // namespace routes_detail

using routes_detail::action;
using routes_detail::Need;
using routes_detail::page;
using routes_detail::signed_in_page;

}  // namespace kindred::web
