#include "social/safety/rules.h"

#include <algorithm>
#include <set>

#include "core/utf8.h"
#include "social/model/text.h"

namespace kindred::social {

namespace {

std::vector<InstanceRule>::iterator find_in_force(std::vector<InstanceRule>& all, Id id) {
  return std::find_if(all.begin(), all.end(),
                      [id](const InstanceRule& r) { return r.id == id && !r.removed; });
}

Status rule_not_found(Id id) { return Status::not_found("Rule " + id.to_string() + " not found"); }

}  // namespace

std::vector<InstanceRule> rules_in_force(std::vector<InstanceRule> all) {
  std::erase_if(all, [](const InstanceRule& r) { return r.removed; });
  return all;
}

Status check_rule(std::string_view text, std::string_view hint) {
  if (!valid_utf8(text)) return Status::invalid_argument("Validation failed: Text is not valid UTF-8");
  if (!valid_utf8(hint)) return Status::invalid_argument("Validation failed: Hint is not valid UTF-8");
  if (text.empty() || only_invisible(text))
    return Status::invalid_argument("Validation failed: Text can't be blank");
  return check_length("Text", text, kMaxRuleText);
}

Status validate_rules(const std::vector<InstanceRule>& all) {
  std::set<Id> seen;
  for (const auto& r : all) {
    const std::string which = "rule " + r.id.to_string() + ": ";
    if (r.id.is_none()) return Status::invalid_argument("a rule has no id (ids start at 1)");
    if (!seen.insert(r.id).second) return Status::invalid_argument(which + "the id is repeated");
    if (Status s = check_rule(r.text, r.hint); !s.is_ok())
      return Status::invalid_argument(which + s.message());
  }
  return Status::ok();
}

Result<InstanceRule> add_rule(std::vector<InstanceRule>& all, std::string text, std::string hint) {
  KINDRED_RETURN_IF_ERROR(check_rule(text, hint));
  uint64_t highest = 0;
  for (const auto& r : all) highest = std::max(highest, r.id.value);
  InstanceRule rule{Id(highest + 1), std::move(text), std::move(hint), false};
  all.push_back(rule);
  return rule;
}

Status edit_rule(std::vector<InstanceRule>& all, Id id, const std::optional<std::string>& text,
                 const std::optional<std::string>& hint) {
  auto it = find_in_force(all, id);
  if (it == all.end()) return rule_not_found(id);
  const std::string& new_text = text ? *text : it->text;
  const std::string& new_hint = hint ? *hint : it->hint;
  KINDRED_RETURN_IF_ERROR(check_rule(new_text, new_hint));
  it->text = new_text;
  it->hint = new_hint;
  return Status::ok();
}

Status remove_rule(std::vector<InstanceRule>& all, Id id) {
  auto it = find_in_force(all, id);
  if (it == all.end()) return rule_not_found(id);
  it->removed = true;
  return Status::ok();
}

}  // namespace kindred::social
