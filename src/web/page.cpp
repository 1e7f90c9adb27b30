#include "web/page.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "core/utf8.h"
#include "social/identity/secrets.h"
#include "social/model/calendar.h"
#include "social/model/text.h"
#include "web/escape.h"
#include "web/numbers.h"
#include "web/session.h"

namespace kindred::web {

namespace {

// Every page: nothing from another origin, no inline script or style, no plugins, no framing,
// forms only to this site. connect-src lets the pages' own modules call the API.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; object-src 'none'";

constexpr const char* kMonths[] = {"month.1", "month.2", "month.3", "month.4",  "month.5",  "month.6",
                                   "month.7", "month.8", "month.9", "month.10", "month.11", "month.12"};

bool wants_html(const http::Request& req) {
  auto accept = req.header("accept");
  return accept && accept->find("text/html") != std::string_view::npos;
}


}  // namespace

std::string PageContext::number(int64_t n) const { return format_number(n, language); }

namespace {

std::string fill_html(const Message* m, std::string_view key, TextArgs html) {
  std::string out;
  if (!m) {
    out += '[';
    append_escaped(out, key);
    out += ']';
    return out;
  }
  for (const Message::Piece& p : m->pieces) {
    if (!p.placeholder) {
      for (char ch : p.text) {
        switch (ch) {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          default: out += ch;
        }
      }
      continue;
    }
    bool found = false;
    for (const auto& [k, v] : html) {
      if (k == p.text) {
        out += v;
        found = true;
        break;
      }
    }
    if (!found) {
      out += '{';
      append_escaped(out, p.text);
      out += '}';
    }
  }
  return out;
}

}  // namespace

std::string PageContext::t_html(std::string_view key, TextArgs html) const {
  return fill_html(texts().find(key), key, html);
}

std::string PageContext::plural_html(std::string_view key, int64_t n, TextArgs html) const {
  std::string full(key);
  full.append(".").append(texts().plural_category(n));
  const Message* m = texts().find(full);
  if (!m) {
    full.resize(key.size());
    full += ".other";
    m = texts().find(full);
  }
  return fill_html(m, full, html);
}

const std::string& PageContext::csrf() const {
  if (me) return me->session.csrf;
  if (pre_session_csrf.empty()) {
    auto existing = cookie(req, kCsrfCookie);
    // Only a value this site could have made (43 URL-safe characters) is taken back.
    if (existing && existing->size() == 43 &&
        std::all_of(existing->begin(), existing->end(), [](unsigned char ch) {
          return std::isalnum(ch) || ch == '-' || ch == '_';
        })) {
      pre_session_csrf = std::string(*existing);
    } else {
      pre_session_csrf = social::random_token();
      set_csrf_cookie = true;
    }
  }
  return pre_session_csrf;
}

std::string PageContext::field(std::string_view name) const {
  auto v = form.get(name);
  return v ? std::string(*v) : std::string();
}

namespace {

// JSON string literal of `s` (UTF-8 kept; quotes, backslashes and control characters escaped).
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(ch)));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace

// The sentences the optional module may show, in the reader's language, as a JSON object (the
// layout puts it, escaped, in <body data-words>: no inline script under the CSP).
std::string script_words(const PageContext& c) {
  const std::pair<const char*, std::string> entries[] = {
      {"like_failed", c.t("js.like_failed")},
      {"post_gone", c.t("js.post_gone")},
      {"previous_photo", c.t("js.previous_photo")},
      {"next_photo", c.t("js.next_photo")},
      {"photo_as_chosen", c.t("js.photo_as_chosen")},
      {"uploading_photo", c.t("js.uploading_photo")},
      {"photo_uploaded", c.t("js.photo_uploaded")},
      {"upload_413", c.t("js.upload_413")},
      {"upload_422", c.t("js.upload_422")},
      {"upload_429", c.t("js.upload_429")},
      {"upload_failed", c.t("js.upload_failed")},
      // The word after a like count ("1 like", "2 likes"), for a count that starts moving live.
      {"like_one", c.plural("count.likes", 1)},
      {"like_other", c.plural("count.likes", 2)},
      {"new_comments", c.t("js.new_comments")},
  };
  std::string json = "{";
  for (const auto& [key, text] : entries) {
    if (json.size() > 1) json += ',';
    append_json_string(json, key);
    json += ':';
    append_json_string(json, text);
  }
  json += '}';
  return json;
}

