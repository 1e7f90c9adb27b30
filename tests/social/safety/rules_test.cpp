// The server's rules (social/safety/rules.h): what a rule may say, how ids are given, and that a
// refused edit leaves the list as it was.
#include "social/safety/rules.h"

#include <gtest/gtest.h>

namespace kindred::social {
namespace {

std::vector<std::string> texts(const std::vector<InstanceRule>& all) {
  std::vector<std::string> out;
  for (const auto& r : all) out.push_back(r.id.to_string() + ":" + r.text + (r.removed ? " (removed)" : ""));
  return out;
}

TEST(InstanceRules, IdsGoUpAndAreNeverReused) {
  std::vector<InstanceRule> all;
  ASSERT_EQ(add_rule(all, "Be kind", "No insults")->id, Id(1));
  ASSERT_EQ(add_rule(all, "Describe your photos", "")->id, Id(2));
  ASSERT_TRUE(remove_rule(all, Id(2)).is_ok());
  // The removed rule keeps its id (reports may cite it); the next rule takes a new one.
  auto third = add_rule(all, "No ads", "");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->id, Id(3));
  EXPECT_EQ(texts(all), (std::vector<std::string>{"1:Be kind", "2:Describe your photos (removed)", "3:No ads"}));
  EXPECT_EQ(texts(rules_in_force(all)), (std::vector<std::string>{"1:Be kind", "3:No ads"}));
  EXPECT_EQ(all[0].hint, "No insults");
}

TEST(InstanceRules, EditChangesOnlyWhatIsGiven) {
  std::vector<InstanceRule> all;
  ASSERT_TRUE(add_rule(all, "Be kind", "No insults").has_value());
  ASSERT_TRUE(edit_rule(all, Id(1), std::nullopt, "No insults, no pile-ons").is_ok());
  EXPECT_EQ(all[0].text, "Be kind");
  EXPECT_EQ(all[0].hint, "No insults, no pile-ons");
  ASSERT_TRUE(edit_rule(all, Id(1), "Be kind to each other", std::nullopt).is_ok());
  EXPECT_EQ(all[0].text, "Be kind to each other");
  EXPECT_EQ(all[0].hint, "No insults, no pile-ons");
}

TEST(InstanceRules, BadEditsAreRefusedAndChangeNothing) {
  std::vector<InstanceRule> all;
  ASSERT_TRUE(add_rule(all, "Be kind", "").has_value());
  ASSERT_TRUE(add_rule(all, "Gone", "").has_value());
  ASSERT_TRUE(remove_rule(all, Id(2)).is_ok());
  const auto before = texts(all);

  auto blank = add_rule(all, " \u200b ", "");
  ASSERT_FALSE(blank.has_value());
  EXPECT_EQ(blank.error().message(), "Validation failed: Text can't be blank");
  auto empty = add_rule(all, "", "");
  ASSERT_FALSE(empty.has_value());
  auto longest = add_rule(all, std::string(kMaxRuleText + 1, 'x'), "");
  ASSERT_FALSE(longest.has_value());
  EXPECT_EQ(longest.error().message(), "Validation failed: Text is too long (maximum is 300 characters)");
  EXPECT_FALSE(add_rule(all, "bad \xff bytes", "").has_value());
  EXPECT_FALSE(add_rule(all, "fine", "bad \xff bytes").has_value());

  Status s = edit_rule(all, Id(1), "", std::nullopt);
  EXPECT_EQ(s.message(), "Validation failed: Text can't be blank");
  s = edit_rule(all, Id(7), "Anything", std::nullopt);
  EXPECT_TRUE(s.is_not_found());
  EXPECT_EQ(s.message(), "Rule 7 not found");
  EXPECT_TRUE(edit_rule(all, Id(2), "Back again", std::nullopt).is_not_found()) << "removed";
  EXPECT_TRUE(remove_rule(all, Id(2)).is_not_found()) << "already removed";
  EXPECT_TRUE(remove_rule(all, Id(9)).is_not_found());
  EXPECT_EQ(texts(all), before);

  // Exactly the limit is fine, counted in characters, not bytes.
  std::string at_limit;
  for (size_t i = 0; i < kMaxRuleText; ++i) at_limit += "é";
  EXPECT_TRUE(add_rule(all, at_limit, "").has_value());
}

TEST(InstanceRules, AListIsValidatedWhole) {
  EXPECT_TRUE(validate_rules({}).is_ok());
  EXPECT_TRUE(validate_rules({{Id(1), "Be kind", "", false}, {Id(3), "No ads", "", true}}).is_ok());
  Status s = validate_rules({{Id(1), "Be kind", "", false}, {Id(1), "No ads", "", false}});
  EXPECT_EQ(s.message(), "rule 1: the id is repeated");
  s = validate_rules({{Id(), "Be kind", "", false}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = validate_rules({{Id(2), "", "", false}});
  EXPECT_EQ(s.message(), "rule 2: Validation failed: Text can't be blank");
}

}  // namespace
}  // namespace kindred::social
