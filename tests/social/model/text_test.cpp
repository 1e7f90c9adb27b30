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
