#pragma once

// Internal to src/http (the session, and tests/fuzz/http_request_fuzz.cpp): what the server does
// with a request Beast has parsed, before routing it. No socket in sight. Not an API for layers
// above; they see Request only.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/message.h"

namespace kindred::http::detail {

// Whether a request header makes the request's framing ambiguous, and how.
enum class Framing {
  kOk,
  // RFC 9112 §3.2: an HTTP/1.1 request without Host, or any request with two or more.
  kBadHost,
  // RFC 9112 §6.1, §6.3: any Transfer-Encoding but one header whose value is "chunked" (ASCII
  // case-insensitive, surrounding spaces and tabs ignored). A body's length is known only from
  // Content-Length or a final chunked coding; reading one of unknowable length as empty would
  // parse its bytes as the next request (request smuggling). Kindred takes no transfer coding
  // but chunked, so "gzip, chunked" is refused too.
  kBadTransferEncoding,
};

// Checks `header` once it is parsed, before any body byte is read: the server answers anything
// but kOk with 400 and closes the connection. Thread-safe.
Framing check_framing(const boost::beast::http::request_header<>& header);

// The Method for Beast's verb; kOther for any verb Kindred does not route.
Method to_method(boost::beast::http::verb v);

// Replaces `out` with the fields of `header` as Request::headers holds them: in order, names
// lower-cased. Call it once the header is parsed, before any body byte: Beast later adds a
// chunked body's trailer fields to the same list (next to same-named header fields), and those
// must not reach handlers as headers. RFC 9110 §6.5.2 forbids merging them into the header
// section, and they arrive after check_framing() ran: a second Host, an X-Forwarded-For after
// the proxy's.
void read_headers(const boost::beast::http::request_header<>& header,
                  std::vector<std::pair<std::string, std::string>>& out);

// Fills the rest of `req` once the request is read: method, target (split into path and query)
// and the body, moved out of `msg`. Clears path_params; leaves headers (read_headers() filled
// them) and remote_ip alone.
void to_request(boost::beast::http::request<boost::beast::http::string_body>& msg, Request& req);

}  // namespace kindred::http::detail
