#include "api/mastodon/paging.h"

#include <algorithm>

#include "http/form.h"

namespace kindred::api {

Result<social::ListQuery> parse_list_query(const Input& in, size_t default_limit, size_t max_limit) {
  social::ListQuery q;
  KINDRED_ASSIGN_OR_RETURN(auto max_id, in.id("max_id"));
  KINDRED_ASSIGN_OR_RETURN(auto since_id, in.id("since_id"));
  KINDRED_ASSIGN_OR_RETURN(auto min_id, in.id("min_id"));
  KINDRED_ASSIGN_OR_RETURN(auto limit, in.integer("limit"));
  q.max_id = max_id.value_or(Id());
  q.since_id = since_id.value_or(Id());
  q.min_id = min_id.value_or(Id());
  q.limit = limit ? std::clamp<size_t>(static_cast<size_t>(*limit), 1, max_limit) : default_limit;
  return q;
}

namespace {

std::string page_url(const std::string& base_url, const http::Request& req, std::string_view key,
                     Id cursor) {
  std::string url = base_url + req.path + "?";
  bool first = true;
  auto params = http::Params::parse(req.query);
  if (params) {
    for (const auto& [k, v] : params->items()) {
      if (k == "max_id" || k == "min_id" || k == "since_id" || k == "access_token") continue;
      if (!first) url += '&';
      url += http::percent_encode(k) + "=" + http::percent_encode(v);
      first = false;
    }
  }
  if (!first) url += '&';
  url += std::string(key) + "=" + cursor.to_string();
  return url;
}

}  // namespace

void add_link_header(http::Response& res, const std::string& base_url, const http::Request& req,
                     const std::vector<Id>& positions, size_t limit) {
  if (positions.empty()) return;
  std::string link;
  if (positions.size() >= limit)
    link += "<" + page_url(base_url, req, "max_id", positions.back()) + ">; rel=\"next\"";
  if (!link.empty()) link += ", ";
  link += "<" + page_url(base_url, req, "min_id", positions.front()) + ">; rel=\"prev\"";
  res.set_header("Link", std::move(link));
}

Result<OffsetQuery> parse_offset_query(const Input& in, size_t default_limit) {
  KINDRED_ASSIGN_OR_RETURN(auto offset, in.integer("offset"));
  KINDRED_ASSIGN_OR_RETURN(auto limit, in.integer("limit"));
  OffsetQuery q;
  q.offset = static_cast<size_t>(offset.value_or(0));
  q.limit = limit ? std::clamp<size_t>(static_cast<size_t>(*limit), 1, 2 * default_limit) : default_limit;
  return q;
}

void add_offset_link_header(http::Response& res, const std::string& base_url, const http::Request& req,
                            const OffsetQuery& q, size_t count) {
  std::string limit;
  auto params = http::Params::parse(req.query);
  if (params) {
    for (const auto& [k, v] : params->items())
      if (k == "limit") limit = "limit=" + http::percent_encode(v) + "&";
  }
  const std::string url = base_url + req.path + "?" + limit + "offset=";
  std::string link;
  if (count >= q.limit) link += "<" + url + std::to_string(q.offset + q.limit) + ">; rel=\"next\"";
  if (q.offset > q.limit) {
    if (!link.empty()) link += ", ";
    link += "<" + url + std::to_string(q.offset - q.limit) + ">; rel=\"prev\"";
  }
  if (!link.empty()) res.set_header("Link", std::move(link));
}

}  // namespace kindred::api
