#include "social/graph/lists.h"

#include <algorithm>

#include "social/graph/feeds.h"
#include "social/model/text.h"
#include "store/fresh_reads.h"

namespace kindred::social {

using store::AssocType;
using store::ObjectType;

std::string_view replies_policy_name(RepliesPolicy p) {
  switch (p) {
    case RepliesPolicy::kList:
      return "list";
    case RepliesPolicy::kFollowed:
      return "followed";
    case RepliesPolicy::kNone:
      return "none";
  }
  return "list";
}

Result<RepliesPolicy> parse_replies_policy(std::string_view name) {
  for (RepliesPolicy p : {RepliesPolicy::kList, RepliesPolicy::kFollowed, RepliesPolicy::kNone})
    if (replies_policy_name(p) == name) return p;
  // Rails' enum answers an unknown value with ArgumentError, which the controller makes a 422.
  return Status::invalid_argument("'" + std::string(name) + "' is not a valid replies_policy");
}

std::string List::encode() const { return record::encode(*this); }
Result<List> List::decode(std::string_view bytes) { return record::decode<List>(bytes, "list"); }

namespace {

// The ids along `from`'s `type` list, newest first, at most `limit`.
Result<std::vector<Id>> ids_along(const store::Store& store, Id from, AssocType type,
                                  size_t limit) {
  store::RangeQuery q;
  q.limit = limit;
  KINDRED_ASSIGN_OR_RETURN(auto page, store.assoc_range(from, type, q));
  std::vector<Id> out;
  out.reserve(page.items.size());
  for (const auto& a : page.items) out.push_back(a.to);
  return out;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

// Applies the edit to `l` and checks it as Mastodon validates a list.
Status apply_edit(List& l, const ListEdit& e) {
  if (e.title) l.title = *e.title;
  if (blank(l.title)) return Status::invalid_argument("Validation failed: Title can't be blank");
  KINDRED_RETURN_IF_ERROR(check_length("Title", l.title, kMaxListTitleChars));
  if (e.replies_policy) {
    KINDRED_ASSIGN_OR_RETURN(l.replies_policy, parse_replies_policy(*e.replies_policy));
  }
  if (e.exclusive) l.exclusive = *e.exclusive;
  return Status::ok();
}

}  // namespace

Status add_list_removals(const store::Store& store, store::Batch& b, Id follower, Id followee) {
  const store::FreshReads fresh;  // the lists as stored now: a cached 0 would leave members behind
  KINDRED_ASSIGN_OR_RETURN(int64_t count, store.assoc_count(follower, AssocType::kLists));
  if (count == 0) return Status::ok();
  KINDRED_ASSIGN_OR_RETURN(
      auto lists, ids_along(store, follower, AssocType::kLists, static_cast<size_t>(count) + 1));
  // Removing an edge that is not there changes nothing, so no membership needs reading.
  for (Id list : lists) b.remove_assoc(list, AssocType::kListAccounts, followee);
  return Status::ok();
}

Result<std::vector<Id>> exclusive_list_members(const store::Store& store, Id owner) {
  std::vector<Id> out;
  KINDRED_ASSIGN_OR_RETURN(int64_t count, store.assoc_count(owner, AssocType::kExclusiveLists));
  if (count == 0) return out;
  KINDRED_ASSIGN_OR_RETURN(
      auto lists, ids_along(store, owner, AssocType::kExclusiveLists, kMaxListsPerAccount));
  for (Id list : lists) {
    KINDRED_ASSIGN_OR_RETURN(auto members,
                             ids_along(store, list, AssocType::kListAccounts, kMaxListMembers));
    out.insert(out.end(), members.begin(), members.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::mutex& ListService::lock_for(Id owner) const {
  return locks_[std::hash<Id>()(owner) % locks_.size()];
}

Result<std::vector<List>> ListService::lists(Id owner) const {
  store::RangeQuery q;
  q.limit = kMaxListsPerAccount + 1;
  q.oldest_first = true;
  KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(owner, AssocType::kLists, q));
  std::vector<List> out;
  if (page.items.empty()) return out;
  std::vector<Id> ids;
  for (const auto& a : page.items) ids.push_back(a.to);
  KINDRED_ASSIGN_OR_RETURN(auto blobs, deps_.store.get_objects(ObjectType::kList, ids));
  for (const auto& b : blobs) {
    if (!b) continue;
    KINDRED_ASSIGN_OR_RETURN(List l, List::decode(*b));
    out.push_back(std::move(l));
  }
  return out;
}

Result<List> ListService::get(Id owner, Id list_id) const {
  auto bytes = deps_.store.get_object(ObjectType::kList, list_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  KINDRED_ASSIGN_OR_RETURN(List l, List::decode(*bytes));
  if (l.account_id != owner) return Status::not_found("Record not found");
  return l;
}

Result<List> ListService::create(Id owner, const ListEdit& edit) {
  List l;
  l.account_id = owner;
  if (!edit.title) return Status::invalid_argument("Validation failed: Title can't be blank");
  KINDRED_RETURN_IF_ERROR(apply_edit(l, edit));
  std::scoped_lock lock(lock_for(owner));
  // Checked and written together: read the store as it is now, not a cache (store/fresh_reads.h).
  const store::FreshReads fresh;
  KINDRED_ASSIGN_OR_RETURN(int64_t count, deps_.store.assoc_count(owner, AssocType::kLists));
  if (count >= static_cast<int64_t>(kMaxListsPerAccount))
    return Status::invalid_argument(
        "Validation failed: You have reached the maximum number of lists");
  l.id = deps_.ids.next();
  store::Batch b;
  b.put_object(ObjectType::kList, l.id, l.encode());
  b.add_assoc({owner, AssocType::kLists, l.id, l.id, {}});
  if (l.exclusive) b.add_assoc({owner, AssocType::kExclusiveLists, l.id, l.id, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return l;
}

Result<List> ListService::update(Id owner, Id list_id, const ListEdit& edit) {
  std::scoped_lock lock(lock_for(owner));
  KINDRED_ASSIGN_OR_RETURN(List l, get(owner, list_id));
  KINDRED_RETURN_IF_ERROR(apply_edit(l, edit));
  store::Batch b;
  b.put_object(ObjectType::kList, l.id, l.encode());
  if (l.exclusive) {
    b.add_assoc({owner, AssocType::kExclusiveLists, l.id, l.id, {}});
  } else {
    b.remove_assoc(owner, AssocType::kExclusiveLists, l.id);
  }
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return l;
}

Status ListService::remove(Id owner, Id list_id) {
  std::scoped_lock lock(lock_for(owner));
  KINDRED_RETURN_IF_ERROR(get(owner, list_id).status());
  KINDRED_ASSIGN_OR_RETURN(auto members, member_ids(list_id));
  store::Batch b;
  b.delete_object(ObjectType::kList, list_id);
  b.remove_assoc(owner, AssocType::kLists, list_id);
  b.remove_assoc(owner, AssocType::kExclusiveLists, list_id);
  for (Id m : members) b.remove_assoc(list_id, AssocType::kListAccounts, m);
  return deps_.store.apply(b).status();
}

Result<std::vector<Id>> ListService::member_ids(Id list_id) const {
  return ids_along(deps_.store, list_id, AssocType::kListAccounts, kMaxListMembers);
}

Result<Page<AccountView>> ListService::members(Id owner, Id list_id, const ListQuery& q,
                                               bool all) const {
  KINDRED_RETURN_IF_ERROR(get(owner, list_id).status());
  ListQuery every;
  every.limit = kMaxListMembers;
  return accounts_along(deps_.store, accounts_, list_id, AssocType::kListAccounts, all ? every : q);
}

Status ListService::add_members(Id owner, Id list_id, const std::vector<Id>& accounts) {
  std::scoped_lock lock(lock_for(owner));
  // Checked and written together: read the store as it is now, not a cache (store/fresh_reads.h).
  const store::FreshReads fresh;
  KINDRED_RETURN_IF_ERROR(get(owner, list_id).status());
  if (accounts.empty()) return Status::ok();
  // As Mastodon: every account must exist (Account.find), then each must be followed by the
  // owner (ListAccount's Follow.find_by!) and not be in the list yet (uniqueness), all in one
  // transaction.
  for (Id a : accounts) KINDRED_RETURN_IF_ERROR(accounts_.get(a).status());
  KINDRED_ASSIGN_OR_RETURN(auto followed,
                           deps_.store.assocs_exist(owner, AssocType::kFollows, accounts));
  KINDRED_ASSIGN_OR_RETURN(auto in_list,
                           deps_.store.assocs_exist(list_id, AssocType::kListAccounts, accounts));
  std::vector<Id> seen;
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (!followed[i] && accounts[i] != owner) return Status::not_found("Record not found");
    if (in_list[i] || std::find(seen.begin(), seen.end(), accounts[i]) != seen.end())
      return Status::invalid_argument("Validation failed: Account has already been taken");
    seen.push_back(accounts[i]);
  }
  KINDRED_ASSIGN_OR_RETURN(int64_t count,
                           deps_.store.assoc_count(list_id, AssocType::kListAccounts));
  if (count + static_cast<int64_t>(accounts.size()) > static_cast<int64_t>(kMaxListMembers))
    return Status::invalid_argument("Validation failed: a list has at most " +
                                    std::to_string(kMaxListMembers) + " accounts");
  store::Batch b;
  for (Id a : accounts) b.add_assoc({list_id, AssocType::kListAccounts, a, a, {}});
  return deps_.store.apply(b).status();
}

Status ListService::remove_members(Id owner, Id list_id, const std::vector<Id>& accounts) {
  std::scoped_lock lock(lock_for(owner));
  KINDRED_RETURN_IF_ERROR(get(owner, list_id).status());
  store::Batch b;
  for (Id a : accounts) b.remove_assoc(list_id, AssocType::kListAccounts, a);
  if (b.empty()) return Status::ok();
  return deps_.store.apply(b).status();
}

Result<std::vector<List>> ListService::lists_with(Id owner, Id account) const {
  KINDRED_RETURN_IF_ERROR(accounts_.get(account).status());
  KINDRED_ASSIGN_OR_RETURN(auto all, lists(owner));
  std::vector<List> out;
  for (auto& l : all) {
    KINDRED_ASSIGN_OR_RETURN(bool in,
                             deps_.store.assoc_exists(l.id, AssocType::kListAccounts, account));
    if (in) out.push_back(std::move(l));
  }
  return out;
}

Result<Page<PostView>> ListService::timeline(const Viewer& viewer, Id list_id,
                                             const ListQuery& q) const {
  KINDRED_ASSIGN_OR_RETURN(List l, get(viewer.account_id, list_id));
  KINDRED_ASSIGN_OR_RETURN(auto members, member_ids(list_id));
  std::sort(members.begin(), members.end());
  return feeds_.list_timeline(viewer, l, members, q);
}

}  // namespace kindred::social
