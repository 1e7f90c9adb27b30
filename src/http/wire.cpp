#include "http/wire.h"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ctime>

#include "http/internal.h"

namespace kindred::http::detail {
namespace {

void append_number(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

void append_padded(std::string& out, int v, int width) {
  char buf[12];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  for (int n = static_cast<int>(end - buf); n < width; ++n) out.push_back('0');
  out.append(buf, end);
}

bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool sendable(const std::pair<std::string, std::string>& h) {
  const auto& [name, value] = h;
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return !iequals_ascii(name, "content-length") && !iequals_ascii(name, "transfer-encoding") &&
         !iequals_ascii(name, "connection");
}

// "Sun, 06 Nov 1994 08:49:37 GMT", formatted once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[40];
  thread_local size_t cached_len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    cached_len = std::strftime(cached, sizeof(cached), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {cached, cached_len};
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

void append_response_head(std::string& out, const Response& res, bool keep_alive, bool http10) {
  out.append("HTTP/1.1 ");
  append_number(out, res.status);
  out.push_back(' ');
  std::string_view reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(res.status));
  out.append(reason.empty() || reason.front() == '<' ? std::string_view("Unknown") : reason);
  out.append("\r\nDate: ");
  out.append(http_date());
  out.append("\r\n");
  if (status_has_body(res.status)) {
    if (!res.content_type.empty() && res.content_type.find_first_of("\r\n") == std::string::npos) {
      out.append("Content-Type: ").append(res.content_type).append("\r\n");
    }
    out.append("Content-Length: ");
    append_number(out, static_cast<int64_t>(res.body.size()));
    out.append("\r\n");
  }
  if (!keep_alive) {
    out.append("Connection: close\r\n");
  } else if (http10) {
    out.append("Connection: keep-alive\r\n");
  }
  for (const auto& h : res.headers) {
    if (!sendable(h)) continue;
    out.append(h.first).append(": ").append(h.second).append("\r\n");
  }
  out.append("\r\n");
}

void append_access_log_line(std::string& out, const AccessLogEntry& e) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(e.time.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  out.append("{\"time\":\"");
  append_padded(out, tm.tm_year + 1900, 4);
  out.push_back('-');
  append_padded(out, tm.tm_mon + 1, 2);
  out.push_back('-');
  append_padded(out, tm.tm_mday, 2);
  out.push_back('T');
  append_padded(out, tm.tm_hour, 2);
  out.push_back(':');
  append_padded(out, tm.tm_min, 2);
  out.push_back(':');
  append_padded(out, tm.tm_sec, 2);
  out.push_back('.');
  append_padded(out, millis, 3);
  out.append("Z\",\"remote\":");
  append_json_string(out, e.remote);
  out.append(",\"method\":");
  append_json_string(out, e.method);
  out.append(",\"path\":");
  append_json_string(out, e.path);
  out.append(",\"status\":");
  append_number(out, e.status);
  out.append(",\"bytes\":");
  append_number(out, static_cast<int64_t>(e.bytes));
  out.append(",\"duration_us\":");
  append_number(out, e.duration_us);
  out.append("}\n");
}

}  // namespace kindred::http::detail
