// Kindred's memories: GET /api/v1/kindred/memories (the reader's own posts from this day in
// earlier years), and the rules that hide some: /api/v1/kindred/memories/hidden_ranges,
// hidden_accounts and hidden_statuses (POST to add, GET to list, DELETE .../:id to remove), all
// under the accounts scopes, as settings.
#include <functional>

#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

constexpr size_t kDefaultLimit = 40;  // as Mastodon's account lists
constexpr size_t kMaxLimit = 80;

Result<std::optional<social::CivilDate>> read_date(const Input& in) {
  KINDRED_ASSIGN_OR_RETURN(auto text, in.string("date"));
  if (!text || text->empty()) return std::optional<social::CivilDate>();
  auto d = social::parse_date(*text);
  if (!d) return Status::invalid_argument("Validation failed: Date must be a date, YYYY-MM-DD");
  return std::optional<social::CivilDate>(*d);
}

// A required id parameter of a POST body. Errors: InvalidArgument when missing or malformed.
Result<Id> required_id(const Input& in, std::string_view name) {
  KINDRED_ASSIGN_OR_RETURN(auto id, in.id(name));
  if (!id)
    return Status::invalid_argument("Validation failed: " + std::string(name) + " is missing");
  return *id;
}

Result<social::NewHiddenRange> read_range(const Input& in) {
  social::NewHiddenRange r;
  KINDRED_ASSIGN_OR_RETURN(auto start, in.string("start_date"));
  KINDRED_ASSIGN_OR_RETURN(auto end, in.string("end_date"));
  KINDRED_ASSIGN_OR_RETURN(auto note, in.string("note"));
  r.start_date = start.value_or("");
  r.end_date = end.value_or("");
  r.note = note.value_or("");
  return r;
}

// DELETE `path`: removes one hide rule of the caller's, named by the path parameter `param`;
// answers {} (404 when there is no such rule).
using Unhide = std::function<Status(const social::Viewer&, Id)>;
void add_unhide_route(http::Router& router, ApiServices& s, const char* path, const char* param,
                      Unhide unhide) {
  router.add(http::Method::kDelete, path,
             [&s, param, unhide = std::move(unhide)](http::Request& req) {
               API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
               API_TRY(Id id, path_id(req, param));
               if (Status st = unhide(caller.viewer(), id); !st.is_ok()) return error_response(st);
               return json_text_response("{}");
             });
}

}  // namespace

void register_kindred_memory_routes(http::Router& router, ApiServices& s) {
  using http::Method;
  using social::Viewer;

  router.add(Method::kGet, "/api/v1/kindred/memories", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto date, read_date(in));
    API_TRY(auto memories, s.memories.memories(caller.viewer(), date));
    return json_text_response(entities::memories_json(memories, s.config));
  });

  // Hidden date ranges.
  router.add(Method::kPost, "/api/v1/kindred/memories/hidden_ranges", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::NewHiddenRange r, read_range(in));
    API_TRY(social::HiddenRange made, s.memories.hide_range(caller.viewer(), r));
    return json_text_response(entities::hidden_range_json(made));
  });
  router.add(Method::kGet, "/api/v1/kindred/memories/hidden_ranges", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(auto ranges, s.memories.hidden_ranges(caller.viewer()));
    return json_text_response(entities::hidden_ranges_json(ranges));
  });
  add_unhide_route(router, s, "/api/v1/kindred/memories/hidden_ranges/:id", "id",
                   [&s](const Viewer& v, Id id) { return s.memories.unhide_range(v, id); });

  // Hidden accounts: memories that mention or reply to them.
  router.add(Method::kPost, "/api/v1/kindred/memories/hidden_accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(Id id, required_id(in, "account_id"));
    API_TRY(social::AccountView v, s.memories.hide_account(caller.viewer(), id));
    return json_text_response(entities::account_json(v, s.config));
  });
  router.add(Method::kGet, "/api/v1/kindred/memories/hidden_accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, kDefaultLimit, kMaxLimit));
    API_TRY(auto page, s.memories.hidden_accounts(caller.viewer(), q));
    return account_page(page, s, req, q.limit);
  });
  add_unhide_route(router, s, "/api/v1/kindred/memories/hidden_accounts/:account_id", "account_id",
                   [&s](const Viewer& v, Id id) { return s.memories.unhide_account(v, id); });

  // Hidden posts: the reader's own, one by one.
  router.add(Method::kPost, "/api/v1/kindred/memories/hidden_statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(Id id, required_id(in, "status_id"));
    API_TRY(social::PostView v, s.memories.hide_status(caller.viewer(), id));
    return json_text_response(entities::status_json(v, s.config));
  });
  router.add(Method::kGet, "/api/v1/kindred/memories/hidden_statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, kDefaultLimit, kMaxLimit));
    API_TRY(auto page, s.memories.hidden_statuses(caller.viewer(), q));
    return status_page(page, s, req, q.limit);
  });
  add_unhide_route(router, s, "/api/v1/kindred/memories/hidden_statuses/:id", "id",
                   [&s](const Viewer& v, Id id) { return s.memories.unhide_status(v, id); });
}

}  // namespace kindred::api
