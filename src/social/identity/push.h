#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/record.h"
#include "social/model/context.h"

namespace kindred::social {

// Which notifications a Web Push subscription asks for (Mastodon's data[alerts]).
struct PushAlerts {
  bool mention = false, status = false, reblog = false, follow = false, follow_request = false,
       favourite = false, poll = false, update = false, admin_sign_up = false, admin_report = false;
  template <class V>
  void field_list(V& v) {
    v(mention, status, reblog, follow, follow_request, favourite, poll, update, admin_sign_up,
      admin_report);
  }
};

// From whom (Mastodon's data[policy]).
enum class PushPolicy : uint8_t { kAll = 0, kFollowed = 1, kFollower = 2, kNone = 3 };
std::string_view push_policy_name(PushPolicy p);
std::optional<PushPolicy> parse_push_policy(std::string_view name);

// One access token's Web Push subscription (Mastodon's Web::PushSubscription), stored under the
// token's id: one per token, replaced by a new subscribe.
struct PushSubscription {
  Id id;
  Id account_id;
  std::string endpoint;  // an https URL of the browser's push service
  std::string p256dh;    // base64url of the subscriber's P-256 public key (65 bytes)
  std::string auth;      // base64url of its auth secret (16 bytes)
  PushAlerts alerts;
  PushPolicy policy = PushPolicy::kAll;
  bool standard = false;  // RFC 8291 encryption asked for (Mastodon 4.4)
  template <class V>
  void field_list(V& v) {
    v(id, account_id, endpoint, p256dh, auth, alerts, record::upto(policy, PushPolicy::kNone),
      standard);
  }
};

// What a client may change after subscribing (PUT): alerts given and the policy.
struct PushDataChange {
  PushAlerts alerts;
  std::optional<PushPolicy> policy;
};

// Web Push subscriptions, kept per access token. Kindred stores them but sends nothing: delivery
// needs an outbound push service and a VAPID key, and this instance has neither.
// Thread-safe: holds nothing mutable besides the store.
class PushService {
 public:
  explicit PushService(Deps deps) : deps_(deps) {}

  // Stores `sub` as the subscription of `token_id`, replacing any it had. Errors: InvalidArgument
  // (Mastodon's 422) for an endpoint that is not an https URL or keys that are not base64url of a
  // P-256 point (65 bytes) and a 16-byte secret; nothing is stored then.
  Result<PushSubscription> subscribe(Id token_id, PushSubscription sub);
  // Errors: NotFound when the token has none.
  Result<PushSubscription> get(Id token_id) const;
  // Changes the alerts and the policy. Errors: NotFound when the token has none.
  Result<PushSubscription> update(Id token_id, const PushDataChange& change);
  // Removes the token's subscription; none is not an error (Mastodon answers {} either way).
  Status remove(Id token_id);

 private:
  Deps deps_;
};

}  // namespace kindred::social
