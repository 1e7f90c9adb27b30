#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace kindred {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (std::string s : {"", "plain", "Tagübersicht", "❤️", "🌊", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf",
                        "\xee\x80\x80"})
    EXPECT_TRUE(valid_utf8(s)) << s;
}

TEST(Utf8, RefusesMalformedText) {
  for (std::string s : {"\xff", "\x80", "\xc3", "caf\xc3", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf",
                        "\xf0\x80\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
                        "\xf8\x88\x80\x80\x80", "\xe2\x82", "\xe2\x28\xa1"})
    EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
}

TEST(Utf8, NormalizesLineEndingsAndRefusesControls) {
  std::string crlf = "a\r\nb\rc\n";
  EXPECT_EQ(normalize_and_check_text(crlf), TextProblem::kNone);
  EXPECT_EQ(crlf, "a\nb\nc\n");
  std::string tab = "a\tb";
  EXPECT_EQ(normalize_and_check_text(tab), TextProblem::kNone);
  std::string nul("a\0b", 3);
  EXPECT_EQ(normalize_and_check_text(nul), TextProblem::kControlCharacter);
  std::string esc = "\x1b[31m";
  EXPECT_EQ(normalize_and_check_text(esc), TextProblem::kControlCharacter);
  std::string bad = "\xff";
  EXPECT_EQ(normalize_and_check_text(bad), TextProblem::kInvalidUtf8);
}

}  // namespace
}  // namespace kindred
