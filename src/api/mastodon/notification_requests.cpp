// Notification policy and requests (Mastodon 4.3): GET/PATCH /api/v2/notifications/policy, the
// deprecated GET/PATCH /api/v1/notifications/policy (PUT too, as Rails routes an update), and /api/v1/notifications/requests (list,
// show, accept, dismiss, their bulk forms, merged).
#include "api/mastodon/handler.h"
#include "social/graph/notification_policy.h"

namespace kindred::api {

namespace {

using social::PolicyValue;

// Mastodon's NotificationPolicy (v2) or V1::NotificationPolicy (filter_* booleans: true for
// anything but accept).
std::string policy_json(const social::PolicyView& v, bool v1) {
  std::string out;
  entities::JsonWriter w(out);
  const auto& p = v.policy;
  w.begin_object();
  if (v1) {
    w.member("filter_not_following", p.for_not_following != PolicyValue::kAccept)
        .member("filter_not_followers", p.for_not_followers != PolicyValue::kAccept)
        .member("filter_new_accounts", p.for_new_accounts != PolicyValue::kAccept)
        .member("filter_private_mentions", p.for_private_mentions != PolicyValue::kAccept);
  } else {
    w.member("for_not_following", social::policy_value_name(p.for_not_following))
        .member("for_not_followers", social::policy_value_name(p.for_not_followers))
        .member("for_new_accounts", social::policy_value_name(p.for_new_accounts))
        .member("for_private_mentions", social::policy_value_name(p.for_private_mentions))
        .member("for_limited_accounts", social::policy_value_name(p.for_limited_accounts));
  }
  w.key("summary")
      .begin_object()
      .member("pending_requests_count", v.pending_requests_count)
      .member("pending_notifications_count", v.pending_notifications_count)
      .end_object();
  w.end_object();
  return out;
}

// The v2 PATCH: each for_* given must be accept, filter or drop. Errors: InvalidArgument, before
// anything is changed.
Result<social::PolicyChange> read_change(const Input& in) {
  social::PolicyChange c;
  const std::pair<const char*, std::optional<PolicyValue>*> fields[] = {
      {"for_not_following", &c.for_not_following},
      {"for_not_followers", &c.for_not_followers},
      {"for_new_accounts", &c.for_new_accounts},
      {"for_private_mentions", &c.for_private_mentions},
      {"for_limited_accounts", &c.for_limited_accounts}};
  for (const auto& [name, field] : fields) {
    KINDRED_ASSIGN_OR_RETURN(auto text, in.string(name));
    if (!text) continue;
    auto value = social::parse_policy_value(*text);
    if (!value)
      return Status::invalid_argument(std::string("Validation failed: ") + name +
                                      " is not included in the list");
    *field = value;
  }
  return c;
}

// The v1 PUT: filter_* booleans, true meaning filter and false accept.
Result<social::PolicyChange> read_v1_change(const Input& in) {
  social::PolicyChange c;
  const std::pair<const char*, std::optional<PolicyValue>*> fields[] = {
      {"filter_not_following", &c.for_not_following},
      {"filter_not_followers", &c.for_not_followers},
      {"filter_new_accounts", &c.for_new_accounts},
      {"filter_private_mentions", &c.for_private_mentions}};
  for (const auto& [name, field] : fields) {
    KINDRED_ASSIGN_OR_RETURN(auto flag, in.boolean(name));
    if (flag) *field = *flag ? PolicyValue::kFilter : PolicyValue::kAccept;
  }
  return c;
}

void write_request(entities::JsonWriter& w, const social::NotificationRequestView& v,
                   const ApiConfig& c) {
  w.begin_object()
      .member("id", v.id.to_string())
      .member("created_at", entities::iso8601(v.created_at_ms))
      .member("updated_at", entities::iso8601(v.updated_at_ms))
      // A string, as Mastodon's serializer writes it.
      .member("notifications_count", std::to_string(v.notifications_count));
  w.key("account");
  entities::write_account(w, v.account, c);
  if (v.last_status) {
    w.key("last_status");
    entities::write_status(w, *v.last_status, c);
  } else {
    w.key("last_status").null();
  }
  w.end_object();
}

// The bulk forms' id[]: ids that are not the viewer's requests are passed over, as Mastodon's
// `where(id:)`.
std::vector<Id> request_ids(const std::vector<std::string>& given) {
  std::vector<Id> ids;
  for (const auto& s : given)
    if (auto id = Id::parse(s); id && !id->is_none()) ids.push_back(*id);
  return ids;
}

}  // namespace

void register_notification_request_routes(http::Router& router, ApiServices& s) {
  for (bool v1 : {false, true}) {
    const char* path = v1 ? "/api/v1/notifications/policy" : "/api/v2/notifications/policy";
    router.add(http::Method::kGet, path, [&s, v1](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
      API_TRY(social::PolicyView v, s.notification_policies.policy(caller.viewer()));
      return json_text_response(policy_json(v, v1));
    });
    // Rails' `update` route: PATCH (the documented method) and PUT alike, in both versions.
    for (http::Method method : {http::Method::kPatch, http::Method::kPut}) {
      router.add(method, path, [&s, v1](http::Request& req) {
        API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
        API_TRY(Input in, Input::from(req));
        API_TRY(social::PolicyChange change, v1 ? read_v1_change(in) : read_change(in));
        API_TRY(social::PolicyView v, s.notification_policies.update_policy(caller.viewer(), change));
        return json_text_response(policy_json(v, v1));
      });
    }
  }

  router.add(http::Method::kGet, "/api/v1/notifications/requests", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.notification_policies.requests(caller.viewer(), q));
    std::string out;
    entities::JsonWriter w(out);
    w.begin_array();
    for (const auto& v : page.items) write_request(w, v, s.config);
    w.end_array();
    auto res = json_text_response(std::move(out));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });

  // Accepting and dismissing finish before they answer, so accepted requests are always merged.
  router.add(http::Method::kGet, "/api/v1/notifications/requests/merged", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    return json_text_response("{\"merged\":true}");
  });

  router.add(http::Method::kGet, "/api/v1/notifications/requests/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::NotificationRequestView v,
            s.notification_policies.request(caller.viewer(), id));
    std::string out;
    entities::JsonWriter w(out);
    write_request(w, v, s.config);
    return json_text_response(std::move(out));
  });

  for (bool accept : {true, false}) {
    auto settle = [&s, accept](const social::Viewer& viewer, Id id) {
      return accept ? s.notification_policies.accept(viewer, id)
                    : s.notification_policies.dismiss(viewer, id);
    };
    router.add(http::Method::kPost,
               accept ? "/api/v1/notifications/requests/:id/accept"
                      : "/api/v1/notifications/requests/:id/dismiss",
               [&s, settle](http::Request& req) {
                 API_TRY(Caller caller,
                         authenticate(s, req, AuthNeed::kUser, "write:notifications"));
                 API_TRY(Id id, path_id(req));
                 auto done = settle(caller.viewer(), id);
                 if (!done.is_ok()) return error_response(done);
                 return json_text_response("{}");
               });
    router.add(
        http::Method::kPost,
        accept ? "/api/v1/notifications/requests/accept" : "/api/v1/notifications/requests/dismiss",
        [&s, settle](http::Request& req) {
          API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
          API_TRY(Input in, Input::from(req));
          API_TRY(auto given, in.strings("id"));
          for (Id id : request_ids(given)) {
            auto done = settle(caller.viewer(), id);
            if (!done.is_ok() && !done.is_not_found()) return error_response(done);
          }
          return json_text_response("{}");
        });
  }
}

}  // namespace kindred::api
