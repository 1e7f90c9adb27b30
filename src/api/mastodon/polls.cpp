// GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes, with the authentication Mastodon's
// PollsController and VotesController do. Polls are made with their post (statuses.cpp).
#include <charconv>

#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

// choices[] as option indexes. Mastodon's Integer(choice) raises on anything else.
Result<std::vector<int64_t>> read_choices(const Input& in) {
  KINDRED_ASSIGN_OR_RETURN(auto choices, in.strings("choices"));
  std::vector<int64_t> out;
  for (const auto& c : choices) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), v);
    if (ec != std::errc() || end != c.data() + c.size())
      return Status::invalid_argument("Validation failed: The chosen vote option does not exist");
    out.push_back(v);
  }
  return out;
}

}  // namespace

void register_poll_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/polls/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::PollView v, s.polls.get(caller.viewer(), id));
    return json_text_response(entities::poll_json(v));
  });

  router.add(http::Method::kPost, "/api/v1/polls/:id/votes", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto choices, read_choices(in));
    // Mastodon fails on a missing choices[] (and records nothing for an empty one): 400 here.
    if (choices.empty()) return error_response(400, "param is missing or the value is empty: choices");
    API_TRY(social::PollView v, s.polls.vote(caller.viewer(), id, choices));
    return json_text_response(entities::poll_json(v));
  });
}

}  // namespace kindred::api
