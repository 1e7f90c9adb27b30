// libFuzzer target for the server's request path, without sockets: what src/http/session.cpp does
// with the bytes of one connection. Built by the `fuzz` preset (clang-14); run it with
// `make fuzz`. The input is the raw bytes a client sends on one connection, possibly several
// pipelined requests:
//
//   GET /api/v1/statuses/123/ HTTP/1.1\r\nHost: a\r\n\r\n
//   POST /oauth/token HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n
//
// Each request is parsed as Session parses it: Beast's request_parser<string_body> with the
// header limit of ServerOptions and the largest body limit, fed all buffered bytes, non-eager;
// once the header is done, detail::check_framing() (Host count, Transfer-Encoding), then
// detail::read_headers() (the header's fields, before a chunked body's trailer joins them) and
// the route's body limit (413 for a Content-Length over it, else the parser's body limit narrowed
// to it). A request that completes gets the rest of its Request from detail::to_request() (one
// Request reused across the connection, as the session reuses its own), routed by a Router with a
// few representative routes (path parameters, literal beats parameter, HEAD and GET, per-route body
// limits, CORS, a filter), and its response head and access-log line are written as the server
// writes them. Then the next pipelined request, while the connection stays alive; an error
// response (400, 413, 431) ends the connection, as on the wire.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/form.h"
#include "http/framing.h"
#include "http/message.h"
#include "http/router.h"
#include "http/server.h"
#include "http/wire.h"

namespace {

namespace bhttp = boost::beast::http;
using kindred::http::Method;
using kindred::http::Request;
using kindred::http::Response;
using kindred::http::Router;

// Invariants a caller relies on; a broken one aborts, which libFuzzer reports as a crash (the
// line says which: the checks are inlined, so stack traces often do not).
void check(bool ok, int line = __builtin_LINE()) {
  if (ok) return;
  std::fprintf(stderr, "%s:%d: invariant broken\n", __FILE__, line);
  std::abort();
}

// A connection sends at most this many requests per input (inputs are small anyway).
constexpr int kMaxRequests = 64;
constexpr size_t kTokenBodyLimit = 256;               // a small route limit: 413 is reachable
constexpr size_t kMediaBodyLimit = 16 * 1024 * 1024;  // a large one: the parser's first limit

Response status_only(int status) {
  Response res;
  res.status = status;
  return res;
}

// The pattern of the handler that ran last ("" when none did), and what the not-found and
// method-not-allowed handlers saw.
std::string_view g_called;
bool g_not_found = false;
bool g_not_allowed = false;

struct Fixture {
  Router router;
  std::vector<std::string> patterns;  // the canonical spelling of every route added

  void add(Method method, std::string_view pattern, kindred::http::RouteOptions options = {}) {
    patterns.emplace_back(pattern);
    router.add(
        method, pattern,
        [pattern](Request& req) {
          g_called = pattern;
          Response res;
          res.body = R"({"ok":true})";
          // Echo what the client chose into headers, as handlers do with ids and Link URLs:
          // whatever it decodes to, the written head must stay well-formed.
          for (const auto& [name, value] : req.path_params)
            res.set_header("X-Param-" + name, value);
          if (!req.query.empty()) res.set_header("Link", "<https://a.example/x?" + req.query + ">");
          return res;
        },
        options);
  }

