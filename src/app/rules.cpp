// `kindred admin rules`: the server's rules in <data_dir>/rules.json.
#include <iostream>

#include "api/mastodon/rules_file.h"
#include "app/admin.h"

namespace kindred::app {

int rules(const RulesConfig& c) {
  const bool add = c.action == "add", edit = c.action == "edit", remove = c.action == "remove";
  if (!add && !edit && !remove && c.action != "list") {
    std::cerr << "kindred: give one of list, add, edit or remove\n";
    return 2;
  }
  std::optional<Id> id;
  if (edit || remove) {
    id = Id::parse(c.id);
    if (!id || id->is_none()) {
      std::cerr << "kindred: '" << c.id << "' is not a rule id\n";
      return 2;
    }
  }
  if (add && !c.text) {
    std::cerr << "kindred: a rule needs --text\n";
    return 2;
  }
  if (edit && !c.text && !c.hint) {
    std::cerr << "kindred: give --text or --hint to change\n";
    return 2;
  }
  api::RulesFile file(c.data_dir + "/rules.json");
  auto all = file.load();
  if (!all.has_value()) {
    std::cerr << "kindred: " << all.error().message() << '\n';
    return 1;
  }
  if (c.action == "list") {
    for (const auto& r : social::rules_in_force(*all))
      std::cout << r.id.to_string() << '\t' << r.text << '\t' << r.hint << '\n';
    return 0;
  }
  Status done;
  std::string said;
  if (add) {
    auto rule = social::add_rule(*all, *c.text, c.hint.value_or(""));
    done = rule.status();
    if (rule.has_value()) said = rule->id.to_string();
  } else if (edit) {
    done = social::edit_rule(*all, *id, c.text, c.hint);
    said = "edited " + id->to_string();
  } else {
    done = social::remove_rule(*all, *id);
    said = "removed " + id->to_string();
  }
  if (!done.is_ok()) {
    std::cerr << "kindred: " << done.message() << '\n';
    return done.is_not_found() ? 1 : 2;
  }
  if (Status s = file.save(*all); !s.is_ok()) {
    std::cerr << "kindred: " << s.message() << '\n';
    return 1;
  }
  std::cout << said << '\n';
  return 0;
}

}  // namespace kindred::app
