#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "api/mastodon/auth.h"
#include "api/mastodon/entities/entities.h"
#include "api/mastodon/errors.h"
#include "api/mastodon/input.h"
#include "api/mastodon/paging.h"

// In a handler: `API_TRY(auto x, f());` declares x from a Result, or returns the error response.
#define API_TRY(decl, expr)                                                             \
  auto KINDRED_CONCAT(api_r_, __LINE__) = (expr);                                       \
  if (!KINDRED_CONCAT(api_r_, __LINE__).has_value())                                    \
    return ::kindred::api::error_response(KINDRED_CONCAT(api_r_, __LINE__).error());    \
  decl = std::move(KINDRED_CONCAT(api_r_, __LINE__)).value()

namespace kindred::api {

// The path parameter `name` (":id" by default) as an Id. Unparseable ids are simply not found,
// as in Mastodon.
// Mastodon's Notification (notifications.cpp); also the payload of streamed notifications.
void write_notification(entities::JsonWriter& w, const social::NotificationView& v,
                        const ApiConfig& c);

inline Result<Id> path_id(const http::Request& req, std::string_view name = "id") {
  auto id = Id::parse(req.param(std::string(name)));
  if (!id || id->is_none()) return Status::not_found("Record not found");
  return *id;
}

// The ids of `id[]`, without repeats; malformed ones are skipped, as unknown ones are.
// Errors: InvalidArgument for more than `max` (the route's limit).
inline Result<std::vector<Id>> ids_param(const Input& in, size_t max) {
  KINDRED_ASSIGN_OR_RETURN(auto raw, in.strings("id"));
  if (raw.size() > max)
    return Status::invalid_argument("Too many ids (at most " + std::to_string(max) + ")");
  std::vector<Id> ids;
  for (const auto& text : raw)
    if (auto id = Id::parse(text);
        id && !id->is_none() && std::find(ids.begin(), ids.end(), *id) == ids.end())
      ids.push_back(*id);
  return ids;
}

// Registers POST `path` (with ":id"): authenticate with `scope`, run `action` on the status,
// answer it as Mastodon's Status. For favourite, bookmark, pin and their undoings.
using StatusAction = std::function<Result<social::PostView>(const social::Viewer&, Id)>;
inline void add_status_action(http::Router& router, ApiServices& s, const char* path,
                              const char* scope, StatusAction action) {
  router.add(http::Method::kPost, path, [&s, scope, action = std::move(action)](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, scope));
    API_TRY(Id id, path_id(req));
    API_TRY(social::PostView v, action(caller.viewer(), id));
    return json_text_response(entities::status_json(v, s.config));
  });
}

// A page of statuses or accounts as JSON, with Mastodon's Link header.
inline http::Response status_page(const social::Page<social::PostView>& page, const ApiServices& s,
                                  const http::Request& req, size_t limit) {
  auto res = json_text_response(entities::statuses_json(page.items, s.config));
  add_link_header(res, s.config.base_url, req, page.positions, limit);
  return res;
}
inline http::Response account_page(const social::Page<social::AccountView>& page,
                                   const ApiServices& s, const http::Request& req, size_t limit) {
  auto res = json_text_response(entities::accounts_json(page.items, s.config));
  add_link_header(res, s.config.base_url, req, page.positions, limit);
  return res;
}

}  // namespace kindred::api
