// GET /api/v1/timelines/home, /public, /tag/:hashtag; POST /api/v1/statuses/:id/pin, unpin.
#include "api/mastodon/handler.h"

namespace kindred::api {


void register_timeline_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/timelines/home", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto page, s.feeds.home(caller.viewer(), q));
    social::drop_hidden(page.items, social::FilterContext::kHome, caller.viewer().account_id);
    return status_page(page, s, req, q.limit);
  });

  router.add(http::Method::kGet, "/api/v1/timelines/public", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto local, in.boolean("local"));
    API_TRY(auto remote, in.boolean("remote"));
    API_TRY(auto only_media, in.boolean("only_media"));
    (void)local;  // every post here is local
    if (remote.value_or(false)) return json_text_response("[]");  // no federation: nothing remote
    API_TRY(auto page, s.feeds.public_timeline(caller.viewer(), q, only_media.value_or(false)));
    social::drop_hidden(page.items, social::FilterContext::kPublic, caller.viewer().account_id);
    return status_page(page, s, req, q.limit);
  });

  router.add(http::Method::kGet, "/api/v1/timelines/tag/:hashtag", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto only_media, in.boolean("only_media"));
    API_TRY(auto page, s.feeds.tag_timeline(caller.viewer(), req.param("hashtag"), q,
                                            only_media.value_or(false)));
    social::drop_hidden(page.items, social::FilterContext::kPublic, caller.viewer().account_id);
    return status_page(page, s, req, q.limit);
  });

  add_status_action(router, s, "/api/v1/statuses/:id/pin", "write:accounts",
                    [&s](const social::Viewer& v, Id id) { return s.feeds.pin(v, id); });
  add_status_action(router, s, "/api/v1/statuses/:id/unpin", "write:accounts",
                    [&s](const social::Viewer& v, Id id) { return s.feeds.unpin(v, id); });
}

}  // namespace kindred::api
