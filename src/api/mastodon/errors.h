#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace kindred::api {

// The one map from Status to Mastodon's wire form: {"error": "..."} with the status code
// Mastodon uses (404 NotFound, 422 InvalidArgument/Conflict, 401, 403, 429, 503, 500).
// Messages of internal errors are logged, never sent.
http::Response error_response(const Status& status);
// {"error": message} with `code`.
http::Response error_response(int code, std::string_view message);
// An already-serialised JSON body with `code`.
http::Response json_text_response(std::string body, int code = 200);
// A JSON body with `code`.
http::Response json_response(const boost::json::value& body, int code = 200);

}  // namespace kindred::api
