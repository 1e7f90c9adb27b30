#include "api/mastodon/errors.h"

#include <boost/json/serialize.hpp>
#include <iostream>

namespace kindred::api {

http::Response json_response(const boost::json::value& body, int code) {
  http::Response r;
  r.status = code;
  r.body = boost::json::serialize(body);
  return r;
}

http::Response json_text_response(std::string body, int code) {
  http::Response r;
  r.status = code;
  r.body = std::move(body);
  return r;
}

http::Response error_response(int code, std::string_view message) {
  return json_response(boost::json::object{{"error", message}}, code);
}

http::Response error_response(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return error_response(500, "Internal server error");
    case StatusCode::kNotFound:
      return error_response(404, "Record not found");
    case StatusCode::kInvalidArgument:
    case StatusCode::kConflict:
      return error_response(422, s.message());
    case StatusCode::kUnauthenticated:
      return error_response(401, s.message().empty() ? "The access token is invalid" : s.message());
    case StatusCode::kPermissionDenied:
      return error_response(403, s.message());
    case StatusCode::kRateLimited:
      return error_response(429, "Too many requests");
    case StatusCode::kUnavailable:
      // Unavailable messages are written for people ("The store cannot save anything now ...").
      return error_response(503, s.message().empty() ? "Service unavailable" : s.message());
    case StatusCode::kTooLarge:
      return error_response(413, s.message());
    case StatusCode::kMalformed:  // as Rails answers a body it cannot parse
      return error_response(400, s.message());
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      break;
  }
  std::cerr << "kindred: internal error: " << s.to_string() << '\n';
  return error_response(500, "Internal server error");
}

}  // namespace kindred::api
