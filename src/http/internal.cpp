#include "http/internal.h"

namespace kindred::http::detail {

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Response json_error(int status, std::string_view message) {
  Response res;
  res.status = status;
  res.body.reserve(message.size() + 12);
  res.body.append("{\"error\":\"").append(message).append("\"}");
  return res;
}

}  // namespace kindred::http::detail
