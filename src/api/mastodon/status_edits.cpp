// PUT /api/v1/statuses/:id, GET /api/v1/statuses/:id/history and /source, and
// POST /api/v1/statuses/:id/translate (no translation service here).
#include <map>

#include "api/mastodon/entities/status_edits.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

Status bad_media_attributes() {
  return Status::invalid_argument("Validation failed: media_attributes is invalid");
}

// media_attributes[] as Rails reads an array of hashes: form names "media_attributes[][id]",
// "media_attributes[][description]"... (a name seen again starts the next photo) or indexed
// "media_attributes[0][id]", or JSON [{"id": ..., "description": ..., "focus": ...}].
Result<std::vector<std::pair<Id, social::MediaEdit>>> read_media_attributes(const Input& in) {
  struct Item {
    std::optional<std::string> id, description, focus, thumbnail;
  };
  std::map<long, Item> indexed;
  std::vector<Item> unindexed;
  for (const auto& [path, value] : in.flattened("media_attributes")) {
    const size_t close = path.find(']');
    if (path.size() < 3 || path[0] != '[' || close == std::string::npos) return bad_media_attributes();
    const std::string index = path.substr(1, close - 1);
    const std::string member = path.substr(close + 1);
    if (index.size() > 4 || index.find_first_not_of("0123456789") != std::string::npos)
      return bad_media_attributes();
    std::optional<std::string> Item::*field = nullptr;
    if (member == "[id]") {
      field = &Item::id;
    } else if (member == "[description]") {
      field = &Item::description;
    } else if (member == "[focus]") {
      field = &Item::focus;
    } else if (member == "[thumbnail]") {
      field = &Item::thumbnail;  // custom thumbnails are for audio and video: nothing here
    } else {
      return bad_media_attributes();
    }
    Item* item;
    if (!index.empty()) {
      item = &indexed[std::stol(index)];
    } else {
      if (unindexed.empty() || (unindexed.back().*field).has_value()) unindexed.emplace_back();
      item = &unindexed.back();
    }
    item->*field = value;
  }
  for (auto& [i, item] : indexed) unindexed.push_back(std::move(item));
  std::vector<std::pair<Id, social::MediaEdit>> out;
  for (auto& item : unindexed) {
    if (!item.id) continue;  // names no photo: Mastodon skips it
    auto id = Id::parse(*item.id);
    if (!id) continue;
    out.emplace_back(*id, social::MediaEdit{std::move(item.description), std::move(item.focus)});
  }
  return out;
}

Result<social::PostEdit> read_post_edit(const Input& in) {
  social::PostEdit e;
  KINDRED_ASSIGN_OR_RETURN(auto text, in.string("status"));
  KINDRED_ASSIGN_OR_RETURN(auto sensitive, in.boolean("sensitive"));
  KINDRED_ASSIGN_OR_RETURN(auto spoiler, in.string("spoiler_text"));
  KINDRED_ASSIGN_OR_RETURN(auto language, in.string("language"));
  KINDRED_ASSIGN_OR_RETURN(e.media_ids, read_media_ids(in));
  KINDRED_ASSIGN_OR_RETURN(e.poll, read_poll(in));
  KINDRED_ASSIGN_OR_RETURN(e.media_attributes, read_media_attributes(in));
  e.text = text.value_or("");
  e.sensitive = sensitive.value_or(false);
  e.spoiler_text = spoiler.value_or("");
  e.language = language.value_or("");
  return e;
}

}  // namespace

void register_status_edit_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kPut, "/api/v1/statuses/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::PostEdit e, read_post_edit(in));
    API_TRY(social::PostView v, s.posts.edit(caller.viewer(), id, e));
    return json_text_response(entities::status_json(v, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/statuses/:id/history", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(auto versions, s.posts.history(caller.viewer(), id));
    return json_text_response(entities::status_edits_json(versions, s.config));
  });

  // As Mastodon: whoever may see the post may read its source.
  router.add(http::Method::kGet, "/api/v1/statuses/:id/source", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kApp, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::Post p, s.posts.get_visible_post(caller.viewer(), id));
    return json_text_response(entities::status_source_json(p));
  });

  // No translation service is configured here (/api/v1/instance says translation.enabled false),
  // so, as Mastodon's TranslateStatusService then: 403 for a post the caller may see.
  router.add(http::Method::kPost, "/api/v1/statuses/:id/translate", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kApp, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto lang, in.string("lang"));
    (void)lang;
    API_TRY(social::Post p, s.posts.get_visible_post(caller.viewer(), id));
    (void)p;
    return error_response(403, "This action is not allowed");
  });
}

}  // namespace kindred::api
