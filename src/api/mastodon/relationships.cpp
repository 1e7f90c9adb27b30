// Follows, follow requests, blocks and mutes: POST /api/v1/accounts/:id/{follow,unfollow,
// remove_from_followers,block,unblock,mute,unmute}, GET /api/v1/accounts/:id/{followers,following},
// GET /api/v1/accounts/relationships, /api/v1/follow_requests (+ authorize, reject),
// GET /api/v1/blocks, GET /api/v1/mutes.
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

using Change = Result<social::RelationshipView> (social::RelationshipService::*)(const social::Viewer&, Id);

}  // namespace

void register_relationship_routes(http::Router& router, ApiServices& s) {
  // One route per change; all answer the Relationship.
  const std::vector<std::tuple<const char*, const char*, Change>> changes = {
      {"/api/v1/accounts/:id/unfollow", "write:follows", &social::RelationshipService::unfollow},
      {"/api/v1/accounts/:id/remove_from_followers", "write:follows",
       &social::RelationshipService::remove_from_followers},
      {"/api/v1/accounts/:id/block", "write:blocks", &social::RelationshipService::block},
      {"/api/v1/accounts/:id/unblock", "write:blocks", &social::RelationshipService::unblock},
      {"/api/v1/accounts/:id/unmute", "write:mutes", &social::RelationshipService::unmute},
      {"/api/v1/follow_requests/:id/authorize", "write:follows", &social::RelationshipService::authorize},
      {"/api/v1/follow_requests/:id/reject", "write:follows", &social::RelationshipService::reject},
  };
  for (const auto& [path, scope, change] : changes) {
    router.add(http::Method::kPost, path, [&s, scope = scope, change = change](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, scope));
      API_TRY(Id id, path_id(req));
      API_TRY(social::RelationshipView r, (s.relationships.*change)(caller.viewer(), id));
      return json_text_response(entities::relationship_json(r));
    });
  }

  router.add(http::Method::kPost, "/api/v1/accounts/:id/follow", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:follows"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    // reblogs, notify and languages are accepted; Kindred shows every followed post.
    API_TRY(auto reblogs, in.boolean("reblogs"));
    API_TRY(auto notify, in.boolean("notify"));
    (void)reblogs;
    (void)notify;
    API_TRY(social::RelationshipView r, s.relationships.follow(caller.viewer(), id));
    return json_text_response(entities::relationship_json(r));
  });

  router.add(http::Method::kPost, "/api/v1/accounts/:id/mute", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:mutes"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto notifications, in.boolean("notifications"));
    API_TRY(auto duration, in.integer("duration"));
    API_TRY(social::RelationshipView r,
            s.relationships.mute(caller.viewer(), id, notifications.value_or(true),
                                 duration.value_or(0)));
    return json_text_response(entities::relationship_json(r));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/relationships", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:follows"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto raw, in.strings("id"));
    std::vector<Id> ids;
    for (const auto& text : raw) {
      auto id = Id::parse(text);
      if (id) ids.push_back(*id);  // unknown or malformed ids are left out, as Mastodon does
    }
    API_TRY(auto rs, s.relationships.relationships(caller.viewer(), ids));
    std::string out = "[";
    for (size_t i = 0; i < rs.size(); ++i) {
      if (i) out += ',';
      out += entities::relationship_json(rs[i]);
    }
    out += ']';
    return json_text_response(std::move(out));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id/followers", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.relationships.followers(id, q));
    return account_page(page, s, req, q.limit);
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id/following", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.relationships.following(id, q));
    return account_page(page, s, req, q.limit);
  });

  using List = Result<social::Page<social::AccountView>> (social::RelationshipService::*)(
      const social::Viewer&, const social::ListQuery&) const;
  const std::vector<std::tuple<const char*, const char*, List>> lists = {
      {"/api/v1/follow_requests", "read:follows", &social::RelationshipService::follow_requests},
      {"/api/v1/blocks", "read:blocks", &social::RelationshipService::blocks},
      {"/api/v1/mutes", "read:mutes", &social::RelationshipService::mutes},
  };
  for (const auto& [path, scope, list] : lists) {
    router.add(http::Method::kGet, path, [&s, scope = scope, list = list](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, scope));
      API_TRY(Input in, Input::from(req));
      API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
      API_TRY(auto page, (s.relationships.*list)(caller.viewer(), q));
      return account_page(page, s, req, q.limit);
    });
  }
}

}  // namespace kindred::api
