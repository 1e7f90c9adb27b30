// The server's rules: GET /api/v1/instance/rules and the instance's `rules` from the data
// directory's rules.json (shipped empty, read again when it changes), reports citing them, and
// `kindred admin rules`, which edits the file (atomically, also while the server runs).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "api/mastodon/rules_file.h"
#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

class RulesApi : public ThreePeopleApi {
 protected:
  std::filesystem::path rules_path() const { return data_dir() / "rules.json"; }
  void write_rules_file(std::string_view text) {
    std::ofstream out(rules_path(), std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::string rules_file() const {
    std::ifstream in(rules_path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bj::value rules() {
    Reply r = get("/api/v1/instance/rules");
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  bj::value instance_rules(std::string_view version) {
    Reply r = get("/api/" + std::string(version) + "/instance");
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).at("rules");
  }
  // `kindred admin rules <action>` on this server's data directory; returns the exit code.
  int admin_rules(std::string action, std::string id = "", std::optional<std::string> text = {},
                  std::optional<std::string> hint = {}) {
    app::RulesConfig c;
    c.data_dir = data_dir().string();
    c.action = std::move(action);
    c.id = std::move(id);
    c.text = std::move(text);
    c.hint = std::move(hint);
    return app::rules(c);
  }
  Reply report(const bj::object& extra) {
    bj::object body = extra;
    body["account_id"] = str(me(bob_), "id");
    return post("/api/v1/reports", body, ann_.token);
  }
  // The reports the store holds, counted with the server stopped.
  int64_t stored_reports() {
    int64_t n = -1;
    restart([&] {
      auto store = app::open_existing_store(data_dir().string());
      ASSERT_TRUE(store);
      auto count = store->assoc_count(store::kInstanceNode, store::AssocType::kOpenReports);
      ASSERT_TRUE(count.has_value()) << count.error().to_string();
      n = *count;
      ASSERT_TRUE(store->close().is_ok());
    });
    return n;
  }
};

bj::object rule(std::string id, std::string text, std::string hint) {
  return bj::object{{"id", id}, {"text", text}, {"hint", hint}, {"translations", bj::object{}}};
}

TEST_F(RulesApi, ShippedEmpty) {
  EXPECT_FALSE(std::filesystem::exists(rules_path()));
  EXPECT_EQ(rules(), bj::array{});
  EXPECT_EQ(instance_rules("v1"), bj::array{});
  EXPECT_EQ(instance_rules("v2"), bj::array{});
}

TEST_F(RulesApi, TheAdminsRulesInOrderAsMastodonsRuleEntity) {
  write_rules_file(R"([
    {"id": "3", "text": "Be kind", "hint": "No insults, no pile-ons"},
    {"id": "1", "text": "Describe your photos"},
    {"id": "2", "text": "Old rule", "hint": "", "removed": true}
  ])");
  const bj::array expected{rule("3", "Be kind", "No insults, no pile-ons"),
                             rule("1", "Describe your photos", "")};
  EXPECT_EQ(rules(), expected);
  EXPECT_EQ(instance_rules("v2"), expected);
  EXPECT_EQ(instance_rules("v1"), expected);
  // Signed in or not, the same.
  Reply r = get("/api/v1/instance/rules", ann_.token);
  EXPECT_EQ(json(r), expected);
}

TEST_F(RulesApi, AnEditShowsWithoutARestart) {
  ASSERT_EQ(admin_rules("add", "", "Be kind"), 0);
  EXPECT_EQ(rules(), (bj::array{rule("1", "Be kind", "")}));
  // A hand edit of the same file, then the command's atomic replacement.
  write_rules_file(R"([{"id": "1", "text": "Be kind to each other"}])");
  EXPECT_EQ(rules(), (bj::array{rule("1", "Be kind to each other", "")}));
  ASSERT_EQ(admin_rules("add", "", "No ads", "Not even for a good cause"), 0);
  EXPECT_EQ(rules(), (bj::array{rule("1", "Be kind to each other", ""),
                                  rule("2", "No ads", "Not even for a good cause")}));
  std::filesystem::remove(rules_path());
  EXPECT_EQ(rules(), bj::array{});
}

TEST_F(RulesApi, AMalformedFileAnswersAsNoRulesAndRefusesEdits) {
  for (std::string_view bad : {"[{\"id\": \"1\", \"text\": \"Be kind\"", "{\"rules\": []}",
                               "[{\"id\": \"1\", \"text\": \"\"}]",
                               "[{\"id\": \"1\", \"text\": \"a\"}, {\"id\": \"1\", \"text\": \"b\"}]",
                               "[{\"id\": \"x\", \"text\": \"Be kind\"}]",
                               "[{\"id\": \"1\", \"txt\": \"Be kind\"}]"}) {
    write_rules_file(bad);
    EXPECT_EQ(rules(), bj::array{}) << bad;
    EXPECT_EQ(instance_rules("v2"), bj::array{}) << bad;
    Reply r = report({{"rule_ids", bj::array{"1"}}});
    EXPECT_EQ(r.status, 422) << bad << " " << r.body;
    // The command will not overwrite what it cannot read.
    EXPECT_EQ(admin_rules("add", "", "No ads"), 1) << bad;
    EXPECT_EQ(admin_rules("list"), 1) << bad;
    EXPECT_EQ(rules_file(), bad);
  }
  // Mended, it is read again.
  write_rules_file(R"([{"id": "1", "text": "Be kind"}])");
  EXPECT_EQ(rules(), (bj::array{rule("1", "Be kind", "")}));
}

TEST_F(RulesApi, AReportCitesRulesAndIsAViolation) {
  ASSERT_EQ(admin_rules("add", "", "Be kind"), 0);
  ASSERT_EQ(admin_rules("add", "", "No ads"), 0);
  ASSERT_EQ(admin_rules("add", "", "Old rule"), 0);
  ASSERT_EQ(admin_rules("remove", "3"), 0);
  Reply r = report({{"rule_ids", bj::array{"2", "1"}}, {"comment", "selling things"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("rule_ids"), (bj::array{"2", "1"}));
  EXPECT_EQ(str(json(r), "category"), "violation");
  // Rule ids make it a violation whatever category was asked for, as Mastodon's ReportService.
  r = report({{"rule_ids", bj::array{"1"}}, {"category", "spam"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "category"), "violation");
  // A removed rule may still be cited (Mastodon counts discarded rules too).
  r = report({{"rule_ids", bj::array{"3"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("rule_ids"), (bj::array{"3"}));
  // Form parameters, as apps send them.
  r = post_form("/api/v1/reports",
                "account_id=" + str(me(bob_), "id") + "&rule_ids%5B%5D=1&rule_ids%5B%5D=2", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("rule_ids"), (bj::array{"1", "2"}));
  EXPECT_EQ(stored_reports(), 4);
}

TEST_F(RulesApi, AReportCitingNoRuleStoresNothing) {
  ASSERT_EQ(admin_rules("add", "", "Be kind"), 0);
  const std::string error = "Validation failed: Rule ids does not reference valid rules";
  for (const bj::array& ids : {bj::array{"2"}, bj::array{"1", "2"}, bj::array{"1", "1"},
                                 bj::array{"99999999999"}}) {
    Reply r = report({{"rule_ids", ids}});
    EXPECT_EQ(r.status, 422) << bj::serialize(ids) << " " << r.body;
    EXPECT_EQ(str(json(r), "error"), error) << bj::serialize(ids);
  }
  Reply r = report({{"rule_ids", bj::array{"one"}}});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(stored_reports(), 0);
}

TEST_F(RulesApi, TheCommandAddsEditsListsAndRemoves) {
  ASSERT_EQ(admin_rules("list"), 0);
  ASSERT_EQ(admin_rules("add", "", "Be kind", "No insults"), 0);
  ASSERT_EQ(admin_rules("add", "", "No ads"), 0);
  ASSERT_EQ(admin_rules("edit", "2", std::nullopt, "Not even for a good cause"), 0);
  ASSERT_EQ(admin_rules("edit", "1", "Be kind to each other"), 0);
  EXPECT_EQ(rules(), (bj::array{rule("1", "Be kind to each other", "No insults"),
                                  rule("2", "No ads", "Not even for a good cause")}));
  ASSERT_EQ(admin_rules("remove", "1"), 0);
  ASSERT_EQ(admin_rules("add", "", "Describe your photos"), 0);
  EXPECT_EQ(rules(), (bj::array{rule("2", "No ads", "Not even for a good cause"),
                                  rule("3", "Describe your photos", "")}))
      << "a removed rule's id is not given again";
  // The file reads back as written, removed rule included.
  api::RulesFile file(rules_path().string());
  auto all = file.load();
  ASSERT_TRUE(all.has_value()) << all.error().to_string();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE((*all)[0].removed);
  EXPECT_EQ(api::rules_to_json(*all), rules_file());
}

TEST_F(RulesApi, BadCommandsChangeNothing) {
  ASSERT_EQ(admin_rules("add", "", "Be kind"), 0);
  const std::string before = rules_file();
  EXPECT_EQ(admin_rules("add", "", ""), 2);
  EXPECT_EQ(admin_rules("add", "", "   "), 2);
  EXPECT_EQ(admin_rules("add"), 2) << "no text";
  EXPECT_EQ(admin_rules("add", "", std::string(301, 'x')), 2);
  EXPECT_EQ(admin_rules("edit", "1"), 2) << "nothing to change";
  EXPECT_EQ(admin_rules("edit", "1", ""), 2);
  EXPECT_EQ(admin_rules("edit", "one", "Be nice"), 2);
  EXPECT_EQ(admin_rules("edit", "5", "Be nice"), 1);
  EXPECT_EQ(admin_rules("remove", "5"), 1);
  EXPECT_EQ(admin_rules("remove", ""), 2);
  EXPECT_EQ(admin_rules("rename"), 2);
  EXPECT_EQ(rules_file(), before);
  EXPECT_FALSE(std::filesystem::exists(rules_path().string() + ".tmp"));
  // Exactly 300 characters is fine.
  EXPECT_EQ(admin_rules("add", "", std::string(300, 'x')), 0);
}

TEST(RulesFileFormat, ReadsWhatItWritesAndNamesWhatIsWrong) {
  auto all = api::rules_from_json(
      R"([{"id": "2", "text": "Be kind", "hint": "No insults"}, {"id": 5, "text": "Gone", "removed": true}])");
  ASSERT_TRUE(all.has_value()) << all.error().to_string();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, Id(2));
  EXPECT_EQ((*all)[0].hint, "No insults");
  EXPECT_EQ((*all)[1].id, Id(5));
  EXPECT_EQ((*all)[1].hint, "");
  EXPECT_TRUE((*all)[1].removed);
  auto again = api::rules_from_json(api::rules_to_json(*all));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(api::rules_to_json(*again), api::rules_to_json(*all));
  EXPECT_EQ(api::rules_to_json({}), "[]\n");

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{}", "not a JSON array of rules"},
      {"[1]", "rule 1: not an object"},
      {R"([{"text": "Be kind"}])", "rule 1: no \"id\""},
      {R"([{"id": "1"}])", "rule 1: no \"text\""},
      {R"([{"id": "0", "text": "Be kind"}])", "rule 1: \"id\" is not a number of at least 1"},
      {R"([{"id": -1, "text": "Be kind"}])", "rule 1: \"id\" is not a number of at least 1"},
      {R"([{"id": "1", "text": 7}])", "rule 1: \"text\" is not a string"},
      {R"([{"id": "1", "text": "a", "removed": "yes"}])", "rule 1: \"removed\" is not true or false"},
      {R"([{"id": "1", "text": "a", "translations": {}}])", "rule 1: unknown field \"translations\""},
      {R"([{"id": "1", "text": "a"}, {"id": "1", "text": "b"}])", "rule 1: the id is repeated"},
      {"[{\"id\": \"4\", \"text\": \"" + std::string(301, 'x') + "\"}]",
       "rule 4: Validation failed: Text is too long (maximum is 300 characters)"},
  };
  for (const auto& [text, message] : bad) {
    auto r = api::rules_from_json(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().message(), message) << text;
  }
  EXPECT_FALSE(api::rules_from_json("[").has_value());
}

}  // namespace
}  // namespace kindred::testing
