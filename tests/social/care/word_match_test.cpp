// Hidden-word matching (social/care/word_match.h): folding case, width and accents, whole words and
// phrases, and no false positives on ordinary words or on the kind things people write to the
// grieving, with the shipped lists (share/hidden_words.json).
#include "social/care/word_match.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/kindred/support_json.h"

namespace kindred::social {
namespace {

using Words = std::vector<std::string>;

TEST(MatchWords, FoldsCaseWidthAndAccents) {
  EXPECT_EQ(match_words("Stupid STUPID stupid"), (Words{"stupid", "stupid", "stupid"}));
  EXPECT_EQ(match_words("ＳＴＵＰＩＤ ｓｔｕｐｉｄ"), (Words{"stupid", "stupid"}));  // full-width
  EXPECT_EQ(match_words("stüpid stúpid STÙPÎD"), (Words{"stupid", "stupid", "stupid"}));
  // Decomposed accents (a letter and a combining mark) fold the same as composed ones.
  EXPECT_EQ(match_words("stu\u0308pid"), (Words{"stupid"}));
  // German sharp s folds to "ss"; Greek final sigma to sigma.
  EXPECT_EQ(match_words("Straße"), (Words{"strasse"}));
  EXPECT_EQ(match_words("ΟΔΟΣ"), match_words("οδος"));
}

TEST(MatchWords, SplitsOnPunctuationAndKeepsApostrophesInside) {
  EXPECT_EQ(match_words("idiot!!! (idiot), idiot."), (Words{"idiot", "idiot", "idiot"}));
  EXPECT_EQ(match_words("don't can’t"), (Words{"dont", "cant"}));
  EXPECT_EQ(match_words("  "), Words{});
  EXPECT_EQ(match_words("🙂 ❤️"), Words{});
  // A zero-width space or joiner does not hide a word.
  EXPECT_EQ(match_words("id\u200Diot"), (Words{"idiot"}));
}

TEST(MatchWords, CollapsesLettersRepeatedThreeTimes) {
  EXPECT_EQ(match_words("stuuupid stuuuuuupid"), (Words{"stupid", "stupid"}));
  EXPECT_EQ(match_words("coffee bookkeeper"), (Words{"coffee", "bookkeeper"}));  // doubles stay
}

TEST(MatchWords, ToleratesInvalidUtf8) {
  const std::string bad = std::string("idiot\xff\xfe") + "x";
  EXPECT_FALSE(match_words(bad).empty());
}

TEST(PhraseMatcher, MatchesWholeWordsAndPhrasesOnly) {
  const auto m = PhraseMatcher::build({"hate", "get lost", "  ", "HATE"});
  EXPECT_EQ(m.size(), 2u);  // the blank one is skipped, the repeat kept once
  EXPECT_EQ(m.first_match("I HATE this").value_or(""), "hate");
  EXPECT_EQ(m.first_match("hate!").value_or(""), "hate");
  EXPECT_EQ(m.first_match("Ｈａｔｅ").value_or(""), "hate");
  EXPECT_EQ(m.first_match("just... GET. LOST.").value_or(""), "get lost");
  EXPECT_FALSE(m.first_match("whatever"));
  EXPECT_FALSE(m.first_match("hated"));
  EXPECT_FALSE(m.first_match("get well, lost for words"));
  EXPECT_FALSE(m.first_match("gets lost"));
  EXPECT_FALSE(PhraseMatcher().first_match("hate"));
}

TEST(PhraseMatcher, ReportsTheFirstListedPhrase) {
  const auto m = PhraseMatcher::build({"b", "a"});
  EXPECT_EQ(m.first_match("a b").value_or(""), "b");
}

std::vector<BuiltinWordList> shipped_lists() {
  auto text = api::read_text_file(std::string(KINDRED_SHARE_DIR_FOR_TEST) + "/hidden_words.json");
  EXPECT_TRUE(text.has_value());
  if (!text.has_value()) return {};
  auto lists = api::builtin_word_lists_from_json(*text);
  EXPECT_TRUE(lists.has_value()) << lists.error().to_string();
  if (!lists.has_value()) return {};
  return *lists;
}

TEST(ShippedHiddenWords, CatchTheUsualDisguises) {
  const auto lists = shipped_lists();
  ASSERT_FALSE(lists.empty());
  ASSERT_EQ(lists.front().language, "en");
  const auto en = PhraseMatcher::build(lists.front().phrases);
  for (const char* cruel : {"Attention seeker.", "ATTENTION SEEKER", "attention... seeker!",
                            "ａｔｔｅｎｔｉｏｎ ｓｅｅｋｅｒ", "àtténtion séeker", "you IDIOT",
                            "idiooot"})
    EXPECT_TRUE(en.first_match(cruel)) << cruel;
}

TEST(ShippedHiddenWords, NoFalsePositivesOnOrdinaryWordsOrKindWords) {
  const auto lists = shipped_lists();
  std::vector<PhraseMatcher> all;
  for (const auto& l : lists) all.push_back(PhraseMatcher::build(l.phrases));
  const std::vector<std::string> ordinary = {
      // Words that contain a listed word, the classic traps.
      "class", "classic", "assessment", "Scunthorpe", "Essex", "Sussex", "cocktail", "cockpit",
      "peacock", "therapist", "grape", "analysis", "skill", "shitake", "Dickens", "butterfly",
      "basement", "hello", "scrapbook", "bitcoin", "witch", "kysely", "dumbbell", "twattle",
      "idiotic", "moronic", "whoreson", "crybabies", "Bastardy", "titanic", "cumulative",
      "document", "snigger", "raccoon", "attention", "seeker", "asked", "nobody", "space",
      "waste", "oxygen", "drop", "dead", "queen", "drama", "baby", "cry", "die",
      // What people write to the grieving, including hard words about their own loss.
      "I'm so sorry for your loss. Sending love to you and your family.",
      "It was not your fault.",
      "You never get over it, you learn to carry it.",
      "We lost our son at 38 weeks. I couldn't stop crying reading this.",
      "Nobody asked me how I was doing after our daughter died.",
      "Some days I wanted to die too. It gets gentler.",
      "Thinking of your little one today. Drop me a message any time.",
      "Our baby was stillborn. The silence afterwards was the worst.",
      "Dead tired but holding on.",
      "Ich denke an euch. Es tut mir so leid.",
      "Je pense à vous, toutes mes condoléances.",
  };
  for (const auto& text : ordinary)
    for (size_t i = 0; i < all.size(); ++i)
      EXPECT_FALSE(all[i].first_match(text))
          << lists[i].language << " list matched: " << text << " with " << *all[i].first_match(text);
}

TEST(ShippedHiddenWords, TheFileIsCheckedWhenRead) {
  EXPECT_FALSE(api::builtin_word_lists_from_json("[]").has_value());
  EXPECT_FALSE(api::builtin_word_lists_from_json(R"({"EN": {"name": "x", "phrases": []}})").has_value());
  EXPECT_FALSE(api::builtin_word_lists_from_json(R"({"en": {"phrases": ["a"]}})").has_value());
  EXPECT_FALSE(api::builtin_word_lists_from_json(R"({"en": {"name": "E", "phrases": [1]}})").has_value());
  auto ok = api::builtin_word_lists_from_json(R"({"_c": "note", "en": {"name": "E", "phrases": ["a"]}})");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->size(), 1u);
}

}  // namespace
}  // namespace kindred::social
