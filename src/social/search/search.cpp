#include "social/search/search.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "social/identity/account_names.h"
#include "social/model/fold.h"
#include "social/posts/tag_names.h"
#include "social/search/status_index.h"

namespace kindred::social {

namespace {

using store::AssocType;

// How many entries of one name list account and hashtag search rank (the newest, for the short
// prefixes shared by very many names).
constexpr size_t kNameWindow = 400;
// How many of the searcher's follows are checked against the name list (all but a few people's).
constexpr size_t kFollowScan = 5000;
// Anonymous searchers get non-exact account matches only from this many characters on.
constexpr size_t kMinAnonymousQuery = 3;
// How many of the searcher's likes and bookmarks make their posts findable.
constexpr size_t kInteractionScan = 1000;
// Status search reads at most this many index hits per page before giving up on filling it.
constexpr size_t kMaxStatusScan = 2000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Result<std::vector<Id>> list_ids(const store::Store& store, Id from, AssocType type, size_t limit) {
  store::RangeQuery rq;
  rq.limit = limit;
  KINDRED_ASSIGN_OR_RETURN(auto page, store.assoc_range(from, type, rq));
  std::vector<Id> out;
  out.reserve(page.items.size());
  for (const auto& a : page.items) out.push_back(a.to);
  return out;
}

}  // namespace

Result<std::vector<AccountView>> SearchService::accounts(const Viewer& viewer,
                                                         const SearchQuery& q) const {
  std::vector<AccountView> out;
  std::string_view query = trim(q.q);
  if (!query.empty() && query.front() == '@') query.remove_prefix(1);
  if (query.empty() || q.limit == 0) return out;
  std::string_view name = query;
  if (const size_t at = query.find('@'); at != std::string_view::npos) {
    // Only this instance's accounts exist here.
    if (ascii_lower(query.substr(at + 1)) != ascii_lower(deps_.config.domain)) return out;
    name = query.substr(0, at);
  }
  const std::string folded = fold_name_query(name);
  if (folded.empty()) return out;
  const Id me = viewer.account_id;
  const store::Store& store = deps_.store;

  // Who the viewer follows among those the name list holds, found from the follows' side.
  std::unordered_set<Id> followed;
  const std::string key = name_index_key(folded);
  const Id node = account_name_node(key);
  if (viewer.signed_in()) {
    KINDRED_ASSIGN_OR_RETURN(auto follows, list_ids(store, me, AssocType::kFollows, kFollowScan));
    follows.push_back(me);  // oneself counts as followed, as Mastodon's following_ids
    KINDRED_ASSIGN_OR_RETURN(auto has, store.assocs_exist(node, AssocType::kAccountNames, follows));
    for (size_t i = 0; i < follows.size(); ++i)
      if (has[i]) followed.insert(follows[i]);
  }

  std::optional<Account> exact;
  if (q.offset == 0 && valid_username(name)) {
    auto found = accounts_.lookup(name);
    if (found.has_value()) {
      exact = std::move(*found);
    } else if (!found.error().is_not_found()) {
      return found.error();
    }
    if (exact && q.following && !followed.contains(exact->id)) exact.reset();
  }

  std::vector<Id> candidates;
  if (exact) candidates.push_back(exact->id);
  candidates.insert(candidates.end(), followed.begin(), followed.end());
  const bool non_exact = viewer.signed_in() || query.size() >= kMinAnonymousQuery;
  if (non_exact && !q.following) {
    KINDRED_ASSIGN_OR_RETURN(auto window,
                             list_ids(store, node, AssocType::kAccountNames, kNameWindow));
    candidates.insert(candidates.end(), window.begin(), window.end());
  }
  if (!non_exact) candidates.resize(exact ? 1 : 0);
  {
    std::unordered_set<Id> seen;
    std::erase_if(candidates, [&](Id id) { return !seen.insert(id).second; });
  }
  if (viewer.signed_in() && !candidates.empty()) {
    KINDRED_ASSIGN_OR_RETURN(auto blocks, store.assocs_exist(me, AssocType::kBlocks, candidates));
    KINDRED_ASSIGN_OR_RETURN(auto blocked,
                             store.assocs_exist(me, AssocType::kBlockedBy, candidates));
    std::vector<Id> kept;
    for (size_t i = 0; i < candidates.size(); ++i)
      if (!blocks[i] && !blocked[i]) kept.push_back(candidates[i]);
    candidates = std::move(kept);
  }
  KINDRED_ASSIGN_OR_RETURN(auto views, accounts_.views(candidates));
  // Each candidate's terms are folded once: one must start with the query (the list guarantees
  // it only up to the index key's length), and one equal to it ranks higher. Then exact first,
  // followed next, whole terms, most followers.
  using Key = std::tuple<bool, bool, bool, int64_t, std::string>;
  std::vector<std::pair<Key, size_t>> order;
  for (size_t i = 0; i < views.size(); ++i) {
    const Account& a = views[i].account;
    if (!a.approved) continue;
    const bool is_exact = exact && a.id == exact->id;
    bool prefix = false, whole = false;
    for (const auto& t : account_name_terms(a)) {
      prefix = prefix || t.starts_with(folded);
      whole = whole || t == folded;
    }
    if (!is_exact && !prefix) continue;
    order.emplace_back(Key{!is_exact, !followed.contains(a.id), !whole, -views[i].followers_count,
                           ascii_lower(a.username)},
                       i);
  }
  std::sort(order.begin(), order.end());
  for (size_t i = q.offset; i < order.size() && out.size() < q.limit; ++i)
    out.push_back(std::move(views[order[i].second]));
  return out;
}

Result<std::vector<std::string>> SearchService::hashtags(const SearchQuery& q) const {
  std::string_view query = trim(q.q);
  if (!query.empty() && query.front() == '#') query.remove_prefix(1);
  const std::string folded = fold_tag(query);
  if (folded.empty() || q.limit == 0 || query.find('@') != std::string_view::npos)
    return std::vector<std::string>{};
  store::RangeQuery rq;
  rq.limit = kNameWindow;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(tag_name_node(name_index_key(folded)),
                                                              AssocType::kTagNames, rq));
  std::vector<std::string> names;
  for (auto& a : page.items)
    if (fold_tag(a.data).starts_with(folded)) names.push_back(std::move(a.data));
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return std::make_pair(a.size(), std::string_view(a)) <
           std::make_pair(b.size(), std::string_view(b));
  });
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<std::string> slice;
  for (size_t i = q.offset; i < names.size() && slice.size() < q.limit; ++i)
    slice.push_back(names[i]);
  return slice;
}

