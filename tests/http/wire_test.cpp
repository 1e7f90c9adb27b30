#include "http/wire.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace kindred::http::detail {
namespace {

std::chrono::system_clock::time_point at_ms(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// The head with the Date line cut out, which changes every second.
std::string head_without_date(const Response& res, bool keep_alive, bool http10) {
  std::string out;
  append_response_head(out, res, keep_alive, http10);
  std::regex date("Date: [A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT\r\n");
  EXPECT_TRUE(std::regex_search(out, date)) << out;
  return std::regex_replace(out, date, "");
}

TEST(AccessLog, LineHasTheDocumentedShape) {
  AccessLogEntry e;
  e.time = at_ms(1'795'626'000'123);
  e.remote = "127.0.0.1";
  e.method = "GET";
  e.path = "/api/v1/timelines/home";
  e.status = 200;
  e.bytes = 123;
  e.duration_us = 456;
  std::string line;
  append_access_log_line(line, e);
  EXPECT_EQ(line, R"({"time":"2026-11-25T17:00:00.123Z","remote":"127.0.0.1","method":"GET",)"
                  R"("path":"/api/v1/timelines/home","status":200,"bytes":123,"duration_us":456})"
                  "\n");
}

TEST(AccessLog, EscapesEverythingOutsidePrintableAscii) {
  AccessLogEntry e;
  e.time = at_ms(5);
  e.method = "-";
  e.path = "/a\"b\\c\x01\xC3\xA9";
  std::string line;
  append_access_log_line(line, e);
  EXPECT_EQ(line, R"({"time":"1970-01-01T00:00:00.005Z","remote":"","method":"-",)"
                  R"("path":"/a\"b\\c\u0001\u00c3\u00a9","status":0,"bytes":0,"duration_us":0})"
                  "\n");
}

TEST(ResponseHead, CarriesTypeLengthAndExtraHeaders) {
  Response res;
  res.body = "{}";
  res.set_header("Link", "<https://x/a>; rel=\"next\"");
  EXPECT_EQ(head_without_date(res, true, false),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            "Content-Length: 2\r\n"
            "Link: <https://x/a>; rel=\"next\"\r\n"
            "\r\n");
}

TEST(ResponseHead, SaysCloseOrKeepAliveAsTheVersionNeeds) {
  Response res;
  res.status = 422;
  res.content_type = "";
  EXPECT_EQ(head_without_date(res, false, false),
            "HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(
      head_without_date(res, true, true),
      "HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

TEST(ResponseHead, NoContentHasNoLengthOrType) {
  Response res;
  res.status = 204;
  EXPECT_EQ(head_without_date(res, true, false), "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_FALSE(status_has_body(304));
  EXPECT_FALSE(status_has_body(101));
  EXPECT_TRUE(status_has_body(200));
}

TEST(ResponseHead, DropsInjectedAndServerOwnedHeaders) {
  Response res;
  res.status = 299;
  res.content_type = "";
  res.set_header("X-Evil", "a\r\nSet-Cookie: x=1");
  res.set_header("Bad Name", "v");
  res.set_header("", "v");
  res.set_header("content-length", "99");
  res.set_header("Connection", "keep-alive");
  res.set_header("X-Fine", "ok");
  EXPECT_EQ(head_without_date(res, true, false),
            "HTTP/1.1 299 Unknown\r\nContent-Length: 0\r\nX-Fine: ok\r\n\r\n");
}

}  // namespace
}  // namespace kindred::http::detail
