#include "http/router.h"

#include <algorithm>

#include "http/form.h"
#include "http/internal.h"

namespace kindred::http {
namespace {

using detail::json_error;

bool is_param(std::string_view segment) { return !segment.empty() && segment.front() == ':'; }

// "@:acct": a parameter that only matches segments starting with the literal "@" (the prefix);
// npos when `segment` is a literal or a plain parameter.
size_t prefixed_param_colon(std::string_view segment) {
  if (segment.empty() || segment.front() == ':') return std::string_view::npos;
  return segment.find(':');
}

// "/a/b/" -> {"a", "b"}; "/" and "" -> {}. One trailing '/' is dropped; inner empty segments stay.
template <class Out>
void split_segments(std::string_view path, Out& out) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return;
  while (true) {
    size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
}

bool method_accepts(Method route, Method request) {
  return route == request || (request == Method::kHead && route == Method::kGet);
}

}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (options.max_body_bytes) {
    largest_body_limit_ = std::max(largest_body_limit_, *options.max_body_bytes);
  }
  Route route{method, {}, {}, std::move(handler), options, {}};
  split_segments(pattern, route.segments);
  for (const auto& segment : route.segments) route.pattern.append("/").append(segment);
  if (route.pattern.empty()) route.pattern.push_back('/');  // not = "/": GCC 12 PR 105651
  Node* node = &root_;
  for (const std::string& segment : route.segments) {
    std::vector<std::pair<std::string, std::unique_ptr<Node>>>* children = nullptr;
    std::string key;
    if (is_param(segment)) {
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      continue;
    }
    if (const size_t colon = prefixed_param_colon(segment); colon != std::string::npos) {
      children = &node->prefixed;
      key = segment.substr(0, colon);
    } else {
      children = &node->literals;
      key = segment;
    }
    auto it = std::find_if(children->begin(), children->end(),
                           [&](const auto& child) { return child.first == key; });
    if (it == children->end()) {
      children->emplace_back(key, std::make_unique<Node>());
      it = children->end() - 1;
      if (children == &node->literals) {
        std::sort(children->begin(), children->end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        it = std::find_if(children->begin(), children->end(),
                          [&](const auto& child) { return child.first == key; });
      }
    }
    node = it->second.get();
  }
  node->routes.push_back(routes_.size());
  routes_.push_back(std::move(route));
}

namespace {

// Whether a pattern's segments match a path's: same count, literals equal, parameters non-empty.
bool pattern_matches(const std::vector<std::string>& pattern,
                     const std::vector<std::string_view>& segments) {
  if (pattern.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& p = pattern[i];
    if (is_param(p)) {
      if (segments[i].empty()) return false;
    } else if (const size_t colon = prefixed_param_colon(p); colon != std::string::npos) {
      // The prefix, then at least one character of parameter.
      if (segments[i].size() <= colon || segments[i].substr(0, colon) != std::string_view(p).substr(0, colon))
        return false;
    } else if (p != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const Router::Route* Router::find(const Request& req, bool& path_matched) const {
  std::vector<std::string_view> segments;
  segments.reserve(8);
  split_segments(req.path, segments);
  return find(segments, req.method, path_matched);
}

const Router::Route* Router::find(const std::vector<std::string_view>& segments, Method method,
                                  bool& path_matched) const {
  path_matched = false;
  return find_below(root_, segments, 0, method, path_matched);
}

const Router::Route* Router::find_below(const Node& node,
                                        const std::vector<std::string_view>& segments, size_t i,
                                        Method method, bool& path_matched) const {
  if (i == segments.size()) {
    if (node.routes.empty()) return nullptr;
    path_matched = true;
    // An exact method (a HEAD route for HEAD) beats the GET fallback; of two routes with the same
    // method and pattern the first added wins.
    const Route* fallback = nullptr;
    for (size_t index : node.routes) {
      const Route& r = routes_[index];
      if (r.method == method) return &r;
      if (fallback == nullptr && method_accepts(r.method, method)) fallback = &r;
    }
    return fallback;
  }
  const std::string_view segment = segments[i];
  auto literal = std::lower_bound(node.literals.begin(), node.literals.end(), segment,
                                  [](const auto& child, std::string_view s) { return child.first < s; });
  if (literal != node.literals.end() && literal->first == segment) {
    if (const Route* r = find_below(*literal->second, segments, i + 1, method, path_matched)) return r;
  }
  for (const auto& [prefix, child] : node.prefixed) {
    if (segment.size() > prefix.size() && segment.substr(0, prefix.size()) == prefix) {
      if (const Route* r = find_below(*child, segments, i + 1, method, path_matched)) return r;
    }
  }
  if (node.param && !segment.empty()) {
    if (const Route* r = find_below(*node.param, segments, i + 1, method, path_matched)) return r;
  }
  return nullptr;
}

bool Router::is_blocking(const Request& req) const {
  bool path_matched = false;
  const Route* r = find(req, path_matched);
  return r != nullptr && r->options.blocking;
}

std::optional<size_t> Router::max_body_bytes(const Request& req) const {
  bool path_matched = false;
  const Route* r = find(req, path_matched);
  if (r == nullptr) return std::nullopt;
  return r->options.max_body_bytes;
}

bool Router::fill_params(const Route& best, const std::vector<std::string_view>& segments,
                         Request& req) const {
  req.route = best.pattern;
  req.path_params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& pattern = best.segments[i];
    size_t prefix = 0;  // bytes of the segment that are the pattern's literal prefix
    if (!is_param(pattern)) {
      prefix = prefixed_param_colon(pattern);
      if (prefix == std::string::npos) continue;
    }
    auto value = percent_decode(segments[i].substr(prefix), /*plus_is_space=*/false);
    if (!value) return false;
    req.path_params.emplace_back(pattern.substr(prefix + 1), std::move(*value));
  }
  return true;
}

void Router::add_stream(std::string_view pattern, StreamHandler handler) {
  add(Method::kGet, pattern,
      [](Request&) { return json_error(400, "This endpoint streams: open it with GET"); },
      RouteOptions{.blocking = true});
  // If the pattern was taken already, the first route wins at lookup, as for add().
  routes_.back().stream = std::move(handler);
}

const StreamHandler* Router::stream_handler(Request& req) const {
  if (req.method != Method::kGet) return nullptr;
  std::vector<std::string_view> segments;
  segments.reserve(8);
  split_segments(req.path, segments);
  bool path_matched = false;
  const Route* best = find(segments, req.method, path_matched);
  if (best == nullptr || !best->stream) return nullptr;
  if (!fill_params(*best, segments, req)) return nullptr;
  return &best->stream;
}

const CorsResource* Router::cors_for(std::string_view path) const {
  std::string_view exact = path;
  if (exact.size() > 1 && exact.back() == '/') exact.remove_suffix(1);
  for (const CorsResource& r : cors_) {
    const bool prefix = !r.path.empty() && r.path.back() == '/';
    if (prefix ? path.substr(0, r.path.size()) == r.path : exact == r.path) return &r;
  }
  return nullptr;
}

Response Router::handle(Request& req) const {
  // A keep-alive connection reuses its Request: nothing from the previous request may remain
  // when this one matches no route (or is a preflight).
  req.route = {};
  req.path_params.clear();
  const CorsResource* cors = cors_.empty() || !req.header("origin") ? nullptr : cors_for(req.path);
  if (cors == nullptr) return route(req);
  if (req.method == Method::kOptions && req.header("access-control-request-method")) {
    Response res;
    res.status = 204;
    res.content_type.clear();
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", cors->methods);
    if (auto asked = req.header("access-control-request-headers"))
      res.set_header("Access-Control-Allow-Headers", std::string(*asked));
    res.set_header("Access-Control-Max-Age", "7200");
    return res;
  }
  Response res = route(req);
  res.set_header("Access-Control-Allow-Origin", "*");
  if (!cors->expose.empty()) res.set_header("Access-Control-Expose-Headers", cors->expose);
  return res;
}

Response Router::route(Request& req) const {
  std::vector<std::string_view> segments;
  segments.reserve(8);
  split_segments(req.path, segments);
  bool path_matched = false;
  const Route* best = find(segments, req.method, path_matched);
  auto matches = [&](const Route& r) { return pattern_matches(r.segments, segments); };

  if (best == nullptr) {
    if (!path_matched) return not_found_ ? not_found_(req) : json_error(404, "Not found");
    std::string allow;
    auto add_allowed = [&](Method m) {
      std::string_view name = method_name(m);
      // Whole-token check: "GET" must not be found inside another name.
      for (size_t pos = 0; pos < allow.size();) {
        size_t end = allow.find(", ", pos);
        if (end == std::string::npos) end = allow.size();
        if (std::string_view(allow).substr(pos, end - pos) == name) return;
        pos = end + 2;
      }
      if (!allow.empty()) allow.append(", ");
      allow.append(name);
    };
    for (const Route& r : routes_) {
      if (!matches(r)) continue;
      add_allowed(r.method);
      if (r.method == Method::kGet) add_allowed(Method::kHead);
    }
    Response res =
        method_not_allowed_ ? method_not_allowed_(req) : json_error(405, "Method not allowed");
    res.set_header("Allow", std::move(allow));
    return res;
  }

  if (!fill_params(*best, segments, req)) return json_error(400, "Malformed path");

  if (!filter_) return best->handler(req);
  Response extra;
  std::optional<Response> early = filter_(req, extra);
  Response res = early ? std::move(*early) : best->handler(req);
  for (auto& h : extra.headers) res.headers.push_back(std::move(h));
  return res;
}

}  // namespace kindred::http
