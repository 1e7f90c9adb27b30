#include "http/message.h"

#include "http/internal.h"

namespace kindred::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (detail::iequals_ascii(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::cookie(std::string_view name) const {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  };
  for (const auto& [header, value] : headers) {
    if (!detail::iequals_ascii(header, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view piece = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = piece.find('=');
      if (eq == std::string_view::npos || trim(piece.substr(0, eq)) != name) continue;
      std::string_view v = trim(piece.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return std::nullopt;
}

std::string_view url_origin(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  const size_t slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? url : url.substr(0, slash);
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [n, v] : path_params) {
    if (n == name) return v;
  }
  return {};
}

void Request::set_target(std::string t) {
  target = std::move(t);
  size_t q = target.find('?');
  if (q == std::string::npos) {
    path = target;
    query.clear();
  } else {
    path.assign(target, 0, q);
    query.assign(target, q + 1);
  }
}

}  // namespace kindred::http
