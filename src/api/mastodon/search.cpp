// Search: GET /api/v2/search (accounts, hashtags, statuses) and GET /api/v1/accounts/search.
#include "api/mastodon/entities/tags.h"
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

// Mastodon's limit_param: the default, clamped to 1..twice it.
Result<size_t> limit_param(const Input& in, size_t default_limit) {
  KINDRED_ASSIGN_OR_RETURN(auto limit, in.integer("limit"));
  if (!limit) return default_limit;
  return static_cast<size_t>(
      std::clamp<int64_t>(*limit, 1, static_cast<int64_t>(2 * default_limit)));
}

// The query, which Mastodon requires (Rails' params.require: missing or blank is a 400).
Result<std::string> query_param(const Input& in) {
  KINDRED_ASSIGN_OR_RETURN(auto q, in.string("q"));
  if (!q || q->find_first_not_of(" \t\n") == std::string::npos)
    return Status::malformed("param is missing or the value is empty: q");
  return *q;
}

}  // namespace

void register_search_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v2/search", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:search"));
    API_TRY(Input in, Input::from(req));
    API_TRY(std::string q, query_param(in));
    API_TRY(auto type, in.string("type"));
    API_TRY(auto resolve, in.boolean("resolve"));
    API_TRY(auto following, in.boolean("following"));
    API_TRY(auto exclude_unreviewed, in.boolean("exclude_unreviewed"));  // every tag is reviewed
    (void)exclude_unreviewed;
    API_TRY(auto account_id, in.id("account_id"));
    API_TRY(auto max_id, in.id("max_id"));
    API_TRY(auto min_id, in.id("min_id"));
    API_TRY(auto offset, in.integer("offset"));
    API_TRY(size_t limit, limit_param(in, 20));
    const social::Viewer viewer = caller.viewer();
    if (!viewer.signed_in()) {
      if (offset)
        return error_response(401,
                              "Search queries pagination is not supported without authentication");
      if (resolve.value_or(false))
        return error_response(401,
                              "Search queries that resolve remote resources are not supported "
                              "without authentication");
    }
    const std::string kind = type.value_or("");
    if (!kind.empty() && kind != "accounts" && kind != "hashtags" && kind != "statuses")
      return error_response(422, "type must be one of accounts, hashtags, statuses");
    social::SearchQuery sq;
    sq.q = std::move(q);
    sq.limit = limit;
    sq.offset = kind.empty() ? 0 : static_cast<size_t>(offset.value_or(0));  // as Mastodon
    sq.following = following.value_or(false);
    sq.account_id = account_id.value_or(Id());
    sq.max_id = max_id.value_or(Id());
    sq.min_id = min_id.value_or(Id());
    // As Mastodon's SearchService: "#tag" is no account or post query, "@name" no hashtag one.
    const bool hashy = sq.q.starts_with('#');
    const bool has_at = sq.q.find('@') != std::string::npos;
    const bool has_space = sq.q.find(' ') != std::string::npos;
    std::vector<social::AccountView> accounts;
    std::vector<social::TagView> tags;
    std::vector<social::PostView> statuses;
    if ((kind.empty() || kind == "accounts") && !hashy && !(has_at && has_space)) {
      API_TRY(accounts, s.search.accounts(viewer, sq));
    }
    if ((kind.empty() || kind == "statuses") && !((hashy || has_at) && !has_space)) {
      API_TRY(statuses, s.search.statuses(viewer, sq));
    }
    if ((kind.empty() || kind == "hashtags") && !has_at) {
      API_TRY(auto names, s.search.hashtags(sq));
      API_TRY(tags, s.tags.views(viewer, names));
    }
    std::string out = "{\"accounts\":" + entities::accounts_json(accounts, s.config) +
                      ",\"statuses\":" + entities::statuses_json(statuses, s.config) +
                      ",\"hashtags\":[";
    for (size_t i = 0; i < tags.size(); ++i) {
      if (i) out += ',';
      out += entities::tag_json(tags[i], s.config);
    }
    out += "]}";
    return json_text_response(std::move(out));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/search", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto q, in.string("q"));
    API_TRY(auto resolve, in.boolean("resolve"));  // nothing to resolve: one instance
    (void)resolve;
    API_TRY(auto following, in.boolean("following"));
    API_TRY(auto offset, in.integer("offset"));
    API_TRY(size_t limit, limit_param(in, 40));
    social::SearchQuery sq;
    sq.q = q.value_or("");
    sq.limit = limit;
    sq.offset = static_cast<size_t>(offset.value_or(0));
    sq.following = following.value_or(false);
    API_TRY(auto accounts, s.search.accounts(caller.viewer(), sq));
    return json_text_response(entities::accounts_json(accounts, s.config));
  });
}

}  // namespace kindred::api
