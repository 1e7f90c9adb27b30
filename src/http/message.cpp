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
