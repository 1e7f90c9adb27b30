// Kindred's preferences: GET and PATCH /api/v1/kindred/preferences (memories, support cards,
// region, time zone, default comment policy).
#include "api/mastodon/handler.h"

namespace kindred::api {

namespace {

// A setting that null or "" clears: nullopt when absent, "" when cleared.
Result<std::optional<std::string>> clearable(const Input& in, std::string_view name) {
  if (!in.present(name)) return std::optional<std::string>();
  KINDRED_ASSIGN_OR_RETURN(auto v, in.string(name));
  return std::optional<std::string>(v.value_or(""));
}

Result<social::PreferencesEdit> read_edit(const Input& in) {
  social::PreferencesEdit e;
  KINDRED_ASSIGN_OR_RETURN(e.memories, in.boolean("memories"));
  KINDRED_ASSIGN_OR_RETURN(e.support_resources, in.boolean("support_resources"));
  KINDRED_ASSIGN_OR_RETURN(e.region, clearable(in, "region"));
  KINDRED_ASSIGN_OR_RETURN(e.time_zone, clearable(in, "time_zone"));
  KINDRED_ASSIGN_OR_RETURN(auto policy, in.string("default_comment_policy"));
  if (policy) {
    KINDRED_ASSIGN_OR_RETURN(e.default_reply_policy, social::parse_reply_policy(*policy));
  }
  return e;
}

}  // namespace

void register_kindred_preference_routes(http::Router& router, ApiServices& s) {
  router.add(http::Method::kGet, "/api/v1/kindred/preferences", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    API_TRY(social::Preferences p, s.preferences.get(caller.account->id));
    return json_text_response(entities::preferences_json(p));
  });

  router.add(http::Method::kPatch, "/api/v1/kindred/preferences", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(social::PreferencesEdit edit, read_edit(in));
    API_TRY(social::Preferences p, s.preferences.update(caller.account->id, edit));
    return json_text_response(entities::preferences_json(p));
  });
}

}  // namespace kindred::api
