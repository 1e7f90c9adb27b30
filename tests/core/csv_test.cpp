#include "core/csv.h"

#include <gtest/gtest.h>

#include <random>
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

// Property: any rows of fields (commas, quotes, CR, LF, spaces, bytes of every kind) written
// with append_csv_row read back as the same rows, except rows that are one empty field (blank
// lines, which the reader skips as Ruby's skip_blanks does).
TEST(Csv, WhatIsWrittenReadsBackTheSame) {
  const uint32_t seed = std::random_device{}();
  std::mt19937 rng(seed);
  const std::string alphabet = std::string("ab ,\"\r\n\t@x\xC3\xA9") + '\0';
  for (int round = 0; round < 500; ++round) {
    Rows rows;
    std::string text;
    const int n = static_cast<int>(rng() % 6);
    for (int r = 0; r < n; ++r) {
      CsvRow row;
      const int fields = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < fields; ++f) {
        std::string field;
        const int len = static_cast<int>(rng() % 6);
        for (int i = 0; i < len; ++i) field += alphabet[rng() % alphabet.size()];
        row.push_back(field);
      }
      if (row.size() == 1 && row[0].empty()) row[0] = "x";
      std::vector<std::string_view> views(row.begin(), row.end());
      append_csv_row(text, views);
      rows.push_back(std::move(row));
    }
    auto back = parse_csv(text, 100);
    ASSERT_TRUE(back.has_value()) << "seed " << seed << ": " << back.error().to_string();
    ASSERT_EQ(*back, rows) << "seed " << seed << " round " << round;
  }
}

}  // namespace
}  // namespace kindred
