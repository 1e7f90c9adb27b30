// src/web/numbers.h: the reader's language from Accept-Language, and numbers written as they
// read them.
#include "web/numbers.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace kindred::web {
namespace {

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

TEST(PreferredLanguage, TakesTheFirstOfTheHighestQuality) {
  EXPECT_EQ(preferred_language("de-DE,de;q=0.9,en;q=0.8"), "de-DE");
  EXPECT_EQ(preferred_language("en;q=0.5, fr"), "fr");
  EXPECT_EQ(preferred_language("fr;q=0.5, de;q=0.7, it;q=0.6"), "de");
  EXPECT_EQ(preferred_language("nl, fr"), "nl");  // equals: the first
  EXPECT_EQ(preferred_language("en-IN"), "en-IN");
  EXPECT_EQ(preferred_language("  pt-BR ; q=1 "), "pt-BR");
  EXPECT_EQ(preferred_language("da;q=1.0,en;q=0.999"), "da");
}

TEST(PreferredLanguage, IsEnglishWhenNothingIsUsable) {
  for (const char* header : {"", "*", "   ", ",,,", ";q=1", "garbage!!", "de;q=0", "*;q=0.9",
                             "12345", "-de", "de_DE", "<script>"}) {
    EXPECT_EQ(preferred_language(header), "en") << '"' << header << '"';
  }
  EXPECT_EQ(preferred_language(std::string(36, 'a')), "en") << "longer than 35 characters";
}

TEST(PreferredLanguage, SkipsATagWithBadCharacters) {
  EXPECT_EQ(preferred_language("de\"><script>,fr;q=0.8"), "fr");
  EXPECT_EQ(preferred_language("d e,fr;q=0.5"), "fr");
  EXPECT_EQ(preferred_language("de_DE, sv;q=0.9"), "sv");
  EXPECT_EQ(preferred_language("*, es;q=0.2"), "es");
}

TEST(FormatNumber, GroupsDigitsAsTheLanguageDoes) {
  EXPECT_EQ(format_number(1599999, "en"), "1,599,999");
  EXPECT_EQ(format_number(1599999, "de"), "1.599.999");
  EXPECT_EQ(format_number(1599999, "de-DE"), "1.599.999");
  EXPECT_EQ(format_number(1599999, "en-IN"), "15,99,999");
  EXPECT_EQ(format_number(999, "en"), "999");
  EXPECT_EQ(format_number(0, "de"), "0");
  EXPECT_EQ(format_number(1000, "en"), "1,000");
}

TEST(FormatNumber, AnUnknownButWellFormedTagStillWritesEveryDigit) {
  for (const char* tag : {"xx", "qaa-Zzzz", "tlh", "zz-ZZ", "x-private", ""}) {
    const std::string s = format_number(1599999, tag);
    EXPECT_EQ(digits_of(s), "1599999") << tag << ": " << s;
  }
}

TEST(FormatNumber, WorksFromManyThreadsAndManyLanguages) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([&wrong, t] {
      // More languages than the per-thread cache holds, so it is emptied and refilled.
      for (int i = 0; i < 100; ++i) {
        const bool de = i % 2 == 1;
        const std::string s = format_number(1599999, de ? "de" : "en-x-t" + std::to_string(i));
        if (s != (de ? "1.599.999" : "1,599,999")) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace kindred::web
