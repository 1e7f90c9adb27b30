// The audit log of moderator actions: GET /api/v1/kindred/admin/audit_log, newest first, paged
// by id with Mastodon's Link header. Mastodon has no REST route for its audit log (only the admin
// page /admin/action_logs); who may read it follows its AuditLogPolicy (`view_audit_log`, held by
// the default Moderator and Admin roles). Needs a user token with admin:read.
#include "api/mastodon/entities/audit.h"
#include "api/mastodon/handler.h"
#include "social/safety/audit_views.h"

namespace kindred::api {

void register_kindred_audit_log_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/kindred/admin/audit_log", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "admin:read"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_admin_list_query(in));
    API_TRY(auto page, social::read_audit_log(s.reports.audit_log(), s.accounts, *caller.account, q));
    auto res = json_text_response(entities::audit_entries_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });
}

}  // namespace kindred::api
