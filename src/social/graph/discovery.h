#pragma once

#include <string>
#include <vector>

#include "social/graph/relationships.h"

namespace kindred::social {

enum class DirectoryOrder { kActive, kNew };

// A person suggested to follow, and why (Mastodon 4.3's Suggestion `sources`).
struct Suggestion {
  AccountView account;
  std::string source;  // "friends_of_friends" or "most_followed"
};

// Accounts accepted into the directory and suggestions: approved, not made for load tests.
bool listable(const Account& a);

// Finding people: the profile directory, follow suggestions and familiar followers. Reads are
// bounded: each looks at a window of the newest accounts and relations (the constants below).
// Thread-safe: holds nothing mutable besides the store.
class DiscoveryService {
 public:
  DiscoveryService(Deps deps, const AccountService& accounts) : deps_(deps), accounts_(accounts) {}

  // The directory (every listable account: Kindred's accounts are all discoverable), by recent
  // posts (`kActive`: newest post first, those who never posted last) or newest first (`kNew`),
  // from `offset`, at most `limit`. A signed-in viewer does not see accounts they block, are
  // blocked by or mute.
  Result<std::vector<AccountView>> directory(const Viewer& viewer, size_t offset, size_t limit,
                                             DirectoryOrder order) const;

  // Whom the viewer might follow: accounts followed by the people they follow (the most shared
  // first), then the most followed accounts. Never the viewer, anyone they follow, asked to
  // follow, block, are blocked by or mute, a suggestion they dismissed, nor a memorial account.
  // REQUIRES: viewer.signed_in().
  Result<std::vector<Suggestion>> suggestions(const Viewer& viewer, size_t limit) const;
  // Never suggests `account` to the viewer again. Idempotent; an unknown account changes
  // nothing and is no error (as Mastodon).
  Status dismiss_suggestion(const Viewer& viewer, Id account);

  // For each of `ids` (unknown ones skipped), the accounts the viewer follows that follow it.
  struct Familiar {
    Id id;
    std::vector<AccountView> accounts;
  };
  Result<std::vector<Familiar>> familiar_followers(const Viewer& viewer,
                                                   const std::vector<Id>& ids) const;

  static constexpr size_t kAccountWindow =
      2000;                                     // newest accounts the directory and popularity read
  static constexpr size_t kFollowWindow = 200;  // follows read per person for friends of friends
  static constexpr size_t kFollowerWindow = 1000;  // followers read per account for familiar ones

 private:
  // The newest listable accounts of the instance, at most kAccountWindow, newest first.
  Result<std::vector<AccountView>> recent_accounts() const;
  // Which of `ids` the viewer must not be shown: blocks either way and mutes in force.
  Result<std::vector<bool>> excluded(const Viewer& viewer, const std::vector<Id>& ids) const;
  Result<std::vector<Id>> range_ids(Id from, store::AssocType type, size_t limit) const;

  Deps deps_;
  const AccountService& accounts_;
};

}  // namespace kindred::social
