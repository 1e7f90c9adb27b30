#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "social/posts/posts.h"

namespace kindred::social {

struct TrendConfig {
  int64_t window_ms = 7LL * 24 * 60 * 60 * 1000;  // posts older than this never trend
  int64_t half_life_ms = 12LL * 60 * 60 * 1000;   // an interaction counts half after this long
  size_t max_statuses = 2000;  // scored posts kept; the lowest go first
  size_t max_tags = 5000;      // tags kept with a score and a week of history
  size_t rebuild_posts = 50'000;  // at most this many recent posts are read at start-up
  double min_status_score = 2.0;  // about two recent interactions before a post trends
  int64_t min_tag_accounts = 2;   // distinct accounts using a tag in the window before it trends
};

// One day of a hashtag's use: the day's UTC midnight, uses and distinct accounts.
struct TagDay {
  int64_t day_ms = 0;
  int64_t uses = 0;
  int64_t accounts = 0;
};

// What is trending: posts and hashtags ranked by recent interactions that decay with time.
//
// Kept in memory, never written per like: a like, a comment or a reblog adds to its post's
// score, a public post adds to its hashtags' scores and their daily history, each under one
// mutex in O(1). Scores are stored scaled by 2^(t/half_life) from a reference time, so decay
// needs no periodic pass and ranking compares stored values; the reference moves forward (a
// rescale) once a month. Each map is bounded: past its limit, the lowest scores are dropped.
// load() rebuilds the state at start-up from the store (recent posts, their like, reply and
// reblog counts counted at posting time), so a restart loses only the exact timing.
//
// Which posts may trend (Kindred's choice; Mastodon asks moderators to review each): public,
// top-level, not reblogs, without a content warning or a sensitive mark (care content is not
// pushed to strangers), written in the window. At read time, posts of memorial accounts and of
// accounts awaiting approval are left out, and so is what the viewer may not see or mutes.
// Thread-safe.
class TrendService : public PostListener {
 public:
  TrendService(Deps deps, const PostService& posts, TrendConfig config = {});
  TrendService(const TrendService&) = delete;
  TrendService& operator=(const TrendService&) = delete;

  // Rebuilds the scores and histories from the newest posts in the store. Call once at start-up,
  // before serving and before anything is posted.
  Status load();

  // A post was written: a use of its tags, a comment on or a reblog of another post.
  void post_created(const Post& post) override;
  // `viewer` newly liked `target` (never a reblog).
  void liked(const Post& target, Id viewer);

  // Trending posts as `viewer` sees them, best first: the `limit` after the first `offset`.
  Result<std::vector<PostView>> statuses(const Viewer& viewer, size_t offset, size_t limit) const;
  // Trending hashtag names, best first: the `limit` after the first `offset`.
  std::vector<std::string> tags(size_t offset, size_t limit) const;
  // The last 7 days of `tag` (lower-cased), today first.
  std::vector<TagDay> history(std::string_view tag) const;

 private:
  static constexpr int kDays = 7;
  struct Day {
    int64_t day = -1;  // days since the epoch, or -1 when unused
    int64_t uses = 0;
    std::unordered_set<Id> accounts;  // bounded: past kMaxDayAccounts only `extra` grows
    int64_t extra_accounts = 0;
  };
  struct TagEntry {
    double score = 0;  // scaled, see above
    Day days[kDays];   // ring by day number
  };
  // Whether `post` may trend at `now_ms` (the rules above that need only the post).
  bool may_trend(const Post& post, int64_t now_ms) const;
  // The scaled weight of an interaction at `at_ms`. REQUIRES: mutex_ held.
  double weight_at(int64_t at_ms);
  void add_status_score(Id post, double w);           // REQUIRES: mutex_ held
  void add_tag_use(const std::string& tag, Id account, int64_t at_ms);  // REQUIRES: mutex_ held
  static double score_of(double score) { return score; }
  static double score_of(const TagEntry& e) { return e.score; }
  // Drops the lowest entries of `map` when it holds more than `limit`, never `spare`.
  template <class Map>
  void trim(Map& map, size_t limit, const typename Map::key_type& spare);  // REQUIRES: mutex_ held
  // Score entries whose post ids are best, above the threshold, best first.
  std::vector<Id> ranked_statuses() const;

  Deps deps_;
  const PostService& posts_;
  const TrendConfig config_;

  mutable std::mutex mutex_;
  int64_t reference_ms_ = 0;                        // GUARDED_BY(mutex_)
  std::unordered_map<Id, double> statuses_;         // GUARDED_BY(mutex_)
  std::unordered_map<std::string, TagEntry> tags_;  // GUARDED_BY(mutex_)
};

}  // namespace kindred::social
