#include "social/graph/discovery.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace kindred::social {

using store::AssocType;

bool listable(const Account& a) { return a.approved && !a.load_test; }

Result<std::vector<Id>> DiscoveryService::range_ids(Id from, AssocType type, size_t limit) const {
  store::RangeQuery q;
  q.limit = limit;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(from, type, q));
  std::vector<Id> ids;
  ids.reserve(page.items.size());
  for (const auto& a : page.items) ids.push_back(a.to);
  return ids;
}

Result<std::vector<AccountView>> DiscoveryService::recent_accounts() const {
  KINDRED_ASSIGN_OR_RETURN(
      auto ids, range_ids(store::kInstanceNode, AssocType::kInstanceAccounts, kAccountWindow));
  KINDRED_ASSIGN_OR_RETURN(auto views, accounts_.views(ids));
  std::erase_if(views, [](const AccountView& v) { return !listable(v.account); });
  return views;
}

Result<std::vector<bool>> DiscoveryService::excluded(const Viewer& viewer,
                                                     const std::vector<Id>& ids) const {
  std::vector<bool> out(ids.size(), false);
  if (!viewer.signed_in() || ids.empty()) return out;
  const Id me = viewer.account_id;
  for (AssocType type : {AssocType::kBlocks, AssocType::kBlockedBy}) {
    KINDRED_ASSIGN_OR_RETURN(auto hit, deps_.store.assocs_exist(me, type, ids));
    for (size_t i = 0; i < ids.size(); ++i) out[i] = out[i] || hit[i];
  }
  KINDRED_ASSIGN_OR_RETURN(auto muted, deps_.store.assocs_exist(me, AssocType::kMutes, ids));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!muted[i] || out[i]) continue;
    KINDRED_ASSIGN_OR_RETURN(auto mute,
                             mute_in_force(deps_.store, me, ids[i], deps_.clock.now_ms()));
    out[i] = mute.has_value();
  }
  return out;
}

Result<std::vector<AccountView>> DiscoveryService::directory(const Viewer& viewer, size_t offset,
                                                             size_t limit,
                                                             DirectoryOrder order) const {
  KINDRED_ASSIGN_OR_RETURN(auto views, recent_accounts());
  std::vector<Id> ids;
  for (const auto& v : views) ids.push_back(v.account.id);
  KINDRED_ASSIGN_OR_RETURN(auto hidden, excluded(viewer, ids));
  std::vector<AccountView> shown;
  for (size_t i = 0; i < views.size(); ++i)
    if (!hidden[i]) shown.push_back(std::move(views[i]));
  if (order == DirectoryOrder::kActive) {
    // Newest post first; those who never posted keep their newest-first order at the end.
    std::stable_sort(shown.begin(), shown.end(), [](const AccountView& a, const AccountView& b) {
      return a.last_status_at_ms > b.last_status_at_ms;
    });
  }
  if (offset >= shown.size()) return std::vector<AccountView>();
  const size_t end = std::min(shown.size(), offset + limit);
  return std::vector<AccountView>(
      std::make_move_iterator(shown.begin() + static_cast<std::ptrdiff_t>(offset)),
      std::make_move_iterator(shown.begin() + static_cast<std::ptrdiff_t>(end)));
}

Result<std::vector<Suggestion>> DiscoveryService::suggestions(const Viewer& viewer,
                                                              size_t limit) const {
  const Id me = viewer.account_id;
  KINDRED_ASSIGN_OR_RETURN(auto follows, range_ids(me, AssocType::kFollows, kFollowWindow));
  // Friends of friends, counted by how many of the viewer's follows follow them.
  std::unordered_map<Id, size_t> shared;
  std::vector<Id> order;  // first seen first, for a stable ranking
  for (Id friend_id : follows) {
    KINDRED_ASSIGN_OR_RETURN(auto theirs, range_ids(friend_id, AssocType::kFollows, kFollowWindow));
    for (Id id : theirs)
      if (shared[id]++ == 0) order.push_back(id);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&shared](Id a, Id b) { return shared[a] > shared[b]; });
  std::vector<Id> candidates = order;
  std::unordered_set<Id> from_friends(order.begin(), order.end());
  // Then the most followed of the newest accounts.
  KINDRED_ASSIGN_OR_RETURN(auto recent, recent_accounts());
  std::stable_sort(recent.begin(), recent.end(), [](const AccountView& a, const AccountView& b) {
    return a.followers_count > b.followers_count;
  });
  for (const auto& v : recent)
    if ((v.followers_count > 0 || v.statuses_count > 0) && !from_friends.contains(v.account.id))
      candidates.push_back(v.account.id);

  std::vector<bool> drop(candidates.size(), false);
  for (AssocType type :
       {AssocType::kFollows, AssocType::kFollowRequestsOut, AssocType::kSuggestionDismissals}) {
    KINDRED_ASSIGN_OR_RETURN(auto hit, deps_.store.assocs_exist(me, type, candidates));
    for (size_t i = 0; i < candidates.size(); ++i) drop[i] = drop[i] || hit[i];
  }
  KINDRED_ASSIGN_OR_RETURN(auto hidden, excluded(viewer, candidates));
  std::vector<Id> kept;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (!drop[i] && !hidden[i] && candidates[i] != me) kept.push_back(candidates[i]);
  std::vector<Suggestion> out;
  // Views in chunks, so a long candidate list costs only what the answer needs.
  for (size_t at = 0; at < kept.size() && out.size() < limit; at += limit) {
    std::vector<Id> chunk(
        kept.begin() + static_cast<std::ptrdiff_t>(at),
        kept.begin() + static_cast<std::ptrdiff_t>(std::min(kept.size(), at + limit)));
    KINDRED_ASSIGN_OR_RETURN(auto views, accounts_.views(chunk));
    for (auto& v : views) {
      if (out.size() >= limit) break;
      if (!listable(v.account) || v.account.memorial) continue;
      const bool fof = from_friends.contains(v.account.id);
      out.push_back({std::move(v), fof ? "friends_of_friends" : "most_followed"});
    }
  }
  return out;
}

Status DiscoveryService::dismiss_suggestion(const Viewer& viewer, Id account) {
  auto target = accounts_.get(account);
  if (!target.has_value()) return target.error().is_not_found() ? Status::ok() : target.error();
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kSuggestionDismissals, account, deps_.ids.next(), {}});
  return deps_.store.apply(b).status();
}

Result<std::vector<DiscoveryService::Familiar>> DiscoveryService::familiar_followers(
    const Viewer& viewer, const std::vector<Id>& ids) const {
  std::vector<Familiar> out;
  for (Id id : ids) {
    auto account = accounts_.get(id);
    if (!account.has_value()) {
      if (account.error().is_not_found()) continue;
      return account.error();
    }
    Familiar f{id, {}};
    KINDRED_ASSIGN_OR_RETURN(auto followers,
                             range_ids(id, AssocType::kFollowedBy, kFollowerWindow));
    KINDRED_ASSIGN_OR_RETURN(
        auto followed, deps_.store.assocs_exist(viewer.account_id, AssocType::kFollows, followers));
    std::vector<Id> known;
    for (size_t i = 0; i < followers.size(); ++i)
      if (followed[i]) known.push_back(followers[i]);
    KINDRED_ASSIGN_OR_RETURN(f.accounts, accounts_.views(known));
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace kindred::social
