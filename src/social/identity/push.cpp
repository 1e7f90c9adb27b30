#include "social/identity/push.h"

#include <sodium.h>

namespace kindred::social {

namespace {

constexpr size_t kP256PointBytes = 65;  // an uncompressed P-256 point: 0x04, x, y
constexpr size_t kAuthSecretBytes = 16;
constexpr size_t kMaxEndpointBytes = 2048;

// The bytes of base64url text, padded or not; nullopt when it is not base64url.
std::optional<std::string> base64url_bytes(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  for (int variant : {sodium_base64_VARIANT_URLSAFE_NO_PADDING, sodium_base64_VARIANT_URLSAFE}) {
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, nullptr, variant) == 0) {
      out.resize(len);
      return out;
    }
  }
  return std::nullopt;
}

// An http(s) URL with a host, as Mastodon's URL validator takes.
bool web_url(std::string_view url) {
  if (url.empty() || url.size() > kMaxEndpointBytes) return false;
  for (char c : url)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (url.substr(0, scheme.size()) != scheme) continue;
    const auto rest = url.substr(scheme.size());
    const auto host = rest.substr(0, rest.find_first_of("/?#"));
    return !host.empty() && host.front() != ':' && host.front() != '@';
  }
  return false;
}

Status check(const PushSubscription& sub) {
  if (!web_url(sub.endpoint))
    return Status::invalid_argument("Validation failed: Endpoint is not a valid URL");
  auto key = base64url_bytes(sub.p256dh);
  if (!key || key->size() != kP256PointBytes || (*key)[0] != '\x04')
    return Status::invalid_argument(
        "Validation failed: Key p256dh must be the base64url of an uncompressed P-256 key");
  auto auth = base64url_bytes(sub.auth);
  if (!auth || auth->size() != kAuthSecretBytes)
    return Status::invalid_argument(
        "Validation failed: Key auth must be the base64url of a 16-byte secret");
  return Status::ok();
}

}  // namespace

std::string_view push_policy_name(PushPolicy p) {
  switch (p) {
    case PushPolicy::kAll:
      return "all";
    case PushPolicy::kFollowed:
      return "followed";
    case PushPolicy::kFollower:
      return "follower";
    case PushPolicy::kNone:
      return "none";
  }
  return "all";
}

std::optional<PushPolicy> parse_push_policy(std::string_view name) {
  for (auto p : {PushPolicy::kAll, PushPolicy::kFollowed, PushPolicy::kFollower, PushPolicy::kNone})
    if (push_policy_name(p) == name) return p;
  return std::nullopt;
}

Result<PushSubscription> PushService::subscribe(Id token_id, PushSubscription sub) {
  KINDRED_RETURN_IF_ERROR(check(sub));
  sub.id = deps_.ids.next();
  store::Batch b;
  b.put_object(store::ObjectType::kPushSubscription, token_id, record::encode(sub));
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return sub;
}

Result<PushSubscription> PushService::get(Id token_id) const {
  auto bytes = deps_.store.get_object(store::ObjectType::kPushSubscription, token_id);
  if (!bytes.has_value()) {
    if (bytes.error().is_not_found()) return Status::not_found("Record not found");
    return bytes.error();
  }
  return record::decode<PushSubscription>(*bytes, "push subscription");
}

Result<PushSubscription> PushService::update(Id token_id, const PushDataChange& change) {
  KINDRED_ASSIGN_OR_RETURN(PushSubscription sub, get(token_id));
  sub.alerts = change.alerts;
  if (change.policy) sub.policy = *change.policy;
  store::Batch b;
  b.put_object(store::ObjectType::kPushSubscription, token_id, record::encode(sub));
  KINDRED_RETURN_IF_ERROR(deps_.store.apply(b).status());
  return sub;
}

Status PushService::remove(Id token_id) {
  store::Batch b;
  b.delete_object(store::ObjectType::kPushSubscription, token_id);
  return deps_.store.apply(b).status();
}

}  // namespace kindred::social
