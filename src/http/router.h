#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/stream.h"

namespace kindred::http {

// Turns a request into a response. Runs on a worker thread and may block (store, hashing).
// Must not throw; the server answers 500 to anything that escapes anyway.
using Handler = std::function<Response(Request&)>;

// How the server treats one route, beyond matching it.
struct RouteOptions {
  // The handler may take long (password hashing, image processing): the server runs it on its
  // worker pool even when other handlers run inline on the network threads.
  bool blocking = false;
  // The largest request body this route accepts, in bytes; nullopt: ServerOptions::max_body_bytes.
  // May be larger or smaller than the server's default. A bigger body gets 413 before it is read.
  // (The explicit initializer keeps g++'s -Wmissing-field-initializers quiet on {.blocking = x}.)
  std::optional<size_t> max_body_bytes = std::nullopt;
};

// Which cross-origin requests browsers may make (CORS, the Fetch standard), as Mastodon's
// rack-cors rules: on a matching path any origin may call, without credentials (no cookies; the
// bearer token is a header the page sets itself).
struct CorsResource {
  std::string path;     // "/api/" ending in '/': every path under it; else this path exactly
  std::string methods;  // "GET, POST": answered to a preflight in Access-Control-Allow-Methods
  std::string expose;   // response headers scripts may read ("Link, X-RateLimit-Limit"); or ""
};

// Maps (method, path pattern) to handlers. Patterns are literal segments, ":name" segments
// ("/api/v1/statuses/:id/favourite") and prefixed "@:name" segments ("/@:acct/:id": a parameter
// that matches only a segment starting with the literal before the colon, and holds what follows
// it). At the same place a literal segment wins over a prefixed parameter, which wins over a
// parameter (compared left to right: the first position where two routes differ decides). A
// ":name" segment matches one non-empty path segment, which the handler reads percent-decoded
// ('+' stays '+') from Request::param; a prefixed one needs at least one byte after its prefix. Literal segments compare raw bytes.
// Only Request::path is matched, never the query. One trailing '/' in a request path is ignored.
// HEAD falls back to GET (body dropped by the server) unless a HEAD route matches as well.
// Build it fully before serving; after that it is read-only and safe to share across threads.
class Router {
 public:
  // Registers `handler` for `method` on `pattern` ("/a/:id/b"; leading '/' optional, a trailing
  // '/' ignored). If the same (method, pattern) is added twice, the first one wins.
  // Not thread-safe: call before serving.
  // `blocking` marks a handler that may take long (password hashing): the server runs it on its
  // worker pool even when other handlers run inline on the network threads.
  void add(Method method, std::string_view pattern, Handler handler, bool blocking = false) {
    add(method, pattern, std::move(handler), RouteOptions{.blocking = blocking});
  }
  void add_blocking(Method method, std::string_view pattern, Handler handler) {
    add(method, pattern, std::move(handler), RouteOptions{.blocking = true});
  }
  // As above, with per-route options:
  //   router.add(Method::kPost, "/api/v2/media", upload,
  //              {.blocking = true, .max_body_bytes = 17 * 1024 * 1024});
  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options);
  // Registers a long-lived stream on GET `pattern`: a WebSocket when the request asks to upgrade
  // ("Upgrade: websocket"), else a Server-Sent Events response (text/event-stream). The server
  // calls `handler` (on its worker pool: it may authenticate against the store) and then drives
  // the connection (http/stream.h). Reached through handle() (HEAD, tests) it answers 400.
  void add_stream(std::string_view pattern, StreamHandler handler);
  // For a GET reaching a stream route: fills `req.route` and `req.path_params` as handle() does
  // and returns the route's handler; null otherwise (handle() answers then).
  const StreamHandler* stream_handler(Request& req) const;
  // Whether the route `req` would reach was added as blocking (false when none matches).
  // Reads only `req.method` and `req.path`.
  bool is_blocking(const Request& req) const;
  // The body limit of the route `req` would reach; nullopt when that route set none or no route
  // matches (the server's default applies then). Reads only `req.method` and `req.path`.
  std::optional<size_t> max_body_bytes(const Request& req) const;
  // The largest max_body_bytes any route set, or 0 when none did. The server lets bodies up to
  // max(this, its default) through the header parser and then applies the route's own limit.
  size_t largest_body_limit() const { return largest_body_limit_; }
  // Called when no pattern matches the path (default: 404 {"error":"Not found"}).
  void set_not_found(Handler handler) { not_found_ = std::move(handler); }
  // Called when the path matches but not the method (default: 405 {"error":"Method not allowed"}).
  // Either way the response gets an "Allow" header listing the methods the path accepts.
  void set_method_not_allowed(Handler handler) { method_not_allowed_ = std::move(handler); }
  // Runs before every matched handler, with Request::route set to the matched pattern; a response
  // it returns is sent instead of calling the handler (used for rate limits). Its headers are kept
  // on the final response too.
  using Filter = std::function<std::optional<Response>(Request&, Response& extra)>;
  void set_filter(Filter filter) { filter_ = std::move(filter); }
  // Cross-origin rules, checked in order (the first resource whose path matches applies). A request
  // with an Origin header on a matching path gets Access-Control-Allow-Origin: * (and
  // Access-Control-Expose-Headers) on whatever it is answered, errors included; a preflight
  // (OPTIONS with Access-Control-Request-Method) is answered 204 with the resource's methods,
  // the requested headers and a max age, without reaching any handler or the filter. Paths are
  // compared after dropping one trailing '/', as routes are. Other paths get no CORS headers.
  void set_cors(std::vector<CorsResource> resources) { cors_ = std::move(resources); }

  // Picks the route for `req.method` and `req.path`, fills `req.route` and `req.path_params`, runs
  // the filter and
  // the handler and returns the handler's response. A path parameter with a malformed escape
  // ("%zz") gets 400 {"error":"Malformed path"}. Exceptions from handlers propagate (the server
  // turns them into 500). Thread-safe (const) once building is done.
  Response handle(Request& req) const;

  // The cross-origin rule that applies to `path`, or null.
  const CorsResource* cors_for(std::string_view path) const;

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    std::string pattern;  // "/" + segments joined by '/': the canonical spelling
    Handler handler;
    RouteOptions options;
    StreamHandler stream;  // set for add_stream routes
  };
  // Routes as a tree of path segments: a path is matched by walking it once, trying at each
  // segment the literal child, then the prefixed ones, then the parameter — the order of
  // specificity — so the first route found is the most specific one.
  struct Node {
    std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;  // sorted by segment
    std::vector<std::pair<std::string, std::unique_ptr<Node>>> prefixed;  // "@" of "@:acct"
    std::unique_ptr<Node> param;
    std::vector<size_t> routes;  // indexes into routes_ of the patterns ending here
  };
  // The most specific route for the path and method; `path_matched` says whether any route
  // matched the path whatever its method.
  const Route* find(const Request& req, bool& path_matched) const;
  const Route* find(const std::vector<std::string_view>& segments, Method method,
                    bool& path_matched) const;
  const Route* find_below(const Node& node, const std::vector<std::string_view>& segments,
                          size_t i, Method method, bool& path_matched) const;
  // Fills req.route and req.path_params for `route` matched by `segments`; false for a
  // malformed escape in a parameter.
  bool fill_params(const Route& route, const std::vector<std::string_view>& segments,
                   Request& req) const;
  Node root_;
  Response route(Request& req) const;
  std::vector<Route> routes_;
  Handler not_found_;
  Handler method_not_allowed_;
  Filter filter_;
  std::vector<CorsResource> cors_;
  size_t largest_body_limit_ = 0;
};

}  // namespace kindred::http
