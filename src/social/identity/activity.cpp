#include "social/identity/activity.h"

#include <algorithm>

namespace kindred::social {

using store::AssocType;

namespace {
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kWeekMs = 7 * kDayMs;
constexpr int64_t kCacheMs = 60 * 60 * 1000;
// Weeks remembered in memory are bounded by the accounts active in one week.
constexpr size_t kMaxSeen = 1 << 20;
}  // namespace

int64_t week_start_ms(int64_t ms) {
  // 1970-01-01 was a Thursday: Monday 1969-12-29 starts week zero.
  const int64_t since_monday = ms + 3 * kDayMs;
  int64_t weeks = since_monday / kWeekMs;
  if (since_monday < 0 && since_monday % kWeekMs != 0) --weeks;
  return weeks * kWeekMs - 3 * kDayMs;
}

Id week_node(int64_t start_ms) {
  // Far below every real id (which carry a time in their high bits), apart from kInstanceNode.
  return Id(static_cast<uint64_t>(start_ms / kDayMs) * 8 + 3);
}

ActivityService::~ActivityService() { flush(); }

void ActivityService::note_active(Id account) {
  const int64_t week = week_start_ms(deps_.clock.now_ms());
  std::vector<std::pair<int64_t, Id>> full;
  {
    Stripe& stripe = stripes_[std::hash<Id>()(account) % kStripes];
    std::scoped_lock lock(stripe.mu);
    if (week != stripe.week || stripe.seen.size() >= kMaxSeen / kStripes) {
      stripe.seen.clear();
      stripe.week = week;
    }
    if (!stripe.seen.insert(account).second) return;
    stripe.pending.emplace_back(week, account);
    if (stripe.pending.size() < kFlushEvery) return;
    full.swap(stripe.pending);
  }
  write_marks(full);
}

void ActivityService::write_marks(const std::vector<std::pair<int64_t, Id>>& pending) const {
  if (pending.empty()) return;
  store::Batch b;
  for (const auto& [week, account] : pending)
    b.add_assoc({week_node(week), AssocType::kWeeklyLogins, account, deps_.ids.next(), {}});
  (void)deps_.store.apply(b);  // a lost activity mark is not worth failing a request for
}

void ActivityService::flush() const {
  for (Stripe& stripe : stripes_) {
    std::vector<std::pair<int64_t, Id>> pending;
    {
      std::scoped_lock lock(stripe.mu);
      pending.swap(stripe.pending);
    }
    write_marks(pending);
  }
}

Result<std::vector<int64_t>> ActivityService::count_by_week(AssocType list, int64_t oldest_ms,
                                                            size_t weeks,
                                                            int64_t newest_week_ms) const {
  std::vector<int64_t> counts(weeks, 0);
  store::RangeQuery q;
  q.min_position = Id(Id::at_ms(oldest_ms).value - 1);
  q.limit = 10'000;
  size_t walked = 0;
  while (walked < kMaxWalk) {
    KINDRED_ASSIGN_OR_RETURN(auto page, deps_.store.assoc_range(store::kInstanceNode, list, q));
    for (const auto& a : page.items) {
      const int64_t at = a.position.ms();
      if (at >= newest_week_ms + kWeekMs) continue;
      const auto index = static_cast<size_t>((newest_week_ms - week_start_ms(at)) / kWeekMs);
      if (index < weeks) ++counts[index];
    }
    walked += page.items.size();
    if (!page.more || page.items.empty()) break;
    q.max_position = page.items.back().position;
  }
  return counts;
}

Result<std::vector<WeekActivity>> ActivityService::weeks(size_t weeks) const {
  const int64_t now = deps_.clock.now_ms();
  std::scoped_lock lock(cache_mu_);
  if (cached_at_ms_ >= 0 && now - cached_at_ms_ < kCacheMs && cached_.size() == weeks &&
      week_start_ms(cached_at_ms_) == week_start_ms(now)) {
    return cached_;
  }
  flush();  // the logins still waiting to be written count too
  const int64_t newest = week_start_ms(now);
  const int64_t oldest = newest - static_cast<int64_t>(weeks - 1) * kWeekMs;
  KINDRED_ASSIGN_OR_RETURN(auto statuses,
                           count_by_week(AssocType::kInstanceStatuses, oldest, weeks, newest));
  KINDRED_ASSIGN_OR_RETURN(auto signups,
                           count_by_week(AssocType::kInstanceAccounts, oldest, weeks, newest));
  std::vector<std::pair<Id, AssocType>> lists;
  for (size_t i = 0; i < weeks; ++i)
    lists.emplace_back(week_node(newest - static_cast<int64_t>(i) * kWeekMs),
                       AssocType::kWeeklyLogins);
  KINDRED_ASSIGN_OR_RETURN(auto logins, deps_.store.assoc_counts(lists));
  std::vector<WeekActivity> out;
  for (size_t i = 0; i < weeks; ++i)
    out.push_back({newest - static_cast<int64_t>(i) * kWeekMs, statuses[i], logins[i], signups[i]});
  cached_ = out;
  cached_at_ms_ = now;
  return out;
}

}  // namespace kindred::social