  Fixture() {
    add(Method::kGet, "/");
    add(Method::kGet, "/api/v1/instance");
    add(Method::kHead, "/api/v1/instance");
    add(Method::kGet, "/api/v1/statuses/:id");
    add(Method::kDelete, "/api/v1/statuses/:id");
    add(Method::kPost, "/api/v1/statuses", {.blocking = false, .max_body_bytes = 64 * 1024});
    add(Method::kPost, "/api/v1/statuses/:id/favourite");
    add(Method::kGet, "/api/v1/accounts/verify_credentials");
    add(Method::kPatch, "/api/v1/accounts/update_credentials", {.blocking = true});
    add(Method::kGet, "/api/v1/accounts/:id");
    add(Method::kGet, "/api/v1/accounts/:id/statuses");
    add(Method::kGet, "/api/v1/timelines/tag/:hashtag");
    add(Method::kPut, "/api/v1/media/:id");
    add(Method::kPost, "/api/v2/media", {.blocking = true, .max_body_bytes = kMediaBodyLimit});
    add(Method::kPost, "/oauth/token", {.blocking = true, .max_body_bytes = kTokenBodyLimit});
    // A handler that names a response header after the path: non-token names must be dropped.
    patterns.emplace_back("/echo/:name");
    router.add(Method::kGet, "/echo/:name", [](Request& req) {
      g_called = "/echo/:name";
      Response res;
      res.set_header(std::string(req.param("name")), req.query);
      return res;
    });
    router.set_not_found([](Request& req) {
      g_not_found = true;
      // Request::route is empty when no route matched (router.h).
      check(req.route.empty());
      return status_only(404);
    });
    router.set_method_not_allowed([](Request& req) {
      g_not_allowed = true;
      check(req.route.empty());
      return status_only(405);
    });
    router.set_filter([this](Request& req, Response& extra) -> std::optional<Response> {
      // The filter sees the matched route's canonical pattern.
      check(std::find(patterns.begin(), patterns.end(), req.route) != patterns.end());
      extra.set_header("X-RateLimit-Limit", "300");
      if (req.header("x-fuzz-limit")) return status_only(429);
      return std::nullopt;
    });
    router.set_cors({{"/api/", "GET, POST, PUT, DELETE, PATCH", "Link, X-RateLimit-Limit"},
                     {"/oauth/token", "POST", ""}});
  }
};

const Fixture& fixture() {
  static const Fixture* f = new Fixture();  // never destroyed: no exit-time order issues
  return *f;
}

// "/a/b/" -> {"a", "b"}: the router's segmentation (router.h), written out again.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// The route `req` reached, checked against its path: same segment count, literal segments equal
// byte for byte, each ":name" segment non-empty and its parameter the segment percent-decoded.
void check_route(const Request& req) {
  const Fixture& f = fixture();
  check(!req.route.empty());
  check(std::find(f.patterns.begin(), f.patterns.end(), req.route) != f.patterns.end());
  auto path = segments(req.path);
  auto pattern = segments(req.route);
  check(path.size() == pattern.size());
  size_t params = 0;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!pattern[i].empty() && pattern[i].front() == ':') {
      check(!path[i].empty());
      auto decoded = kindred::http::percent_decode(path[i], /*plus_is_space=*/false);
      check(decoded.has_value());
      check(req.param(pattern[i].substr(1)) == *decoded);
      ++params;
    } else {
      check(pattern[i] == path[i]);
    }
  }
  check(req.path_params.size() == params);
}

// Routes `req` and checks the outcome; returns the response.
Response route(Request& req) {
  const Router& router = fixture().router;
  g_called = {};
  g_not_found = g_not_allowed = false;
  Response res = router.handle(req);
  if (!g_called.empty()) {
    check(req.route == g_called);
    check_route(req);
  }
  if (g_not_found || g_not_allowed) check(g_called.empty() && req.route.empty());
  if (g_not_allowed) {
    bool allow = false;
    for (const auto& [name, value] : res.headers) allow |= name == "Allow" && !value.empty();
    check(allow);
  }
  return res;
}

// One trailing '/' does not change which route a path reaches, nor its parameters.
void check_trailing_slash(const Request& req, const Response& res) {
  if (!req.path.empty() && req.path.back() == '/') return;
  Request other = req;
  other.path.push_back('/');
  other.route = {};
  other.path_params.clear();
  std::string_view first = g_called;
  const bool not_found = g_not_found, not_allowed = g_not_allowed;
  Response again = route(other);
  // A CORS preflight may differ: "/api/" is under the "/api/" resource, so the CORS filter answers
  // it, while "/api" is routed (and not found, or not allowed). Its status and those flags may
  // differ then; which handler runs may not.
  if (req.method != Method::kOptions) {
    check(again.status == res.status);
    check(g_not_found == not_found && g_not_allowed == not_allowed);
  }
  check(g_called == first);
  if (!first.empty()) check(other.path_params == req.path_params);
}

