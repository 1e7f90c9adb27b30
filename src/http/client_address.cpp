#include "http/client_address.h"

#include <algorithm>
#include <array>
#include <optional>

namespace kindred::http {

namespace asio_ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// IPv4-mapped IPv6 addresses ("::ffff:10.0.0.1", what a dual-stack socket reports) as IPv4.
asio_ip::address unmapped(const asio_ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return asio_ip::make_address_v4(asio_ip::v4_mapped, a.to_v6());
  return a;
}

std::optional<asio_ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = asio_ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return unmapped(a);
}

// A hop as proxies write it: "203.0.113.7", "2001:db8::1", "[2001:db8::1]" or with a port
// ("203.0.113.7:41234", "[2001:db8::1]:41234").
std::optional<asio_ip::address> parse_hop(std::string_view hop) {
  hop = trim(hop);
  if (hop.empty()) return std::nullopt;
  if (hop.front() == '[') {
    size_t close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_address(hop.substr(1, close - 1));
  }
  if (std::count(hop.begin(), hop.end(), ':') == 1) hop = hop.substr(0, hop.find(':'));
  return parse_address(hop);
}

template <size_t N>
std::array<unsigned char, N> masked(std::array<unsigned char, N> bytes, int prefix) {
  for (size_t i = 0; i < N; ++i) {
    int keep = std::clamp(prefix - static_cast<int>(i) * 8, 0, 8);
    bytes[i] &= static_cast<unsigned char>(0xFF00 >> keep);
  }
  return bytes;
}

asio_ip::address mask(const asio_ip::address& a, int prefix) {
  if (a.is_v4()) return asio_ip::address_v4(masked(a.to_v4().to_bytes(), prefix));
  return asio_ip::address_v6(masked(a.to_v6().to_bytes(), prefix));
}

}  // namespace

Result<std::vector<Cidr>> parse_cidrs(std::string_view list) {
  std::vector<Cidr> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    auto bad = [&] {
      return Status::invalid_argument("not an address block: \"" + std::string(item) +
                                      "\" (e.g. 10.0.0.0/8, 127.0.0.1 or fd00::/8)");
    };
    size_t slash = item.find('/');
    auto address = parse_address(item.substr(0, slash));
    if (!address) return bad();
    const int bits = address->is_v4() ? 32 : 128;
    int prefix = bits;
    if (slash != std::string_view::npos) {
      std::string_view p = item.substr(slash + 1);
      if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return bad();
      prefix = std::stoi(std::string(p));
      if (prefix > bits) return bad();
    }
    out.push_back({mask(*address, prefix), prefix});
  }
  return out;
}

bool in_cidrs(const asio_ip::address& address, const std::vector<Cidr>& blocks) {
  const asio_ip::address a = unmapped(address);
  return std::any_of(blocks.begin(), blocks.end(), [&](const Cidr& c) {
    return c.network.is_v4() == a.is_v4() && mask(a, c.prefix) == c.network;
  });
}

std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                           const std::vector<Cidr>& trusted) {
  if (trusted.empty() || forwarded_for.empty()) return std::string(peer);
  auto peer_address = parse_address(peer);
  if (!peer_address || !in_cidrs(*peer_address, trusted)) return std::string(peer);
  std::vector<std::string_view> hops;
  for (std::string_view value : forwarded_for) {
    while (true) {
      size_t comma = value.find(',');
      hops.push_back(value.substr(0, comma));
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  asio_ip::address client = *peer_address;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = parse_hop(*it);
    if (!hop) break;  // unreadable: nothing to its left can be trusted either
    client = *hop;
    if (!in_cidrs(client, trusted)) break;
  }
  return client.to_string();
}

std::string rate_limit_key(std::string_view address) {
  auto a = parse_address(address);
  if (!a || a->is_v4()) return std::string(address);
  return mask(*a, 64).to_string() + "/64";
}

}  // namespace kindred::http
