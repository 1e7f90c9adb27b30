// Mastodon's direct conversations: GET /api/v1/conversations, POST /api/v1/conversations/:id/read,
// DELETE /api/v1/conversations/:id.
#include "api/mastodon/entities/conversations.h"

#include "api/mastodon/handler.h"

namespace kindred::api {

void register_conversation_routes(http::Router& router, ApiServices& s) {
  using http::Method;

  router.add(Method::kGet, "/api/v1/conversations", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto page, s.conversations.list(caller.viewer(), q));
    auto res = json_text_response(entities::conversations_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });
  router.add(Method::kPost, "/api/v1/conversations/:id/read", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:conversations"));
    API_TRY(Id id, path_id(req));
    API_TRY(auto v, s.conversations.mark_read(caller.viewer(), id));
    return json_text_response(entities::conversation_json(v, s.config));
  });
  router.add(Method::kDelete, "/api/v1/conversations/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:conversations"));
    API_TRY(Id id, path_id(req));
    if (Status done = s.conversations.remove(caller.viewer(), id); !done.is_ok())
      return error_response(done);
    return json_text_response("{}");
  });
}

}  // namespace kindred::api
