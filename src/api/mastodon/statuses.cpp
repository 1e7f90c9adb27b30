// POST /api/v1/statuses, GET/DELETE /api/v1/statuses/:id, /context, favourite, unfavourite,
// favourited_by, reblog, unreblog, reblogged_by.
#include <boost/json/array.hpp>

#include "api/kindred/comment_controls.h"
#include "api/mastodon/entities/scheduled.h"
#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

Result<social::NewPost> read_new_post(const Input& in, const http::Request& req) {
  social::NewPost p;
  KINDRED_ASSIGN_OR_RETURN(auto text, in.string("status"));
  KINDRED_ASSIGN_OR_RETURN(auto reply_to, in.id("in_reply_to_id"));
  KINDRED_ASSIGN_OR_RETURN(auto sensitive, in.boolean("sensitive"));
  KINDRED_ASSIGN_OR_RETURN(auto spoiler, in.string("spoiler_text"));
  KINDRED_ASSIGN_OR_RETURN(auto visibility, in.string("visibility"));
  KINDRED_ASSIGN_OR_RETURN(auto language, in.string("language"));
  KINDRED_ASSIGN_OR_RETURN(p.media_ids, read_media_ids(in));
  KINDRED_ASSIGN_OR_RETURN(p.poll, read_poll(in));
  p.text = text.value_or("");
  p.in_reply_to_id = reply_to.value_or(Id());
  p.sensitive = sensitive.value_or(false);
  p.spoiler_text = spoiler.value_or("");
  if (visibility && !visibility->empty()) {
    KINDRED_ASSIGN_OR_RETURN(p.visibility, social::parse_visibility(*visibility));
  }
  p.language = language.value_or("");
  if (auto key = req.header("idempotency-key")) p.idempotency_key = std::string(*key);
  return p;
}

}  // namespace

void register_status_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kPost, "/api/v1/statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::NewPost p, read_new_post(in, req));
    if (Status st = read_new_post_comment_controls(in, s, caller.account->id, p); !st.is_ok())
      return error_response(st);
    p.app_id = caller.grant->token.app_id;
    API_TRY(auto scheduled_at, in.string("scheduled_at"));
    if (scheduled_at && !scheduled_at->empty()) {
      API_TRY(int64_t at, parse_iso8601_ms(*scheduled_at, "Scheduled at"));
      // As Mastodon: a time already past posts at once.
      if (!s.scheduled.due_now(at)) {
        API_TRY(social::ScheduledPostView v, s.scheduled.schedule(*caller.account, p, at));
        return json_text_response(entities::scheduled_status_json(v, s.config));
      }
    }
    API_TRY(social::PostView v, s.posts.create(*caller.account, p));
    return json_text_response(entities::status_json(v, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/statuses/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::PostView v, s.posts.get(caller.viewer(), id));
    return json_text_response(entities::status_json(v, s.config));
  });

  router.add(http::Method::kDelete, "/api/v1/statuses/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::PostView v, s.posts.remove(caller.viewer(), id));
    return json_text_response(entities::status_json(v, s.config, true));
  });

  router.add(http::Method::kGet, "/api/v1/statuses/:id/context", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::ContextView ctx, s.posts.context(caller.viewer(), id));
    social::drop_hidden(ctx.ancestors, social::FilterContext::kThread, caller.viewer().account_id);
    social::drop_hidden(ctx.descendants, social::FilterContext::kThread, caller.viewer().account_id);
    return json_text_response("{\"ancestors\":" + entities::statuses_json(ctx.ancestors, s.config) +
                              ",\"descendants\":" + entities::statuses_json(ctx.descendants, s.config) +
                              "}");
  });

  using social::Viewer;
  add_status_action(router, s, "/api/v1/statuses/:id/favourite", "write:favourites",
                    [&s](const Viewer& v, Id id) { return s.likes.favourite(v, id); });
  add_status_action(router, s, "/api/v1/statuses/:id/unfavourite", "write:favourites",
                    [&s](const Viewer& v, Id id) { return s.likes.unfavourite(v, id); });
  add_status_action(router, s, "/api/v1/statuses/:id/bookmark", "write:bookmarks",
                    [&s](const Viewer& v, Id id) { return s.likes.bookmark(v, id); });
  add_status_action(router, s, "/api/v1/statuses/:id/unbookmark", "write:bookmarks",
                    [&s](const Viewer& v, Id id) { return s.likes.unbookmark(v, id); });

  router.add(http::Method::kPost, "/api/v1/statuses/:id/reblog", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto visibility, in.string("visibility"));
    std::optional<social::Visibility> v;
    if (visibility && !visibility->empty()) {
      API_TRY(v, social::parse_visibility(*visibility));
    }
    API_TRY(social::PostView reblog, s.reblogs.reblog(caller.viewer(), id, v));
    return json_text_response(entities::status_json(reblog, s.config));
  });
  add_status_action(router, s, "/api/v1/statuses/:id/unreblog", "write:statuses",
                    [&s](const Viewer& v, Id id) { return s.reblogs.unreblog(v, id); });

  router.add(http::Method::kGet, "/api/v1/statuses/:id/reblogged_by", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.reblogs.reblogged_by(caller.viewer(), id, q));
    return account_page(page, s, req, q.limit);
  });

  router.add(http::Method::kGet, "/api/v1/statuses/:id/favourited_by", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 40, 80));
    API_TRY(auto page, s.likes.favourited_by(caller.viewer(), id, q));
    return account_page(page, s, req, q.limit);
  });
}

void register_favourite_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/favourites", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:favourites"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto page, s.likes.favourites(caller.viewer(), q));
    return status_page(page, s, req, q.limit);
  });

  router.add(http::Method::kGet, "/api/v1/bookmarks", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:bookmarks"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    API_TRY(auto page, s.likes.bookmarks(caller.viewer(), q));
    return status_page(page, s, req, q.limit);
  });
}

}  // namespace kindred::api
