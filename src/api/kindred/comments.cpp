// Kindred's comment extension: GET /api/v1/kindred/statuses/:id/comments (ordered, cursor-paged),
// POST /api/v1/kindred/statuses/:id/comment_pin and comment_unpin. Mastodon's own
// /api/v1/statuses/:id/context is left as it is.
#include <algorithm>

#include "api/mastodon/handler.h"
#include "http/form.h"

namespace kindred::api {

namespace {

constexpr size_t kDefaultLimit = 20;
constexpr size_t kMaxLimit = 40;  // as Mastodon's statuses lists

// order (default top), limit (clamped to 1..40 as Mastodon clamps), cursor (empty: first page).
Result<social::CommentQuery> read_comment_query(const Input& in) {
  social::CommentQuery q;
  KINDRED_ASSIGN_OR_RETURN(auto order, in.string("order"));
  KINDRED_ASSIGN_OR_RETURN(auto limit, in.integer("limit"));
  KINDRED_ASSIGN_OR_RETURN(auto cursor, in.string("cursor"));
  if (order) {
    KINDRED_ASSIGN_OR_RETURN(q.order, social::parse_comment_order(*order));
  }
  q.limit = limit ? static_cast<size_t>(std::clamp<int64_t>(*limit, 1, kMaxLimit)) : kDefaultLimit;
  q.cursor = cursor.value_or("");
  return q;
}

// Link: <...?order=..&limit=..&cursor=..>; rel="next", as Mastodon's paging links.
void add_next_link(http::Response& res, const ApiConfig& c, const http::Request& req,
                   const social::CommentQuery& q, const std::string& next_cursor) {
  if (next_cursor.empty()) return;
  res.set_header("Link", "<" + c.base_url + req.path +
                             "?order=" + std::string(social::comment_order_name(q.order)) +
                             "&limit=" + std::to_string(q.limit) +
                             "&cursor=" + http::percent_encode(next_cursor) + ">; rel=\"next\"");
}

}  // namespace

void register_kindred_comment_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/kindred/statuses/:id/comments", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::CommentQuery q, read_comment_query(in));
    API_TRY(social::CommentPage page, s.comments.comments(caller.viewer(), id, q));
    // The cursor stays the unfiltered page's, so paging on skips nothing.
    social::drop_hidden(page.items, social::FilterContext::kThread, caller.viewer().account_id);
    auto res = json_text_response(entities::statuses_json(page.items, s.config));
    add_next_link(res, s.config, req, q, page.next_cursor);
    return res;
  });

  using social::Viewer;
  add_status_action(router, s, "/api/v1/kindred/statuses/:id/comment_pin", "write:statuses",
                    [&s](const Viewer& v, Id id) { return s.comments.pin(v, id); });
  add_status_action(router, s, "/api/v1/kindred/statuses/:id/comment_unpin", "write:statuses",
                    [&s](const Viewer& v, Id id) { return s.comments.unpin(v, id); });
}

}  // namespace kindred::api
