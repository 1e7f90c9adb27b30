// POST /api/v1/apps, GET /api/v1/apps/verify_credentials
#include "api/mastodon/handler.h"

namespace kindred::api {

void register_app_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kPost, "/api/v1/apps", [&s](http::Request& req) {
    API_TRY(Input in, Input::from(req));
    API_TRY(auto name, in.string("client_name"));
    if (!name || name->empty()) return error_response(422, "Validation failed: Application name can't be blank");
    API_TRY(auto uris, in.strings("redirect_uris", true));
    API_TRY(auto scopes, in.string("scopes"));
    API_TRY(auto website, in.string("website"));
    social::NewApp app{*name, website.value_or(""), uris, scopes.value_or("read")};
    API_TRY(social::App created, s.oauth.create_app(app));
    return json_response(entities::application(created, true));
  });

  router.add(http::Method::kGet, "/api/v1/apps/verify_credentials", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kApp, ""));
    API_TRY(social::App app, s.oauth.get_app(caller.grant->token.app_id));
    return json_response(entities::application(app, false));
  });
}

}  // namespace kindred::api
