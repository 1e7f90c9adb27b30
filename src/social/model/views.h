#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "social/model/models.h"

namespace kindred::social {

struct SupportCard;
struct Filter;
struct PollView;

// One of the viewer's filters matching a post (Mastodon's FilterResult): the filter, the text
// its keywords matched (null when none did) and the post ids it lists (null when none).
struct FilterResult {
  std::shared_ptr<const Filter> filter;
  std::optional<std::vector<std::string>> keyword_matches;
  std::optional<std::vector<Id>> status_matches;
};

// Who is asking: an account, or nobody (signed out, or an app token without a user).
struct Viewer {
  Id account_id;  // none when signed out
  bool signed_in() const { return !account_id.is_none(); }
};

// An account with everything an entity needs, so the API layer never reads the store.
struct AccountView {
  Account account;
  int64_t statuses_count = 0;
  int64_t followers_count = 0;
  int64_t following_count = 0;
  int64_t last_status_at_ms = 0;  // 0 when the account never posted
};

struct MentionView {
  Id id;
  std::string username;
  bool operator==(const MentionView&) const = default;
};

// A post as one viewer sees it: the record, its author, exact counts and the viewer's own flags.
struct PostView {
  Post post;
  AccountView author;
  int64_t replies_count = 0;
  int64_t favourites_count = 0;
  int64_t reblogs_count = 0;
  bool favourited = false;  // meaningful only for a signed-in viewer
  bool bookmarked = false;  // likewise
  bool reblogged = false;   // likewise; on a reblog, whether the viewer reblogged its original
  bool muted = false;       // likewise: the viewer muted the post's thread
  bool viewer_signed_in = false;
  bool viewer_is_author = false;
  bool can_reply = false;   // the viewer may comment, thread root included (comment_controls.h)
  bool pinned = false;      // meaningful only for the author
  bool comment_pinned = false;  // a reply its parent's author pinned (Kindred extension)
  // The viewer is the parent's author reviewing a held reply: the view says why it is held. Its
  // writer is not told (as the best photo apps hide such comments).
  bool in_review = false;
  std::optional<App> app;   // the posting application, shown to the author only
  std::vector<MentionView> mentions;
  std::vector<Media> media;  // attached photos, in order
  // On a reblog: the original post as the same viewer sees it (never itself a reblog).
  std::shared_ptr<const PostView> reblog;
  // Support resources for a post on a sensitive topic (social/care/support.h), or null.
  std::shared_ptr<const SupportCard> support;
  // The viewer's active filters matching the post (social/care/filters.h); signed-in viewers only.
  std::vector<FilterResult> filtered;
  // Its poll as the viewer sees it (social/posts/polls.h), or null.
  std::shared_ptr<const PollView> poll;
};

// One page of a time-ordered list. `positions[i]` is the cursor of `items[i]` (for Link headers);
// it is the item's own id for statuses, and the time-ordered id of the relation otherwise
// (e.g. when the like happened, for favourited_by).
template <class T>
struct Page {
  std::vector<T> items;
  std::vector<Id> positions;
};

struct ContextView {
  std::vector<PostView> ancestors;    // root first
  std::vector<PostView> descendants;  // depth-first, the author's own replies first at each level
};

}  // namespace kindred::social
