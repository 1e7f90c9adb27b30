#pragma once

// Internal to src/http (the server and its tests): the bytes the server writes. Not an API for
// layers above; they see Request and Response only.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.h"

namespace kindred::http::detail {

// False for 1xx, 204 and 304: such responses carry no body and no Content-Length.
bool status_has_body(int status);

// Appends the status line and header block for `res` to `out`, ending with the blank line:
// Date, Content-Type (when set and the status has a body), Content-Length = res.body.size()
// (also for HEAD, whose body the caller then leaves out), "Connection: close" when
// !keep_alive, or "Connection: keep-alive" when keep_alive && http10. Then res.headers, except
// names the server owns (Content-Length, Transfer-Encoding, Connection) and any header whose
// name is not an RFC 7230 token or whose value holds CR, LF or NUL (no header injection).
// REQUIRES: 100 <= res.status <= 999. Thread-safe.
void append_response_head(std::string& out, const Response& res, bool keep_alive, bool http10);

// One access-log record; the views must outlive the call only.
struct AccessLogEntry {
  std::chrono::system_clock::time_point time;
  std::string_view remote;  // "127.0.0.1"
  std::string_view method;  // "GET", or "-" when the request line was unreadable
  std::string_view path;    // without the query string: tokens travel in queries
  int status = 0;
  uint64_t bytes = 0;       // body bytes sent
  int64_t duration_us = 0;  // from the request's first byte to the response written
};

// Appends one JSON line (with '\n') for `e`:
// {"time":"2026-11-25T17:00:00.123Z","remote":"127.0.0.1","method":"GET","path":"/x",
//  "status":200,"bytes":123,"duration_us":456}
// Strings are JSON-escaped; bytes outside printable ASCII become \u00XX, so the line is always
// valid ASCII JSON. Thread-safe.
void append_access_log_line(std::string& out, const AccessLogEntry& e);

}  // namespace kindred::http::detail
