// The routes Mastodon apps call the moment they start, with nothing Kindred-specific to say:
// GET /api/v1/preferences, /api/v1/custom_emojis, /api/v1/instance/peers and
// /api/v1/instance/translation_languages; and the small routes beside them: GET /api/v1/accounts
// and /api/v1/statuses (by id[]), POST /api/v1/statuses/:id/mute and /unmute (conversations),
// DELETE /api/v1/profile/avatar and /header, GET /api/oembed and GET /health.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <optional>

#include "api/mastodon/handler.h"
#include "social/identity/profiles.h"
#include "social/model/text.h"

namespace kindred::api {
namespace json = boost::json;

namespace {

// The status a local status page URL names: <base>/@name/<id> or <base>/users/name/statuses/<id>.
std::optional<std::pair<std::string, Id>> status_url(const std::string& base, std::string_view url) {
  if (url.substr(0, base.size()) != base) return std::nullopt;
  url.remove_prefix(base.size());
  if (auto q = url.find_first_of("?#"); q != std::string_view::npos) url = url.substr(0, q);
  std::string_view name;
  if (url.starts_with("/@")) {
    url.remove_prefix(2);
    const size_t slash = url.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    name = url.substr(0, slash);
    url.remove_prefix(slash + 1);
  } else if (url.starts_with("/users/")) {
    url.remove_prefix(7);
    const size_t slash = url.find("/statuses/");
    if (slash == std::string_view::npos) return std::nullopt;
    name = url.substr(0, slash);
    url.remove_prefix(slash + 10);
  } else {
    return std::nullopt;
  }
  auto id = Id::parse(url);
  if (name.empty() || !id || id->is_none()) return std::nullopt;
  return std::make_pair(std::string(name), *id);
}

}  // namespace

void register_startup_routes(http::Router& router, ApiServices& s) {
  // The account's posting and reading defaults, in Mastodon's keys. Kindred posts public and
  // not sensitive unless a post says otherwise (the Account's source says the same), in the
  // account's own language; media and content warnings are shown as the app chooses.
  router.add(http::Method::kGet, "/api/v1/preferences", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "read:accounts"));
    std::string language;
    if (caller.account.has_value()) language = caller.account->locale;  // always, for kUser
    return json_response(json::object{
        {"posting:default:visibility", "public"},
        {"posting:default:sensitive", false},
        {"posting:default:language", language.empty() ? json::value(nullptr) : json::value(language)},
        {"reading:expand:media", "default"},
        {"reading:expand:spoilers", false},
    });
  });
  // No custom emoji on this server (a photo server's composer has Unicode's).
  router.add(http::Method::kGet, "/api/v1/custom_emojis",
             [](http::Request&) { return json_response(json::array{}); });
  // Kindred does not federate: no other server is known.
  router.add(http::Method::kGet, "/api/v1/instance/peers",
             [](http::Request&) { return json_response(json::array{}); });
  // No translation service: no language pair to offer.
  router.add(http::Method::kGet, "/api/v1/instance/translation_languages",
             [](http::Request&) { return json_response(json::object{}); });

  // Several accounts or statuses at once (Mastodon 4.3): unknown ids, accounts awaiting approval
  // and statuses the caller may not see are left out.
  router.add(http::Method::kGet, "/api/v1/accounts", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:accounts"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto ids, ids_param(in, 40));
    API_TRY(auto views, s.accounts.views(ids));
    std::erase_if(views, [](const social::AccountView& v) { return !v.account.approved; });
    return json_text_response(entities::accounts_json(views, s.config));
  });
  router.add(http::Method::kGet, "/api/v1/statuses", [&s](http::Request& req) {
    API_TRY(Caller caller, authenticate(s, req, AuthNeed::kOptional, "read:statuses"));
    API_TRY(Input in, Input::from(req));
    API_TRY(auto ids, ids_param(in, 20));
    API_TRY(auto views, s.posts.get_many(caller.viewer(), ids));
    return json_text_response(entities::statuses_json(views, s.config));
  });

  add_status_action(router, s, "/api/v1/statuses/:id/mute", "write:mutes",
                    [&s](const social::Viewer& v, Id id) { return s.posts.mute_conversation(v, id); });
  add_status_action(router, s, "/api/v1/statuses/:id/unmute", "write:mutes",
                    [&s](const social::Viewer& v, Id id) { return s.posts.unmute_conversation(v, id); });

  // Mastodon 4.4: back to the default pictures; the CredentialAccount answers.
  for (auto [path, avatar] : {std::pair{"/api/v1/profile/avatar", true},
                              std::pair{"/api/v1/profile/header", false}}) {
    router.add_blocking(http::Method::kDelete, path, [&s, avatar = avatar](http::Request& req) {
      API_TRY(Caller caller, authenticate(s, req, AuthNeed::kUser, "write:accounts"));
      social::ProfileEdit edit;
      (avatar ? edit.avatar : edit.header) = std::string();
      API_TRY(social::Account a, s.profiles.update(caller.account->id, edit));
      API_TRY(social::AccountView v, s.accounts.view_of(std::move(a)));
      return json_text_response(entities::account_json(v, s.config, true));
    });
  }

  // oEmbed for a status page anyone may see; 404 for any other URL.
  router.add(http::Method::kGet, "/api/oembed", [&s](http::Request& req) {
    API_TRY(Input in, Input::from(req));
    API_TRY(auto url, in.string("url"));
    API_TRY(auto maxwidth, in.integer("maxwidth"));
    API_TRY(auto maxheight, in.integer("maxheight"));
    auto named = url ? status_url(s.config.base_url, *url) : std::nullopt;
    if (!named) return error_response(404, "Record not found");
    auto view = s.posts.get(social::Viewer{}, named->second);
    if (!view.has_value() || view->post.is_reblog() ||
        social::ascii_lower(view->author.account.username) != social::ascii_lower(named->first))
      return error_response(404, "Record not found");
    const social::Account& a = view->author.account;
    const std::string page = s.config.base_url + "/@" + a.username + "/" + view->post.id.to_string();
    const int64_t width = maxwidth.value_or(400);
    const std::string name = a.display_name.empty() ? a.username : a.display_name;
    const std::string html =
        "<blockquote class=\"mastodon-embed\" data-embed-url=\"" + social::html_escape(page) +
        "/embed\" style=\"max-width: 540px; min-width: 270px; border: 1px solid #c9c4da; "
        "border-radius: 8px; padding: 16px; overflow: hidden\">" + view->post.content_html +
        "<p><a href=\"" + social::html_escape(page) + "\" target=\"_blank\">Post by @" +
        social::html_escape(a.username) + "@" + social::html_escape(s.config.domain) +
        "</a></p></blockquote>";
    return json_response(json::object{
        {"type", "rich"},
        {"version", "1.0"},
        {"title", "New status by " + a.username},
        {"author_name", name},
        {"author_url", s.config.base_url + "/@" + a.username},
        {"provider_name", s.config.domain},
        {"provider_url", s.config.base_url + "/"},
        {"cache_age", 86400},
        {"html", html},
        {"width", width},
        {"height", maxheight ? json::value(*maxheight) : json::value(nullptr)},
    });
  });

  // For load balancers and uptime checks, as Mastodon's.
  router.add(http::Method::kGet, "/health", [](http::Request&) {
    http::Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "OK";
    r.set_header("Cache-Control", "no-store");
    return r;
  });
}

}  // namespace kindred::api
