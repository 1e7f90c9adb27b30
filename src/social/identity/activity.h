#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "social/model/context.h"

namespace kindred::social {

// The first instant (Unix ms) of the week holding `ms`: Monday 00:00 UTC, as Mastodon's weeks.
int64_t week_start_ms(int64_t ms);
// The store node whose kWeeklyLogins edges list the accounts active in the week starting at
// `week_start_ms`.
Id week_node(int64_t week_start_ms);

// One week of Mastodon's instance activity.
struct WeekActivity {
  int64_t week_start_ms = 0;
  int64_t statuses = 0;       // local posts written in the week (reblogs aside)
  int64_t logins = 0;         // distinct accounts that used the API or the site in the week
  int64_t registrations = 0;  // accounts created in the week
};

// Weekly instance activity (GET /api/v1/instance/activity). Logins are recorded as people use
// their tokens: one kWeeklyLogins edge per account and week, remembered in memory so a week costs
// one write per account. Thread-safe.
class ActivityService {
 public:
  explicit ActivityService(Deps deps) : deps_(deps) {}
  ~ActivityService();
  ActivityService(const ActivityService&) = delete;
  ActivityService& operator=(const ActivityService&) = delete;

  // Records that `account` was active now. Cheap after its first call in a week; the first one
  // is written together with others (kFlushEvery per stripe, and before weeks() reads), so the
  // request path does not pay a store write per newly seen account. Marks not yet written when
  // the process dies are lost: an activity count, not worth a write per request.
  void note_active(Id account);

  // The last `weeks` weeks, the current one first. Posts and sign-ups are counted from the
  // instance's lists (at most kMaxWalk entries each; beyond that a count stops growing), and the
  // answer is kept for an hour, as Mastodon caches it for a day.
  Result<std::vector<WeekActivity>> weeks(size_t weeks) const;

  static constexpr size_t kMaxWalk = 1'000'000;

 private:
  Result<std::vector<int64_t>> count_by_week(store::AssocType list, int64_t oldest_ms, size_t weeks,
                                             int64_t newest_week_ms) const;

  // Writes the marks of `pending` (week start, account).
  void write_marks(const std::vector<std::pair<int64_t, Id>>& pending) const;
  // Writes every stripe's pending marks.
  void flush() const;

  Deps deps_;
  // Accounts already marked this week, striped by account so busy servers do not contend.
  struct Stripe {
    std::mutex mu;  // guards seen, week and pending
    std::unordered_set<Id> seen;
    int64_t week = 0;
    std::vector<std::pair<int64_t, Id>> pending;  // marks not yet written
  };
  static constexpr size_t kStripes = 16;
  static constexpr size_t kFlushEvery = 64;
  mutable std::array<Stripe, kStripes> stripes_;
  mutable std::mutex cache_mu_;
  mutable int64_t cached_at_ms_ = -1;
  mutable std::vector<WeekActivity> cached_;
};

}  // namespace kindred::social
