// Finding people and featuring them: GET /api/v1/directory, GET /api/v2/suggestions and
// /api/v1/suggestions, DELETE /api/v1/suggestions/:id, GET /api/v1/accounts/familiar_followers,
// endorsements (GET /api/v1/endorsements, POST /api/v1/accounts/:id/endorse and /unendorse with
// their older names /pin and /unpin, GET /api/v1/accounts/:id/endorsements) and
// POST /api/v1/accounts/:id/note.
#include <boost/json/object.hpp>

#include "api/mastodon/entities/startup.h"
#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

// `limit` as Mastodon reads it for lists without cursors: default and maximum.
Result<size_t> limit_param(const Input& in, size_t fallback, size_t max) {
  KINDRED_ASSIGN_OR_RETURN(auto limit, in.integer("limit"));
  if (!limit) return fallback;
  return static_cast<size_t>(std::clamp<int64_t>(*limit, 1, static_cast<int64_t>(max)));
}

}  // namespace

void register_discovery_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/directory", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, ""));
    API_TRY(Input in, Input::from(req));
    API_TRY(size_t limit, limit_param(in, 40, 80));
    API_TRY(auto offset, in.integer("offset"));
    API_TRY(auto order_name, in.string("order"));
    API_TRY(auto local, in.boolean("local"));
    (void)local;  // every account is local
    social::DirectoryOrder order = social::DirectoryOrder::kActive;
    if (order_name && *order_name == "new") {
      order = social::DirectoryOrder::kNew;
    } else if (order_name && *order_name != "active") {
      return error_response(400, "order must be active or new");
    }
    API_TRY(auto accounts,
            s.discovery.directory(caller.viewer(), static_cast<size_t>(offset.value_or(0)), limit,
                                  order));
    return json_text_response(entities::accounts_json(accounts, s.config));
  });

  for (auto [path, v1] :
       {std::pair{"/api/v2/suggestions", false}, std::pair{"/api/v1/suggestions", true}}) {
    router.add(http::Method::kGet, path, [&s, v1 = v1](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
      API_TRY(Input in, Input::from(req));
      API_TRY(size_t limit, limit_param(in, 40, 80));
      API_TRY(auto list, s.discovery.suggestions(caller.viewer(), limit));
      return json_text_response(entities::suggestions_json(list, s.config, v1));
    });
  }

  router.add(http::Method::kDelete, "/api/v1/suggestions/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read"));
    // An unknown or malformed id is no error, as in Mastodon.
    auto id = Id::parse(req.param("id"));
    if (id && !id->is_none()) {
      if (Status st = s.discovery.dismiss_suggestion(caller.viewer(), *id); !st.is_ok())
        return error_response(st);
    }
    return json_response(json::object{});
  });

  router.add(http::Method::kGet, "/api/v1/accounts/familiar_followers", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:follows"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto ids, ids_param(in, 40));
    API_TRY(auto familiar, s.discovery.familiar_followers(caller.viewer(), ids));
    return json_text_response(entities::familiar_followers_json(familiar, s.config));
  });

  using Change =
      Result<social::RelationshipView> (social::RelationshipService::*)(const social::Viewer&, Id);
  const std::vector<std::pair<const char*, Change>> changes = {
      {"/api/v1/accounts/:id/endorse", &social::RelationshipService::endorse},
      {"/api/v1/accounts/:id/unendorse", &social::RelationshipService::unendorse},
      // Their names before Mastodon 4.4, kept there as deprecated aliases.
      {"/api/v1/accounts/:id/pin", &social::RelationshipService::endorse},
      {"/api/v1/accounts/:id/unpin", &social::RelationshipService::unendorse},
  };
  for (const auto& [path, change] : changes) {
    router.add(http::Method::kPost, path, [&s, change = change](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
      API_TRY(Id id, path_id(req));
      API_TRY(social::RelationshipView r, (s.relationships.*change)(caller.viewer(), id));
      return json_text_response(entities::relationship_json(r));
    });
  }

  router.add(http::Method::kGet, "/api/v1/endorsements", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.relationships.endorsements(caller.viewer().account_id, q));
    return account_page(page, s, req, q.limit);
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id/endorsements", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.relationships.endorsements(id, q));
    return account_page(page, s, req, q.limit);
  });

  router.add(http::Method::kPost, "/api/v1/accounts/:id/note", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto comment, in.string("comment"));
    API_TRY(social::RelationshipView r,
            s.relationships.set_note(caller.viewer(), id, comment.value_or("")));
    return json_text_response(entities::relationship_json(r));
  });
}

}  // namespace kindred::api
