#pragma once

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

// The ":id" path parameter as an Id. Unparseable ids are simply not found, as in Mastodon.
inline Result<Id> path_id(const http::Request& req) {
  auto id = Id::parse(req.param("id"));
  if (!id) return Status::not_found("Record not found");
  return *id;
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
