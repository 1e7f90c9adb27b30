#include "social/model/text.h"

#include <gtest/gtest.h>

#include <random>

namespace kindred::social {
namespace {

std::optional<MentionTarget> resolve(std::string_view name) {
  if (name == "ann" || name == "Ann") return MentionTarget{Id(42), "ann"};
  return std::nullopt;
}

RenderedText render(std::string_view text) {
  return render_text(text, "https://k.test", "k.test", resolve);
}

TEST(Text, EscapesEverythingHtmlCares) {
  EXPECT_EQ(render("<script>alert('x') & \"y\"</script>").html,
            "<p>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</p>");
}

TEST(Text, BlankLinesMakeParagraphsAndSingleNewlinesBreaks) {
  EXPECT_EQ(render("one\ntwo\n\nthree\r\n\r\n\r\nfour").html,
            "<p>one<br />two</p><p>three</p><p>four</p>");
}

TEST(Text, LocalMentionsBecomeLinksAndAreCollectedOnce) {
  auto r = render("hi @Ann and @ann@k.test, not @bob or @ann@elsewhere.test");
  EXPECT_EQ(r.mention_ids, std::vector<Id>{Id(42)});
  EXPECT_NE(r.html.find("<a href=\"https://k.test/@ann\" class=\"u-url mention\">@<span>ann</span></a>"),
            std::string::npos);
  EXPECT_NE(r.html.find("@bob"), std::string::npos);
  EXPECT_NE(r.html.find("@ann@elsewhere.test"), std::string::npos);
}

TEST(Text, EmailAddressesAreNotMentions) {
  EXPECT_TRUE(render("mail me at me@ann.test").mention_ids.empty());
}

TEST(Text, LinksKeepTheirHrefAndDropTrailingPunctuation) {
  auto r = render("see https://example.com/a?b=1&c=2.");
  EXPECT_NE(r.html.find("href=\"https://example.com/a?b=1&amp;c=2\""), std::string::npos);
  EXPECT_NE(r.html.find("</a>.</p>"), std::string::npos);
}

TEST(Text, HashtagsAreLowerCasedAndNumbersAreNotTags) {
  auto r = render("#Grief #2024 #grief #baby_loss");
  EXPECT_EQ(r.tags, (std::vector<std::string>{"grief", "baby_loss"}));
}

TEST(Text, CountsCodePointsAndUrlsAsTwentyThree) {
  EXPECT_EQ(count_status_chars("héllo"), 5u);
  EXPECT_EQ(count_status_chars("💜"), 1u);
  EXPECT_EQ(count_status_chars("a https://example.com/very/long/path/indeed/yes"), 2u + 23u);
}

TEST(Text, CharactersAreGraphemeClustersAsMastodonCounts) {
  EXPECT_EQ(count_characters(""), 0u);
  EXPECT_EQ(count_characters("abc"), 3u);
  EXPECT_EQ(count_characters("a\r\nb"), 3u);               // CR LF is one
  EXPECT_EQ(count_characters("e\u0301"), 1u);              // e + combining acute
  EXPECT_EQ(count_characters("\U0001F469\u200D\U0001F469\u200D\U0001F467"), 1u);  // family
  EXPECT_EQ(count_characters("\U0001F44B\U0001F3FD"), 1u);  // waving hand, skin tone
  EXPECT_EQ(count_characters("\U0001F1EC\U0001F1E7"), 1u);  // flag: two regional indicators
  EXPECT_EQ(count_characters("\u0928\u092E\u0938\u094D\u0924\u0947"), 3u);  // नमस्ते
  EXPECT_EQ(count_status_chars("\U0001F469\u200D\U0001F469\u200D\U0001F467 https://example.com/a"),
            1u + 1u + 23u);
}

TEST(Text, OnlyLinksUpTo4096CharactersCount23) {
  const std::string at_limit = "https://example.com/" + std::string(4096 - 20, 'a');
  ASSERT_EQ(at_limit.size(), 4096u);
  EXPECT_EQ(count_status_chars(at_limit), 23u);
  EXPECT_EQ(count_status_chars(at_limit + "a"), 4097u) << "a longer URL counts as the text it is";
  EXPECT_EQ(count_status_chars("see " + at_limit + "a and"), 4 + 4097u + 4);
  // And what is counted as text is not linked either.
  EXPECT_EQ(render(at_limit + "a").html.find("<a "), std::string::npos);
  EXPECT_NE(render(at_limit).html.find("<a "), std::string::npos);
}

TEST(Text, CheckLengthCountsLiterallyOrWithLinksAndCapsBytes) {
  EXPECT_TRUE(check_length("Name", "https://example.com/" + std::string(20, 'x'), 40).is_ok());
  Status url_name = check_length("Name", "https://example.com/" + std::string(30, 'x'), 30);
  ASSERT_FALSE(url_name.is_ok()) << "a URL in a name counts its length";
  EXPECT_EQ(url_name.message(), "Validation failed: Name is too long (maximum is 30 characters)");
  EXPECT_TRUE(check_length("Bio", "https://example.com/" + std::string(300, 'x'), 30,
                           Counting::kLinksAs23)
                  .is_ok());
  // Ten characters of one letter each buried under 200 combining marks: ten characters, but
  // 4,010 bytes, far past 64 per character.
  std::string zalgo;
  for (int i = 0; i < 10; ++i) {
    zalgo += 'a';
    for (int j = 0; j < 200; ++j) zalgo += "\u0301";
  }
  EXPECT_EQ(count_characters(zalgo), 10u);
  EXPECT_FALSE(check_length("Name", zalgo, 30).is_ok());
  EXPECT_TRUE(check_length("Name", zalgo, 63).is_ok());
}

TEST(Text, BidiControlsAreBalanced) {
  const std::string rlo = "\u202E", pdf = "\u202C", rli = "\u2067", pdi = "\u2069", lre = "\u202A";
  EXPECT_EQ(balance_bidi("Lena"), "Lena");
  EXPECT_EQ(balance_bidi(rlo + "anneL"), rlo + "anneL" + pdf) << "an open override is closed";
  EXPECT_EQ(balance_bidi(rli + "x"), rli + "x" + pdi);
  EXPECT_EQ(balance_bidi(pdf + "x" + pdi), "x") << "closers with nothing open go";
  EXPECT_EQ(balance_bidi(rlo + "a" + pdf), rlo + "a" + pdf) << "balanced text is kept";
  // A PDI closes its isolate and any embedding opened inside it; a PDF cannot reach out of one.
  EXPECT_EQ(balance_bidi(rli + lre + "a" + pdi), rli + lre + "a" + pdi);
  EXPECT_EQ(balance_bidi(lre + rli + "a" + pdf), lre + rli + "a" + pdi + pdf);
  // Right-to-left names with marks and no controls are untouched.
  EXPECT_EQ(balance_bidi("\u05D3\u05E0\u05D4\u200F"), "\u05D3\u05E0\u05D4\u200F");
}

TEST(Text, InvisibleOnlyTextIsRecognised) {
  for (std::string_view invisible : {" ", "\u200B", "\u200B\u200D\u2060", "\u3164", "\u2800",
                                     "\u115F\u1160", "\uFEFF", "\u00AD", "\u200E \u200F", "\u3000"})
    EXPECT_TRUE(only_invisible(invisible)) << invisible;
  for (std::string_view visible : {"", "a", "\u200Ba", "\u05D0", "\U0001F499", ".", "\u3164x"})
    EXPECT_FALSE(only_invisible(visible)) << visible;
}

TEST(Text, CheckMarksAreRecognised) {
  for (std::string_view marked : {"Lena \u2714", "Lena \u2705", "\u2713 Lena", "Lena\u2611",
                                  "Lena \U0001F5F8", "Lena \u2714\uFE0F"})
    EXPECT_TRUE(has_check_mark(marked)) << marked;
  for (std::string_view plain : {"Lena", "Lena \u2661", "\u221A2", "Lena \u2716"})
    EXPECT_FALSE(has_check_mark(plain)) << plain;
}

TEST(Text, RandomInputNeverBreaksOutOfEscaping) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::string alphabet = "<>&\"' @#:/.\nahttps";
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int j = 0; j < n; ++j) s += alphabet[rng() % alphabet.size()];
    auto html = render(s).html;
    // Every '<' in the output starts one of the tags we write ourselves.
    for (size_t p = html.find('<'); p != std::string::npos; p = html.find('<', p + 1)) {
      const std::string_view rest = std::string_view(html).substr(p);
      const bool ours = rest.starts_with("<p>") || rest.starts_with("</p>") ||
                        rest.starts_with("<br />") || rest.starts_with("<a ") ||
                        rest.starts_with("</a>") || rest.starts_with("<span") ||
                        rest.starts_with("</span>");
      ASSERT_TRUE(ours) << "input: " << s << "\noutput: " << html;
    }
  }
}

}  // namespace
}  // namespace kindred::social
