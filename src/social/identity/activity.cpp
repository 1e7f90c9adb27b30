#include "social/identity/activity.h"

#include <algorithm>

namespace kindred::social {

using store::AssocType;

namespace {
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kWeekMs = 7 * kDayMs;
constexpr int64_t kCacheMs = 60 * 60 * 1000;
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

ActivityService::~ActivityService() {
  std::scoped_lock lock(week_mu_);
  (void)persist();  // the last minute's logins; nothing to tell anyone if it fails
}

void ActivityService::note_active(Id account) {
  const int64_t now = deps_.clock.now_ms();
  const int64_t week = week_start_ms(now);
  if (week != week_.load(std::memory_order_acquire)) {
    std::scoped_lock lock(week_mu_);
    if (week != week_.load(std::memory_order_relaxed)) turn_week(week);
  }
  logins_.add(account);
  int64_t due = next_persist_ms_.load(std::memory_order_relaxed);
  if (now >= due && next_persist_ms_.compare_exchange_strong(due, now + kPersistEveryMs)) {
    std::scoped_lock lock(week_mu_);
    (void)persist();  // a lost minute of an activity count is not worth failing a request for
  }
}

void ActivityService::turn_week(int64_t week) const {
  if (week_.load(std::memory_order_relaxed) >= 0) (void)persist();
  logins_.clear();
  // A restart within the week carries on from what was written.
  if (auto stored = deps_.store.get_object(store::ObjectType::kLoginSketch, week_node(week))) {
    LoginSketch loaded;
    if (LoginSketch::decode(*stored, loaded)) logins_.merge(loaded);
  }
  week_.store(week, std::memory_order_release);
}

Status ActivityService::persist() const {
  const int64_t week = week_.load(std::memory_order_relaxed);
  if (week < 0 || logins_.empty()) return Status::ok();
  store::Batch b;
  b.put_object(store::ObjectType::kLoginSketch, week_node(week), logins_.encode());
  auto applied = deps_.store.apply(b);
  return applied.has_value() ? Status::ok() : applied.error();
}

Result<int64_t> ActivityService::stored_logins(int64_t week) const {
  auto stored = deps_.store.get_object(store::ObjectType::kLoginSketch, week_node(week));
  if (!stored.has_value()) {
    if (stored.error().is_not_found()) return int64_t{0};
    return stored.error();
  }
  LoginSketch sketch;
  if (!LoginSketch::decode(*stored, sketch)) return int64_t{0};  // unreadable: counted as none
  return sketch.estimate();
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
  {
    std::scoped_lock week_lock(week_mu_);
    if (week_start_ms(now) != week_.load(std::memory_order_relaxed)) turn_week(week_start_ms(now));
    KINDRED_RETURN_IF_ERROR(persist());  // this week's logins so far count too
  }
  const int64_t newest = week_start_ms(now);
  const int64_t oldest = newest - static_cast<int64_t>(weeks - 1) * kWeekMs;
  KINDRED_ASSIGN_OR_RETURN(auto statuses,
                           count_by_week(AssocType::kInstanceStatuses, oldest, weeks, newest));
  KINDRED_ASSIGN_OR_RETURN(auto signups,
                           count_by_week(AssocType::kInstanceAccounts, oldest, weeks, newest));
  std::vector<WeekActivity> out;
  for (size_t i = 0; i < weeks; ++i) {
    const int64_t week = newest - static_cast<int64_t>(i) * kWeekMs;
    KINDRED_ASSIGN_OR_RETURN(int64_t logins, stored_logins(week));
    out.push_back({week, statuses[i], logins, signups[i]});
  }
  cached_ = out;
  cached_at_ms_ = now;
  return out;
}

}  // namespace kindred::social
