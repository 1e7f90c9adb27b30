#include "web/session.h"

#include <cctype>

namespace kindred::web {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}


}  // namespace

std::optional<std::string_view> cookie(const http::Request& req, std::string_view name) {
  return req.cookie(name);
}

std::string set_cookie(const WebConfig& config, std::string_view name, std::string_view value,
                       int64_t max_age_s) {
  std::string c(name);
  c += '=';
  c += value;
  c += "; Path=/; HttpOnly; SameSite=Lax";
  if (max_age_s > 0) c += "; Max-Age=" + std::to_string(max_age_s);
  if (max_age_s < 0) c += "; Max-Age=0";
  if (config.https()) c += "; Secure";
  return c;
}

bool same_origin(const WebConfig& config, const http::Request& req) {
  auto origin = req.header("origin");
  if (!origin) return true;
  return *origin == http::url_origin(config.base_url);
}

std::string local_path(std::string_view to) {
  if (to.empty() || to.size() > 2000 || to.front() != '/') return "/";
  if (to.size() > 1 && (to[1] == '/' || to[1] == '\\')) return "/";
  for (unsigned char ch : to)
    if (ch < 0x20 || ch == 0x7F || ch == '\\') return "/";
  return std::string(to);
}

std::optional<http::Params> form_fields(const http::Request& req) {
  auto type = req.header("content-type");
  if (!type) return std::nullopt;
  std::string_view t = *type;
  const size_t semi = t.find(';');
  t = trim(t.substr(0, semi));
  if (t.size() != 33) return std::nullopt;
  for (size_t i = 0; i < t.size(); ++i) {
    const char ch = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i])));
    if (ch != "application/x-www-form-urlencoded"[i]) return std::nullopt;
  }
  return http::Params::parse(req.body);
}

}  // namespace kindred::web