// The status line and headers as written: every line ends in CRLF and holds no other CR, LF or
// NUL, header names are tokens, and only the final blank line is empty (no header injection).
void check_head(std::string_view head, const Response& res) {
  check(head.size() >= 4 && head.substr(head.size() - 4) == "\r\n\r\n");
  check(head.substr(0, 9) == "HTTP/1.1 ");
  std::string_view rest = head.substr(0, head.size() - 2);  // up to the blank line's CRLF
  bool first = true;
  bool content_length = false;
  while (!rest.empty()) {
    size_t end = rest.find("\r\n");
    check(end != std::string_view::npos && end > 0);
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    for (char c : line) check(c != '\r' && c != '\n' && c != '\0');
    if (first) {
      first = false;
      continue;
    }
    size_t colon = line.find(": ");
    check(colon != std::string_view::npos && colon > 0);
    for (char c : line.substr(0, colon)) check(is_tchar(static_cast<unsigned char>(c)));
    if (line.substr(0, colon) == "Content-Length") {
      check(!content_length);
      content_length = true;
      check(line.substr(colon + 2) == std::to_string(res.body.size()));
    }
  }
  check(content_length == kindred::http::detail::status_has_body(res.status));
}

// The access-log line is one line of printable ASCII JSON whose path decodes back to the bytes.
void check_log(std::string_view method, std::string_view path, int status) {
  kindred::http::detail::AccessLogEntry entry;
  entry.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'796'000'000'123));
  entry.remote = "127.0.0.1";
  entry.method = method;
  entry.path = path;
  entry.status = status;
  std::string line;
  kindred::http::detail::append_access_log_line(line, entry);
  check(!line.empty() && line.back() == '\n');
  for (size_t i = 0; i + 1 < line.size(); ++i) check(line[i] >= 0x20 && line[i] < 0x7f);
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  check(!ec && v.is_object());
  const auto* logged = v.as_object().if_contains("path");
  check(logged != nullptr && logged->is_string());
  // Each byte was written as itself or \u00XX: U+0000..U+00FF, one byte each.
  std::string bytes;
  std::string_view utf8 = logged->get_string();
  for (size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      bytes.push_back(static_cast<char>(c));
    } else {
      check((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size());
      auto next = static_cast<unsigned char>(utf8[++i]);
      bytes.push_back(static_cast<char>(((c & 0x03) << 6) | (next & 0x3F)));
    }
  }
  check(bytes == path);
  check(v.as_object().at("status").as_int64() == status);
}

size_t field_count(const bhttp::request_header<>& header) {
  return static_cast<size_t>(std::distance(header.begin(), header.end()));
}

// Headers as Beast kept them, after the framing check passed.
void check_framed(const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& msg = parser.get();
  int hosts = 0, encodings = 0, lengths = 0;
  for (const auto& field : msg) {
    hosts += field.name() == bhttp::field::host;
    encodings += field.name() == bhttp::field::transfer_encoding;
    lengths += field.name() == bhttp::field::content_length;
  }
  // Exactly one Host for HTTP/1.1, at most one for HTTP/1.0.
  check(msg.version() >= 11 ? hosts == 1 : hosts <= 1);
  // One body length: a single chunked coding, or Content-Length, never both (smuggling).
  check(encodings <= 1);
  check(encodings == 0 || parser.chunked());
  check(!(encodings > 0 && lengths > 0));
}

