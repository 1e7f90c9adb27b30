// Trends: GET /api/v1/trends/tags (and its old alias /api/v1/trends), /api/v1/trends/statuses,
// /api/v1/trends/links (always empty: no link cards), and GET /api/v1/timelines/link (no link
// trends, so as Mastodon for a URL that is not trending: 404).
#include "api/mastodon/entities/tags.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

void register_trend_routes(http::Router& router, ApiServices& s) {
  for (const char* path : {"/api/v1/trends/tags", "/api/v1/trends"}) {
    router.add(http::Method::kGet, path, [&s](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, ""));
      API_TRY(Input in, Input::from(req));
      API_TRY(OffsetQuery q, parse_offset_query(in, 10));
      API_TRY(auto tags, s.tags.views(caller.viewer(), s.trends.tags(q.offset, q.limit)));
      auto res = json_text_response(entities::tags_json(tags, s.config));
      add_offset_link_header(res, s.config.base_url, req, q, tags.size());
      return res;
    });
  }

  router.add(http::Method::kGet, "/api/v1/trends/statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, ""));
    API_TRY(Input in, Input::from(req));
    API_TRY(OffsetQuery q, parse_offset_query(in, 20));
    API_TRY(auto posts, s.trends.statuses(caller.viewer(), q.offset, q.limit));
    const size_t count = posts.size();  // the page as ranked, before the viewer's filters
    social::drop_hidden(posts, social::FilterContext::kPublic, caller.viewer().account_id);
    auto res = json_text_response(entities::statuses_json(posts, s.config));
    add_offset_link_header(res, s.config.base_url, req, q, count);
    return res;
  });

  router.add(http::Method::kGet, "/api/v1/trends/links", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, ""));
    API_TRY(Input in, Input::from(req));
    API_TRY(OffsetQuery q, parse_offset_query(in, 10));
    (void)q;  // Kindred makes no link preview cards, so no link trends
    return json_text_response("[]");
  });

  router.add(http::Method::kGet, "/api/v1/timelines/link", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    // Mastodon looks the url up among trending link cards and answers 404 when it is not one;
    // Kindred has none.
    return error_response(404, "Record not found");
  });
}

}  // namespace kindred::api
