#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "social/identity/login_sketch.h"
#include "social/model/context.h"

namespace kindred::social {

// The first instant (Unix ms) of the week holding `ms`: Monday 00:00 UTC, as Mastodon's weeks.
int64_t week_start_ms(int64_t ms);
// The id under which the week starting at `week_start_ms` keeps its logins (kLoginSketch).
Id week_node(int64_t week_start_ms);

// One week of Mastodon's instance activity.
struct WeekActivity {
  int64_t week_start_ms = 0;
  int64_t statuses = 0;       // local posts written in the week (reblogs aside)
  int64_t logins = 0;         // distinct accounts that used the API or the site in the week
  int64_t registrations = 0;  // accounts created in the week
};

// Weekly instance activity (GET /api/v1/instance/activity). Logins are recorded as people use
// their tokens, into the current week's LoginSketch in memory, which is written to the store
// (one 16 KiB kLoginSketch record) at most once every kPersistEveryMs, when the week turns, before
// weeks() reads, and on destruction. Thread-safe.
class ActivityService {
 public:
  explicit ActivityService(Deps deps) : deps_(deps) {}
  ~ActivityService();
  ActivityService(const ActivityService&) = delete;
  ActivityService& operator=(const ActivityService&) = delete;

  // Records that `account` was active now: a hash and an atomic register update, no lock and no
  // store write (but for the one request in a minute that writes the sketch). Logins of the last
  // minute are lost if the process dies: an activity count, not worth a write per request.
  void note_active(Id account);

  // The last `weeks` weeks, the current one first. Posts and sign-ups are counted from the
  // instance's lists (at most kMaxWalk entries each; beyond that a count stops growing), and the
  // answer is kept for an hour, as Mastodon caches it for a day.
  Result<std::vector<WeekActivity>> weeks(size_t weeks) const;

  static constexpr size_t kMaxWalk = 1'000'000;
  static constexpr int64_t kPersistEveryMs = 60'000;

 private:
  Result<std::vector<int64_t>> count_by_week(store::AssocType list, int64_t oldest_ms, size_t weeks,
                                             int64_t newest_week_ms) const;

  // Moves the sketch to the week starting at `week` (writing the old week's first and loading
  // what the store holds of the new one). Holds week_mu_.
  void turn_week(int64_t week) const;
  // Writes the current week's sketch. Holds week_mu_.
  Status persist() const;
  // The logins of the week starting at `week` as stored.
  Result<int64_t> stored_logins(int64_t week) const;

  Deps deps_;
  mutable std::mutex week_mu_;             // serialises turn_week and persist
  mutable std::atomic<int64_t> week_{-1};  // the start of the week `logins_` counts
  mutable std::atomic<int64_t> next_persist_ms_{0};
  mutable LoginSketch logins_;
  mutable std::mutex cache_mu_;
  mutable int64_t cached_at_ms_ = -1;
  mutable std::vector<WeekActivity> cached_;
};

}  // namespace kindred::social
