// Hashtags: GET /api/v1/tags/:id, POST /api/v1/tags/:id/{follow,unfollow}, GET
// /api/v1/followed_tags, /api/v1/featured_tags (GET, POST, DELETE :id, GET suggestions) and GET
// /api/v1/accounts/:id/featured_tags.
#include "api/mastodon/entities/tags.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

void register_tag_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/tags/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, ""));
    API_TRY(social::TagView t, s.tags.tag(caller.viewer(), req.param("id")));
    return json_text_response(entities::tag_json(t, s.config));
  });

  using Change = Result<social::TagView> (social::TagService::*)(const social::Viewer&, std::string_view);
  const std::vector<std::pair<const char*, Change>> changes = {
      {"/api/v1/tags/:id/follow", &social::TagService::follow},
      {"/api/v1/tags/:id/unfollow", &social::TagService::unfollow},
  };
  for (const auto& [path, change] : changes) {
    router.add(http::Method::kPost, path, [&s, change = change](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:follows"));
      API_TRY(social::TagView t, (s.tags.*change)(caller.viewer(), req.param("id")));
      return json_text_response(entities::tag_json(t, s.config));
    });
  }

  // Mastodon 4.4: feature or unfeature a tag on one's profile by name, answering the Tag.
  // Featuring one already featured, or unfeaturing one that is not, changes nothing.
  router.add(http::Method::kPost, "/api/v1/tags/:id/feature", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(social::TagView t, s.tags.tag(caller.viewer(), req.param("id")));
    if (!t.featuring.value_or(false)) {
      API_TRY(social::FeaturedTagView featured, s.tags.feature(caller.viewer(), t.name));
      (void)featured;
      API_TRY(t, s.tags.tag(caller.viewer(), t.name));
    }
    return json_text_response(entities::tag_json(t, s.config));
  });
  router.add(http::Method::kPost, "/api/v1/tags/:id/unfeature", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(social::TagView t, s.tags.tag(caller.viewer(), req.param("id")));
    API_TRY(auto featured, s.tags.featured(caller.viewer().account_id));
    for (const auto& f : featured) {
      if (f.name != t.name) continue;
      const Status removed = s.tags.unfeature(caller.viewer(), f.id);
      if (!removed.is_ok()) return error_response(removed);
      API_TRY(t, s.tags.tag(caller.viewer(), t.name));
    }
    return json_text_response(entities::tag_json(t, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/followed_tags", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:follows"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 100, 200));
    API_TRY(auto page, s.tags.followed(caller.viewer(), q));
    auto res = json_text_response(entities::tags_json(page.items, s.config));
    add_link_header(res, s.config.base_url, req, page.positions, q.limit);
    return res;
  });

  router.add(http::Method::kGet, "/api/v1/featured_tags", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(auto tags, s.tags.featured(caller.viewer().account_id));
    return json_text_response(entities::featured_tags_json(tags, s.config));
  });

  router.add(http::Method::kPost, "/api/v1/featured_tags", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto name, in.string("name"));
    API_TRY(social::FeaturedTagView t, s.tags.feature(caller.viewer(), name.value_or("")));
    return json_text_response(entities::featured_tag_json(t, s.config));
  });

  router.add(http::Method::kDelete, "/api/v1/featured_tags/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Id id, path_id(req));
    Status done = s.tags.unfeature(caller.viewer(), id);
    if (!done.is_ok()) return error_response(done);
    return json_text_response("{}");
  });

  router.add(http::Method::kGet, "/api/v1/featured_tags/suggestions", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(auto tags, s.tags.suggestions(caller.viewer()));
    return json_text_response(entities::tags_json(tags, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id/featured_tags", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(auto tags, s.tags.featured(id));
    return json_text_response(entities::featured_tags_json(tags, s.config));
  });
}

}  // namespace kindred::api
