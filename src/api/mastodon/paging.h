#pragma once

#include <string>
#include <vector>

#include "api/mastodon/input.h"
#include "http/message.h"
#include "social/posts/posts.h"

namespace kindred::api {

// Reads max_id, since_id, min_id and limit as Mastodon does: limit defaults to `default_limit`
// and is clamped to 1..`max_limit`. Errors: InvalidArgument for non-numeric values.
Result<social::ListQuery> parse_list_query(const Input& in, size_t default_limit, size_t max_limit);

// The admin lists' paging (reports, accounts, the audit log), as Mastodon's admin controllers:
// 100 by default, at most 200.
inline constexpr size_t kAdminDefaultLimit = 100;
inline Result<social::ListQuery> parse_admin_list_query(const Input& in) {
  return parse_list_query(in, kAdminDefaultLimit, 2 * kAdminDefaultLimit);
}

// Adds Mastodon's Link header for a page whose items have cursors `positions` (newest first):
// rel="next" (older, max_id = last cursor) when the page is full, rel="prev" (newer, min_id =
// first cursor) when it is not empty. Other query parameters of the request are kept.
void add_link_header(http::Response& res, const std::string& base_url, const http::Request& req,
                     const std::vector<Id>& positions, size_t limit);

// Mastodon's offset paging (trends, search): `offset` (default 0) and `limit` (default
// `default_limit`, at most twice that, as Mastodon's limit_param). Errors: InvalidArgument for
// non-numeric values.
struct OffsetQuery {
  size_t offset = 0;
  size_t limit = 0;
};
Result<OffsetQuery> parse_offset_query(const Input& in, size_t default_limit);

// Adds Mastodon's Link header for an offset page that returned `count` items: rel="next"
// (offset + limit) when the page is full, rel="prev" (offset - limit) when offset > limit, each
// keeping the request's `limit` parameter.
void add_offset_link_header(http::Response& res, const std::string& base_url, const http::Request& req,
                            const OffsetQuery& q, size_t count);

}  // namespace kindred::api
