// libFuzzer target for http/multipart.h. Built by the `fuzz` preset (clang-14); run it with
// `make fuzz`. The input is a Content-Type header value, a '\n', then the body:
//
//   multipart/form-data; boundary=XyZ
//   --XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nhi\r\n--XyZ--\r\n
//
// When the header yields no boundary, its raw text is used as the boundary, so the body parser
// is exercised whatever the first line holds. Input without a '\n' is a header only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/multipart.h"

namespace {

// Invariants a caller relies on; a broken one aborts, which libFuzzer reports as a crash.
void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_multipart(std::string_view input) {
  size_t newline = input.find('\n');
  std::string_view header = input.substr(0, newline);
  std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  auto boundary = kindred::http::multipart_boundary(header);
  if (boundary) check(!boundary->empty() && boundary->size() <= 70);
  std::string_view used = boundary ? std::string_view(*boundary) : header;

  auto parts = kindred::http::parse_multipart(body, used);
  if (!parts) return;
  check(!used.empty());  // an empty boundary is always refused
  for (const auto& part : *parts) {
    // Every part's data is a view into the body, between two delimiters.
    check(part.data.data() >= body.data());
    check(part.data.data() + part.data.size() <= body.data() + body.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz_multipart(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
