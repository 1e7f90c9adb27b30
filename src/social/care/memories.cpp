#include "social/care/memories.h"
#include "social/model/text.h"
#include "store/fresh_reads.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace kindred::social {

using store::AssocType;

std::optional<DayWindow> memory_window(const CivilDate& today, int year) {
  if (today.month == 2 && today.day == 29) {
    if (!is_leap_year(year)) return std::nullopt;
    return DayWindow{{year, 2, 29}, {year, 3, 1}};
  }
  const CivilDate first{year, today.month, today.day};
  if (today.month == 2 && today.day == 28 && !is_leap_year(today.year) && is_leap_year(year))
    return DayWindow{first, {year, 3, 1}};
  return DayWindow{first, next_day(first)};
}

namespace {

struct ParsedRange {
  CivilDate start, end;
};

}  // namespace

Result<std::vector<MemoryView>> MemoryService::memories(const Viewer& viewer,
                                                        std::optional<CivilDate> on) const {
  const Id me = viewer.account_id;
  std::vector<MemoryView> out;
  KINDRED_ASSIGN_OR_RETURN(Preferences prefs, preferences_.get(me));
  if (!prefs.memories) return out;
  KINDRED_ASSIGN_OR_RETURN(TimeZone zone, preferences_.time_zone(me));
  const CivilDate today = on ? *on : zone.date_at(deps_.clock.now_ms());

  // No year before the first post needs reading.
  store::RangeQuery first_q;
  first_q.oldest_first = true;
  first_q.limit = 1;
  KINDRED_ASSIGN_OR_RETURN(auto first, deps_.store.assoc_range(me, AssocType::kAuthored, first_q));
  if (first.items.empty()) return out;
  const int oldest_year =
      std::max(zone.date_at(first.items.front().position.ms()).year, today.year - kMaxYearsBack);

  std::vector<Id> ids;
  for (int year = today.year - 1; year >= oldest_year; --year) {
    auto window = memory_window(today, year);
    if (!window) continue;
    store::RangeQuery q;
    q.max_position = Id::at_ms(zone.day_start_ms(window->end));
    const Id start = Id::at_ms(zone.day_start_ms(window->first));
    q.min_position = start.value > 0 ? Id(start.value - 1) : Id();  // bounds are exclusive
    q.limit = kMaxPerDay;
    KINDRED_ASSIGN_OR_RETURN(auto range, deps_.store.assoc_range(me, AssocType::kAuthored, q));
    for (const auto& a : range.items) ids.push_back(a.to);
  }
  if (ids.empty()) return out;

  KINDRED_ASSIGN_OR_RETURN(auto loaded, posts_.visible_posts(viewer, ids));
  std::vector<Post> posts;
  for (auto& p : loaded)
    if (!p.is_reblog() && p.account_id == me) posts.push_back(std::move(p));
  if (posts.empty()) return out;

  // The rules: hidden posts, accounts and days.
  std::vector<Id> post_ids, involved;
  std::unordered_set<Id> seen_involved;
  auto involve = [&](Id id) {
    if (!id.is_none() && id != me && seen_involved.insert(id).second) involved.push_back(id);
  };
  for (const auto& p : posts) {
    post_ids.push_back(p.id);
    involve(p.in_reply_to_account_id);
    for (Id m : p.mention_ids) involve(m);
  }
  KINDRED_ASSIGN_OR_RETURN(
      auto hidden_posts, deps_.store.assocs_exist(me, AssocType::kMemoryHiddenStatuses, post_ids));
  std::unordered_set<Id> hidden_accounts;
  if (!involved.empty()) {
    KINDRED_ASSIGN_OR_RETURN(
        auto hidden, deps_.store.assocs_exist(me, AssocType::kMemoryHiddenAccounts, involved));
    for (size_t i = 0; i < involved.size(); ++i)
      if (hidden[i]) hidden_accounts.insert(involved[i]);
  }
  KINDRED_ASSIGN_OR_RETURN(auto ranges, hidden_ranges(viewer));
  std::vector<ParsedRange> days;
  for (const auto& r : ranges) {
    auto s = parse_date(r.start_date), e = parse_date(r.end_date);
    if (s && e) days.push_back({*s, *e});
  }

  std::vector<Post> kept;
  std::vector<CivilDate> dates;
  for (size_t i = 0; i < posts.size(); ++i) {
    const Post& p = posts[i];
    if (hidden_posts[i]) continue;
    if (hidden_accounts.count(p.in_reply_to_account_id)) continue;
    if (std::any_of(p.mention_ids.begin(), p.mention_ids.end(),
                    [&](Id m) { return hidden_accounts.count(m) > 0; }))
      continue;
    const CivilDate d = zone.date_at(p.created_at_ms);
    if (std::any_of(days.begin(), days.end(),
                    [&](const ParsedRange& r) { return r.start <= d && d <= r.end; }))
      continue;
    kept.push_back(p);
    dates.push_back(d);
  }
  std::unordered_map<Id, CivilDate> date_of;
  for (size_t i = 0; i < kept.size(); ++i) date_of.emplace(kept[i].id, dates[i]);
  KINDRED_ASSIGN_OR_RETURN(auto views, posts_.views_of(viewer, std::move(kept)));
  for (auto& v : views) {
    const CivilDate d = date_of.at(v.post.id);
    out.push_back({today.year - d.year, d, std::move(v)});
  }
  return out;
}

