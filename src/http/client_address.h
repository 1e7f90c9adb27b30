#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "core/status.h"

namespace kindred::http {

// An address block, "10.0.0.0/8" or "fd00::/8"; a bare address is a block of one.
struct Cidr {
  boost::asio::ip::address network;  // with the bits past `prefix` cleared
  int prefix = 0;                    // 0..32 for IPv4, 0..128 for IPv6
};

// Parses a comma-separated list of blocks ("127.0.0.1,10.0.0.0/8, ::1"); spaces around items are
// ignored, an empty list is no blocks. Errors: InvalidArgument naming the first bad item.
Result<std::vector<Cidr>> parse_cidrs(std::string_view list);

// Whether `address` lies in one of `blocks` (an IPv4-mapped IPv6 address counts as its IPv4 one).
bool in_cidrs(const boost::asio::ip::address& address, const std::vector<Cidr>& blocks);

// The address of the client a request came from. `peer` is the socket's address; `forwarded_for`
// the values of every X-Forwarded-For header, in order. The header is read only when the peer is
// a trusted proxy: then the hops, read from the right (the nearest first), are skipped while they
// are trusted proxies too, and the first one that is not is the client (a client can write
// anything to the left of it, but not that). A hop that is not an address stops the walk at the
// last trusted one. With no trusted proxies, or an untrusted peer, the peer is the client.
std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                           const std::vector<Cidr>& trusted);

// The key a client's address is counted under by rate limits: an IPv4 address as is, an IPv6
// address by its /64 (one household or one machine gets a whole /64, as Mastodon's
// throttleable_remote_ip), so rotating through a /64 buys no more attempts.
std::string rate_limit_key(std::string_view address);

}  // namespace kindred::http
