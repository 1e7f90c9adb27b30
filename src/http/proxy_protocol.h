#pragma once

// The PROXY protocol, version 1 (the text form HAProxy sends with `send-proxy`): a proxy that
// passes a connection's bytes through untouched (HAProxy in TCP mode, far cheaper than parsing
// every request) first writes one line naming the client it came from:
//
//   PROXY TCP4 203.0.113.7 10.0.0.2 56324 443\r\n
//   PROXY TCP6 2001:db8::7 2001:db8::2 56324 443\r\n
//   PROXY UNKNOWN\r\n          (the proxy's own connection, a health check: the peer is the client)
//
// https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt, section 2.1.

#include <cstddef>
#include <string>
#include <string_view>

namespace kindred::http {

struct ProxyHeader {
  enum class Kind {
    kAbsent,      // the bytes do not begin a PROXY line: plain HTTP
    kIncomplete,  // a PROXY line so far, not yet ended: read more
    kInvalid,     // a PROXY line that breaks the protocol (or longer than its 107 bytes)
    kParsed,
  };
  Kind kind = Kind::kAbsent;
  size_t length = 0;   // kParsed: the line's bytes, its CRLF included
  std::string source;  // kParsed: the client's address, or "" for UNKNOWN
};

// Reads a PROXY v1 line at the start of `bytes` (a connection's first bytes).
ProxyHeader parse_proxy_header(std::string_view bytes);

}  // namespace kindred::http
