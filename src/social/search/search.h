#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "social/identity/accounts.h"
#include "social/model/context.h"
#include "social/model/views.h"
#include "social/posts/posts.h"

namespace kindred::social {

class StatusIndex;

// One day of a hashtag's use (Mastodon's Tag history): posts using it and distinct authors.
// A hashtag as Mastodon's Tag entity needs it.
struct SearchQuery {
  std::string q;
  size_t limit = 20;
  size_t offset = 0;
  bool following = false;  // accounts: only those the searcher follows
  Id account_id;           // statuses: only this account's
  Id min_id;               // statuses: only newer
  Id max_id;               // statuses: only older
};

// Account, hashtag and post search. Thread-safe: holds nothing mutable besides the store.
class SearchService {
 public:
  SearchService(Deps deps, const AccountService& accounts, const PostService& posts)
      : deps_(deps), accounts_(accounts), posts_(posts) {}

  // Accounts whose username or display name has a word run starting with the query's folded
  // words ("@ann", "ann@this.domain" and "Ann Sm" all work; accents and case do not matter).
  // The account the query names exactly comes first (at offset 0), then those the viewer
  // follows, then the rest by followers. Accounts awaiting approval, and those blocking or
  // blocked by the viewer, are left out. A signed-out viewer gets only the exact match for
  // queries shorter than 3 characters, as Mastodon. Another domain's accounts are never found.
  Result<std::vector<AccountView>> accounts(const Viewer& viewer, const SearchQuery& q) const;

  // Hashtags whose folded name starts with the query's ("#Caf" finds "café"), shortest first,
  // then by name (TagService::views gives their Tag views).
  Result<std::vector<std::string>> hashtags(const SearchQuery& q) const;

  // Posts containing every word of the query, newest first, among those Mastodon 4.2 lets the
  // viewer find: their own, those mentioning them, those they liked or bookmarked, and public
  // posts of accounts that opted in (`indexable`); all of them visible to the viewer now, their
  // authors not muted. Empty when signed out or when no index is set.
  Result<std::vector<PostView>> statuses(const Viewer& viewer, const SearchQuery& q) const;

  // Set once at start-up, before serving. Not owned; may be null (status search finds nothing).
  void set_index(const StatusIndex* index) { index_ = index; }

 private:
  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  const StatusIndex* index_ = nullptr;
};

// The terms `post` is indexed under for status search: its folded words (text and content
// warning), "A<author id>", "M<id>" for each mentioned account, and "P" when anyone may find it
// (a public post of an account with `indexable` on). `author_indexable` is the author's setting.
std::vector<std::string> status_terms(const Post& post, bool author_indexable);
// The folded words of a status search query, as status_terms indexes them.
std::vector<std::string> status_query_words(std::string_view q);

}  // namespace kindred::social
