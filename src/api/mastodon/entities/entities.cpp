#include "api/mastodon/entities/entities.h"

#include <ctime>

#include <fmt/format.h>

#include "social/text.h"

namespace kindred::api::entities {
namespace json = boost::json;

std::string iso8601(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string iso_date(int64_t ms) { return iso8601(ms).substr(0, 10); }

namespace {

std::string profile_url(const ApiConfig& c, const std::string& username) {
  return c.base_url + "/@" + username;
}

std::string note_html(const std::string& note) {
  if (note.empty()) return "";
  return "<p>" + social::html_escape(note) + "</p>";
}

}  // namespace

json::object account(const social::AccountView& v, const ApiConfig& c) {
  const social::Account& a = v.account;
  const std::string avatar = c.base_url + "/avatars/original/missing.png";
  const std::string header = c.base_url + "/headers/original/missing.png";
  json::object o;
  o.reserve(32);
  o["id"] = a.id.to_string();
  o["username"] = a.username;
  o["acct"] = a.username;
  o["display_name"] = a.display_name;
  o["locked"] = a.locked;
  o["bot"] = a.bot;
  o["discoverable"] = true;
  o["indexable"] = true;
  o["group"] = false;
  // Mastodon reports account creation to the day.
  o["created_at"] = iso_date(a.created_at_ms) + "T00:00:00.000Z";
  o["note"] = note_html(a.note);
  o["url"] = profile_url(c, a.username);
  o["uri"] = c.base_url + "/users/" + a.username;
  o["avatar"] = avatar;
  o["avatar_static"] = avatar;
  o["header"] = header;
  o["header_static"] = header;
  o["followers_count"] = v.followers_count;
  o["following_count"] = v.following_count;
  o["statuses_count"] = v.statuses_count;
  o["last_status_at"] =
      v.last_status_at_ms > 0 ? json::value(iso_date(v.last_status_at_ms)) : json::value(nullptr);
  o["hide_collections"] = false;
  o["noindex"] = false;
  o["emojis"] = json::array();
  o["roles"] = json::array();
  o["fields"] = json::array();
  if (a.memorial) o["memorial"] = true;
  o["kindred"] = json::object{{"verified", a.verified}};
  return o;
}

json::object credential_account(const social::AccountView& v, const ApiConfig& c) {
  json::object o = account(v, c);
  o["source"] = json::object{{"privacy", "public"},
                             {"sensitive", false},
                             {"language", v.account.locale},
                             {"note", v.account.note},
                             {"fields", json::array()},
                             {"follow_requests_count", 0}};
  o["role"] = json::object{{"id", "-99"}, {"name", ""}, {"permissions", "0"},
                           {"color", ""}, {"highlighted", false}};
  return o;
}

json::object status(const social::PostView& v, const ApiConfig& c, bool with_source) {
  const social::Post& p = v.post;
  const std::string& username = v.author.account.username;
  json::object o;
  o.reserve(36);
  o["id"] = p.id.to_string();
  o["created_at"] = iso8601(p.created_at_ms);
  o["in_reply_to_id"] = p.in_reply_to_id.is_none() ? json::value(nullptr)
                                                   : json::value(p.in_reply_to_id.to_string());
  o["in_reply_to_account_id"] = p.in_reply_to_account_id.is_none()
                                    ? json::value(nullptr)
                                    : json::value(p.in_reply_to_account_id.to_string());
  o["sensitive"] = p.sensitive;
  o["spoiler_text"] = p.spoiler_text;
  o["visibility"] = social::visibility_name(p.visibility);
  o["language"] = p.language.empty() ? json::value(nullptr) : json::value(p.language);
  o["uri"] = c.base_url + "/users/" + username + "/statuses/" + p.id.to_string();
  o["url"] = profile_url(c, username) + "/" + p.id.to_string();
  o["replies_count"] = v.replies_count;
  o["reblogs_count"] = 0;
  o["favourites_count"] = v.favourites_count;
  o["edited_at"] = nullptr;
  o["content"] = p.content_html;
  o["reblog"] = nullptr;
  if (v.app) {
    o["application"] = json::object{
        {"name", v.app->name},
        {"website", v.app->website.empty() ? json::value(nullptr) : json::value(v.app->website)}};
  }
  o["account"] = account(v.author, c);
  o["media_attachments"] = json::array();
  json::array mentions;
  for (const auto& m : v.mentions)
    mentions.push_back(json::object{{"id", m.id.to_string()},
                                    {"username", m.username},
                                    {"url", profile_url(c, m.username)},
                                    {"acct", m.username}});
  o["mentions"] = std::move(mentions);
  json::array tags;
  for (const auto& t : p.tags)
    tags.push_back(json::object{{"name", t}, {"url", c.base_url + "/tags/" + t}});
  o["tags"] = std::move(tags);
  o["emojis"] = json::array();
  o["card"] = nullptr;
  o["poll"] = nullptr;
  if (v.viewer_signed_in) {
    o["favourited"] = v.favourited;
    o["reblogged"] = false;
    o["muted"] = false;
    o["bookmarked"] = false;
    if (v.viewer_is_author) o["pinned"] = false;
    o["filtered"] = json::array();
  }
  if (with_source) o["text"] = p.text;
  return o;
}

json::object application(const social::App& app, bool with_secrets) {
  json::object o;
  o["id"] = app.id.to_string();
  o["name"] = app.name;
  o["website"] = app.website.empty() ? json::value(nullptr) : json::value(app.website);
  json::array uris;
  std::string joined;
  for (const auto& u : app.redirect_uris) {
    uris.push_back(json::string(u));
    if (!joined.empty()) joined += '\n';
    joined += u;
  }
  json::array scopes;
  size_t i = 0;
  while (i < app.scopes.size()) {
    size_t j = app.scopes.find(' ', i);
    if (j == std::string::npos) j = app.scopes.size();
    scopes.push_back(json::string(app.scopes.substr(i, j - i)));
    i = j + 1;
  }
  o["scopes"] = std::move(scopes);
  o["redirect_uri"] = joined;
  o["redirect_uris"] = std::move(uris);
  o["vapid_key"] = "";
  if (with_secrets) {
    o["client_id"] = app.client_id;
    o["client_secret"] = app.client_secret;
    o["client_secret_expires_at"] = 0;
  }
  return o;
}

json::object token(const social::IssuedToken& t) {
  return json::object{{"access_token", t.access_token},
                      {"token_type", "Bearer"},
                      {"scope", t.token.scopes},
                      {"created_at", t.token.created_at_ms / 1000}};
}

}  // namespace kindred::api::entities
