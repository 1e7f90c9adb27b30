#pragma once

// Internal to src/http: small helpers the server, router and file responses share. Not an API
// for layers above.

#include <string_view>

#include "http/message.h"

namespace kindred::http::detail {

// Whether `a` and `b` are equal ignoring ASCII case (header names, range units). Bytes outside
// ASCII compare exactly.
bool iequals_ascii(std::string_view a, std::string_view b);

// `status` with the body {"error":"<message>"} as JSON. REQUIRES: `message` needs no JSON
// escaping (the callers pass literals).
Response json_error(int status, std::string_view message);

}  // namespace kindred::http::detail
