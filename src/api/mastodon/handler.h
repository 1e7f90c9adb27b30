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

}  // namespace kindred::api
