// The field-list codec (core/record.h): one list drives both directions; bounds, lists, optional
// and nested fields; records that end early; bytes that do not decode.
#include "core/record.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace kindred::record {
namespace {

enum class Colour : uint8_t { kRed = 0, kGreen = 1, kBlue = 2 };

struct Point {
  int x = 0;
  int64_t y = 0;
  bool operator==(const Point&) const = default;
  template <class V>
  void field_list(V& v) {
    v(upto(x, 1000), y);
  }
};

struct Sample {
  Id id;
  std::string name;
  bool flag = false;
  Colour colour = Colour::kRed;
  std::vector<std::string> tags;
  std::vector<Point> points;
  std::optional<Point> origin;
  double focus = 0;
  // appended after the first version
  uint64_t extra = 7;
  bool operator==(const Sample&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(3);
    v(id, name, flag, upto(colour, Colour::kBlue), at_most(tags, 3), points, origin,
      hundredths(focus));
    v.may_end_here();
    v(extra);
  }
};

Sample full() {
  Sample s;
  s.id = Id(42);
  s.name = "Iris";
  s.flag = true;
  s.colour = Colour::kBlue;
  s.tags = {"a", "bc"};
  s.points = {{1, -2}, {999, 1LL << 40}};
  s.origin = Point{3, 4};
  s.focus = -0.25;
  s.extra = 123456789;
  return s;
}

TEST(Record, EveryKindOfFieldRoundTrips) {
  const Sample s = full();
  auto back = decode<Sample>(encode(s), "sample");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, s);
}

TEST(Record, AbsentOptionalRoundTrips) {
  Sample s = full();
  s.origin.reset();
  auto back = decode<Sample>(encode(s), "sample");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, s);
}

TEST(Record, HundredthsRoundHalfAwayFromZero) {
  Sample s = full();
  s.focus = 0.126;
  EXPECT_DOUBLE_EQ(decode<Sample>(encode(s), "sample")->focus, 0.13);
  s.focus = -0.126;
  EXPECT_DOUBLE_EQ(decode<Sample>(encode(s), "sample")->focus, -0.13);
}

// The bytes of the fields before may_end_here(): what the first version of Sample wrote.
std::string first_version_bytes() {
  const std::string all = encode(full());
  return all.substr(0, all.size() - 4);  // 123456789 is a four-byte varint
}

TEST(Record, RecordWrittenBeforeAnAppendedFieldDecodesWithItsDefault) {
  auto old = decode<Sample>(first_version_bytes(), "sample");
  ASSERT_TRUE(old.has_value()) << old.error().to_string();
  EXPECT_EQ(old->extra, 7u);
  EXPECT_EQ(old->name, "Iris");
}

TEST(Record, RecordCutAnywhereElseDoesNotDecode) {
  const std::string all = encode(full());
  const size_t boundary = first_version_bytes().size();
  for (size_t n = 0; n < all.size(); ++n) {
    if (n == boundary) continue;
    auto r = decode<Sample>(std::string_view(all).substr(0, n), "sample");
    ASSERT_FALSE(r.has_value()) << "cut at " << n;
    EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
    EXPECT_EQ(r.error().message(), "stored sample does not decode");
  }
}

TEST(Record, WrongVersionDoesNotDecode) {
  std::string bytes = encode(full());
  bytes[0] = 4;
  EXPECT_FALSE(decode<Sample>(bytes, "sample").has_value());
}

TEST(Record, EnumOutOfRangeDoesNotDecode) {
  // version, id, name (len + 4 bytes), flag, then the colour.
  std::string bytes = encode(full());
  const size_t colour_at = 1 + 1 + 1 + 4 + 1;
  ASSERT_EQ(bytes[colour_at], 2);
  bytes[colour_at] = 3;
  EXPECT_FALSE(decode<Sample>(bytes, "sample").has_value());
}

TEST(Record, BoundedIntegerOutOfRangeDoesNotDecode) {
  Sample s = full();
  s.points = {{1001, 0}};  // written as is; refused when read
  EXPECT_FALSE(decode<Sample>(encode(s), "sample").has_value());
  s.points = {{-1, 0}};
  EXPECT_FALSE(decode<Sample>(encode(s), "sample").has_value());
}

TEST(Record, ListLongerThanItsBoundDoesNotDecode) {
  Sample s = full();
  s.tags = {"a", "b", "c", "d"};
  EXPECT_FALSE(decode<Sample>(encode(s), "sample").has_value());
}

TEST(Record, HugeListCountIsRefusedBeforeAllocating) {
  Sample s = full();
  s.tags.clear();
  std::string bytes = encode(s);
  // Replace the empty points list's count (after tags' count 0) with 2^40.
  const size_t points_at = 1 + 1 + 1 + 4 + 1 + 1 + 1;
  ASSERT_EQ(bytes[points_at], 2);
  RecordWriter huge;
  huge.put_u64(1ULL << 40);
  bytes.replace(points_at, 1, huge.bytes());
  EXPECT_FALSE(decode<Sample>(bytes, "sample").has_value());
}

TEST(Record, TrailingBytesAreAllowedUnlessRefused) {
  const std::string bytes = encode(full()) + "newer";
  Sample s;
  EXPECT_TRUE(decode_into(bytes, s));
  EXPECT_FALSE(decode_into(bytes, s, Trailing::kRefuse));
  EXPECT_TRUE(decode_into(encode(full()), s, Trailing::kRefuse));
}

}  // namespace
}  // namespace kindred::record
