#pragma once

// Shared by the page handlers of src/web/: the layout, responses and the pieces of data
// several templates show. Internal to the web layer.
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/form.h"
#include "http/message.h"
#include "http/multipart.h"
#include "social/model/views.h"
#include "web/assets.h"
#include "web/templates.h"
#include "web/web.h"

namespace kindred::web {

// The person a request's session cookie names.
struct SignedIn {
  social::WebSession session;
  social::Account account;
};

// What one request needs to render: the services, the assets, the reader's language and, when
// signed in, who they are; for a form's POST, its fields.
struct PageContext {
  const WebServices& s;
  const Assets& assets;
  const http::Request& req;
  std::string language;  // for words and numbers ("en", "de-DE")
  std::optional<SignedIn> me;
  http::Params form;                         // a POST's fields (text parts of a multipart body)
  std::vector<http::MultipartPart> files;    // a multipart POST's file parts (views into req.body)
  // Before sign-in: the CSRF cookie's value, made on first use; set_csrf_cookie asks the
  // response to set it.
  mutable std::string pre_session_csrf;
  mutable bool set_csrf_cookie = false;
  mutable const Texts* texts_ = nullptr;  // texts(), found on first use

  social::Viewer viewer() const { return {me ? me->account.id : Id()}; }
  // The CSRF token this request's forms carry (web/session.h).
  const std::string& csrf() const;
  // The text field `name` of a POST, or "".
  std::string field(std::string_view name) const;

