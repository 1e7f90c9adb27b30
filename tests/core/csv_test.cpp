#include "core/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kindred {
namespace {

using Rows = std::vector<CsvRow>;

TEST(Csv, WritesRowsQuotingOnlyWhatNeedsIt) {
  std::string out;
  append_csv_row(out, {"Account address", "Show boosts"});
  append_csv_row(out, {"ann@kindred.test", "true", ""});
  append_csv_row(out, {"a,b", "say \"hi\"", "two\nlines"});
  EXPECT_EQ(out,
            "Account address,Show boosts\nann@kindred.test,true,\n\"a,b\",\"say "
            "\"\"hi\"\"\",\"two\nlines\"\n");
}

TEST(Csv, ReadsWhatItWritesAndSkipsBlankLines) {
  std::string out;
  append_csv_row(out, {"a,b", "say \"hi\"", "two\r\nlines", ""});
  out += "\n\r\n";
  append_csv_row(out, {"plain"});
  auto rows = parse_csv(out, 10);
  ASSERT_TRUE(rows.has_value()) << rows.error().to_string();
  EXPECT_EQ(*rows, (Rows{{"a,b", "say \"hi\"", "two\r\nlines", ""}, {"plain"}}));
}

TEST(Csv, ReadsCrLfRowsAByteOrderMarkAndALastRowWithoutLineEnd) {
  auto rows = parse_csv(
      "\xEF\xBB\xBF"
      "a,b\r\nc,d",
      10);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(*rows, (Rows{{"a", "b"}, {"c", "d"}}));
  auto commas = parse_csv(",\n", 10);
  ASSERT_TRUE(commas.has_value());
  EXPECT_EQ(*commas, (Rows{{"", ""}}));
}

TEST(Csv, StopsAtTheRowLimit) {
  auto rows = parse_csv("a\nb\nc\nd\n", 2);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(*rows, (Rows{{"a"}, {"b"}}));
}

TEST(Csv, RefusesMalformedQuoting) {
  for (const char* bad : {"\"open", "a\n\"x\"y,z\n", "ab\"c\n", "a\rb\n"}) {
    auto rows = parse_csv(bad, 10);
    EXPECT_FALSE(rows.has_value()) << bad;
    if (!rows.has_value()) {
      EXPECT_EQ(rows.error().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_EQ(parse_csv("a\n\"x\"y\n", 10).error().message(),
            "Any value after quoted field isn't allowed in line 2");
}

}  // namespace
}  // namespace kindred
