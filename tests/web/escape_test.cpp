// src/web/escape.h: the one escaping helper of the web pages, by the context a value lands in.
#include "web/escape.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace kindred::web {
namespace {

TEST(EscapeHtml, EscapesTheFiveCharactersAndNothingElse) {
  EXPECT_EQ(escape_html(R"(<a href="x" title='y'>Tom & Jerry</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
  EXPECT_EQ(escape_html("plain text, 100% fine"), "plain text, 100% fine");
  EXPECT_EQ(escape_html(""), "");
  // Already-escaped text is escaped again: a page never guesses what was meant.
  EXPECT_EQ(escape_html("&amp;"), "&amp;amp;");
}

TEST(EscapeHtml, LeavesUtf8Untouched) {
  const std::string text = "Zoë’s café — 日本語 🌊 \u202E";
  EXPECT_EQ(escape_html(text), text);
  EXPECT_EQ(escape_html("Zoë <3"), "Zoë &lt;3");
}

TEST(SafeUrl, KeepsWebMailAndPhoneLinksInAnyCase) {
  for (const char* url : {"https://example.org/a?b=c#d", "http://example.org",
                          "HTTPS://EXAMPLE.ORG", "HtTp://example.org/", "mailto:info@example.org",
                          "MAILTO:info@example.org", "tel:+441924200799", "TEL:08000147800"}) {
    EXPECT_EQ(safe_url(url), url) << url;
  }
}

TEST(SafeUrl, KeepsPathsQueriesAndFragmentsOnThisSite) {
  for (const char* url : {"/@lena", "/@lena/123?order=recent#comments", "?cursor=x", "#main", "/"})
    EXPECT_EQ(safe_url(url), url) << url;
}

TEST(SafeUrl, RefusesOtherSchemesOtherSitesAndDisguises) {
  for (const char* url : {"javascript:alert(1)",
                          "JaVaScRiPt:alert(1)",
                          "JAVASCRIPT:alert(1)",
                          "data:text/html,<script>",
                          "DATA:image/png;base64,AAAA",
                          "vbscript:msgbox(1)",
                          "java\tscript:alert(1)",
                          "java\nscript:alert(1)",
                          " javascript:alert(1)",
                          "javascript :alert(1)",
                          "//evil.example",
                          "//evil.example/path",
                          "/\\evil.example",
                          "\\\\evil.example",
                          "",
                          "https://",
                          "http://",
                          "mailto:",
                          "tel:",
                          "ftp://example.org",
                          "example.org",
                          "https://exa mple.org",
                          "https://example.org/\x7f"}) {
    EXPECT_EQ(safe_url(url), "") << url;
  }
  EXPECT_EQ(safe_url(std::string("https://example.org/\0x", 21)), "") << "a NUL byte";
}

TEST(TelUrl, KeepsDigitsAndALeadingPlus) {
  EXPECT_EQ(tel_url("0800 0147 800"), "tel:08000147800");
  EXPECT_EQ(tel_url("01924 200799"), "tel:01924200799");
  EXPECT_EQ(tel_url("+44 (0)1924 200799"), "tel:+441924200799");
  EXPECT_EQ(tel_url("+1-800-273-8255"), "tel:+18002738255");
  // A '+' only counts at the start; "(0)" only after a country code.
  EXPECT_EQ(tel_url("0800+123"), "tel:0800123");
  EXPECT_EQ(tel_url("(0)1924 200799"), "tel:01924200799");
}

TEST(TelUrl, IsEmptyWithoutDigits) {
  EXPECT_EQ(tel_url(""), "");
  EXPECT_EQ(tel_url("call us"), "");
  EXPECT_EQ(tel_url("+"), "");
  EXPECT_EQ(tel_url("+ ()"), "");
}

TEST(JsonForHtml, NothingCanCloseOrBendTheScriptElement) {
  boost::json::object o;
  o["text"] = "</script><script>alert(1)</script><!-- & -->";
  o["lines"] = "a\u2028b\u2029c";
  o["<key>"] = boost::json::array{"</SCRIPT>", "]]>"};
  const std::string json = boost::json::serialize(o);
  const std::string safe = json_for_html(json);
  for (std::string_view bad : {"<", ">", "&", "\u2028", "\u2029"})
    EXPECT_EQ(safe.find(bad), std::string::npos) << bad << " in " << safe;
  EXPECT_NE(safe.find("\\u2028"), std::string::npos) << safe;
  EXPECT_NE(safe.find("\\u2029"), std::string::npos) << safe;
  EXPECT_NE(safe.find("\\u003c/script\\u003e"), std::string::npos) << safe;
  // The same JSON after parsing.
  boost::json::error_code ec;
  const boost::json::value back = boost::json::parse(safe, ec);
  ASSERT_FALSE(ec) << ec.message() << ": " << safe;
  EXPECT_EQ(back, boost::json::value(o));
}

TEST(JsonForHtml, LeavesOtherTextAsItWas) {
  const std::string json = R"({"name":"Zoë","n":[1,2.5,true,null],"s":"a\"b\\c"})";
  EXPECT_EQ(json_for_html(json), json);
  // Other characters starting with the byte E2 (the U+2028 lead byte) are left alone.
  const std::string dashes = boost::json::serialize(boost::json::value("— ‘’ …"));
  EXPECT_EQ(json_for_html(dashes), dashes);
}

}  // namespace
}  // namespace kindred::web