  std::string number(int64_t n) const;
  // The catalogue of the reader's language (web/text.h), English for what it lacks.
  const Texts& texts() const {
    if (!texts_) texts_ = &texts_for(language);
    return *texts_;
  }
  // The message `key` in the reader's language, placeholders filled from `args` (plain text).
  std::string t(std::string_view key, TextArgs args = {}) const { return texts().t(key, args); }
  // The message `key.one`, `key.other`, ... that suits `n` in the reader's language; pass the
  // number itself as an argument formatted with number(n).
  std::string plural(std::string_view key, int64_t n, TextArgs args = {}) const {
    return texts().plural(key, n, args);
  }
  // The message `key` as HTML for an element's content: its own text escaped (& < >), each
  // placeholder replaced by the value in `html` as it stands. Every value must be HTML the caller
  // built from escaped parts (escape_html of a name, a link around escaped text); place the result
  // unescaped ({{{name}}}).
  std::string t_html(std::string_view key, TextArgs html = {}) const;
  // t_html of the message `key.<category>` that suits `n`, as plural() chooses it.
  std::string plural_html(std::string_view key, int64_t n, TextArgs html = {}) const;
  // A template rendered in the reader's language.
  std::string render(std::string_view name, const Data& data) const { return web::render(name, data, texts()); }
  // base_url + path
  std::string absolute(std::string_view path) const { return s.config.base_url + std::string(path); }
};

// Open Graph and Twitter card tags of a page.
struct Preview {
  std::string type = "website";  // og:type
  std::string title;
  std::string description;
  std::string url;  // absolute
  struct Image {
    std::string url;  // absolute
    int width = 0;
    int height = 0;
    std::string alt;
  };
  std::optional<Image> image;
};

// One page: its layout fields around `body_html` (a rendered template).
struct Page {
  std::string title;        // <title>
  std::string description;  // <meta name="description">, may be empty
  std::string canonical;    // absolute URL, may be empty
  bool noindex = true;      // robots: keep out of search indexes
  std::optional<Preview> preview;
  std::vector<std::string> styles;  // asset names ("post.css"); site.css always comes first
  std::string body_html;
};

// The optional module's sentences in the reader's language, as a JSON object (for an attribute,
// escaped like any value).
std::string script_words(const PageContext& c);
// The whole document, with the security headers every page carries (a strict CSP and more).
http::Response page_response(const PageContext& c, int status, Page page);
// An error page (400, 403, 404, 410, 429, 500) as HTML.
http::Response error_page(const PageContext& c, int status);
// 404 for a browser asking for HTML; the API's JSON otherwise.
http::Response not_found(const PageContext& c);
// A failure from social/: not_found() for NotFound (and anything a visitor may not see), 400
// for a bad cursor, else 500 (logged).
http::Response failure(const PageContext& c, const Status& status);

// A redirect (301) to `path` on this site, keeping the query.
http::Response redirect_to(const PageContext& c, const std::string& path);
// After a form: 303 See Other to `path` (a local path, web/session.h local_path), so a reload
// does not post the form again.
http::Response see_other(const std::string& path);
// Where a form should send the person back to: its `return_to` field when it is a local path,
// else `fallback`.
std::string return_path(const PageContext& c, const std::string& fallback);
// "January" .. "December" in the reader's language. REQUIRES: 1 <= month <= 12.
std::string month_name(const PageContext& c, unsigned month);
// A content warning as a page shows it: any unclosed bidi override closed.
std::string warning_text(std::string_view spoiler_text);

// Display name, or the username when it has none.
std::string name_of(const social::Account& a);
// "/@username"
std::string profile_path(const social::Account& a);
// "/@username/123"
std::string post_path(const social::Account& author, Id post_id);
// "/system/media/<blob>", or the default avatar's path.
std::string media_path(std::string_view blob);
std::string avatar_path(const social::Account& a);
// {name, username, url, avatar, verified, remembering}
Data account_data(const PageContext& c, const social::Account& a);
// <a href="`href`">`text`</a>, both escaped: a link inside a message placed with t_html.
std::string html_link(std::string_view href, std::string_view text);
// One stored file of a photo as an <img>: {src, width, height, alt}; the alt text is the
// photo's description, or "Photo by <name>, without a description".
Data photo_data(const PageContext& c, const social::Media& m, const social::MediaFile& file,
                const social::Account& author);
// "<time datetime=...>" parts: {iso, text} ("2 December 2026, 13:45 UTC")
Data time_data(const PageContext& c, int64_t ms);
// The same as HTML, for a message placed with t_html: <time datetime="iso">text</time>.
std::string time_html(const PageContext& c, int64_t ms);
// The first characters of a post's text for previews and captions, whole words, "…" if cut,
// with direction overrides closed (social::balance_bidi).
std::string snippet(std::string_view text, size_t max_chars);

// A grid of photo posts (grid.mustache): tiles linking to each post, captions when `captions`,
// and an "Older posts" link to `older_url` when not empty. `empty` is said when there are none.
std::string render_grid(const PageContext& c, const std::vector<social::PostView>& posts,
                        bool captions, const std::string& older_url, std::string_view empty);

// Each file of signed-in pages registers its own routes (with web/routes.h), called by WebPages.
struct Routes {
  http::Router& router;
  const WebServices& s;
  const Assets& assets;
  http::RateLimiter* limiter;  // the page limit; null with rate limits off
};

// /settings/... (settings_pages.cpp).
void register_settings_pages(const Routes& r);
// /home, /notifications, /memories, and what a person does to another from a profile:
// follow, block, mute, restrict (people_pages.cpp).
void register_people_pages(const Routes& r);
// /admin/reports, /admin/reports/:id and its forms, /admin/audit: the moderation pages, for
// moderators and admins (moderation_pages.cpp, audit_page.cpp).
void register_moderation_pages(const Routes& r);

// A comment being written, shown again with what was wrong with it (or a vote refused: the page
// again with the reason beside the poll's form).
struct CommentDraft {
  Id post_id;  // set when the page is shown after a form (the request's path is the form's)
  Id in_reply_to_id;
  std::string text;
  std::string error;
  std::string poll_error;
  int status = 200;
};

// The page handlers (one file each).
http::Response post_page(const PageContext& c);
// GET /statuses/:id/live (live_counts.cpp): a stream, not a page.
http::StreamAnswer open_live_counts(const WebServices& s, http::Request& req, const http::Stream& stream);
http::Response post_page_with(const PageContext& c, const CommentDraft& draft);
http::Response profile_page(const PageContext& c);
http::Response explore_page(const PageContext& c);
http::Response tag_page(const PageContext& c);
http::Response home_page(const PageContext& c);

// The composer (compose_page.cpp).
http::Response compose_page(const PageContext& c);
http::Response compose_post(const PageContext& c);

// A post's forms (post_actions.cpp).
http::Response like_post(const PageContext& c);
http::Response unlike_post(const PageContext& c);
http::Response save_post(const PageContext& c);
http::Response unsave_post(const PageContext& c);
http::Response comment_post(const PageContext& c);
http::Response delete_confirm_page(const PageContext& c);
http::Response delete_post(const PageContext& c);
http::Response remove_comment_post(const PageContext& c);
http::Response pin_comment_post(const PageContext& c);
http::Response unpin_comment_post(const PageContext& c);
http::Response hide_comment_post(const PageContext& c);
http::Response approve_comment_post(const PageContext& c);
http::Response comment_controls_post(const PageContext& c);
http::Response vote_post(const PageContext& c);

// Signing in and out (auth_pages.cpp).
http::Response sign_in_page(const PageContext& c);
http::Response sign_in_post(const PageContext& c);
http::Response sign_up_page(const PageContext& c);
http::Response sign_up_post(const PageContext& c);
http::Response sign_out_post(const PageContext& c);

}  // namespace kindred::web
