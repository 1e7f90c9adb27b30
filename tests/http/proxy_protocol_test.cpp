// http::parse_proxy_header: the PROXY protocol's v1 line (HAProxy's send-proxy).
#include "http/proxy_protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace kindred::http {
namespace {

using Kind = ProxyHeader::Kind;

TEST(ProxyHeader, ALineNamesTheClientAndItsLength) {
  const std::string line = "PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n";
  const auto h = parse_proxy_header(line + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(h.kind, Kind::kParsed);
  EXPECT_EQ(h.length, line.size());
  EXPECT_EQ(h.source, "192.0.2.1");
  const auto six = parse_proxy_header("PROXY TCP6 2001:DB8:0::1 ::1 1 2\r\n");
  EXPECT_EQ(six.kind, Kind::kParsed);
  EXPECT_EQ(six.source, "2001:db8::1");  // written the one way
  EXPECT_EQ(parse_proxy_header("PROXY TCP6 ::ffff:192.0.2.9 ::1 1 2\r\n").source, "192.0.2.9");
  const auto unknown = parse_proxy_header("PROXY UNKNOWN ff:: 1 2 3\r\nGET");
  EXPECT_EQ(unknown.kind, Kind::kParsed);
  EXPECT_EQ(unknown.length, 26u);
  EXPECT_EQ(unknown.source, "");
}

TEST(ProxyHeader, HTTPIsAbsentAndABeginningIsIncomplete) {
  EXPECT_EQ(parse_proxy_header("GET / HTTP/1.1\r\n").kind, Kind::kAbsent);
  EXPECT_EQ(parse_proxy_header("PROXI").kind, Kind::kAbsent);
  EXPECT_EQ(parse_proxy_header("").kind, Kind::kIncomplete);
  EXPECT_EQ(parse_proxy_header("PRO").kind, Kind::kIncomplete);
  EXPECT_EQ(parse_proxy_header("PROXY TCP4 192.0.2.1").kind, Kind::kIncomplete);
  EXPECT_EQ(parse_proxy_header("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r").kind, Kind::kIncomplete);
}

TEST(ProxyHeader, WhatBreaksTheProtocolIsInvalid) {
  for (const char* bad :
       {"PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n", "PROXY TCP4 192.0.2.1 192.0.2.2 1 2 3\r\n",
        "PROXY TCP4 ::1 192.0.2.2 1 2\r\n", "PROXY TCP6 192.0.2.1 ::1 1 2\r\n",
        "PROXY TCP4 192.0.2.1 192.0.2.2 01 2\r\n", "PROXY TCP4 192.0.2.1 192.0.2.2 1 x\r\n",
        "PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n", "PROXY \r\n",
        "PROXY TCP4 192.0.2.1  192.0.2.2 1 2\r\n", "PROXY TCP4 host 192.0.2.2 1 2\r\n"}) {
    EXPECT_EQ(parse_proxy_header(bad).kind, Kind::kInvalid) << bad;
  }
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN" + std::string(100, ' ')).kind, Kind::kInvalid);
}

}  // namespace
}  // namespace kindred::http
