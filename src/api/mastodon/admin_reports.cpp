// Mastodon's admin reports API: GET /api/v1/admin/reports (filters resolved, account_id,
// target_account_id; paged by id), GET /:id, and POST /:id/assign_to_self, /unassign, /resolve,
// /reopen, answering Admin::Report. Reads need admin:read:reports (or admin:read), changes
// admin:write:reports (or admin:write), from a user token of a moderator or an admin.
#include "api/mastodon/entities/admin.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

constexpr const char* kReadScope = "admin:read:reports";
constexpr const char* kWriteScope = "admin:write:reports";
// Mastodon's LIMIT for admin reports; limit_param allows twice as many.

void add_report_change(http::Router& router, ApiServices& s, const char* path,
                       social::ReportChange change) {
  router.add(http::Method::kPost, path, [&s, change](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kWriteScope));
    API_TRY(Id id, path_id(req));
    API_TRY(social::ReportView v, s.reports.moderate(moderator, id, change));
    return json_text_response(entities::admin_report_json(v, s.config));
  });
}

}  // namespace

void register_admin_report_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/admin/reports", [&s](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kReadScope));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_admin_list_query(in));
    social::ReportFilter filter;
    API_TRY(std::optional<bool> resolved, in.boolean("resolved"));
    filter.resolved = resolved.value_or(false);
    API_TRY(std::optional<Id> account_id, in.id("account_id"));
    filter.account_id = account_id.value_or(Id());
    API_TRY(std::optional<Id> target_account_id, in.id("target_account_id"));
    filter.target_account_id = target_account_id.value_or(Id());
    API_TRY(auto page, s.reports.list_for_moderator(moderator, filter, q));
    auto res = json_text_response(entities::admin_reports_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });
  router.add(http::Method::kGet, "/api/v1/admin/reports/:id", [&s](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kReadScope));
    API_TRY(Id id, path_id(req));
    API_TRY(social::ReportView v, s.reports.get_for_moderator(moderator, id));
    return json_text_response(entities::admin_report_json(v, s.config));
  });
  add_report_change(router, s, "/api/v1/admin/reports/:id/assign_to_self",
                    social::ReportChange::kAssignToSelf);
  add_report_change(router, s, "/api/v1/admin/reports/:id/unassign", social::ReportChange::kUnassign);
  add_report_change(router, s, "/api/v1/admin/reports/:id/resolve", social::ReportChange::kResolve);
  add_report_change(router, s, "/api/v1/admin/reports/:id/reopen", social::ReportChange::kReopen);
}

}  // namespace kindred::api
