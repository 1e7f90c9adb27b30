#include "http/proxy_protocol.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <vector>

namespace kindred::http {
namespace {

constexpr std::string_view kSignature = "PROXY ";
constexpr size_t kMaxLine = 107;  // the protocol's bound, CRLF included

std::vector<std::string_view> split_spaces(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= line.size()) {
    const size_t space = line.find(' ', start);
    const size_t end = space == std::string_view::npos ? line.size() : space;
    words.push_back(line.substr(start, end - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return words;
}

bool is_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return ec == std::errc() && end == s.data() + s.size() && port <= 65535;
}

// Whether `s` is an address of `family` (4 or 6), written as the protocol asks.
bool is_address(std::string_view s, int family) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(s), ec);
  if (ec) return false;
  return family == 4 ? a.is_v4() : a.is_v6();
}

}  // namespace

ProxyHeader parse_proxy_header(std::string_view bytes) {
  ProxyHeader h;
  const size_t prefix = std::min(bytes.size(), kSignature.size());
  if (bytes.substr(0, prefix) != kSignature.substr(0, prefix)) return h;  // kAbsent
  const size_t crlf = bytes.substr(0, kMaxLine).find("\r\n");
  if (crlf == std::string_view::npos) {
    h.kind =
        bytes.size() >= kMaxLine ? ProxyHeader::Kind::kInvalid : ProxyHeader::Kind::kIncomplete;
    return h;
  }
  h.kind = ProxyHeader::Kind::kInvalid;
  const std::string_view line = bytes.substr(kSignature.size(), crlf - kSignature.size());
  const auto words = split_spaces(line);
  if (words.empty()) return h;
  if (words[0] == "UNKNOWN") {  // anything may follow; the receiver ignores it
    h.kind = ProxyHeader::Kind::kParsed;
    h.length = crlf + 2;
    return h;
  }
  const int family = words[0] == "TCP4" ? 4 : words[0] == "TCP6" ? 6 : 0;
  if (family == 0 || words.size() != 5) return h;
  if (!is_address(words[1], family) || !is_address(words[2], family)) return h;
  if (!is_port(words[3]) || !is_port(words[4])) return h;
  h.kind = ProxyHeader::Kind::kParsed;
  h.length = crlf + 2;
  auto source = boost::asio::ip::make_address(std::string(words[1]));
  // As the server takes a socket's peer: an IPv4-mapped IPv6 address is its IPv4 address, so
  // one client has one rate-limit key whichever way it arrived.
  if (source.is_v6() && source.to_v6().is_v4_mapped()) {
    source = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, source.to_v6());
  }
  h.source = source.to_string();
  return h;
}

}  // namespace kindred::http