void fuzz_connection(std::string_view input) {
  const Router& router = fixture().router;
  const kindred::http::ServerOptions options;  // the server's default limits
  Request req;                                 // reused for every request, as Session does
  std::string_view rest = input;
  for (int n = 0; n < kMaxRequests && !rest.empty(); ++n) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(
        static_cast<std::uint64_t>(std::max(options.max_body_bytes, router.largest_body_limit())));
    bool limit_applied = false;
    size_t header_fields = 0;  // fields once the header was parsed; a trailer adds more later
    boost::beast::error_code ec;
    while (!rest.empty() && !parser.is_done()) {
      size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      check(used <= rest.size());
      rest.remove_prefix(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec) return;  // 400, 413 or 431, and the connection closes
      if (parser.is_header_done() && !limit_applied) {
        limit_applied = true;
        header_fields = field_count(parser.get());
        if (kindred::http::detail::check_framing(parser.get()) !=
            kindred::http::detail::Framing::kOk)
          return;  // 400, and the connection closes
        check_framed(parser);
        // As the session: the header's fields, taken before a chunked body's trailer joins them.
        kindred::http::detail::read_headers(parser.get(), req.headers);
        auto content_length = parser.content_length();
        // Requests without a body (most GETs) skip the route lookup, as in the session.
        if (parser.chunked() || (content_length && *content_length > 0)) {
          req.method = kindred::http::detail::to_method(parser.get().method());
          req.set_target(std::string(parser.get().target()));
          size_t limit = router.max_body_bytes(req).value_or(options.max_body_bytes);
          if (content_length && *content_length > limit) return;  // 413 before the body
          parser.body_limit(static_cast<std::uint64_t>(limit));
        }
      }
      if (used == 0) break;
    }
    if (!parser.is_done()) {
      // The server would wait for more bytes; this connection ends here instead.
      parser.put_eof(ec);
      check(ec || parser.is_done());
      return;
    }
    check(limit_applied);

    auto& msg = parser.get();
    const bool keep_alive = msg.keep_alive();
    const bool http10 = msg.version() < 11;
    std::string method(msg.method_string());
    std::string target(msg.target());
    auto content_length = parser.content_length();
    const bool chunked = parser.chunked();

    const size_t all_fields = field_count(msg);
    check(all_fields >= header_fields && (chunked || all_fields == header_fields));
    kindred::http::detail::to_request(msg, req);
    req.remote_ip = "127.0.0.1";

    // What handlers may rely on: path + '?' + query is the target, header names are lower case
    // and no name or value holds a line break, the body fits the route's limit.
    check(req.target == target);
    check(req.path.find('?') == std::string::npos);
    check(req.path.size() == target.size() ||
          (target[req.path.size()] == '?' && req.query == target.substr(req.path.size() + 1)));
    for (char c : req.target) check(c != ' ' && c != '\r' && c != '\n' && c != '\0');
    // The header's fields only: a chunked body's trailer adds none (a second Host would pass).
    check(req.headers.size() == header_fields);
    int hosts = 0;
    for (const auto& [name, value] : req.headers) {
      check(!name.empty());
      for (char c : name) check(is_tchar(static_cast<unsigned char>(c)) && !(c >= 'A' && c <= 'Z'));
      for (char c : value) check(c != '\r' && c != '\n');
      hosts += name == "host";
    }
    if (!http10) check(hosts == 1 && req.header("Host").has_value());
    check(req.body.size() <= router.max_body_bytes(req).value_or(options.max_body_bytes));
    if (content_length && !chunked) check(req.body.size() == *content_length);
    if (!content_length && !chunked) check(req.body.empty());

    Response res = route(req);
    if (res.status < 100 || res.status > 999) res = status_only(500);
    check_trailing_slash(req, res);

    std::string head;
    kindred::http::detail::append_response_head(head, res, keep_alive, http10);
    check_head(head, res);
    check_log(method, std::string_view(target).substr(0, target.find('?')), res.status);

    if (!keep_alive) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz_connection(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
