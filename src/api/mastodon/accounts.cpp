// POST /api/v1/accounts, GET verify_credentials, lookup, /:id, /:id/statuses
#include <boost/json/array.hpp>

#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

void register_account_routes(http::Router& router, ApiServices& s) {
  router.add_blocking(http::Method::kPost, "/api/v1/accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kApp, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    social::Registration r;
    API_TRY(auto username, in.string("username"));
    API_TRY(auto email, in.string("email"));
    API_TRY(auto password, in.string("password"));
    API_TRY(auto agreement, in.boolean("agreement"));
    API_TRY(auto locale, in.string("locale"));
    API_TRY(auto reason, in.string("reason"));
    r.username = username.value_or("");
    r.email = email.value_or("");
    r.password = password.value_or("");
    r.agreement = agreement.value_or(false);
    r.locale = locale.value_or("en");
    r.reason = reason.value_or("");
    API_TRY(social::App app, s.oauth.get_app(caller.grant->token.app_id));
    API_TRY(social::Account account, s.accounts.register_account(r));
    API_TRY(social::IssuedToken token, s.oauth.issue_token(app, account.id, caller.grant->token.scopes));
    return json_response(entities::token(token));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/verify_credentials", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(social::AccountView v, s.accounts.view_of(*caller.account));
    return json_text_response(entities::account_json(v, s.config, true));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/lookup", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto acct, in.string("acct"));
    if (!acct || acct->empty()) return error_response(400, "param is missing or the value is empty: acct");
    API_TRY(social::Account a, s.accounts.lookup(*acct));
    API_TRY(social::AccountView v, s.accounts.view_of(std::move(a)));
    return json_text_response(entities::account_json(v, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::AccountView v, s.accounts.view(id));
    return json_text_response(entities::account_json(v, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id/statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto pinned, in.boolean("pinned"));
    if (pinned.value_or(false)) {
      // Nothing can be pinned yet, so the pinned list is truly empty; the account must exist.
      API_TRY(social::Account a, s.accounts.get(id));
      return json_text_response("[]");
    }
    API_TRY(auto page, s.posts.account_posts(caller.viewer(), id, q));
    auto res = json_text_response(entities::statuses_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });
}

}  // namespace kindred::api
