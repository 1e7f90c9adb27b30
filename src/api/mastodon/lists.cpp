// Mastodon's lists: /api/v1/lists (and :id, :id/accounts), GET /api/v1/timelines/list/:list_id,
// GET /api/v1/accounts/:id/lists.
#include "api/mastodon/entities/lists.h"

#include "api/mastodon/handler.h"

namespace kindred::api {
namespace {

Result<social::ListEdit> read_list_edit(const Input& in) {
  social::ListEdit e;
  KINDRED_ASSIGN_OR_RETURN(e.title, in.string("title"));
  KINDRED_ASSIGN_OR_RETURN(e.replies_policy, in.string("replies_policy"));
  KINDRED_ASSIGN_OR_RETURN(e.exclusive, in.boolean("exclusive"));
  return e;
}

// account_ids[]: an id that does not parse names no account (Mastodon's Account.find: 404).
Result<std::vector<Id>> read_account_ids(const Input& in) {
  KINDRED_ASSIGN_OR_RETURN(auto texts, in.strings("account_ids"));
  std::vector<Id> out;
  for (const auto& t : texts) {
    auto id = Id::parse(t);
    if (!id || id->is_none()) return Status::not_found("Record not found");
    out.push_back(*id);
  }
  return out;
}

using MembersChange = Status (social::ListService::*)(Id, Id, const std::vector<Id>&);

// POST or DELETE /api/v1/lists/:id/accounts: `change` with account_ids[], answering {}.
void add_members_route(http::Router& router, ApiServices& s, http::Method method,
                       MembersChange change) {
  router.add(method, "/api/v1/lists/:id/accounts", [&s, change](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:lists"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto ids, read_account_ids(in));
    if (Status done = (s.lists.*change)(caller.account->id, id, ids); !done.is_ok())
      return error_response(done);
    return json_text_response("{}");
  });
}

}  // namespace

void register_list_routes(http::Router& router, ApiServices& s) {
  using http::Method;

  router.add(Method::kGet, "/api/v1/lists", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:lists"));
    API_TRY(auto lists, s.lists.lists(caller.account->id));
    return json_text_response(entities::lists_json(lists));
  });
  router.add(Method::kPost, "/api/v1/lists", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:lists"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListEdit edit, read_list_edit(in));
    API_TRY(social::List l, s.lists.create(caller.account->id, edit));
    return json_text_response(entities::list_json(l));
  });
  router.add(Method::kGet, "/api/v1/lists/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:lists"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::List l, s.lists.get(caller.account->id, id));
    return json_text_response(entities::list_json(l));
  });
  router.add(Method::kPut, "/api/v1/lists/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:lists"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListEdit edit, read_list_edit(in));
    API_TRY(social::List l, s.lists.update(caller.account->id, id, edit));
    return json_text_response(entities::list_json(l));
  });
  router.add(Method::kDelete, "/api/v1/lists/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:lists"));
    API_TRY(Id id, path_id(req));
    if (Status done = s.lists.remove(caller.account->id, id); !done.is_ok())
      return error_response(done);
    return json_text_response("{}");
  });

  router.add(Method::kGet, "/api/v1/lists/:id/accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:lists"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    // limit=0 means every member, without paging (Mastodon's `unlimited?`).
    API_TRY(auto limit, in.integer("limit"));
    const bool all = limit && *limit == 0;
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 40));
    API_TRY(auto page, s.lists.members(caller.account->id, id, q, all));
    if (all) return json_text_response(entities::accounts_json(page.items, s.config));
    return account_page(page, s, req, q.limit);
  });
  add_members_route(router, s, Method::kPost, &social::ListService::add_members);
  add_members_route(router, s, Method::kDelete, &social::ListService::remove_members);

  router.add(Method::kGet, "/api/v1/timelines/list/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:lists"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto page, s.lists.timeline(caller.viewer(), id, q));
    // Mastodon's filters apply to lists in the home context.
    social::drop_hidden(page.items, social::FilterContext::kHome, caller.viewer().account_id);
    return status_page(page, s, req, q.limit);
  });

  router.add(Method::kGet, "/api/v1/accounts/:id/lists", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:lists"));
    API_TRY(Id id, path_id(req));
    API_TRY(auto lists, s.lists.lists_with(caller.account->id, id));
    return json_text_response(entities::lists_json(lists));
  });
}

}  // namespace kindred::api
