#include "social/graph/tags.h"

#include <algorithm>

#include "social/model/text.h"

namespace kindred::social {

using store::AssocType;

namespace {

constexpr size_t kSuggestionPosts = 200;  // suggestions look at this many of one's newest posts
constexpr size_t kMaxSuggestions = 10;

Result<std::string> tag_name(std::string_view name) {
  auto normal = normalize_tag_name(name);
  if (!normal) return Status::not_found("Record not found");
  return std::move(*normal);
}

}  // namespace

Result<std::vector<TagView>> TagService::views(const Viewer& viewer,
                                               const std::vector<std::string>& names) const {
  std::vector<TagView> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back({tag_node(n), n, trends_.history(n), std::nullopt, std::nullopt});
  if (!viewer.signed_in() || names.empty()) return out;
  std::vector<Id> nodes;
  for (const auto& n : names) nodes.push_back(tag_node(n));
  KINDRED_ASSIGN_OR_RETURN(auto following, deps_.store.assocs_exist(viewer.account_id,
                                                                    AssocType::kFollowedTags, nodes));
  KINDRED_ASSIGN_OR_RETURN(auto featured, featured_names(viewer.account_id));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].following = following[i];
    out[i].featuring = std::any_of(featured.begin(), featured.end(),
                                   [&](const auto& f) { return f.second == out[i].name; });
  }
  return out;
}

Result<TagView> TagService::tag(const Viewer& viewer, std::string_view name) const {
  KINDRED_ASSIGN_OR_RETURN(std::string n, tag_name(name));
  KINDRED_ASSIGN_OR_RETURN(auto vs, views(viewer, {n}));
  return std::move(vs.front());
}

Result<TagView> TagService::follow(const Viewer& viewer, std::string_view name) {
  KINDRED_ASSIGN_OR_RETURN(std::string n, tag_name(name));
  const Id node = tag_node(n);
  const Id at = deps_.ids.next();
  store::Batch b;
  // Adding an existing edge keeps its position: following again changes nothing.
  b.add_assoc({viewer.account_id, AssocType::kFollowedTags, node, at, n});
  b.add_assoc({node, AssocType::kTagFollowers, viewer.account_id, at, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return tag(viewer, n);
}

Result<TagView> TagService::unfollow(const Viewer& viewer, std::string_view name) {
  KINDRED_ASSIGN_OR_RETURN(std::string n, tag_name(name));
  const Id node = tag_node(n);
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kFollowedTags, node);
  b.remove_assoc(node, AssocType::kTagFollowers, viewer.account_id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return tag(viewer, n);
}

Result<Page<TagView>> TagService::followed(const Viewer& viewer, const ListQuery& q) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(viewer.account_id, AssocType::kFollowedTags,
                                                               to_range_query(q, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<std::string> names;
  Page<TagView> page;
  for (const auto& a : range.items) {
    names.push_back(a.data);
    page.positions.push_back(a.position);
  }
  KINDRED_ASSIGN_OR_RETURN(page.items, views(viewer, names));
  return page;
}

Result<std::vector<std::pair<Id, std::string>>> TagService::featured_names(Id account_id) const {
  store::RangeQuery q;
  q.limit = kMaxFeatured + 1;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(account_id, AssocType::kFeaturedTags, q));
  std::vector<std::pair<Id, std::string>> out;
  for (const auto& a : range.items) out.push_back({a.to, a.data});
  return out;
}

Result<FeaturedTagView> TagService::featured_view(const Account& account, Id id,
                                                  const std::string& name) const {
  FeaturedTagView v{id, name, account.username, 0, 0};
  const Id node = account_tag_node(account.id, name);
  KINDRED_ASSIGN_OR_RETURN(v.statuses_count, deps_.store.assoc_count(node, AssocType::kAccountTagStatuses));
  if (v.statuses_count > 0) {
    store::RangeQuery q;
    q.limit = 1;
    KINDRED_ASSIGN_OR_RETURN(auto newest, deps_.store.assoc_range(node, AssocType::kAccountTagStatuses, q));
    if (!newest.items.empty()) v.last_status_at_ms = newest.items.front().position.ms();
  }
  return v;
}

Result<std::vector<FeaturedTagView>> TagService::featured(Id account_id) const {
  KINDRED_ASSIGN_OR_RETURN(Account account, accounts_.get(account_id));
  KINDRED_ASSIGN_OR_RETURN(auto names, featured_names(account_id));
  std::vector<FeaturedTagView> out;
  for (const auto& [id, name] : names) {
    KINDRED_ASSIGN_OR_RETURN(auto v, featured_view(account, id, name));
    out.push_back(std::move(v));
  }
  // As Mastodon: the most used first (then the most recently featured, as stored).
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.statuses_count > b.statuses_count;
  });
  return out;
}

Result<FeaturedTagView> TagService::feature(const Viewer& viewer, std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (!name.empty() && name.front() == '#') name.remove_prefix(1);
  if (name.empty()) return Status::invalid_argument("Validation failed: Name can't be blank");
  auto normal = normalize_tag_name(name);
  if (!normal) return Status::invalid_argument("Validation failed: Name is invalid");
  KINDRED_ASSIGN_OR_RETURN(Account account, accounts_.get(viewer.account_id));
  KINDRED_ASSIGN_OR_RETURN(auto names, featured_names(viewer.account_id));
  for (const auto& f : names)
    if (f.second == *normal) return Status::invalid_argument("Validation failed: Name has already been taken");
  if (names.size() >= kMaxFeatured)
    return Status::invalid_argument(
        "Validation failed: You have already featured the maximum number of hashtags");
  const Id id = deps_.ids.next();
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kFeaturedTags, id, id, *normal});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return featured_view(account, id, *normal);
}

Status TagService::unfeature(const Viewer& viewer, Id id) {
  auto edge = deps_.store.get_assoc(viewer.account_id, AssocType::kFeaturedTags, id);
  if (!edge.has_value()) {
    if (edge.error().is_not_found()) return Status::not_found("Record not found");
    return edge.error();
  }
  store::Batch b;
  b.remove_assoc(viewer.account_id, AssocType::kFeaturedTags, id);
  return deps_.store.apply(b).status();
}

Result<std::vector<TagView>> TagService::suggestions(const Viewer& viewer) const {
  store::RangeQuery q;
  q.limit = kSuggestionPosts;
  KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(viewer.account_id, AssocType::kAuthored, q));
  KINDRED_ASSIGN_OR_RETURN(auto featured, featured_names(viewer.account_id));
  std::vector<Id> ids;
  for (const auto& a : range.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto bytes, deps_.store.get_objects(store::ObjectType::kStatus, ids));
  std::vector<std::string> names;
  for (const auto& b : bytes) {
    if (!b) continue;
    auto post = Post::decode(*b);
    if (!post.has_value()) continue;
    for (const auto& t : post->tags) {
      if (names.size() >= kMaxSuggestions) break;
      if (std::find(names.begin(), names.end(), t) != names.end()) continue;
      if (std::any_of(featured.begin(), featured.end(), [&](const auto& f) { return f.second == t; }))
        continue;
      names.push_back(t);
    }
  }
  return views(viewer, names);
}

}  // namespace kindred::social
