// Filters v1 over filters v2 (social/care/filters_v1.h).
#include "social/care/filters_v1.h"

#include <algorithm>

namespace kindred::social {

namespace {

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The context bits `names` give, or nullopt when a name is unknown (the update refuses it).
std::optional<uint8_t> context_bits(const std::vector<std::string>& names) {
  uint8_t bits = 0;
  for (const auto& n : names) {
    const std::string_view t = trimmed(n);
    if (t.empty()) continue;
    auto c = parse_filter_context(t);
    if (!c.has_value()) return std::nullopt;
    bits |= static_cast<uint8_t>(*c);
  }
  return bits;
}

FilterAction action_of(bool irreversible) {
  return irreversible ? FilterAction::kHide : FilterAction::kWarn;
}

}  // namespace

Result<std::vector<FilterV1>> v1_filters(const FilterService& filters, Id account) {
  KINDRED_ASSIGN_OR_RETURN(auto all, filters.list(account));
  std::vector<FilterV1> out;
  for (const auto& f : all)
    for (const auto& k : f.keywords) out.push_back({f, k});
  return out;
}

Result<FilterV1> v1_filter(const FilterService& filters, Id account, Id keyword_id) {
  KINDRED_ASSIGN_OR_RETURN(auto all, filters.list(account));
  for (const auto& f : all)
    for (const auto& k : f.keywords)
      if (k.id == keyword_id) return FilterV1{f, k};
  return Status::not_found("Record not found");
}

Result<FilterV1> create_v1_filter(FilterService& filters, Id account, const FilterV1Edit& e) {
  FilterEdit edit;
  edit.title = e.phrase.value_or("");
  edit.context = e.context;
  edit.filter_action = std::string(filter_action_name(action_of(e.irreversible.value_or(false))));
  edit.expires_in_set = e.expires_in_set;
  edit.expires_in = e.expires_in;
  KeywordEdit k;
  k.keyword = e.phrase.value_or("");
  k.whole_word = e.whole_word;
  edit.keywords.push_back(k);
  KINDRED_ASSIGN_OR_RETURN(Filter f, filters.create(account, edit));
  if (f.keywords.empty()) return Status::internal("filter created without its keyword");
  return FilterV1{f, f.keywords.front()};
}

Result<FilterV1> update_v1_filter(FilterService& filters, Id account, Id keyword_id,
                                  const FilterV1Edit& e) {
  KINDRED_ASSIGN_OR_RETURN(FilterV1 current, v1_filter(filters, account, keyword_id));
  const Filter& f = current.filter;
  FilterEdit edit;
  bool filter_changes = false;
  if (e.phrase && trimmed(*e.phrase) != f.title) {
    edit.title = e.phrase;
    filter_changes = true;
  }
  if (e.context) {
    const auto bits = context_bits(*e.context);
    if (!bits || *bits != f.context) {
      edit.context = e.context;
      filter_changes = true;
    }
  }
  if (e.irreversible && action_of(*e.irreversible) != f.action) {
    edit.filter_action = std::string(filter_action_name(action_of(*e.irreversible)));
    filter_changes = true;
  }
  if (e.expires_in_set && (e.expires_in || f.expires_at_ms != 0)) {
    edit.expires_in_set = true;
    edit.expires_in = e.expires_in;
    filter_changes = true;
  }
  if (filter_changes && f.keywords.size() > 1)
    return Status::invalid_argument(
        "These parameters cannot be changed from this application because they apply to more "
        "than one filter keyword. Use a more recent application or the web interface.");
  KeywordEdit k;
  k.id = keyword_id;
  k.keyword = e.phrase;
  k.whole_word = e.whole_word;
  edit.keywords.push_back(k);
  KINDRED_ASSIGN_OR_RETURN(Filter updated, filters.update(account, f.id, edit));
  for (const auto& kw : updated.keywords)
    if (kw.id == keyword_id) return FilterV1{updated, kw};
  return Status::not_found("Record not found");
}

}  // namespace kindred::social
