// Held comments: an author's hidden words (GET/PUT /api/v1/kindred/hidden_words), Limits
// (GET/PUT/DELETE /api/v1/kindred/limits), Restrict (POST /api/v1/kindred/accounts/:id/restrict
// and unrestrict, GET /api/v1/kindred/restricts), and the review of held comments
// (GET /api/v1/kindred/held_comments, POST /api/v1/kindred/comments/:id/hide and approve).
// Settings use the accounts scopes; hiding and approving use write:statuses.
#include "api/mastodon/handler.h"
#include "api/mastodon/paging.h"

namespace kindred::api {

namespace {

constexpr size_t kDefaultLimit = 20;  // as Mastodon's statuses lists
constexpr size_t kMaxLimit = 40;
constexpr size_t kDefaultAccountLimit = 40;  // as Mastodon's account lists
constexpr size_t kMaxAccountLimit = 80;

using RestrictAction = Status (social::CommentHoldService::*)(const social::Viewer&, Id);
void add_restrict_route(http::Router& router, ApiServices& s, const char* path, RestrictAction act) {
  router.add(http::Method::kPost, path, [&s, act](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Id id, path_id(req));
    if (Status st = (s.holds.*act)(caller.viewer(), id); !st.is_ok()) return error_response(st);
    API_TRY(bool now, s.holds.restricts(caller.account->id, id));
    return json_text_response(entities::restriction_json(id, now));
  });
}

}  // namespace

void register_kindred_hold_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/kindred/hidden_words", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(social::HiddenWords w, s.holds.hidden_words(caller.account->id));
    return json_text_response(entities::hidden_words_json(w, s.holds.builtin_lists()));
  });

  // words[] and builtin_lists[] each replace the stored list when given (an empty JSON array
  // clears it); a field not given stays as it is.
  router.add(http::Method::kPut, "/api/v1/kindred/hidden_words", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::HiddenWords w, s.holds.hidden_words(caller.account->id));
    if (in.present("words")) {
      API_TRY(w.words, in.strings("words"));
    }
    if (in.present("builtin_lists")) {
      API_TRY(w.builtin_lists, in.strings("builtin_lists"));
    }
    API_TRY(social::HiddenWords saved, s.holds.set_hidden_words(caller.account->id, std::move(w)));
    return json_text_response(entities::hidden_words_json(saved, s.holds.builtin_lists()));
  });

  router.add(http::Method::kGet, "/api/v1/kindred/limits", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(social::LimitsView v, s.holds.limits(caller.account->id));
    return json_text_response(entities::limits_json(v));
  });

  // days (1..28, required), recent_followers (default true).
  router.add(http::Method::kPut, "/api/v1/kindred/limits", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto days, in.integer("days"));
    API_TRY(auto recent, in.boolean("recent_followers"));
    if (!days) return error_response(Status::invalid_argument("Validation failed: days is missing"));
    API_TRY(social::LimitsView v, s.holds.set_limits(caller.account->id, *days, recent.value_or(true)));
    return json_text_response(entities::limits_json(v));
  });

  router.add(http::Method::kDelete, "/api/v1/kindred/limits", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(social::LimitsView v, s.holds.end_limits(caller.account->id));
    return json_text_response(entities::limits_json(v));
  });

  add_restrict_route(router, s, "/api/v1/kindred/accounts/:id/restrict",
                     &social::CommentHoldService::restrict);
  add_restrict_route(router, s, "/api/v1/kindred/accounts/:id/unrestrict",
                     &social::CommentHoldService::unrestrict);

  router.add(http::Method::kGet, "/api/v1/kindred/restricts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, kDefaultAccountLimit, kMaxAccountLimit));
    API_TRY(auto page, s.holds.restricted(caller.viewer(), q));
    return account_page(page, s, req, q.limit);
  });

  // status_id: only the held comments on that post (the caller's own).
  router.add(http::Method::kGet, "/api/v1/kindred/held_comments", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, kDefaultLimit, kMaxLimit));
    API_TRY(auto post_id, in.id("status_id"));
    API_TRY(auto page, s.holds.held(caller.viewer(), post_id.value_or(Id()), q));
    return status_page(page, s, req, q.limit);
  });

  using social::Viewer;
  add_status_action(router, s, "/api/v1/kindred/comments/:id/hide", "write:statuses",
                    [&s](const Viewer& v, Id id) { return s.holds.hide(v, id); });
  add_status_action(router, s, "/api/v1/kindred/comments/:id/approve", "write:statuses",
                    [&s](const Viewer& v, Id id) { return s.holds.approve(v, id); });
}

}  // namespace kindred::api
