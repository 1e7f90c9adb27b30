// GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes, answered as a Mastodon server on
// which no post has a poll: Kindred refuses polls when posting (statuses.cpp), so every poll id
// is not found, after the same authentication Mastodon's PollsController and VotesController do.
#include "api/mastodon/handler.h"

namespace kindred::api {

void register_poll_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/polls/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    (void)caller;
    API_TRY(Id id, path_id(req));
    (void)id;
    return error_response(Status::not_found("Record not found"));
  });

  router.add(http::Method::kPost, "/api/v1/polls/:id/votes", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    (void)caller;
    API_TRY(Id id, path_id(req));
    (void)id;
    API_TRY(Input in, Input::from(req));
    API_TRY(auto choices, in.strings("choices"));
    (void)choices;
    return error_response(Status::not_found("Record not found"));
  });
}

}  // namespace kindred::api
