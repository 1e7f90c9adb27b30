// Mastodon's admin accounts API: GET /api/v1/admin/accounts (v1 filters) and
// /api/v2/admin/accounts (v2 filters), GET /:id, POST /:id/action (none, sensitive, disable,
// silence, suspend), /approve, /reject, /enable, /unsensitive, /unsilence, /unsuspend, and
// DELETE /:id, answering Admin::Account. Reads need admin:read:accounts (or admin:read), changes
// admin:write:accounts (or admin:write), from a user token of a moderator or an admin; the rules
// of who may do what are social::ModerationService's.
#include "api/mastodon/entities/admin.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

constexpr const char* kReadScope = "admin:read:accounts";
constexpr const char* kWriteScope = "admin:write:accounts";
// Mastodon's LIMIT for admin accounts; limit_param allows twice as many.

// The string filters both versions share (username, display_name, email); ip and by_domain
// match nothing Kindred keeps (no addresses stored, every account local), so given, they match
// no account, as on Mastodon with no such account.
Result<social::AccountFilter> common_filter(const Input& in, bool& matches_nothing) {
  social::AccountFilter f;
  KINDRED_ASSIGN_OR_RETURN(auto username, in.string("username"));
  KINDRED_ASSIGN_OR_RETURN(auto display_name, in.string("display_name"));
  KINDRED_ASSIGN_OR_RETURN(auto email, in.string("email"));
  KINDRED_ASSIGN_OR_RETURN(auto ip, in.string("ip"));
  KINDRED_ASSIGN_OR_RETURN(auto by_domain, in.string("by_domain"));
  f.username = username.value_or("");
  f.display_name = display_name.value_or("");
  f.email = email.value_or("");
  matches_nothing = (ip && !ip->empty()) || (by_domain && !by_domain->empty());
  return f;
}

// v1: boolean flags, the first one set choosing the status.
Result<social::AccountFilter> v1_filter(const Input& in, bool& matches_nothing) {
  KINDRED_ASSIGN_OR_RETURN(social::AccountFilter f, common_filter(in, matches_nothing));
  for (const char* status : {"active", "pending", "disabled", "silenced", "suspended", "sensitized"}) {
    KINDRED_ASSIGN_OR_RETURN(auto set, in.boolean(status));
    if (set.value_or(false)) {
      f.status = status;
      break;
    }
  }
  KINDRED_ASSIGN_OR_RETURN(auto remote, in.boolean("remote"));
  f.remote_only = remote.value_or(false);
  KINDRED_ASSIGN_OR_RETURN(auto staff, in.boolean("staff"));
  f.staff_only = staff.value_or(false);
  return f;
}

// v2: origin, status, permissions; unknown values are refused as Mastodon's AccountFilter does.
Result<social::AccountFilter> v2_filter(const Input& in, bool& matches_nothing) {
  KINDRED_ASSIGN_OR_RETURN(social::AccountFilter f, common_filter(in, matches_nothing));
  KINDRED_ASSIGN_OR_RETURN(auto origin, in.string("origin"));
  if (origin && !origin->empty()) {
    if (*origin != "local" && *origin != "remote")
      return Status::invalid_argument("Unknown origin: " + *origin);
    f.remote_only = *origin == "remote";
  }
  KINDRED_ASSIGN_OR_RETURN(auto status, in.string("status"));
  if (status && !status->empty()) {
    if (*status != "active" && *status != "pending" && *status != "disabled" &&
        *status != "silenced" && *status != "suspended")
      return Status::invalid_argument("Unknown status: " + *status);
    f.status = *status;
  }
  KINDRED_ASSIGN_OR_RETURN(auto permissions, in.string("permissions"));
  if (permissions && !permissions->empty()) {
    if (*permissions != "staff") return Status::invalid_argument("Unknown permissions: " + *permissions);
    f.staff_only = true;
  }
  return f;
}

using FilterReader = Result<social::AccountFilter> (*)(const Input&, bool&);

