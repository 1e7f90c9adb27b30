// web/text.h: the catalogue of the pages' words, its plurals, placeholders and fallback, and
// that every key the code and the templates name is in English.
#include "web/text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "web/embedded.h"
#include "web/mustache.h"
#include "web/templates.h"

namespace kindred::web {
namespace {

std::unique_ptr<Texts> parse(std::string_view text, std::string language = "en",
                             const Texts* fallback = nullptr) {
  std::string error;
  auto t = Texts::parse(std::move(language), text, fallback, &error);
  EXPECT_NE(t, nullptr) << error;
  return t;
}

std::string parse_error(std::string_view text) {
  std::string error;
  EXPECT_EQ(Texts::parse("en", text, nullptr, &error), nullptr);
  return error;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Texts, TheEmbeddedCataloguesAndTemplatesPassTheStartUpCheck) {
  EXPECT_EQ(check_catalogues(), "");
  EXPECT_EQ(check_templates(), "");
  EXPECT_NE(english().find("sign_in.password"), nullptr);
}

TEST(Texts, ParsesKeysTextsCommentsAndBlankLines) {
  auto t = parse("# a comment\n\n  greeting =  Hello, {name}!  \nspaced = \"to \"\n");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->t("greeting", {{"name", "Lena"}}), "Hello, Lena!");
  EXPECT_EQ(t->t("spaced"), "to ");
}

TEST(Texts, AMalformedLineOrADuplicateKeyIsAnErrorNamingTheLine) {
  EXPECT_EQ(parse_error("a = A\nno equals sign\n"), "line 2: no '=' between a key and its text");
  EXPECT_EQ(parse_error("a = A\n\na = B\n"), "line 3: a is given twice");
  EXPECT_EQ(parse_error("Bad Key = A\n"), "line 1: \"Bad Key\" is not a key (a-z, 0-9, '_' and '.')");
  EXPECT_EQ(parse_error("a =\n"), "line 1: a has no text");
}

TEST(Texts, EnglishPluralsPickOneForOneAndOtherForZeroAndMany) {
  auto t = parse("likes.one = {count} like\nlikes.other = {count} likes\n");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->plural("likes", 1, {{"count", "1"}}), "1 like");
  EXPECT_EQ(t->plural("likes", 2, {{"count", "2"}}), "2 likes");
  EXPECT_EQ(t->plural("likes", 0, {{"count", "0"}}), "0 likes");
  EXPECT_EQ(t->plural("likes", 1599999, {{"count", "1,599,999"}}), "1,599,999 likes");
}

TEST(Texts, OtherLanguagesUseTheirOwnPluralCategories) {
  auto en = parse("x = x\n");
  auto pl = parse("files.one = {n} plik\nfiles.few = {n} pliki\nfiles.many = {n} plików\nfiles.other = {n} pliku\n",
                  "pl", en.get());
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->plural("files", 1, {{"n", "1"}}), "1 plik");
  EXPECT_EQ(pl->plural("files", 3, {{"n", "3"}}), "3 pliki");
  EXPECT_EQ(pl->plural("files", 5, {{"n", "5"}}), "5 plików");
  EXPECT_EQ(en->plural_category(0), "other");
}

TEST(Texts, AMissingArgumentOrKeyStaysVisible) {
  auto t = parse("greeting = Hello, {name}; {not a placeholder} {}\n");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->t("greeting"), "Hello, {name}; {not a placeholder} {}");
  EXPECT_EQ(t->t("no.such.key"), "[no.such.key]");
}

TEST(Texts, ALanguageWithoutACatalogueFallsBackToEnglish) {
  EXPECT_EQ(&texts_for("de-DE"), &english());
  EXPECT_EQ(&texts_for("zz"), &english());
  EXPECT_EQ(&texts_for(""), &english());
  EXPECT_EQ(texts_for("fr").t("sign_in.password"), "Password");
}

