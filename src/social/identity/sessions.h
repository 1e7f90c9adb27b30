#pragma once

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "social/model/context.h"
#include "social/model/models.h"
#include "social/model/record_cache.h"

namespace kindred::social {

// The cookie that names a session: the web pages set it, and the API takes it (with the
// session's CSRF token in a header) from the pages' own scripts.
inline constexpr std::string_view kSessionCookie = "kindred_session";
// What a session may do through the API: everything its person may.
inline constexpr std::string_view kSessionScopes = "read write follow push";

// A session just begun: the only time the cookie's secret exists outside the browser.
struct NewSession {
  std::string secret;
  WebSession session;
};

// Browsers signed in to Kindred's own pages. A session is named by a 256-bit secret the browser
// keeps in an HttpOnly cookie; the store keeps only its hash, so a copy of the data directory
// signs no one in. Sessions unused for `kIdleLimitMs` end. Validated sessions are cached in memory
// (bounded) and dropped from the cache when they end.
// Thread-safe.
class SessionService {
 public:
  static constexpr int64_t kIdleLimitMs = 90LL * 24 * 60 * 60 * 1000;
  // last_seen_ms is written at most this often per session.
  static constexpr int64_t kTouchIntervalMs = 5LL * 60 * 1000;

  explicit SessionService(Deps deps) : deps_(deps), cache_(deps.config.token_cache_entries) {}

  // Begins a session for `account_id`. `user_agent` and `ip` are kept to tell sessions apart in
  // the settings.
  Result<NewSession> create(Id account_id, std::string_view user_agent, std::string_view ip);
  // The session `secret` names. Errors: Unauthenticated if unknown, ended or idle too long (an
  // idle one is deleted then).
  Result<WebSession> authenticate(std::string_view secret);
  // The account's sessions, newest first (at most 200). Sessions idle too long end here.
  Result<std::vector<WebSession>> list(Id account_id);
  // Ends one of the account's sessions. Errors: NotFound if it is not theirs (or already ended).
  Status end(Id account_id, Id session_id);
  // Ends every session of the account except `keep` (none: all of them).
  Status end_all_except(Id account_id, Id keep);

 private:
  Status remove(const WebSession& s);
  std::mutex& lock_for(Id id) { return locks_[std::hash<Id>()(id) % locks_.size()]; }

  Deps deps_;
  RecordCache<std::string, WebSession> cache_;  // by hash; an ended session leaves a tombstone
  std::array<std::mutex, 16> locks_;             // a session's touch and end, one at a time
};

}  // namespace kindred::social
