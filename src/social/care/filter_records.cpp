// The filter record, the names of contexts and actions, and the hide rule (social/care/filters.h).
#include "social/care/filters.h"

#include <algorithm>


namespace kindred::social {

// ---- names ----

std::string_view filter_context_name(FilterContext c) {
  switch (c) {
    case FilterContext::kHome: return "home";
    case FilterContext::kNotifications: return "notifications";
    case FilterContext::kPublic: return "public";
    case FilterContext::kThread: return "thread";
    case FilterContext::kAccount: return "account";
  }
  return "home";
}

Result<FilterContext> parse_filter_context(std::string_view name) {
  for (FilterContext c : kFilterContexts)
    if (filter_context_name(c) == name) return c;
  return Status::invalid_argument("Validation failed: Context None or invalid context supplied");
}

std::string_view filter_action_name(FilterAction a) {
  switch (a) {
    case FilterAction::kWarn: return "warn";
    case FilterAction::kHide: return "hide";
    case FilterAction::kBlur: return "blur";
  }
  return "warn";
}

Result<FilterAction> parse_filter_action(std::string_view name) {
  for (FilterAction a : {FilterAction::kWarn, FilterAction::kHide, FilterAction::kBlur})
    if (filter_action_name(a) == name) return a;
  return Status::invalid_argument("'" + std::string(name) + "' is not a valid action");
}

// ---- record ----

std::string Filter::encode() const { return record::encode(*this); }
Result<Filter> Filter::decode(std::string_view bytes) {
  return record::decode<Filter>(bytes, "filter");
}

// ---- hide ----

bool hidden_by_filters(const PostView& v, FilterContext context, Id viewer) {
  const Id author = v.reblog ? v.reblog->post.account_id : v.post.account_id;
  if (author == viewer) return false;
  return std::any_of(v.filtered.begin(), v.filtered.end(), [&](const FilterResult& r) {
    return r.filter && r.filter->action == FilterAction::kHide && r.filter->in(context);
  });
}

void drop_hidden(std::vector<PostView>& views, FilterContext context, Id viewer) {
  std::erase_if(views, [&](const PostView& v) { return hidden_by_filters(v, context, viewer); });
}

}  // namespace kindred::social
