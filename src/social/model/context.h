#pragma once

#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "store/store.h"

namespace kindred {
class SharedState;   // core/shared_state.h
class Invalidation;  // core/invalidation.h
}

namespace kindred::social {

// Instance-wide rules the domain enforces. Constant after start-up.
struct SocialConfig {
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string domain = "127.0.0.1:8080";           // the host part of base_url, for acct and mentions
  size_t max_status_chars = 500;
  size_t max_spoiler_chars = 500;   // counted together with text, as Mastodon does
  size_t context_ancestors_limit = 40;
  size_t context_descendants_limit = 60;
  size_t context_descendants_depth = 20;
  // The "top" comment order ranks at most this many direct replies of one post (the newest);
  // older ones follow them, newest first. Bounds the work of one comments page.
  size_t comments_ranked_limit = 5000;
  // In-memory caches of decoded records (bounded; a few hundred bytes each). Records read once
  // stay in a quarter of each (RecordCache's probation part), so the rest fills only with records
  // read again: for accounts and tokens, a read storm's 100,000 viewers (docs/PERFORMANCE.md,
  // "Issue 20, fourth slice").
  size_t post_cache_entries = 1 << 16;
  size_t account_cache_entries = 1 << 18;
  size_t token_cache_entries = 1 << 18;
  // Tokens from the client_credentials grant (an app acting as itself: registering accounts,
  // public reads) expire after this long, and an app keeps at most this many: issuing one more
  // revokes its oldest. Tokens of a person never expire (as Mastodon's).
  int64_t app_token_lifetime_ms = 24LL * 60 * 60 * 1000;
  size_t app_tokens_per_app = 100;
  // A post's first this many likes each notify its author in the v1 notifications list (as
  // Mastodon's one notification per like); the likes beyond them share the post's one like notice
  // (social::LikeNotices), so a celebrity's post does not write a notification per like.
  size_t exact_like_notifications = 1000;
};

// What every service borrows: the store, the clock, the id generator and the rules. Built once in
// main and outliving every service. Not copyable.
struct Deps {
  store::Store& store;
  const Clock& clock;
  IdGenerator& ids;
  const SocialConfig& config;
  // Several nodes: locks and claims that must hold across them (core/shared_state.h); null on
  // one node.
  SharedState* shared = nullptr;
  // What a service changed that other nodes may cache, told after commit (one node: this one's
  // handlers only). Never null once the instance is built; null in tests that build services alone.
  Invalidation* invalidation = nullptr;
};

}  // namespace kindred::social
