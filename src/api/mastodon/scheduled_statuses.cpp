// GET /api/v1/scheduled_statuses, GET/PUT/DELETE /api/v1/scheduled_statuses/:id. Scheduling
// itself is POST /api/v1/statuses with scheduled_at (statuses.cpp).
#include "api/mastodon/entities/scheduled.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

void register_scheduled_status_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/scheduled_statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto page, s.scheduled.list(caller.viewer(), q));
    auto res = json_text_response(entities::scheduled_statuses_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });

  router.add(http::Method::kGet, "/api/v1/scheduled_statuses/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(auto v, s.scheduled.get(caller.viewer(), id));
    return json_text_response(entities::scheduled_status_json(v, s.config));
  });

  router.add(http::Method::kPut, "/api/v1/scheduled_statuses/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto at, in.string("scheduled_at"));
    API_TRY(auto current, s.scheduled.get(caller.viewer(), id));
    // Nothing to change without a time (Mastodon's update takes only scheduled_at).
    if (!at || at->empty()) return json_text_response(entities::scheduled_status_json(current, s.config));
    API_TRY(int64_t at_ms, parse_iso8601_ms(*at, "Scheduled at"));
    API_TRY(auto v, s.scheduled.reschedule(caller.viewer(), id, at_ms));
    return json_text_response(entities::scheduled_status_json(v, s.config));
  });

  router.add(http::Method::kDelete, "/api/v1/scheduled_statuses/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    if (Status st = s.scheduled.cancel(caller.viewer(), id); !st.is_ok()) return error_response(st);
    return json_text_response("{}");
  });
}

}  // namespace kindred::api
