// web/mustache.h: the template subset the pages use, standalone lines, and parse errors.
#include "web/mustache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace kindred::web {
namespace {

std::string render(std::string_view text, const Value& data) {
  std::string error;
  auto t = Template::parse(text, &error);
  EXPECT_NE(t, nullptr) << error;
  if (!t) return "";
  std::string out;
  t->render(data, out);
  return out;
}

std::string parse_error(std::string_view text) {
  std::string error;
  auto t = Template::parse(text, &error);
  EXPECT_EQ(t, nullptr);
  return error;
}

TEST(Mustache, EscapesVariablesAndPlacesTripleOnesAsTheyAre) {
  Value d;
  d.set("x", "<b>\"Tom & 'Jerry'\"</b>");
  EXPECT_EQ(render("{{x}}", d), "&lt;b&gt;&quot;Tom &amp; &#39;Jerry&#39;&quot;&lt;/b&gt;");
  EXPECT_EQ(render("{{{x}}}", d), "<b>\"Tom & 'Jerry'\"</b>");
  EXPECT_EQ(render("{{& x}}", d), "<b>\"Tom & 'Jerry'\"</b>");
  EXPECT_EQ(render("[{{missing}}]", d), "[]");
}

TEST(Mustache, DottedNamesAndTheCurrentValue) {
  Value author;
  author.set("name", "Lena");
  Value d;
  d.set("author", std::move(author));
  Value tags = Value::list();
  tags.push_back("a");
  tags.push_back("b");
  d.set("tags", std::move(tags));
  EXPECT_EQ(render("{{author.name}} {{author.missing}}|{{#tags}}<{{.}}>{{/tags}}", d),
            "Lena |<a><b>");
}

TEST(Mustache, SectionsOverListsObjectsFlagsAndStrings) {
  Value d;
  Value items = Value::list();
  for (const char* n : {"one", "two"}) {
    Value item;
    item.set("n", n);
    items.push_back(std::move(item));
  }
  d.set("items", std::move(items));
  d.set("yes", true);
  d.set("no", false);
  d.set("word", "hi");
  d.set("empty", "");
  d.set("none", Value::list());
  EXPECT_EQ(render("{{#items}}{{n}},{{/items}}", d), "one,two,");
  EXPECT_EQ(render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}n{{/no}}{{^yes}}y{{/yes}}", d), "Yn");
  EXPECT_EQ(render("{{#word}}[{{word}}]{{/word}}{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}", d),
            "[hi]e");
  EXPECT_EQ(render("{{#none}}x{{/none}}{{^none}}nothing{{/none}}{{^missing}}!{{/missing}}", d),
            "nothing!");
}

TEST(Mustache, AMissingKeyIsLookedUpInTheEnclosingContext) {
  // As the spec says; the pages set every optional key of a list item for this reason.
  Value d;
  d.set("cw", "outer");
  Value items = Value::list();
  Value with;
  with.set("cw", "inner");
  items.push_back(std::move(with));
  Value without;
  without.set("cw", false);
  items.push_back(std::move(without));
  items.push_back(Value::object());
  d.set("items", std::move(items));
  EXPECT_EQ(render("{{#items}}[{{#cw}}{{cw}}{{/cw}}]{{/items}}", d), "[inner][][outer]");
}

TEST(Mustache, StandaloneSectionLinesLeaveNoBlankLines) {
  Value d;
  d.set("show", true);
  d.set("hide", false);
  const std::string text =
      "<ul>\n"
      "  {{#show}}\n"
      "  <li>shown</li>\n"
      "  {{/show}}\n"
      "  {{#hide}}\n"
      "  <li>hidden</li>\n"
      "  {{/hide}}\n"
      "  {{! a comment }}\n"
      "</ul>\n";
  EXPECT_EQ(render(text, d), "<ul>\n  <li>shown</li>\n</ul>\n");
  // A tag sharing its line with text is not standalone: the line stays.
  EXPECT_EQ(render("a {{#show}}b{{/show}} c\n", d), "a b c\n");
  EXPECT_EQ(render("{{#show}}\nx\n{{/show}}", d), "x\n");
}

TEST(Mustache, ASetKeyIsReplacedNotRepeated) {
  Value d;
  d.set("k", "first");
  d.set("k", "second");
  EXPECT_EQ(render("{{k}}", d), "second");
}

TEST(Mustache, MalformedTemplatesAreRefusedWithTheLine) {
  EXPECT_EQ(parse_error("a\n{{#a}}\n{{/b}}"), "line 3: {{/b}} closes {{#a}}");
  EXPECT_EQ(parse_error("{{/a}}"), "line 1: {{/a}} closes nothing");
  EXPECT_EQ(parse_error("x\n{{#a}}"), "line 2: {{#a}} is not closed");
  EXPECT_EQ(parse_error("{{a"), "line 1: a tag is not closed");
  EXPECT_EQ(parse_error("{{ }}"), "line 1: a tag has no name");
}

TEST(Mustache, RendersFromManyThreadsAtOnce) {
  std::string error;
  auto t = Template::parse("{{#items}}{{.}}{{/items}}", &error);
  ASSERT_NE(t, nullptr);
  Value d;
  Value items = Value::list();
  for (int i = 0; i < 100; ++i) items.push_back(std::to_string(i % 10));
  d.set("items", std::move(items));
  std::string expected;
  t->render(d, expected);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 200; ++j) {
        std::string out;
        t->render(d, out);
        if (out != expected) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace kindred::web
