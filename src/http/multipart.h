#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kindred::http {

// One part of a multipart/form-data body (RFC 7578).
struct MultipartPart {
  std::string name;          // from Content-Disposition
  std::string filename;      // empty for plain fields
  std::string content_type;  // empty when the part sent none
  std::string_view data;     // a view into the body passed to parse_multipart
};

// The boundary parameter of a "multipart/form-data; boundary=..." Content-Type, or nullopt.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Splits `body` into parts. nullopt when the body is malformed: no opening boundary, a part
// without a blank line after its headers, a part without a form-data name, no closing boundary.
// The returned views point into `body` and are valid only as long as it is.
std::optional<std::vector<MultipartPart>> parse_multipart(std::string_view body,
                                                          std::string_view boundary);

}  // namespace kindred::http