Result<HiddenRange> MemoryService::hide_range(const Viewer& viewer, const NewHiddenRange& in) {
  auto start = parse_date(in.start_date);
  if (!start)
    return Status::invalid_argument("Validation failed: Start date must be a date, YYYY-MM-DD");
  auto end = parse_date(in.end_date);
  if (!end)
    return Status::invalid_argument("Validation failed: End date must be a date, YYYY-MM-DD");
  if (*end < *start)
    return Status::invalid_argument(
        "Validation failed: End date must not be before the start date");
  if (days_since_epoch(*end) - days_since_epoch(*start) + 1 > kMaxHiddenRangeDays)
    return Status::invalid_argument("Validation failed: Date range must be at most ten years long");
  KINDRED_RETURN_IF_ERROR(check_length("Note", in.note, kMaxNoteChars));
  const store::FreshReads fresh;  // the limit as stored now
  KINDRED_ASSIGN_OR_RETURN(
      int64_t n, deps_.store.assoc_count(viewer.account_id, AssocType::kMemoryHiddenRanges));
  if (n >= static_cast<int64_t>(kMaxHiddenRanges))
    return Status::invalid_argument("Validation failed: You can hide at most 100 date ranges");
  HiddenRange r;
  r.id = deps_.ids.next();
  r.start_date = format_date(*start);
  r.end_date = format_date(*end);
  r.note = in.note;
  store::Batch b;
  b.add_assoc({viewer.account_id, AssocType::kMemoryHiddenRanges, r.id, r.id, r.encode()});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return r;
}

Result<std::vector<HiddenRange>> MemoryService::hidden_ranges(const Viewer& viewer) const {
  store::RangeQuery q;
  q.limit = kMaxHiddenRanges;
  KINDRED_ASSIGN_OR_RETURN(
      auto range, deps_.store.assoc_range(viewer.account_id, AssocType::kMemoryHiddenRanges, q));
  std::vector<HiddenRange> out;
  out.reserve(range.items.size());
  for (const auto& a : range.items) {
    KINDRED_ASSIGN_OR_RETURN(HiddenRange r, HiddenRange::decode(a.data));
    out.push_back(std::move(r));
  }
  return out;
}

Status MemoryService::remove_rule(const Viewer& viewer, AssocType type, Id to) {
  store::Batch b;
  b.remove_assoc(viewer.account_id, type, to);
  KINDRED_ASSIGN_OR_RETURN(auto outcome, deps_.store.apply(b));
  if (!outcome.assoc_removed.front()) return Status::not_found("Record not found");
  return Status::ok();
}

Status MemoryService::unhide_range(const Viewer& viewer, Id range_id) {
  return remove_rule(viewer, AssocType::kMemoryHiddenRanges, range_id);
}

Result<AccountView> MemoryService::hide_account(const Viewer& viewer, Id account_id) {
  KINDRED_ASSIGN_OR_RETURN(AccountView v, accounts_.view(account_id));
  if (account_id == viewer.account_id)
    return Status::invalid_argument("Validation failed: You cannot hide your own account");
  store::Batch b;
  b.add_assoc(
      {viewer.account_id, AssocType::kMemoryHiddenAccounts, account_id, deps_.ids.next(), {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return v;
}

Result<Page<AccountView>> MemoryService::hidden_accounts(const Viewer& viewer,
                                                         const ListQuery& q) const {
  return accounts_along(deps_.store, accounts_, viewer.account_id, AssocType::kMemoryHiddenAccounts,
                        q);
}

Status MemoryService::unhide_account(const Viewer& viewer, Id account_id) {
  return remove_rule(viewer, AssocType::kMemoryHiddenAccounts, account_id);
}

Result<PostView> MemoryService::hide_status(const Viewer& viewer, Id status_id) {
  KINDRED_ASSIGN_OR_RETURN(Post post, posts_.get_visible_post(viewer, status_id));
  if (post.account_id != viewer.account_id || post.is_reblog())
    return Status::not_found("Record not found");
  store::Batch b;
  b.add_assoc(
      {viewer.account_id, AssocType::kMemoryHiddenStatuses, status_id, deps_.ids.next(), {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return posts_.view_of(viewer, std::move(post));
}

Result<Page<PostView>> MemoryService::hidden_statuses(const Viewer& viewer,
                                                      const ListQuery& lq) const {
  bool reverse = false;
  KINDRED_ASSIGN_OR_RETURN(
      auto range, deps_.store.assoc_range(viewer.account_id, AssocType::kMemoryHiddenStatuses,
                                          to_range_query(lq, reverse)));
  if (reverse) std::reverse(range.items.begin(), range.items.end());
  std::vector<Id> ids;
  std::unordered_map<Id, Id> position_of;
  for (const auto& a : range.items) {
    ids.push_back(a.to);
    position_of.emplace(a.to, a.position);
  }
  KINDRED_ASSIGN_OR_RETURN(auto posts, posts_.visible_posts(viewer, ids));
  KINDRED_ASSIGN_OR_RETURN(auto views, posts_.views_of(viewer, std::move(posts)));
  Page<PostView> page;
  for (auto& v : views) {
    page.positions.push_back(position_of.at(v.post.id));
    page.items.push_back(std::move(v));
  }
  return page;
}

Status MemoryService::unhide_status(const Viewer& viewer, Id status_id) {
  return remove_rule(viewer, AssocType::kMemoryHiddenStatuses, status_id);
}

}  // namespace kindred::social
