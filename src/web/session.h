#pragma once

// How a browser is signed in to the pages: cookies, the CSRF token every form carries, and the
// checks a form's POST passes before anything changes. Internal to the web layer.
#include <optional>
#include <string>
#include <string_view>

#include "http/form.h"
#include "http/message.h"
#include "web/web.h"

namespace kindred::web {

// The HttpOnly cookie naming a server-side session (social::SessionService). Its value is the
// session's secret; nothing else about the person is in the browser.
inline constexpr std::string_view kSessionCookie = social::kSessionCookie;
// Before sign-in, the forms' CSRF token is the value of this cookie (a double submit: another
// site can make a browser post a form here, but cannot read or set this cookie).
inline constexpr std::string_view kCsrfCookie = "kindred_csrf";
// The form field and the request header that carry the CSRF token.
inline constexpr std::string_view kCsrfField = "csrf";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

// The value of cookie `name` in the request's Cookie headers, or nullopt (http::Request::cookie).
std::optional<std::string_view> cookie(const http::Request& req, std::string_view name);
// A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure on https; `max_age_s` 0 makes a
// cookie that ends with the browser, negative one that is removed now.
std::string set_cookie(const WebConfig& config, std::string_view name, std::string_view value,
                       int64_t max_age_s);

// Whether the request may have come from this site's own pages: no Origin header (old browsers,
// same-origin GETs), or one equal to the base URL's origin. "null" and other origins may not.
bool same_origin(const WebConfig& config, const http::Request& req);

// `to` when it is a path on this site ("/@ann/123?x=1"), else "/". Refuses "//host", "/\\host",
// schemes, control characters and anything over 2,000 bytes, so a link cannot send a person to
// another site after signing in.
std::string local_path(std::string_view to);

// The fields of a form post (application/x-www-form-urlencoded), or nullopt for another body or
// a malformed one.
std::optional<http::Params> form_fields(const http::Request& req);

}  // namespace kindred::web
