// The filter record, the names of contexts and actions, and the hide rule (social/care/filters.h).
#include "social/care/filters.h"

#include <algorithm>

#include "core/codec.h"

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

namespace {

constexpr uint64_t kFilterVersion = 1;

}  // namespace

std::string Filter::encode() const {
  RecordWriter w;
  w.put_u64(kFilterVersion);
  w.put_u64(id.value);
  w.put_u64(account_id.value);
  w.put_str(title);
  w.put_u64(context);
  w.put_u64(static_cast<uint64_t>(action));
  w.put_i64(expires_at_ms);
  w.put_i64(created_at_ms);
  w.put_u64(keywords.size());
  for (const auto& k : keywords) {
    w.put_u64(k.id.value);
    w.put_str(k.keyword);
    w.put_bool(k.whole_word);
  }
  w.put_u64(statuses.size());
  for (const auto& s : statuses) {
    w.put_u64(s.id.value);
    w.put_u64(s.status_id.value);
  }
  return std::move(w).bytes();
}

Result<Filter> Filter::decode(std::string_view bytes) {
  RecordReader r(bytes);
  Filter f;
  uint64_t version = 0, context = 0, action = 0, n = 0;
  const auto corrupt = [] { return Status::corruption("stored filter does not decode"); };
  if (!r.get_u64(version) || version != kFilterVersion || !r.get_u64(f.id.value) ||
      !r.get_u64(f.account_id.value) || !r.get_str(f.title) || !r.get_u64(context) ||
      context > 31 || !r.get_u64(action) || action > 2 || !r.get_i64(f.expires_at_ms) ||
      !r.get_i64(f.created_at_ms) || !r.get_u64(n) || n > 10'000)
    return corrupt();
  f.context = static_cast<uint8_t>(context);
  f.action = static_cast<FilterAction>(action);
  f.keywords.resize(n);
  for (auto& k : f.keywords)
    if (!r.get_u64(k.id.value) || !r.get_str(k.keyword) || !r.get_bool(k.whole_word)) return corrupt();
  if (!r.get_u64(n) || n > 10'000) return corrupt();
  f.statuses.resize(n);
  for (auto& s : f.statuses)
    if (!r.get_u64(s.id.value) || !r.get_u64(s.status_id.value)) return corrupt();
  return f;
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
