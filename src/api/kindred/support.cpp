// Kindred's support resources: GET /api/v1/kindred/support_resources (public), and the admin
// directory under /api/v1/kindred/admin/support_resources (GET, POST, PUT/:id, DELETE/:id), which
// needs a user token with admin:read or admin:write and an account with the admin role.
#include "api/mastodon/entities/support.h"

#include <boost/json/parse.hpp>

#include "api/kindred/support_json.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

constexpr const char* kAdminPath = "/api/v1/kindred/admin/support_resources";
constexpr const char* kAdminItemPath = "/api/v1/kindred/admin/support_resources/:id";

// The request body as a resource. Errors: InvalidArgument for a body that is not a JSON object
// or whose fields have the wrong shapes.
Result<social::SupportResource> resource_from_body(const http::Request& req) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(req.body, ec);
  if (ec) return Status::invalid_argument("Validation failed: the body must be a JSON object");
  KINDRED_RETURN_IF_ERROR(check_json_text("body", v));
  return support_resource_from_json(v, /*with_id=*/false);
}

}  // namespace

void register_kindred_support_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/kindred/support_resources", [&s](http::Request& req) {
    API_TRY(Input in, Input::from(req));
    API_TRY(auto topic, in.string("topic"));
    API_TRY(auto region, in.string("region"));
    API_TRY(auto list, s.support.list(topic.value_or(""), region.value_or("")));
    return json_text_response(entities::support_resources_json(list));
  });

  router.add(http::Method::kGet, kAdminPath, [&s](http::Request& req) {
    API_TRY(social::Account admin, admin_caller(s, req, "admin:read"));
    API_TRY(auto list, s.support.admin_list(admin));
    return json_text_response(entities::support_resources_json(list));
  });
  router.add(http::Method::kPost, kAdminPath, [&s](http::Request& req) {
    API_TRY(social::Account admin, admin_caller(s, req, "admin:write"));
    API_TRY(social::SupportResource r, resource_from_body(req));
    API_TRY(social::ResourceView v, s.support.create(admin, std::move(r)));
    return json_text_response(entities::support_resource_json(v));
  });
  router.add(http::Method::kPut, kAdminItemPath, [&s](http::Request& req) {
    API_TRY(social::Account admin, admin_caller(s, req, "admin:write"));
    API_TRY(social::SupportResource r, resource_from_body(req));
    API_TRY(social::ResourceView v, s.support.replace(admin, req.param("id"), std::move(r)));
    return json_text_response(entities::support_resource_json(v));
  });
  router.add(http::Method::kDelete, kAdminItemPath, [&s](http::Request& req) {
    API_TRY(social::Account admin, admin_caller(s, req, "admin:write"));
    API_TRY(social::ResourceView v, s.support.remove(admin, req.param("id")));
    return json_text_response(entities::support_resource_json(v));
  });
}

}  // namespace kindred::api
