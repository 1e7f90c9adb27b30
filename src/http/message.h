#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kindred::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

// "GET", "HEAD", ...; "OTHER" for kOther. The view is static.
std::string_view method_name(Method m);

// One HTTP request as handlers see it: already read within limits, no socket in sight.
struct Request {
  Method method = Method::kGet;
  std::string target;  // as sent: "/api/v1/statuses?limit=2"
  std::string path;    // target before '?', percent-decoding NOT applied
  std::string query;   // target after '?', raw
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
  std::string remote_ip;  // "127.0.0.1"
  // Filled by the Router from ":name" segments of the matched pattern (percent-decoded).
  std::vector<std::pair<std::string, std::string>> path_params;
  // Filled by the Router: the pattern of the route that handles the request, in one canonical
  // spelling ("/oauth/token", "/api/v1/statuses/:id/favourite") whatever spelling of the path
  // reached it (a trailing '/'). Limits and anything else keyed on "which endpoint" read this,
  // never `path`. Empty before routing and when no route matched. Views the Router's own copy of
  // the pattern: valid while the Router lives (it outlives every request it serves).
  std::string_view route;

  // The first header named `name` (compared ASCII case-insensitively), or nullopt.
  // The view is valid while `headers` is unchanged.
  std::optional<std::string_view> header(std::string_view name) const;
  // The value of cookie `name` in the Cookie headers (RFC 6265 §5.4: "a=1; b=2"), or nullopt.
  // The view is valid while `headers` is unchanged.
  std::optional<std::string_view> cookie(std::string_view name) const;
  // The ":name" path parameter, or "" if the pattern had none.
  // The view is valid while `path_params` is unchanged.
  std::string_view param(std::string_view name) const;
  // Sets `target` and splits it at the first '?' into `path` and `query` (useful in tests).
  void set_target(std::string t);
};

// The origin (RFC 6454: scheme, host and port) of an absolute URL, as a browser's Origin header
// names it: "https://example.org:8443/a/b" -> "https://example.org:8443".
std::string_view url_origin(std::string_view url);

// What a handler answers. The server adds Date, Content-Length and Connection.
struct Response {
  int status = 200;  // 100..999; anything else is sent as 500
  std::string content_type = "application/json; charset=utf-8";
  // Extra headers, sent in order. The server owns Content-Length, Transfer-Encoding and
  // Connection and drops such entries, as well as any whose name is not a token or whose value
  // holds CR, LF or NUL.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Appends an extra header; returns *this for chaining.
  Response& set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace kindred::http
