#pragma once

#include <optional>
#include <string>
#include <vector>

#include "social/identity/accounts.h"
#include "social/model/calendar.h"
#include "social/model/context.h"
#include "social/posts/posts.h"
#include "social/identity/preferences.h"
#include "social/model/views.h"

namespace kindred::social {

// One memory: a post of the reader's own from this day in an earlier year.
struct MemoryView {
  int years_ago = 0;  // 1 for last year
  CivilDate date;     // the day it was posted, in the reader's time zone
  PostView post;
};

// A hidden range as given by its owner (dates "YYYY-MM-DD", both days included).
struct NewHiddenRange {
  std::string start_date;
  std::string end_date;
  std::string note;
};

// "Memories, gently": the reader's own posts from this calendar day in earlier years, and the
// rules that keep some of them away. A rule (a hidden date range, account or post) stays until
// its owner deletes it. Thread-safe: holds nothing mutable besides the store.
class MemoryService {
 public:
  static constexpr int kMaxYearsBack = 20;         // memories reach back at most this many years
  static constexpr size_t kMaxPerDay = 20;         // posts read from one earlier day
  static constexpr size_t kMaxHiddenRanges = 100;  // per person
  static constexpr int64_t kMaxHiddenRangeDays = 3660;  // about ten years
  static constexpr size_t kMaxNoteChars = 200;          // bytes of UTF-8, in fact

  MemoryService(Deps deps, const AccountService& accounts, const PostService& posts,
                const PreferencesService& preferences)
      : deps_(deps), accounts_(accounts), posts_(posts), preferences_(preferences) {}

  // The viewer's own posts (not reblogs; any visibility) from the calendar day `on` (default:
  // today in the viewer's time zone) in earlier years, newest year first and newest first
  // within a day. A post from 29 February shows on 29 February in leap years and on 28
  // February in the others. Empty when the viewer turned memories off. Leaves out posts the
  // viewer hid, posts on hidden days, and posts that mention or reply to a hidden account.
  // Reads one short range of the viewer's posts per earlier year (at most kMaxYearsBack, and
  // none before the viewer's first post). REQUIRES: viewer.signed_in().
  Result<std::vector<MemoryView>> memories(const Viewer& viewer,
                                           std::optional<CivilDate> on = std::nullopt) const;

  // Hides the viewer's memories from the days start_date..end_date. Errors: InvalidArgument
  // for a date that is not YYYY-MM-DD, an end before the start, a span over kMaxHiddenRangeDays,
  // an over-long note, or more than kMaxHiddenRanges ranges.
  Result<HiddenRange> hide_range(const Viewer& viewer, const NewHiddenRange& in);
  // The viewer's hidden ranges, most recently added first.
  Result<std::vector<HiddenRange>> hidden_ranges(const Viewer& viewer) const;
  // Errors: NotFound if the viewer has no such range.
  Status unhide_range(const Viewer& viewer, Id range_id);

  // Hides memories that mention or reply to `account_id`. Idempotent.
  // Errors: NotFound for an unknown account; InvalidArgument for the viewer themself.
  Result<AccountView> hide_account(const Viewer& viewer, Id account_id);
  Result<Page<AccountView>> hidden_accounts(const Viewer& viewer, const ListQuery& q) const;
  // Errors: NotFound if the account is not hidden.
  Status unhide_account(const Viewer& viewer, Id account_id);

  // Hides one of the viewer's own posts from memories. Idempotent.
  // Errors: NotFound unless it is the viewer's own post (not a reblog).
  Result<PostView> hide_status(const Viewer& viewer, Id status_id);
  // The hidden posts that still exist, most recently hidden first.
  Result<Page<PostView>> hidden_statuses(const Viewer& viewer, const ListQuery& q) const;
  // Errors: NotFound if the post is not hidden.
  Status unhide_status(const Viewer& viewer, Id status_id);

 private:
  Status remove_rule(const Viewer& viewer, store::AssocType type, Id to);

  Deps deps_;
  const AccountService& accounts_;
  const PostService& posts_;
  const PreferencesService& preferences_;
};

// The days of year `year` whose posts are memories on `today`: [first, end) as civil dates, or
// nullopt when there is none (29 February of a common year). On 28 February of a common year a
// leap year's window also takes in 29 February.
struct DayWindow {
  CivilDate first;
  CivilDate end;  // exclusive
};
std::optional<DayWindow> memory_window(const CivilDate& today, int year);

}  // namespace kindred::social
