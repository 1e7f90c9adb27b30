// Web Push subscriptions: POST/GET/PUT/DELETE /api/v1/push/subscription, one per access token.
// Stored only: this instance has no VAPID key and cannot reach push services, so nothing is sent
// (server_key is empty, as on a server without Web Push).
#include "social/identity/push.h"

#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

// A boolean as Rails reads a parameter. Errors: InvalidArgument.
Result<bool> flag(std::string_view name, std::string_view v) {
  if (auto b = rails_boolean(v)) return *b;
  return Status::invalid_argument("Validation failed: " + std::string(name) + " is not a boolean");
}

// data[alerts][...] and data[policy], from a form or JSON. Errors: InvalidArgument.
Result<social::PushDataChange> read_data(const Input& in) {
  social::PushDataChange d;
  const std::pair<std::string_view, bool*> alerts[] = {
      {"[alerts][mention]", &d.alerts.mention},
      {"[alerts][status]", &d.alerts.status},
      {"[alerts][reblog]", &d.alerts.reblog},
      {"[alerts][follow]", &d.alerts.follow},
      {"[alerts][follow_request]", &d.alerts.follow_request},
      {"[alerts][favourite]", &d.alerts.favourite},
      {"[alerts][poll]", &d.alerts.poll},
      {"[alerts][update]", &d.alerts.update},
      {"[alerts][admin.sign_up]", &d.alerts.admin_sign_up},
      {"[alerts][admin.report]", &d.alerts.admin_report}};
  for (const auto& [rest, value] : in.flattened("data")) {
    if (rest == "[policy]") {
      d.policy = social::parse_push_policy(value);
      if (!d.policy)
        return Status::invalid_argument("Validation failed: Policy is not included in the list");
      continue;
    }
    for (const auto& [name, field] : alerts) {
      if (rest != name) continue;
      KINDRED_ASSIGN_OR_RETURN(*field, flag("data" + rest, value));
    }
  }
  return d;
}

std::string subscription_json(const social::PushSubscription& sub) {
  std::string out;
  entities::JsonWriter w(out);
  const auto& a = sub.alerts;
  w.begin_object()
      .member("id", sub.id.to_string())
      .member("endpoint", sub.endpoint)
      .member("standard", sub.standard);
  w.key("alerts")
      .begin_object()
      .member("mention", a.mention)
      .member("status", a.status)
      .member("reblog", a.reblog)
      .member("follow", a.follow)
      .member("follow_request", a.follow_request)
      .member("favourite", a.favourite)
      .member("poll", a.poll)
      .member("update", a.update)
      .member("admin.sign_up", a.admin_sign_up)
      .member("admin.report", a.admin_report)
      .end_object();
  w.member("server_key", "").member("policy", social::push_policy_name(sub.policy));
  w.end_object();
  return out;
}

}  // namespace

void register_push_routes(http::Router& router, ApiServices& s) {
  constexpr const char* kPath = "/api/v1/push/subscription";

  router.add(http::Method::kPost, kPath, [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "push"));
    API_TRY(Input in, Input::from(req));
    social::PushSubscription sub;
    sub.account_id = caller.viewer().account_id;
    for (const auto& [rest, value] : in.flattened("subscription")) {
      if (rest == "[endpoint]") sub.endpoint = value;
      if (rest == "[keys][p256dh]") sub.p256dh = value;
      if (rest == "[keys][auth]") sub.auth = value;
      if (rest == "[standard]") {
        API_TRY(sub.standard, flag("subscription[standard]", value));
      }
    }
    API_TRY(social::PushDataChange data, read_data(in));
    sub.alerts = data.alerts;
    sub.policy = data.policy.value_or(social::PushPolicy::kAll);
    API_TRY(auto stored, s.push.subscribe(caller.grant->token.id, std::move(sub)));
    return json_text_response(subscription_json(stored));
  });

  router.add(http::Method::kGet, kPath, [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "push"));
    API_TRY(auto sub, s.push.get(caller.grant->token.id));
    return json_text_response(subscription_json(sub));
  });

  router.add(http::Method::kPut, kPath, [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "push"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::PushDataChange data, read_data(in));
    API_TRY(auto sub, s.push.update(caller.grant->token.id, data));
    return json_text_response(subscription_json(sub));
  });

  router.add(http::Method::kDelete, kPath, [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "push"));
    auto done = s.push.remove(caller.grant->token.id);
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });
}

}  // namespace kindred::api
