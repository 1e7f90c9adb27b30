#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/model/views.h"
#include "social/posts/posts.h"

namespace kindred::social {

class FeedService;

// Which replies a list's timeline shows (Mastodon's replies_policy): replies by members to the
// owner always; to anyone the owner follows (kFollowed), to other members (kList), or to nobody
// else (kNone).
enum class RepliesPolicy : uint8_t { kList = 0, kFollowed = 1, kNone = 2 };
std::string_view replies_policy_name(RepliesPolicy p);
// Errors: InvalidArgument (Mastodon's words) for anything but list, followed, none.
Result<RepliesPolicy> parse_replies_policy(std::string_view name);

// A person's list of accounts (ObjectType::kList; the owner lists it with kLists, its members
// are kListAccounts edges positioned at the member's id, and an exclusive list is also a
// kExclusiveLists edge from the owner).
struct List {
  Id id;
  Id account_id;
  std::string title;
  RepliesPolicy replies_policy = RepliesPolicy::kList;  // Mastodon's default
  bool exclusive = false;  // members' posts are left out of the owner's home feed
  bool operator==(const List&) const = default;
  template <class V>
  void field_list(V& v) {
    v.version(1);
    v(id, account_id, title, record::upto(replies_policy, RepliesPolicy::kNone), exclusive);
  }
  std::string encode() const;
  static Result<List> decode(std::string_view bytes);
};

// A list being created (title required) or updated (each field present is set).
struct ListEdit {
  std::optional<std::string> title;
  std::optional<std::string> replies_policy;
  std::optional<bool> exclusive;
};

inline constexpr size_t kMaxListsPerAccount = 50;  // Mastodon's List::PER_ACCOUNT_LIMIT
inline constexpr size_t kMaxListTitleChars = 256;
// Members of one list. Mastodon has no limit; a list timeline merges its members' posts when
// read, so a bound keeps one page's work bounded.
inline constexpr size_t kMaxListMembers = 500;

// Adds to `b` the removal of `followee` from every list of `follower`: a follow ending takes the
// account out of one's lists, as Mastodon's ListAccount belongs to its Follow. Reads the
// follower's lists only when they have any (the count is kept in memory).
Status add_list_removals(const store::Store& store, store::Batch& b, Id follower, Id followee);

// The accounts in `owner`'s exclusive lists, sorted; empty for the many without any (one count,
// from memory). FeedService::home leaves their posts out.
Result<std::vector<Id>> exclusive_list_members(const store::Store& store, Id owner);

// People's lists (Mastodon's /api/v1/lists, their accounts and timelines). A list is its owner's
// alone: to anyone else it does not exist (NotFound). Writes of one owner's lists are serialised
// (the per-account limit and membership checks hold under concurrency). Thread-safe.
class ListService {
 public:
  ListService(Deps deps, const AccountService& accounts, const FeedService& feeds)
      : deps_(deps), accounts_(accounts), feeds_(feeds) {}

  // The owner's lists, oldest first.
  Result<std::vector<List>> lists(Id owner) const;
  // Errors: NotFound if absent or not the owner's.
  Result<List> get(Id owner, Id list_id) const;
  // Errors: InvalidArgument with Mastodon's message (blank or over-long title, unknown
  // replies_policy, the limit of lists reached). Nothing is written then.
  Result<List> create(Id owner, const ListEdit& edit);
  // Errors: NotFound; InvalidArgument as create.
  Result<List> update(Id owner, Id list_id, const ListEdit& edit);
  // Deletes the list and its memberships. Errors: NotFound.
  Status remove(Id owner, Id list_id);

  // The list's members, ordered by account id, newest first (Mastodon's order and cursors);
  // `all` ignores the query and returns every member. Errors: NotFound for the list.
  Result<Page<AccountView>> members(Id owner, Id list_id, const ListQuery& q, bool all) const;
  // Adds every account of `accounts`, all or none. Errors: NotFound for the list, an unknown
  // account or one the owner does not follow (the owner may add themself, as in Mastodon);
  // InvalidArgument ("Account has already been taken") for one already in the list or named
  // twice, or past kMaxListMembers.
  Status add_members(Id owner, Id list_id, const std::vector<Id>& accounts);
  // Removes those of `accounts` in the list; others are ignored. Errors: NotFound for the list.
  Status remove_members(Id owner, Id list_id, const std::vector<Id>& accounts);
  // The owner's lists that `account` is in, oldest first. Errors: NotFound for an unknown
  // account.
  Result<std::vector<List>> lists_with(Id owner, Id account) const;

  // The list's timeline as its owner sees it (FeedService::list_timeline). Errors: NotFound.
  Result<Page<PostView>> timeline(const Viewer& viewer, Id list_id, const ListQuery& q) const;

 private:
  std::mutex& lock_for(Id owner) const;
  // The list's members' ids. REQUIRES: the list exists.
  Result<std::vector<Id>> member_ids(Id list_id) const;

  Deps deps_;
  const AccountService& accounts_;
  const FeedService& feeds_;
  mutable std::array<std::mutex, 32> locks_;
};

}  // namespace kindred::social
