#include "api/mastodon/entities/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <random>

namespace kindred::api::entities {
namespace {

TEST(JsonWriter, WritesNestedValuesWithCommasInPlace) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("a", int64_t{1}).key("b").begin_array().string("x").null().boolean(true)
      .end_array().key("c").begin_object().end_object().key("d").raw("[]").end_object();
  EXPECT_EQ(out, R"({"a":1,"b":["x",null,true],"c":{},"d":[]})");
}

TEST(JsonWriter, LiteralKeysAndRuntimeKeysWriteTheSame) {
  std::string literal, runtime;
  JsonWriter a(literal);
  a.begin_object().member("id", "1").member("n", int64_t{2}).member("b", true).key("x").null().end_object();
  const std::string id = "id", n = "n", b = "b", x = "x";
  JsonWriter c(runtime);
  c.begin_object().member(std::string_view(id), "1").member(std::string_view(n), int64_t{2})
      .member(std::string_view(b), true).key(std::string_view(x)).null().end_object();
  EXPECT_EQ(literal, R"({"id":"1","n":2,"b":true,"x":null})");
  EXPECT_EQ(runtime, literal);
  std::string odd;
  JsonWriter d(odd);
  const std::string quoted = "a\"b";
  d.begin_object().member(std::string_view(quoted), int64_t{1}).end_object();
  EXPECT_EQ(odd, R"({"a\"b":1})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_string(out, std::string("\"\\\n\t\x01 é💜", 12));
  EXPECT_EQ(out, "\"\\\"\\\\\\n\\t\\u0001 é💜\"");
}

TEST(JsonWriter, RandomStringsRoundTripThroughAParser) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 30);
    for (int j = 0; j < n; ++j) s += static_cast<char>(rng() % 128);  // ASCII incl. controls
    std::string out;
    JsonWriter(out).begin_object().member("k", s).end_object();
    boost::json::error_code ec;
    auto v = boost::json::parse(out, ec);
    ASSERT_FALSE(ec) << out;
    EXPECT_EQ(v.at("k").as_string(), s);
  }
}

}  // namespace
}  // namespace kindred::api::entities
