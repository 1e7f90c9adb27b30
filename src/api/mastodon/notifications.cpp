// GET /api/v1/notifications, /api/v1/notifications/:id, POST .../:id/dismiss, POST .../clear.
#include "api/mastodon/handler.h"
#include "social/notifications.h"

namespace kindred::api {

namespace {

// Mastodon's type names. Ones Kindred never sends (status, poll, update, admin.*...)
// match nothing; so does an unknown name.
Result<social::NotificationQuery> read_query(const Input& in, bool& matches_nothing) {
  social::NotificationQuery q;
  KINDRED_ASSIGN_OR_RETURN(q.page, parse_list_query(in, 40, 80));
  KINDRED_ASSIGN_OR_RETURN(auto types, in.strings("types"));
  KINDRED_ASSIGN_OR_RETURN(auto excluded, in.strings("exclude_types"));
  KINDRED_ASSIGN_OR_RETURN(auto account, in.id("account_id"));
  for (const auto& t : types)
    if (auto parsed = social::parse_notification_type(t)) q.types.push_back(*parsed);
  matches_nothing = !types.empty() && q.types.empty();
  for (const auto& t : excluded)
    if (auto parsed = social::parse_notification_type(t)) q.exclude_types.push_back(*parsed);
  q.account_id = account.value_or(Id());
  return q;
}

void write_notification(entities::JsonWriter& w, const social::NotificationView& v,
                        const ApiConfig& c) {
  const auto& n = v.notification;
  w.begin_object()
      .member("id", n.id.to_string())
      .member("type", social::notification_type_name(n.type))
      .member("created_at", entities::iso8601(n.id.ms()))
      .member("group_key", "ungrouped-" + n.id.to_string());
  w.key("account");
  entities::write_account(w, v.account, c);
  if (v.status) {
    w.key("status");
    entities::write_status(w, *v.status, c);
  }
  w.end_object();
}

}  // namespace

void register_notification_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/notifications", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Input in, Input::from(req));
    bool matches_nothing = false;
    API_TRY(social::NotificationQuery q, read_query(in, matches_nothing));
    if (matches_nothing) return json_text_response("[]");
    API_TRY(auto page, s.notifications.list(caller.viewer(), q));
    std::string out;
    entities::JsonWriter w(out);
    w.begin_array();
    for (const auto& v : page.items) write_notification(w, v, s.config);
    w.end_array();
    auto res = json_text_response(std::move(out));
    add_link_header(res, s.config.base_url, req, page.positions, q.page.limit);
    return res;
  });

  router.add(http::Method::kGet, "/api/v1/notifications/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:notifications"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::NotificationView v, s.notifications.get(caller.viewer(), id));
    std::string out;
    entities::JsonWriter w(out);
    write_notification(w, v, s.config);
    return json_text_response(std::move(out));
  });

  router.add(http::Method::kPost, "/api/v1/notifications/:id/dismiss", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
    API_TRY(Id id, path_id(req));
    auto done = s.notifications.dismiss(caller.viewer(), id);
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });

  router.add(http::Method::kPost, "/api/v1/notifications/clear", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:notifications"));
    auto done = s.notifications.clear(caller.viewer());
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });
}

}  // namespace kindred::api
