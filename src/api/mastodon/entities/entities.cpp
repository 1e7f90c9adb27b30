#include "api/mastodon/entities/entities.h"

#include <ctime>

#include <fmt/format.h>

#include "api/mastodon/entities/filters.h"
#include "api/mastodon/entities/comment_controls.h"
#include "api/mastodon/entities/support.h"
#include "social/model/record_cache.h"
#include "social/model/text.h"

namespace kindred::api::entities {
namespace json = boost::json;

namespace {

// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
// civil_from_days): no time zone database, no locale, no formatting library, as these are
// written for every status and account.
struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

void put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string iso8601(int64_t ms) {
  const int64_t days = floor_div(ms, 86'400'000);
  const auto in_day = static_cast<unsigned>(ms - days * 86'400'000);
  const CivilDate d = civil_from_days(days);
  if (d.year < 0 || d.year > 9999) {  // outside what four digits can say: never for real posts
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", d.year, d.month, d.day,
                       in_day / 3'600'000, in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000);
  }
  char buf[24];
  put_digits(buf, static_cast<unsigned>(d.year), 4);
  buf[4] = '-';
  put_digits(buf + 5, d.month, 2);
  buf[7] = '-';
  put_digits(buf + 8, d.day, 2);
  buf[10] = 'T';
  put_digits(buf + 11, in_day / 3'600'000, 2);
  buf[13] = ':';
  put_digits(buf + 14, in_day / 60'000 % 60, 2);
  buf[16] = ':';
  put_digits(buf + 17, in_day / 1000 % 60, 2);
  buf[19] = '.';
  put_digits(buf + 20, in_day % 1000, 3);
  buf[23] = 'Z';
  return std::string(buf, sizeof buf);
}

std::string iso_date(int64_t ms) { return iso8601(ms).substr(0, 10); }

void write_instant_or_null(JsonWriter& w, std::string_view key, int64_t ms) {
  w.key(key);
  if (ms == 0) {
    w.null();
  } else {
    w.string(iso8601(ms));
  }
}

namespace {

std::string profile_url(const ApiConfig& c, const std::string& username) {
  return c.base_url + "/@" + username;
}

std::string note_html(const std::string& note) {
  if (note.empty()) return "";
  return "<p>" + social::html_escape(note) + "</p>";
}

}  // namespace

std::string media_url(const ApiConfig& c, std::string_view blob) {
  return c.base_url + "/system/media/" + std::string(blob);
}

namespace {

void write_media_size(JsonWriter& w, const social::MediaFile& f) {
  w.begin_object()
      .member("width", int64_t{f.width})
      .member("height", int64_t{f.height})
      .member("size", std::to_string(f.width) + "x" + std::to_string(f.height))
      .key("aspect")
      .real(f.height > 0 ? static_cast<double>(f.width) / f.height : 0.0)
      .end_object();
}

}  // namespace

void write_media(JsonWriter& w, const social::Media& m, const ApiConfig& c) {
  const bool ready = m.state == social::MediaState::kReady;
  w.begin_object().member("id", m.id.to_string()).member("type", "image");
  w.key("url");
  ready ? w.string(media_url(c, m.original.blob)) : w.null();
  w.key("preview_url");
  ready ? w.string(media_url(c, m.preview.blob)) : w.null();
  w.key("remote_url").null().key("preview_remote_url").null().key("text_url").null();
  w.key("meta").begin_object();
  if (ready) {
    w.key("original");
    write_media_size(w, m.original);
    w.key("small");
    write_media_size(w, m.preview);
  }
  w.key("focus").begin_object().key("x").real(m.focus_x).key("y").real(m.focus_y).end_object();
  w.end_object();
  w.key("description");
  m.description.empty() ? w.null() : w.string(m.description);
  w.key("blurhash");
  ready ? w.string(m.blurhash) : w.null();
  w.end_object();
}

std::string relationship_json(const social::RelationshipView& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .member("id", r.id.to_string())
      .member("following", r.following)
      .member("showing_reblogs", r.following)
      .member("notifying", false)
      .key("languages")
      .null()
      .member("followed_by", r.followed_by)
      .member("blocking", r.blocking)
      .member("blocked_by", r.blocked_by)
      .member("muting", r.muting)
      .member("muting_notifications", r.muting_notifications)
      .member("requested", r.requested)
      .member("requested_by", r.requested_by)
      .member("domain_blocking", false)
      .member("endorsed", r.endorsed)
      .member("note", r.note)
      .end_object();
  return out;
}

std::string media_json(const social::Media& m, const ApiConfig& c) {
  std::string out;
  JsonWriter w(out);
  write_media(w, m, c);
  return out;
}

namespace {

// Memos of the parts of Account and Status that depend only on stored records, which most reads
// repeat (a home page writes 20 statuses; a storm reads one status thousands of times). Each
// entry keeps the inputs it was written from and is used only when they are equal to the
// current ones, so a memo can be stale only in memory, never in output: an edited profile or
// anything else that changes an input simply misses. Bounded like every RecordCache. The heads
// are open objects: the caller appends the members that change (counts, the viewer's flags)
// and closes them.
constexpr size_t kMemoEntries = 16384;

struct AccountHead {
  social::Account account;
  std::string base_url;
  std::string json;
};

struct StatusHead {
  social::Post post;
  std::string username;  // the author's
  std::vector<social::MentionView> mentions;
  std::vector<social::Media> media;
  std::string base_url;
  std::string json;
};

social::RecordCache<Id, AccountHead>& account_heads() {
  static social::RecordCache<Id, AccountHead> memo(kMemoEntries);
  return memo;
}

social::RecordCache<Id, StatusHead>& status_heads() {
  static social::RecordCache<Id, StatusHead> memo(kMemoEntries);
  return memo;
}

// `{"id":...` up to and including "fields", "memorial" and "kindred": everything but counts.
void write_account_head(JsonWriter& w, const social::Account& a, const ApiConfig& c) {
  const std::string avatar = a.avatar.empty() ? c.base_url + "/avatars/original/missing.png"
                                              : media_url(c, a.avatar);
  const std::string header = a.header.empty() ? c.base_url + "/headers/original/missing.png"
                                              : media_url(c, a.header);
  w.begin_object()
      .member("id", a.id.to_string())
      .member("username", a.username)
      .member("acct", a.username)
      .member("display_name", a.display_name)
      .member("locked", a.locked)
      .member("bot", a.bot)
      .member("discoverable", true)
      .member("indexable", a.indexable)
      .member("group", false)
      // Mastodon reports account creation to the day.
      .member("created_at", iso_date(a.created_at_ms) + "T00:00:00.000Z")
      .member("note", note_html(a.note))
      .member("url", profile_url(c, a.username))
      .member("uri", c.base_url + "/users/" + a.username)
      .member("avatar", avatar)
      .member("avatar_static", avatar)
      .member("header", header)
      .member("header_static", header)
      .member("hide_collections", false)
      // Mastodon's two flags for one Kindred preference: web pages say noindex unless opted in.
      .member("noindex", !a.indexable);
  w.key("emojis").raw("[]").key("roles").raw("[]").key("fields").begin_array();
  for (const auto& f : a.fields) {
    w.begin_object()
        .member("name", f.name)
        .member("value", social::html_escape(f.value))
        .key("verified_at")
        .null()
        .end_object();
  }
  w.end_array();
  if (a.memorial) w.member("memorial", true);
  w.key("kindred").begin_object().member("verified", a.verified);
  // What a client shows on a memorial profile, worded the same everywhere.
  if (a.memorial)
    w.member("remembering",
             "Remembering " + (a.display_name.empty() ? a.username : a.display_name));
  w.end_object();
}

std::shared_ptr<const AccountHead> account_head(const social::Account& a, const ApiConfig& c) {
  auto& memo = account_heads();
  if (auto found = memo.find(a.id); found && *found && (*found)->account == a &&
                                    (*found)->base_url == c.base_url) {
    return *found;
  }
  auto head = std::make_shared<AccountHead>();
  JsonWriter w(head->json);
  write_account_head(w, a, c);
  head->account = a;
  head->base_url = c.base_url;
  memo.put(a.id, head);
  return head;
}

// `{"id":...` through "card": everything that depends on the post alone. Counts, the reblogged
// original, the application, the author and the viewer's flags follow.
void write_status_head(JsonWriter& w, const social::PostView& v, const ApiConfig& c) {
  const social::Post& p = v.post;
  const std::string& username = v.author.account.username;
  const std::string id = p.id.to_string();
  w.begin_object().member("id", id).member("created_at", iso8601(p.created_at_ms));
  w.key("in_reply_to_id");
  if (p.in_reply_to_id.is_none()) {
    w.null();
  } else {
    w.string(p.in_reply_to_id.to_string());
  }
  w.key("in_reply_to_account_id");
  if (p.in_reply_to_account_id.is_none()) {
    w.null();
  } else {
    w.string(p.in_reply_to_account_id.to_string());
  }
  w.member("sensitive", p.sensitive)
      .member("spoiler_text", p.spoiler_text)
      .member("visibility", social::visibility_name(p.visibility));
  w.key("language");
  if (p.language.empty()) {
    w.null();
  } else {
    w.string(p.language);
  }
  // A reblog is an activity, not a note: Mastodon gives it the activity's URI as both.
  const std::string uri = c.base_url + "/users/" + username + "/statuses/" + id;
  w.member("uri", p.is_reblog() ? uri + "/activity" : uri)
      .member("url", p.is_reblog() ? uri + "/activity" : profile_url(c, username) + "/" + id)
      .key("edited_at");
  if (p.edited_at_ms == 0) {
    w.null();
  } else {
    w.string(iso8601(p.edited_at_ms));
  }
  w.member("content", p.content_html);
  w.key("media_attachments").begin_array();
  for (const auto& m : v.media) write_media(w, m, c);
  w.end_array();
  w.key("mentions").begin_array();
  for (const auto& m : v.mentions) {
    w.begin_object()
        .member("id", m.id.to_string())
        .member("username", m.username)
        .member("url", profile_url(c, m.username))
        .member("acct", m.username)
        .end_object();
  }
  w.end_array();
  w.key("tags").begin_array();
  for (const auto& t : p.tags)
    w.begin_object().member("name", t).member("url", c.base_url + "/tags/" + t).end_object();
  w.end_array();
  w.key("emojis").raw("[]").key("card").null();
}

std::shared_ptr<const StatusHead> status_head(const social::PostView& v, const ApiConfig& c) {
  auto& memo = status_heads();
  if (auto found = memo.find(v.post.id);
      found && *found && (*found)->post == v.post && (*found)->username == v.author.account.username &&
      (*found)->mentions == v.mentions && (*found)->media == v.media && (*found)->base_url == c.base_url) {
    return *found;
  }
  auto head = std::make_shared<StatusHead>();
  JsonWriter w(head->json);
  write_status_head(w, v, c);
  head->post = v.post;
  head->username = v.author.account.username;
  head->mentions = v.mentions;
  head->media = v.media;
  head->base_url = c.base_url;
  memo.put(v.post.id, head);
  return head;
}

}  // namespace

void write_poll(JsonWriter& w, const social::PollView& v) {
  const social::Poll& p = v.poll;
  w.begin_object()
      .member("id", p.id.to_string())
      .member("expires_at", iso8601(p.expires_at_ms))
      .member("expired", v.expired)
      .member("multiple", p.multiple)
      .member("votes_count", v.votes_count)
      .key("voters_count");
  if (p.multiple) {
    w.number(v.voters_count);
  } else {
    w.null();
  }
  w.key("options").begin_array();
  for (size_t i = 0; i < p.options.size(); ++i) {
    w.begin_object().member("title", p.options[i]).key("votes_count");
    if (i < v.option_votes.size()) {
      w.number(v.option_votes[i]);
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array().key("emojis").raw("[]");
  if (v.viewer_signed_in) {
    w.member("voted", v.voted).key("own_votes").begin_array();
    for (int o : v.own_votes) w.number(int64_t{o});
    w.end_array();
  }
  w.end_object();
}

std::string poll_json(const social::PollView& v) {
  std::string out;
  JsonWriter w(out);
  write_poll(w, v);
  return out;
}

void write_account(JsonWriter& w, const social::AccountView& v, const ApiConfig& c, bool credential) {
  const social::Account& a = v.account;
  w.raw(account_head(a, c)->json);
  w.member("followers_count", v.followers_count)
      .member("following_count", v.following_count)
      .member("statuses_count", v.statuses_count);
  w.key("last_status_at");
  if (v.last_status_at_ms > 0) {
    w.string(iso_date(v.last_status_at_ms));
  } else {
    w.null();
  }
  if (credential) {
    w.key("source")
        .begin_object()
        .member("privacy", "public")
        .member("sensitive", false)
        .member("language", a.locale)
        .member("note", a.note)
        .key("fields")
        .begin_array();
    for (const auto& f : a.fields) {
      w.begin_object()
          .member("name", f.name)
          .member("value", f.value)
          .key("verified_at")
          .null()
          .end_object();
    }
    w.end_array()
        .member("follow_requests_count", int64_t{0})
        .member("indexable", a.indexable)  // Mastodon 4.2
        .end_object();
    w.key("role").raw(role_json(social::role_of(a)));
  }
  w.end_object();
}

std::string_view role_json(social::Role role) {
  // Permissions are Mastodon's UserRole flags: administrator = 1, manage_reports = 1 << 4.
  switch (role) {
    case social::Role::kModerator:
      return R"({"id":"1","name":"Moderator","permissions":"16","color":"","highlighted":true})";
    case social::Role::kAdmin:
      return R"({"id":"2","name":"Admin","permissions":"1","color":"","highlighted":true})";
    case social::Role::kUser: break;
  }
  return R"({"id":"-99","name":"","permissions":"0","color":"","highlighted":false})";
}

void write_status(JsonWriter& w, const social::PostView& v, const ApiConfig& c, bool with_source) {
  const social::Post& p = v.post;
  w.raw(status_head(v, c)->json);
  w.member("replies_count", v.replies_count)
      .member("reblogs_count", v.reblogs_count)
      .member("favourites_count", v.favourites_count);
  w.key("poll");
  if (v.poll) {
    write_poll(w, *v.poll);
  } else {
    w.null();
  }
  write_interaction_policy(w.key("interaction_policy"), v);
  w.key("reblog");
  if (v.reblog) {
    write_status(w, *v.reblog, c);
  } else {
    w.null();
  }
  if (v.app) {
    w.key("application").begin_object().member("name", v.app->name).key("website");
    if (v.app->website.empty()) {
      w.null();
    } else {
      w.string(v.app->website);
    }
    w.end_object();
  }
  w.key("account");
  write_account(w, v.author, c);
  if (v.viewer_signed_in) {
    w.member("favourited", v.favourited)
        .member("reblogged", v.reblogged)
        .member("muted", v.muted)
        .member("bookmarked", v.bookmarked);
    if (v.viewer_is_author) w.member("pinned", v.pinned);
    write_filter_results(w.key("filtered"), v.filtered);
  }
  // Kindred's extension, only where it has something to say.
  const bool show_hold = v.in_review && p.hold != social::CommentHold::kNone;
  if (v.comment_pinned || v.support || show_hold || has_comment_controls_extension(v)) {
    w.key("kindred").begin_object();
    if (v.comment_pinned) w.member("comment_pinned", true);
    if (show_hold) w.member("hold", social::comment_hold_name(p.hold));
    write_comment_controls_extension(w, v);
    if (v.support) write_support_card(w.key("support"), *v.support);
    w.end_object();
  }
  if (with_source) w.member("text", p.text);
  w.end_object();
}

std::string account_json(const social::AccountView& v, const ApiConfig& c, bool credential) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  write_account(w, v, c, credential);
  return out;
}

std::string status_json(const social::PostView& v, const ApiConfig& c, bool with_source) {
  std::string out;
  out.reserve(2048 + v.post.content_html.size());
  JsonWriter w(out);
  write_status(w, v, c, with_source);
  return out;
}

std::string accounts_json(const std::vector<social::AccountView>& vs, const ApiConfig& c) {
  std::string out;
  out.reserve(1024 * vs.size() + 2);
  JsonWriter w(out);
  w.begin_array();
  for (const auto& v : vs) write_account(w, v, c);
  w.end_array();
  return out;
}

std::string statuses_json(const std::vector<social::PostView>& vs, const ApiConfig& c) {
  std::string out;
  out.reserve(2048 * vs.size() + 2);
  JsonWriter w(out);
  w.begin_array();
  for (const auto& v : vs) write_status(w, v, c);
  w.end_array();
  return out;
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
  json::object o{{"access_token", t.access_token},
                 {"token_type", "Bearer"},
                 {"scope", t.token.scopes},
                 {"created_at", t.token.created_at_ms / 1000}};
  // RFC 6749 §5.1: the lifetime, for the tokens that have one (an app's own).
  if (t.expires_in_s > 0) o["expires_in"] = t.expires_in_s;
  return o;
}

}  // namespace kindred::api::entities