http::Response page_response(const PageContext& c, int status, Page page) {
  Data d;
  d.set("site", c.s.config.title);
  d.set("title", page.title);
  if (!page.description.empty()) d.set("description", page.description);
  if (!page.canonical.empty()) d.set("canonical", page.canonical);
  d.set("noindex", page.noindex);
  // The look chosen in /settings/appearance, kept in this browser only; none follows the system.
  auto theme = cookie(c.req, "kindred_theme");
  d.set("theme", theme && (*theme == "light" || *theme == "dark") ? Data(std::string(*theme)) : Data(false));
  if (page.preview) {
    const Preview& p = *page.preview;
    Data og;
    og.set("type", p.type);
    og.set("title", p.title);
    og.set("description", p.description);
    og.set("url", p.url);
    if (p.image) {
      Data image;
      image.set("url", p.image->url);
      image.set("width", std::to_string(p.image->width));
      image.set("height", std::to_string(p.image->height));
      image.set("alt", p.image->alt);
      og.set("image", std::move(image));
    }
    d.set("og", std::move(og));
  }
  Data styles = list();
  styles.push_back(Data(c.assets.url("site.css")));
  for (const auto& name : page.styles) styles.push_back(Data(c.assets.url(name)));
  d.set("styles", std::move(styles));
  d.set("icon", c.assets.url("icon.svg"));
  // Optional: local times and photo-row buttons (assets/site.js); every page is whole without it.
  d.set("script", c.assets.url("site.js"));
  d.set("words_json", script_words(c));
  d.set("body", std::move(page.body_html));
  d.set("me", false);
  if (c.me) {
    const social::Account& a = c.me->account;
    Data me;
    me.set("name", name_of(a));
    me.set("url", profile_path(a));
    me.set("avatar", avatar_path(a));
    me.set("csrf", c.me->session.csrf);
    // Moderators and admins have the moderation pages in the navigation.
    me.set("staff", social::is_staff(a) && c.s.reports != nullptr);
    me.set("unread", false);
    social::NotificationQuery q;
    auto unread = c.s.notifications.unread_count(c.viewer(), q, 99, true);
    if (unread.has_value() && *unread > 0)
      me.set("unread", *unread >= 99 ? std::string("99+") : c.number(*unread));
    d.set("me", std::move(me));
  }

  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = c.render("layout", d);
  r.set_header("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "same-origin");
  r.set_header("X-Frame-Options", "DENY");
  // A signed-in page is that person's alone: no shared cache may keep it.
  r.set_header("Cache-Control", c.me ? "private, no-cache" : "no-cache");
  r.set_header("Vary", "Accept-Encoding, Accept-Language");
  // Pages are compressed as they are sent (a post with 20 comments: ~40 KB of HTML, ~8 KB of
  // gzip); the fastest level, since every reader of a celebrity's post asks for it again.
  // HEAD is compressed too, so its headers are GET's (RFC 9110 9.3.2).
  if (r.body.size() > 1024 && accepts_gzip(c.req)) {
    r.body = gzip(r.body, 1);
    r.set_header("Content-Encoding", "gzip");
  }
  return r;
}

http::Response error_page(const PageContext& c, int status) {
  Data d;
  std::string title;
  const char* title_key;
  const char* message_key;
  switch (status) {
    case 404:
      title_key = "error.not_found.title";
      message_key = "error.not_found.message";
      break;
    case 410:
      title_key = "error.gone.title";
      message_key = "error.gone.message";
      break;
    case 429:
      title_key = "error.too_many.title";
      message_key = "error.too_many.message";
      break;
    case 403:
      title_key = "error.form_expired.title";
      message_key = "error.form_expired.message";
      break;
    case 400:
      title_key = "error.bad_link.title";
      message_key = "error.bad_link.message";
      break;
    default:
      title_key = "error.server.title";
      message_key = "error.server.message";
  }
  title = c.t(title_key);
  d.set("message", c.t(message_key));
  d.set("heading", title);
  d.set("where_next", c.t_html("error.where_next", {{"front", html_link("/", c.t("error.go_to_the_front_page"))},
                                                   {"explore", html_link("/explore", c.t("error.explore_recent_photos"))}}));
  Page page;
  page.title = c.t("page.title", {{"title", title}, {"site", c.s.config.title}});
  page.body_html = c.render("error", d);
  return page_response(c, status, page);
}

http::Response not_found(const PageContext& c) {
  http::Response r;
  if (wants_html(c.req) && !c.req.path.starts_with("/api/")) {
    r = error_page(c, 404);
  } else {
    r.status = 404;
    r.body = R"({"error":"Not found"})";
  }
  // The same path answers HTML or JSON by Accept: caches must keep them apart.
  r.set_header("Vary", "Accept");
  return r;
}

http::Response failure(const PageContext& c, const Status& status) {
  // As any other missing page: HTML for a browser, JSON otherwise, so a page that exists but
  // may not be seen answers exactly as one that never existed.
  if (status.is_not_found() || status.code() == StatusCode::kPermissionDenied)
    return not_found(c);
  if (status.code() == StatusCode::kInvalidArgument) return error_page(c, 400);
  std::cerr << "kindred web: " << c.req.path << ": " << status.to_string() << '\n';
  return error_page(c, 500);
}

http::Response redirect_to(const PageContext& c, const std::string& path) {
  http::Response r;
  r.status = 301;
  r.content_type = "text/plain; charset=utf-8";
  r.set_header("Location", c.req.query.empty() ? path : path + "?" + c.req.query);
  return r;
}

http::Response see_other(const std::string& path) {
  http::Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.set_header("Location", local_path(path));
  return r;
}

std::string return_path(const PageContext& c, const std::string& fallback) {
  const std::string to = c.field("return_to");
  return to.empty() ? fallback : local_path(to);
}

std::string warning_text(std::string_view spoiler_text) { return social::balance_bidi(spoiler_text); }

std::string name_of(const social::Account& a) {
  return a.display_name.empty() ? a.username : a.display_name;
}

std::string profile_path(const social::Account& a) { return "/@" + a.username; }

std::string post_path(const social::Account& author, Id post_id) {
  return "/@" + author.username + "/" + post_id.to_string();
}

std::string media_path(std::string_view blob) { return "/system/media/" + std::string(blob); }

std::string avatar_path(const social::Account& a) {
  return a.avatar.empty() ? "/avatars/original/missing.png" : media_path(a.avatar);
}

std::string time_html(const PageContext& c, int64_t ms) {
  const Data t = time_data(c, ms);
  const Value* iso = t.find("iso");
  const Value* text = t.find("text");
  return "<time datetime=\"" + escape_html(iso ? iso->string() : "") + "\">" + escape_html(text ? text->string() : "") +
         "</time>";
}

std::string html_link(std::string_view href, std::string_view text) {
  return "<a href=\"" + escape_html(href) + "\">" + escape_html(text) + "</a>";
}

Data account_data(const PageContext& c, const social::Account& a) {
  Data d;
  d.set("remembering", false);
  d.set("name", name_of(a));
  d.set("username", a.username);
  d.set("url", profile_path(a));
  d.set("avatar", avatar_path(a));
  d.set("verified", a.verified);
  if (a.memorial) d.set("remembering", c.t("account.remembering", {{"name", name_of(a)}}));
  return d;
}

Data photo_data(const PageContext& c, const social::Media& m, const social::MediaFile& file,
                const social::Account& author) {
  Data d;
  d.set("src", media_path(file.blob));
  d.set("width", std::to_string(file.width));
  d.set("height", std::to_string(file.height));
  d.set("alt", m.description.empty() ? c.t("photo.no_description", {{"name", name_of(author)}})
                                     : m.description);
  return d;
}

std::string month_name(const PageContext& c, unsigned month) { return c.t(kMonths[month - 1]); }

Data time_data(const PageContext& c, int64_t ms) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
  const int64_t in_day = ms - days * kDayMs;
  const social::CivilDate date = social::date_from_days(days);
  const int hh = static_cast<int>(in_day / 3'600'000);
  const int mm = static_cast<int>(in_day / 60'000 % 60);
  const int ss = static_cast<int>(in_day / 1000 % 60);
  char iso[64];
  std::snprintf(iso, sizeof iso, "%sT%02d:%02d:%02dZ", social::format_date(date).c_str(), hh, mm, ss);
  char clock[16];
  std::snprintf(clock, sizeof clock, "%02d:%02d", hh, mm);
  Data d;
  d.set("iso", std::string(iso));
  d.set("text", c.t("time.utc", {{"day", std::to_string(date.day)},
                                 {"month", month_name(c, date.month)},
                                 {"year", std::to_string(date.year)},
                                 {"time", clock}}));
  return d;
}

std::string snippet(std::string_view text, size_t max_chars) {
  std::string flat;
  flat.reserve(std::min(text.size(), max_chars * 4));
  bool space = false;
  for (char ch : text) {
    if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
      space = !flat.empty();
      continue;
    }
    if (space) flat += ' ';
    space = false;
    flat += ch;
  }
  // Cut at a code point boundary, then back to the last space.
  size_t chars = 0, cut = flat.size();
  for (size_t i = 0; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) {
      cut = i;
      break;
    }
    ++chars;
  }
  // Snippets go inside other text (a title, a caption after a name): direction overrides left
  // open would turn what follows them.
  if (cut == flat.size()) return social::balance_bidi(flat);
  const size_t space_at = flat.rfind(' ', cut);
  if (space_at != std::string::npos && space_at > cut / 2) cut = space_at;
  return social::balance_bidi(flat.substr(0, cut)) + "…";
}

