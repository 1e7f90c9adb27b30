#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "social/identity/accounts.h"
#include "social/posts/posts.h"
#include "social/posts/trends.h"

namespace kindred::social {

// A hashtag as one viewer sees it (Mastodon's Tag).
struct TagView {
  Id id;             // the tag's store node (tag_node), stable: Mastodon 4.4's Tag id
  std::string name;  // lower-cased, as posts store it
  std::vector<TagDay> history;  // the last 7 days, today first
  std::optional<bool> following;  // set for a signed-in viewer
  std::optional<bool> featuring;  // likewise: on the viewer's profile
};

// A hashtag featured on a profile (Mastodon's FeaturedTag).
struct FeaturedTagView {
  Id id;
  std::string name;
  std::string username;  // whose profile, for its URL
  int64_t statuses_count = 0;  // the account's public and unlisted posts using it
  int64_t last_status_at_ms = 0;  // 0 when none
};

// Hashtags: their use, following them (their public posts then come into the follower's home
// feed: FeedService writes them there on posting and checks the follow when read), and featuring
// them on a profile (at most 10). A tag is named by its lower-cased name; a name that is no
// hashtag (social/model/text.h) is NotFound, as in Mastodon. Thread-safe: holds nothing mutable
// besides the store.
class TagService {
 public:
  static constexpr size_t kMaxFeatured = 10;

  TagService(Deps deps, const AccountService& accounts, const TrendService& trends)
      : deps_(deps), accounts_(accounts), trends_(trends) {}

  // The tag named `name` (any case, no '#'), whether used or not. Errors: NotFound for a name
  // that is no hashtag.
  Result<TagView> tag(const Viewer& viewer, std::string_view name) const;
  // Views of tags by normalised name, in order (e.g. trending ones).
  Result<std::vector<TagView>> views(const Viewer& viewer, const std::vector<std::string>& names) const;

  // Follows / unfollows the tag; idempotent. Errors: NotFound as tag(). REQUIRES: signed in.
  Result<TagView> follow(const Viewer& viewer, std::string_view name);
  Result<TagView> unfollow(const Viewer& viewer, std::string_view name);
  // The tags the viewer follows, most recently followed first; positions are follow times.
  Result<Page<TagView>> followed(const Viewer& viewer, const ListQuery& q) const;

  // The tags `account_id` features, most used first. Errors: NotFound for an unknown account.
  Result<std::vector<FeaturedTagView>> featured(Id account_id) const;
  // Features `name` (a leading '#' and spaces are dropped) on the viewer's profile.
  // Errors: InvalidArgument (Mastodon's validation words) for a name that is no hashtag, one
  // already featured, or past kMaxFeatured.
  Result<FeaturedTagView> feature(const Viewer& viewer, std::string_view name);
  // Errors: NotFound if `id` is not one of the viewer's featured tags.
  Status unfeature(const Viewer& viewer, Id id);
  // Up to 10 tags the viewer used lately and does not feature, most recent first.
  Result<std::vector<TagView>> suggestions(const Viewer& viewer) const;

 private:
  // The viewer's featured tags as stored: (id, name).
  Result<std::vector<std::pair<Id, std::string>>> featured_names(Id account_id) const;
  Result<FeaturedTagView> featured_view(const Account& account, Id id, const std::string& name) const;

  Deps deps_;
  const AccountService& accounts_;
  const TrendService& trends_;
};

}  // namespace kindred::social
