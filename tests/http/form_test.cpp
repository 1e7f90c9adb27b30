#include "http/form.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace kindred::http {
namespace {

std::string dump(const Params& p) {
  std::string out;
  for (const auto& [k, v] : p.items()) out += "(" + k + "->" + v + ")";
  return out;
}

TEST(Params, ParsesPairsArraysAndPlusAsSpace) {
  auto p = Params::parse("a=1&b=x%20y&c[]=1&c[]=2&d=x+y%2Bz");
  ASSERT_TRUE(p);
  EXPECT_EQ(dump(*p), "(a->1)(b->x y)(c[]->1)(c[]->2)(d->x y+z)");
  EXPECT_EQ(p->get("b"), "x y");
  EXPECT_EQ(p->get_all("c"), (std::vector<std::string>{"1", "2"}));
}

TEST(Params, SkipsEmptyAndNamelessPiecesAndAllowsMissingValues) {
  auto p = Params::parse("&&a=1&&flag&=orphan&b=&");
  ASSERT_TRUE(p);
  EXPECT_EQ(dump(*p), "(a->1)(flag->)(b->)");
  EXPECT_TRUE(p->has("flag"));
  EXPECT_EQ(p->get("b"), "");
  EXPECT_TRUE(Params::parse("")->items().empty());
}

TEST(Params, MalformedEscapeIsNullopt) {
  EXPECT_FALSE(Params::parse("a=%zz"));
  EXPECT_FALSE(Params::parse("a=%4"));
  EXPECT_FALSE(Params::parse("a=%"));
  EXPECT_FALSE(Params::parse("ok=1&%G0=1"));
}

TEST(Params, GetReturnsTheLastValueAndGetAllTakesBothSpellings) {
  auto p = Params::parse("x=1&scopes[]=read&x=2&scopes=write&scopes[]=follow&scopesx=no");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->get("x"), "2");
  EXPECT_FALSE(p->get("y"));
  EXPECT_FALSE(p->get("scopes["));
  EXPECT_EQ(p->get_all("scopes"), (std::vector<std::string>{"read", "write", "follow"}));
  EXPECT_TRUE(p->get_all("none").empty());
}

TEST(Params, EqualsSignsAfterTheFirstBelongToTheValue) {
  auto p = Params::parse("token=ab==&x==");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->get("token"), "ab==");
  EXPECT_EQ(p->get("x"), "=");
}

TEST(PercentCoding, DecodesAndRejectsMalformedEscapes) {
  EXPECT_EQ(percent_decode("a%2fb%2F", false), "a/b/");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("ab%1", false));
  EXPECT_FALSE(percent_decode("%x1", false));
}

TEST(PercentCoding, EncodesAllButUnreservedWithUpperCaseHex) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b+c/&=?"), "a%20b%2Bc%2F%26%3D%3F");
  EXPECT_EQ(percent_encode("caf\xC3\xA9"), "caf%C3%A9");
}

// Seeded property tests: deterministic, so a failure reproduces.

std::string random_bytes(std::mt19937& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(len(rng), '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

// Strings made mostly of the characters the parser cares about.
std::string random_form_like(std::mt19937& rng) {
  static constexpr std::string_view kAlphabet = "%+&=[]aF09gz \x01\xff";
  std::uniform_int_distribution<size_t> len(0, 40);
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string s(len(rng), '\0');
  for (char& c : s) c = kAlphabet[pick(rng)];
  return s;
}

TEST(PercentCoding, RandomInputNeverCrashesAndParsedNamesAreNeverEmpty) {
  std::mt19937 rng(20261125);
  for (int i = 0; i < 20'000; ++i) {
    std::string input = i % 2 ? random_form_like(rng) : random_bytes(rng, 64);
    auto p = Params::parse(input);
    if (p) {
      for (const auto& [k, v] : p->items()) EXPECT_FALSE(k.empty()) << input;
    }
    (void)percent_decode(input, i % 3 == 0);
  }
}

TEST(PercentCoding, EncodeThenDecodeRoundTripsInBothPlusModes) {
  std::mt19937 rng(42);
  for (int i = 0; i < 5'000; ++i) {
    std::string s = random_bytes(rng, 48);
    std::string encoded = percent_encode(s);
    EXPECT_EQ(percent_decode(encoded, false), s);
    EXPECT_EQ(percent_decode(encoded, true), s);
  }
}

TEST(Params, EncodedPairsParseBackToTheSameItems) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2'000; ++i) {
    Params want;
    std::string encoded;
    std::uniform_int_distribution<int> count(0, 5);
    for (int n = count(rng); n > 0; --n) {
      std::string name = "k" + random_bytes(rng, 8);
      std::string value = random_bytes(rng, 16);
      if (!encoded.empty()) encoded += '&';
      encoded += percent_encode(name) + "=" + percent_encode(value);
      want.add(std::move(name), std::move(value));
    }
    auto got = Params::parse(encoded);
    ASSERT_TRUE(got) << encoded;
    EXPECT_EQ(got->items(), want.items()) << encoded;
  }
}

}  // namespace
}  // namespace kindred::http
