#include "http/framing.h"

#include <boost/beast/core/string.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace kindred::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Framing check_framing(const bhttp::request_header<>& header) {
  int hosts = 0, encodings = 0;
  std::string_view encoding;
  for (const auto& field : header) {
    if (field.name() == bhttp::field::host) ++hosts;
    if (field.name() == bhttp::field::transfer_encoding) {
      ++encodings;
      encoding = field.value();
    }
  }
  if (hosts > 1 || (hosts == 0 && header.version() >= 11)) return Framing::kBadHost;
  while (!encoding.empty() && (encoding.front() == ' ' || encoding.front() == '\t'))
    encoding.remove_prefix(1);
  while (!encoding.empty() && (encoding.back() == ' ' || encoding.back() == '\t'))
    encoding.remove_suffix(1);
  if (encodings > 1 || (encodings == 1 && !beast::iequals(encoding, "chunked")))
    return Framing::kBadTransferEncoding;
  return Framing::kOk;
}

Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

void read_headers(const bhttp::request_header<>& header,
                  std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  for (const auto& field : header) {
    out.emplace_back(lower_ascii(field.name_string()), std::string(field.value()));
  }
}

void to_request(bhttp::request<bhttp::string_body>& msg, Request& req) {
  req.method = to_method(msg.method());
  req.set_target(std::string(msg.target()));
  req.body = std::move(msg.body());
  req.path_params.clear();
}

}  // namespace kindred::http::detail