std::vector<std::string> status_query_words(std::string_view q) { return fold_words(q, false); }

std::vector<std::string> status_terms(const Post& post, bool author_indexable) {
  std::vector<std::string> terms = fold_words(post.text, false);
  for (auto& w : fold_words(post.spoiler_text, false)) terms.push_back(std::move(w));
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  // Words are lower-case letters and digits, so these upper-case prefixes never clash with them.
  terms.push_back("A" + post.account_id.to_string());
  for (Id m : post.mention_ids) terms.push_back("M" + m.to_string());
  if (author_indexable && post.visibility == Visibility::kPublic) terms.push_back("P");
  return terms;
}

Result<std::vector<PostView>> SearchService::statuses(const Viewer& viewer,
                                                      const SearchQuery& q) const {
  std::vector<PostView> out;
  const auto words = status_query_words(trim(q.q));
  if (!viewer.signed_in() || !index_ || words.empty() || q.limit == 0) return out;
  const Id me = viewer.account_id;
  StatusIndex::Query iq;
  iq.all = words;
  if (!q.account_id.is_none()) iq.all.push_back("A" + q.account_id.to_string());
  iq.any = {"A" + me.to_string(), "M" + me.to_string(), "P"};
  for (AssocType type : {AssocType::kFavourites, AssocType::kBookmarks}) {
    KINDRED_ASSIGN_OR_RETURN(auto ids, list_ids(deps_.store, me, type, kInteractionScan));
    iq.ids.insert(iq.ids.end(), ids.begin(), ids.end());
  }
  iq.min_id = q.min_id;
  iq.max_id = q.max_id;
  // Hits the viewer may no longer see (deleted, blocked, muted) are skipped, so read on until
  // the page is full.
  const size_t want = q.offset + q.limit;
  std::vector<PostView> found;
  size_t scanned = 0;
  iq.limit = want + want / 4 + 4;  // a few spare for hits that are skipped
  while (found.size() < want && scanned < kMaxStatusScan) {
    iq.offset = scanned;
    KINDRED_ASSIGN_OR_RETURN(auto ids, index_->search(iq));
    scanned += iq.limit;
    KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.visible_posts(viewer, ids));
    std::erase_if(posts, [](const Post& p) { return p.is_reblog(); });
    KINDRED_ASSIGN_OR_RETURN(auto views, posts_.views_of(viewer, std::move(posts)));
    KINDRED_RETURN_IF_ERROR(posts_.drop_muted(viewer, views));
    for (auto& v : views) found.push_back(std::move(v));
    if (ids.size() < iq.limit) break;
  }
  std::sort(found.begin(), found.end(),
            [](const PostView& a, const PostView& b) { return a.post.id > b.post.id; });
  for (size_t i = q.offset; i < found.size() && out.size() < q.limit; ++i)
    out.push_back(std::move(found[i]));
  return out;
}

}  // namespace kindred::social
