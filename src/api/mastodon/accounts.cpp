// POST /api/v1/accounts, GET verify_credentials, PATCH update_credentials, lookup, /:id,
// /:id/statuses
#include <boost/json/array.hpp>
#include <map>

#include "api/mastodon/handler.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

// Room for the multipart framing and text fields beside an avatar and a header of full size.
constexpr size_t kProfileOverhead = 64 * 1024;

// fields_attributes as Rails reads it: form names "fields_attributes[0][name]", or JSON
// {"fields_attributes": [{"name": ..., "value": ...}]} or {"0": {...}}, ordered by index.
Result<std::vector<social::ProfileField>> read_fields(const Input& in) {
  std::map<long, social::ProfileField> by_index;
  for (const auto& [path, value] : in.flattened("fields_attributes")) {
    // "[<index>][name]" or "[<index>][value]"
    const size_t close = path.find(']');
    if (path.size() < 4 || path[0] != '[' || close == std::string::npos)
      return Status::invalid_argument("Invalid value for parameter fields_attributes");
    const std::string index = path.substr(1, close - 1);
    const std::string member = path.substr(close + 1);
    if (index.empty() || index.size() > 4 || index.find_first_not_of("0123456789") != std::string::npos)
      return Status::invalid_argument("Invalid value for parameter fields_attributes");
    auto& field = by_index[std::stol(index)];
    if (member == "[name]") {
      field.name = value;
    } else if (member == "[value]") {
      field.value = value;
    } else {
      return Status::invalid_argument("Invalid value for parameter fields_attributes");
    }
  }
  std::vector<social::ProfileField> out;
  for (auto& [index, f] : by_index) out.push_back(std::move(f));
  return out;
}

Result<social::ProfileEdit> read_profile_edit(const Input& in) {
  social::ProfileEdit e;
  KINDRED_ASSIGN_OR_RETURN(e.display_name, in.string("display_name"));
  KINDRED_ASSIGN_OR_RETURN(e.note, in.string("note"));
  KINDRED_ASSIGN_OR_RETURN(e.locked, in.boolean("locked"));
  KINDRED_ASSIGN_OR_RETURN(e.bot, in.boolean("bot"));
  KINDRED_ASSIGN_OR_RETURN(e.indexable, in.boolean("indexable"));
  if (in.has_prefix("fields_attributes")) {
    KINDRED_ASSIGN_OR_RETURN(e.fields, read_fields(in));
  }
  for (auto [name, target] : {std::pair{"avatar", &e.avatar}, std::pair{"header", &e.header}}) {
    if (auto file = in.file(name)) {
      if (file->data.empty())
        return Status::invalid_argument("Validation failed: " + std::string(name) +
                                        " file can't be empty");
      target->emplace(file->data);
    } else if (in.has(name)) {
      return Status::invalid_argument(std::string("Validation failed: ") + name +
                                      " must be an uploaded image file");
    }
  }
  return e;
}

}  // namespace

void register_account_routes(http::Router& router, ApiServices& s) {
  router.add_blocking(http::Method::kPost, "/api/v1/accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kApp, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    social::Registration r;
    API_TRY(auto username, in.string("username"));
    API_TRY(auto email, in.string("email"));
    API_TRY(auto password, in.string("password"));
    API_TRY(auto agreement, in.boolean("agreement"));
    API_TRY(auto locale, in.string("locale"));
    API_TRY(auto reason, in.string("reason"));
    r.username = username.value_or("");
    r.email = email.value_or("");
    r.password = password.value_or("");
    r.agreement = agreement.value_or(false);
    r.locale = locale.value_or("en");
    r.reason = reason.value_or("");
    API_TRY(social::App app, s.oauth.get_app(caller.grant->token.app_id));
    API_TRY(social::Account account, s.accounts.register_account(r));
    API_TRY(social::IssuedToken token, s.oauth.issue_token(app, account.id, caller.grant->token.scopes));
    return json_response(entities::token(token));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/verify_credentials", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts|profile"));
    API_TRY(social::AccountView v, s.accounts.view_of(*caller.account));
    return json_text_response(entities::account_json(v, s.config, true));
  });

  http::RouteOptions profile_options;
  profile_options.blocking = true;  // images are read and processed off the network threads
  profile_options.max_body_bytes = 2 * s.media.config().limits.max_bytes + kProfileOverhead;
  router.add(http::Method::kPatch, "/api/v1/accounts/update_credentials", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ProfileEdit edit, read_profile_edit(in));
    API_TRY(social::Account a, s.profiles.update(caller.account->id, edit));
    API_TRY(social::AccountView v, s.accounts.view_of(std::move(a)));
    return json_text_response(entities::account_json(v, s.config, true));
  }, profile_options);

  router.add(http::Method::kGet, "/api/v1/accounts/lookup", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto acct, in.string("acct"));
    if (!acct || acct->empty()) return error_response(400, "param is missing or the value is empty: acct");
    API_TRY(social::Account a, s.accounts.lookup(*acct));
    // An account awaiting approval cannot be found by name (Mastodon's lookup scopes to
    // approved users), so a pending sign-up does not reveal itself; nor is a suspended or deleted
    // one found (gone from every answer).
    if (!a.approved || s.accounts.hidden(a.id)) return error_response(404, "Record not found");
    API_TRY(social::AccountView v, s.accounts.view_of(std::move(a)));
    return json_text_response(entities::account_json(v, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Id id, path_id(req));
    API_TRY(social::AccountView v, s.accounts.view(id));
    return json_text_response(entities::account_json(v, s.config));
  });

  router.add(http::Method::kGet, "/api/v1/accounts/:id/statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Id id, path_id(req));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::ListQuery q, parse_list_query(in, 20, 40));
    social::AccountPostsFilter filter;
    API_TRY(auto pinned, in.boolean("pinned"));
    API_TRY(auto only_media, in.boolean("only_media"));
    API_TRY(auto exclude_replies, in.boolean("exclude_replies"));
    API_TRY(auto exclude_reblogs, in.boolean("exclude_reblogs"));
    filter.pinned = pinned.value_or(false);
    filter.exclude_reblogs = exclude_reblogs.value_or(false);
    filter.only_media = only_media.value_or(false);
    filter.exclude_replies = exclude_replies.value_or(false);
    API_TRY(auto page, s.feeds.account_posts(caller.viewer(), id, q, filter));
    social::drop_hidden(page.items, social::FilterContext::kAccount, caller.viewer().account_id);
    return status_page(page, s, req, q.limit);
  });
}

}  // namespace kindred::api