std::string render_grid(const PageContext& c, const std::vector<social::PostView>& posts,
                        bool captions, const std::string& older_url, std::string_view empty) {
  Data items = list();
  for (const auto& v : posts) {
    const social::PostView& p = v.reblog ? *v.reblog : v;
    Data tile;
    for (const char* key : {"warning", "photo", "more", "caption", "likes"}) tile.set(key, false);
    tile.set("url", post_path(p.author.account, p.post.id));
    tile.set("author", account_data(c, p.author.account));
    const bool hidden = p.post.sensitive || !p.post.spoiler_text.empty();
    if (hidden) {
      // A grid shows no photo a post hides behind a warning: the tile says so in words.
      tile.set("warning", p.post.spoiler_text.empty() ? c.t("grid.sensitive_photo")
                                                      : warning_text(p.post.spoiler_text));
    } else if (!p.media.empty() && p.media.front().state == social::MediaState::kReady) {
      const social::Media& m = p.media.front();
      tile.set("photo", photo_data(c, m, m.preview, p.author.account));
    }
    if (p.media.size() > 1) tile.set("more", c.plural("grid.photos", static_cast<int64_t>(p.media.size()), {{"count", std::to_string(p.media.size())}}));
    if (captions) {
      const std::string caption = snippet(p.post.text, 120);
      if (!caption.empty() && !hidden) tile.set("caption", caption);
      tile.set("likes", c.number(p.favourites_count));
      tile.set("show_likes", !p.post.hide_favourites_count);
      tile.set("likes_word", c.plural("grid.likes_word", p.favourites_count));
    }
    items.push_back(std::move(tile));
  }
  Data d;
  d.set("items", std::move(items));
  d.set("has_items", !posts.empty());
  d.set("captions", captions);
  d.set("empty", std::string(empty));
  if (!older_url.empty()) d.set("older_url", older_url);
  return c.render("grid", d);
}

}  // namespace kindred::web