void add_list(http::Router& router, ApiServices& s, const char* path, FilterReader read) {
  router.add(http::Method::kGet, path, [&s, read](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kReadScope));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_admin_list_query(in));
    bool nothing = false;
    auto filter = read(in, nothing);
    // Mastodon answers an unknown filter value with 400.
    if (!filter.has_value()) return error_response(400, filter.error().message());
    // Addresses and other servers' accounts: none kept, so such a filter matches no account.
    if (nothing) filter->remote_only = true;
    API_TRY(auto page, s.moderation->list(moderator, *filter, q));
    auto res = json_text_response(entities::admin_accounts_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });
}

using Change = std::function<Result<social::AdminAccountView>(const social::Account&, Id)>;

void add_change(http::Router& router, ApiServices& s, http::Method method, const char* path,
                Change change) {
  router.add(method, path, [&s, change](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kWriteScope));
    API_TRY(Id id, path_id(req));
    API_TRY(social::AdminAccountView v, change(moderator, id));
    return json_text_response(entities::admin_account_json(v.view, s.config));
  });
}

}  // namespace

void register_admin_account_routes(http::Router& router, ApiServices& s) {
  if (!s.moderation) return;
  add_list(router, s, "/api/v1/admin/accounts", v1_filter);
  add_list(router, s, "/api/v2/admin/accounts", v2_filter);
  router.add(http::Method::kGet, "/api/v1/admin/accounts/:id", [&s](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kReadScope));
    API_TRY(Id id, path_id(req));
    API_TRY(social::AdminAccountView v, s.moderation->get(moderator, id));
    return json_text_response(entities::admin_account_json(v.view, s.config));
  });
  router.add(http::Method::kPost, "/api/v1/admin/accounts/:id/action", [&s](http::Request& req) {
    API_TRY(social::Account moderator, admin_caller(s, req, kWriteScope));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto type, in.string("type"));
    social::ActionRequest r;
    if (type && !type->empty()) {
      auto parsed = social::parse_account_action(*type);
      if (!parsed) {
        return error_response(422,
                              "Validation failed: Type is not included in the list");
      }
      r.type = *parsed;
    }
    API_TRY(auto report_id, in.id("report_id"));
    r.report_id = report_id.value_or(Id());
    API_TRY(auto text, in.string("text"));
    r.text = text.value_or("");
    API_TRY(auto send, in.boolean("send_email_notification"));
    r.send_email_notification = send.value_or(true);
    API_TRY(auto done, s.moderation->act(moderator, id, r));
    (void)done;
    return json_text_response("{}");  // Mastodon answers an empty object
  });
  auto& m = *s.moderation;
  add_change(router, s, http::Method::kPost, "/api/v1/admin/accounts/:id/approve",
             [&m](const social::Account& mod, Id id) { return m.approve(mod, id); });
  add_change(router, s, http::Method::kPost, "/api/v1/admin/accounts/:id/reject",
             [&m](const social::Account& mod, Id id) { return m.reject(mod, id); });
  add_change(router, s, http::Method::kPost, "/api/v1/admin/accounts/:id/enable",
             [&m](const social::Account& mod, Id id) { return m.undo(mod, id, social::AccountUndo::kEnable); });
  add_change(router, s, http::Method::kPost, "/api/v1/admin/accounts/:id/unsensitive",
             [&m](const social::Account& mod, Id id) { return m.undo(mod, id, social::AccountUndo::kUnsensitive); });
  add_change(router, s, http::Method::kPost, "/api/v1/admin/accounts/:id/unsilence",
             [&m](const social::Account& mod, Id id) { return m.undo(mod, id, social::AccountUndo::kUnsilence); });
  add_change(router, s, http::Method::kPost, "/api/v1/admin/accounts/:id/unsuspend",
             [&m](const social::Account& mod, Id id) { return m.undo(mod, id, social::AccountUndo::kUnsuspend); });
  add_change(router, s, http::Method::kDelete, "/api/v1/admin/accounts/:id",
             [&m](const social::Account& mod, Id id) { return m.remove(mod, id); });
}

}  // namespace kindred::api
