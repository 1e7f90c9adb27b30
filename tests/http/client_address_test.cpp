#include "http/client_address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kindred::http {
namespace {

std::vector<Cidr> blocks(std::string_view list) {
  auto parsed = parse_cidrs(list);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed.has_value() ? *parsed : std::vector<Cidr>{};
}

bool in(std::string_view address, std::string_view list) {
  return in_cidrs(boost::asio::ip::make_address(std::string(address)), blocks(list));
}

TEST(Cidrs, ParseAddressesAndBlocksOfBothFamilies) {
  auto b = blocks(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,::1,");
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].prefix, 32);
  EXPECT_EQ(b[1].network.to_string(), "10.0.0.0");
  EXPECT_EQ(b[2].prefix, 8);
  EXPECT_EQ(b[3].prefix, 128);
  EXPECT_TRUE(blocks("").empty());
}

TEST(Cidrs, ClearTheHostBitsOfABlock) {
  auto b = blocks("192.168.7.9/16");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].network.to_string(), "192.168.0.0");
}

TEST(Cidrs, RefuseWhatIsNotABlockAndNameIt) {
  for (std::string_view bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "proxy.local",
                               "10.0.0.0/8x", "10.0.0.0/-1", "1.2.3.4/0008"}) {
    auto parsed = parse_cidrs(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_NE(parsed.error().message().find(std::string(bad)), std::string::npos)
        << parsed.error().message();
  }
  EXPECT_FALSE(parse_cidrs("127.0.0.1, nonsense").has_value());
}

TEST(Cidrs, MatchOnlyTheirOwnFamilyAndPrefix) {
  EXPECT_TRUE(in("10.200.3.4", "10.0.0.0/8"));
  EXPECT_FALSE(in("11.0.0.1", "10.0.0.0/8"));
  EXPECT_TRUE(in("fd12:3456::1", "fd00::/8"));
  EXPECT_FALSE(in("fe80::1", "fd00::/8"));
  EXPECT_FALSE(in("::1", "127.0.0.1"));
  EXPECT_TRUE(in("::ffff:127.0.0.1", "127.0.0.1"));  // a dual-stack socket's view of IPv4
  EXPECT_TRUE(in("203.0.113.9", "0.0.0.0/0"));
  EXPECT_FALSE(in("2001:db8::1", "0.0.0.0/0"));
}

TEST(ClientAddress, IsThePeerWithoutTrustedProxies) {
  EXPECT_EQ(client_address("203.0.113.5", {"198.51.100.1"}, {}), "203.0.113.5");
}

TEST(ClientAddress, IsThePeerWhenThePeerIsNotTrusted) {
  // Anyone can send X-Forwarded-For; only a trusted proxy's counts.
  EXPECT_EQ(client_address("203.0.113.5", {"198.51.100.1"}, blocks("127.0.0.1")), "203.0.113.5");
}

TEST(ClientAddress, IsThePeerWhenATrustedProxySendsNoHeader) {
  EXPECT_EQ(client_address("127.0.0.1", {}, blocks("127.0.0.1")), "127.0.0.1");
}

TEST(ClientAddress, IsTheRightmostHopThatIsNotATrustedProxy) {
  auto trusted = blocks("127.0.0.1,10.0.0.0/8");
  // The client wrote "1.1.1.1" itself; the proxy appended the address it saw, 198.51.100.7.
  EXPECT_EQ(client_address("127.0.0.1", {"1.1.1.1, 198.51.100.7"}, trusted), "198.51.100.7");
  // Two proxies: the inner one (10.0.0.2) is skipped too.
  EXPECT_EQ(client_address("127.0.0.1", {"1.1.1.1, 198.51.100.7, 10.0.0.2"}, trusted),
            "198.51.100.7");
  // Several headers read as one list, in order.
  EXPECT_EQ(client_address("127.0.0.1", {"1.1.1.1", "198.51.100.7,10.0.0.2"}, trusted),
            "198.51.100.7");
}

TEST(ClientAddress, ReadsHopsWithPortsAndBrackets) {
  auto trusted = blocks("127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", {"198.51.100.7:41234"}, trusted), "198.51.100.7");
  EXPECT_EQ(client_address("127.0.0.1", {"[2001:db8::7]:41234"}, trusted), "2001:db8::7");
  EXPECT_EQ(client_address("127.0.0.1", {"2001:db8::7"}, trusted), "2001:db8::7");
}

TEST(ClientAddress, StopsAtAHopThatIsNotAnAddress) {
  auto trusted = blocks("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(client_address("127.0.0.1", {"198.51.100.7, unknown"}, trusted), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", {"198.51.100.7, garbage, 10.0.0.2"}, trusted), "10.0.0.2");
  EXPECT_EQ(client_address("127.0.0.1", {""}, trusted), "127.0.0.1");
}

TEST(ClientAddress, IsTheLeftmostHopWhenEveryHopIsTrusted) {
  EXPECT_EQ(client_address("127.0.0.1", {"10.0.0.3, 10.0.0.2"}, blocks("127.0.0.1,10.0.0.0/8")),
            "10.0.0.3");
}

TEST(RateLimitKey, IsTheAddressForIpv4AndTheSlash64ForIpv6) {
  EXPECT_EQ(rate_limit_key("203.0.113.5"), "203.0.113.5");
  EXPECT_EQ(rate_limit_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(rate_limit_key("2001:db8:1:2::1"), rate_limit_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(rate_limit_key("2001:db8:1:2::1"), rate_limit_key("2001:db8:1:3::1"));
}

}  // namespace
}  // namespace kindred::http
