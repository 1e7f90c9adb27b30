#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"

// The server's rules: what people agree to here, shown by GET /api/v1/instance/rules and cited by
// reports. An admin keeps them (`kindred admin rules`); where they are kept is the RuleSource's
// business (the data directory's rules.json, read by api/mastodon/rules_file.h).
namespace kindred::social {

struct InstanceRule {
  Id id;              // small numbers, 1, 2, 3..., never reused
  std::string text;   // at most kMaxRuleText characters, not blank
  std::string hint;   // more detail, may be empty
  bool removed = false;  // kept so that reports citing it still name a rule (Mastodon's discard)
};

// Mastodon's Rule::TEXT_SIZE_LIMIT.
inline constexpr size_t kMaxRuleText = 300;

// Where the rules come from. rules() is called on every request that needs them and from many
// threads at once: implementations are thread-safe and cheap when nothing changed.
class RuleSource {
 public:
  virtual ~RuleSource() = default;
  // Every rule, removed ones included, in the admin's order.
  virtual std::vector<InstanceRule> rules() const = 0;
};

// The rules in force (not removed), in order.
std::vector<InstanceRule> rules_in_force(std::vector<InstanceRule> all);

// InvalidArgument "Validation failed: Text can't be blank" (empty, or only white space and
// invisible characters) or "Validation failed: Text is too long (maximum is 300 characters)";
// "Validation failed: Text is not valid UTF-8" / "Hint ..." for bad bytes.
Status check_rule(std::string_view text, std::string_view hint);
// A whole list as read from where it is kept: every rule passes check_rule, ids are not 0 and
// not repeated. Errors: InvalidArgument naming the rule.
Status validate_rules(const std::vector<InstanceRule>& all);

// Edits of a list (the caller saves it). add_rule appends a rule with the next id (one above the
// highest ever given, removed rules included) and returns it; edit_rule changes the given
// fields; remove_rule marks the rule removed. Errors: check_rule's; NotFound "Rule <id> not
// found" for an id that names no rule in force. On error the list is unchanged.
Result<InstanceRule> add_rule(std::vector<InstanceRule>& all, std::string text, std::string hint);
Status edit_rule(std::vector<InstanceRule>& all, Id id, const std::optional<std::string>& text,
                 const std::optional<std::string>& hint);
Status remove_rule(std::vector<InstanceRule>& all, Id id);

}  // namespace kindred::social
