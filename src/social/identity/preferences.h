#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "social/model/calendar.h"
#include "social/model/context.h"
#include "social/model/models.h"
#include "social/model/record_cache.h"

namespace kindred::social {

// A change to some preferences: each field present is set; the rest stay. For region and
// time_zone an empty string clears the setting (back to the instance default, UTC).
struct PreferencesEdit {
  std::optional<bool> memories;
  std::optional<bool> support_resources;
  std::optional<std::string> region;     // ISO 3166-1 alpha-2, any case
  std::optional<std::string> time_zone;  // IANA name
  // Limits (CommentHoldService validates them): 0 ends them.
  std::optional<int64_t> limit_until_ms;
  std::optional<bool> limit_recent_followers;
  std::optional<ReplyPolicy> default_reply_policy;  // for new posts that name none
};

// Whether `code` (upper-case) is an ISO 3166-1 alpha-2 code, as the system's tz database lists
// them (/usr/share/zoneinfo/iso3166.tab, read once).
bool known_region(std::string_view code);

// Each account's Kindred preferences (memories, support cards, region, time zone).
//
// get() is cheap enough to call on every status read: records are cached (bounded, see
// RecordCache) and the cache is updated on every write, so after the first read of an account
// it costs one hash lookup. Thread-safe.
class PreferencesService {
 public:
  explicit PreferencesService(Deps deps) : deps_(deps), cache_(deps.config.account_cache_entries) {}

  // The account's preferences; the defaults (memories and support cards on, no region, no time
  // zone) when it never changed any. Does not check that the account exists.
  // Errors: Corruption or Internal from the store.
  Result<Preferences> get(Id account_id) const;
  // The account's time zone (UTC when unset).
  Result<TimeZone> time_zone(Id account_id) const;

  // Validates the whole edit first, then writes it; a failed edit changes nothing. Returns the
  // preferences now in force. Errors: InvalidArgument with a Mastodon-style message for an
  // unknown region or time zone.
  Result<Preferences> update(Id account_id, const PreferencesEdit& edit);

 private:
  Result<Preferences> load(Id account_id) const;

  Deps deps_;
  mutable RecordCache<Id, Preferences> cache_;  // update() puts the new record
  std::array<std::mutex, 16> update_locks_;     // one update per account at a time
};

}  // namespace kindred::social