TEST(Texts, ASecondCatalogueChangesTheRenderedPageAndEnglishFillsItsGaps) {
  // A German catalogue translating one message of sign_in.mustache: no code changes.
  auto de = parse("sign_in.sign_in_to_site = Bei {site} anmelden\n", "de", &english());
  ASSERT_NE(de, nullptr);
  Data d;
  d.set("site", "Kindred <Test>");
  d.set("csrf", "x");
  const std::string german = render("sign_in", d, *de);
  EXPECT_NE(german.find("<h1>Bei Kindred &lt;Test&gt; anmelden</h1>"), std::string::npos) << german;
  EXPECT_NE(german.find("<label for=\"password\">Password</label>"), std::string::npos) << german;
  const std::string english_page = render("sign_in", d, english());
  EXPECT_NE(english_page.find("<h1>Sign in to Kindred &lt;Test&gt;</h1>"), std::string::npos);
}

TEST(Texts, TemplateMessagesEscapeForTextAndAttributes) {
  auto t = parse("q = Say \"hi\" & don't {who}\n");
  ASSERT_NE(t, nullptr);
  std::string error;
  auto tpl = Template::parse("<p title=\"{{@q}}\">{{@q}}</p>{{@missing}}", &error);
  ASSERT_NE(tpl, nullptr) << error;
  Data d;
  d.set("who", "<b>");
  std::string out;
  tpl->render(d, out, *t);
  EXPECT_EQ(out,
            "<p title=\"Say &quot;hi&quot; &amp; don't &lt;b&gt;\">Say \"hi\" &amp; don't &lt;b&gt;</p>[missing]");
  EXPECT_EQ(tpl->message_keys(), (std::vector<std::string>{"q", "q", "missing"}));
}

// The keys the C++ code names (t("..."), plural("...")) and the templates name ({{@...}}).
struct UsedKeys {
  std::set<std::string> plain, plural;
  std::string source;  // all of src/web/*.cpp and the templates, to find keys named otherwise
};

UsedKeys used_keys() {
  UsedKeys used;
  const std::filesystem::path dir = std::filesystem::path(KINDRED_SOURCE_DIR_FOR_TEST) / "src" / "web";
  const std::regex call(R"re(\b(t|plural|t_html|plural_html)\(\s*"([a-z0-9_.]+)")re");
  const std::regex tag(R"re(\{\{@\s*([a-z0-9_.]+)\s*\}\})re");
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (ext != ".cpp" && ext != ".h" && ext != ".mustache") continue;
    const std::string text = read_file(e.path());
    used.source += text;
    if (ext == ".mustache") {
      for (std::sregex_iterator it(text.begin(), text.end(), tag), end; it != end; ++it) used.plain.insert((*it)[1]);
    } else {
      for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it)
        ((*it)[1] == "plural" || (*it)[1] == "plural_html" ? used.plural : used.plain).insert((*it)[2]);
    }
  }
  return used;
}

TEST(Texts, EveryKeyTheCodeNamesIsInEnglish) {
  const UsedKeys used = used_keys();
  EXPECT_GT(used.plain.size(), 100u);
  for (const std::string& key : used.plain) EXPECT_NE(english().find(key), nullptr) << key;
  for (const std::string& key : used.plural) {
    EXPECT_NE(english().find(key + ".one"), nullptr) << key;
    EXPECT_NE(english().find(key + ".other"), nullptr) << key;
  }
}

TEST(Texts, EveryEnglishMessageIsUsed) {
  // A key not named in a call or a tag must still appear as a literal ("month.1" in a table of
  // keys; "count.likes" handed to count_words); none is left over from words no page says.
  const UsedKeys used = used_keys();
  for (std::string_view key : english().keys()) {
    std::string k(key);
    std::string base = k;
    for (std::string_view cat : {".zero", ".one", ".two", ".few", ".many", ".other"}) {
      if (base.ends_with(cat)) {
        base.resize(base.size() - cat.size());
        break;
      }
    }
    if (used.plain.count(k) || used.plural.count(base)) continue;
    const bool named = used.source.find("\"" + k + "\"") != std::string::npos ||
                       (base != k && used.source.find("\"" + base + "\"") != std::string::npos);
    EXPECT_TRUE(named) << k << " is not used";
  }
}

}  // namespace
}  // namespace kindred::web
