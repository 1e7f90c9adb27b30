#include "social/identity/sessions.h"

#include <algorithm>

#include "core/utf8.h"
#include "social/identity/secrets.h"

namespace kindred::social {

using store::AssocType;
using store::KeyspaceType;
using store::ObjectType;

namespace {

constexpr size_t kMaxUserAgent = 200;
constexpr size_t kMaxSessionsListed = 200;

// At most `max` bytes of `s`, cut at a character boundary; "" if it is not UTF-8.
std::string utf8_prefix(std::string_view s, size_t max) {
  if (s.size() > max) {
    size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
  }
  return valid_utf8(s) ? std::string(s) : std::string();
}

Status bad_session() { return Status::unauthenticated("The session is invalid or has ended"); }

Result<WebSession> load(const store::Store& s, Id id) {
  auto bytes = s.get_object(ObjectType::kWebSession, id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return WebSession::decode(*bytes);
}

}  // namespace

Result<NewSession> SessionService::create(Id account_id, std::string_view user_agent,
                                          std::string_view ip) {
  NewSession out;
  out.secret = random_token();
  WebSession& s = out.session;
  s.id = deps_.ids.next();
  s.account_id = account_id;
  s.hash = hash_secret(out.secret);
  s.csrf = random_token();
  s.created_at_ms = deps_.clock.now_ms();
  s.last_seen_ms = s.created_at_ms;
  s.user_agent = utf8_prefix(user_agent, kMaxUserAgent);
  s.ip = std::string(ip.substr(0, 64));
  store::Batch b;
  b.claim_key(KeyspaceType::kSessionHash, s.hash, s.id);
  b.put_object(ObjectType::kWebSession, s.id, s.encode());
  b.add_assoc({account_id, AssocType::kAccountSessions, s.id, s.id, {}});
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  cache_.put(s.hash, std::make_shared<const WebSession>(s));
  return out;
}

Result<WebSession> SessionService::authenticate(std::string_view secret) {
  if (secret.empty() || secret.size() > 200) return bad_session();
  const std::string hash = hash_secret(secret);
  std::shared_ptr<const WebSession> found;
  if (auto cached = cache_.find(hash)) {
    if (!*cached) return bad_session();
    found = *cached;
  } else {
    // The key and the record in one read (one round trip over the network).
    auto keyed = deps_.store.get_keyed_object(KeyspaceType::kSessionHash, hash, ObjectType::kWebSession);
    if (!keyed.has_value()) return keyed.error().is_not_found() ? bad_session() : keyed.error();
    KINDRED_ASSIGN_OR_RETURN(WebSession s, WebSession::decode(keyed->bytes));
    found = std::make_shared<const WebSession>(std::move(s));
    cache_.insert_if_absent(hash, found);
  }
  const int64_t now = deps_.clock.now_ms();
  if (now - found->last_seen_ms > kIdleLimitMs) {
    KINDRED_RETURN_IF_ERROR(remove(*found));
    return bad_session();
  }
  if (now - found->last_seen_ms > kTouchIntervalMs) {
    // Under the session's lock, and only while the cache still holds it: a touch racing with the
    // session's end must not write the ended session back.
    std::scoped_lock lock(lock_for(found->id));
    auto current = cache_.find(hash);
    if (current && !*current) return bad_session();  // ended since it was read
    if (!current) return *found;                       // evicted: touched another time
    WebSession touched = **current;
    touched.last_seen_ms = now;
    store::Batch b;
    b.put_object(ObjectType::kWebSession, touched.id, touched.encode());
    // A failed touch costs only an older "last seen": the session itself is fine.
    if (deps_.store.apply(b).has_value())
      cache_.put(hash, std::make_shared<const WebSession>(touched));
    return touched;
  }
  return *found;
}

Result<std::vector<WebSession>> SessionService::list(Id account_id) {
  store::RangeQuery q;
  q.limit = kMaxSessionsListed;
  KINDRED_ASSIGN_OR_RETURN(auto edges,
                           deps_.store.assoc_range(account_id, AssocType::kAccountSessions, q));
  std::vector<WebSession> out;
  out.reserve(edges.items.size());
  const int64_t now = deps_.clock.now_ms();
  for (const auto& e : edges.items) {
    auto s = load(deps_.store, e.to);
    if (!s.has_value()) {
      if (s.error().is_not_found()) continue;
      return s.error();
    }
    // A browser thrown away never comes back to end its session: it ends here, when listed.
    if (now - s->last_seen_ms > kIdleLimitMs) {
      KINDRED_RETURN_IF_ERROR(remove(*s));
      continue;
    }
    out.push_back(std::move(*s));
  }
  return out;
}

Status SessionService::remove(const WebSession& s) {
  std::scoped_lock lock(lock_for(s.id));
  store::Batch b;
  b.release_key(KeyspaceType::kSessionHash, s.hash);
  b.delete_object(ObjectType::kWebSession, s.id);
  b.remove_assoc(s.account_id, AssocType::kAccountSessions, s.id);
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  // A request racing with the end may still pass; none after this.
  cache_.tombstone(s.hash);
  return Status::ok();
}

Status SessionService::end(Id account_id, Id session_id) {
  auto s = load(deps_.store, session_id);
  if (!s.has_value()) return s.error();
  if (s->account_id != account_id) return Status::not_found("Record not found");
  return remove(*s);
}

Status SessionService::end_all_except(Id account_id, Id keep) {
  // Pages of the list until none but `keep` is left.
  for (;;) {
    KINDRED_ASSIGN_OR_RETURN(auto sessions, list(account_id));
    size_t ended = 0;
    for (const auto& s : sessions) {
      if (s.id == keep) continue;
      KINDRED_RETURN_IF_ERROR(remove(s));
      ++ended;
    }
    if (ended == 0 || sessions.size() < kMaxSessionsListed) return Status::ok();
  }
}

}  // namespace kindred::social
