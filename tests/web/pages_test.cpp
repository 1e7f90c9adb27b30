// The web pages (src/web/) through the real server, as a signed-out browser sees them: the
// security headers and shape of every page, visibility exactly as the API's, the post page's
// photos, likes, comments and support card, Open Graph and robots tags, hostile text, error
// pages, the photo grids and their paging.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <boost/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "media/synth.h"
#include "support/api_fixture.h"
#include "support/html.h"

namespace kindred::testing {
namespace {

using html::all;
using html::count;
using html::has;
using html::strip_tags;
using html::unescape;

namespace bj = boost::json;
using Ids = std::vector<std::string>;

constexpr std::string_view kRlo = "\u202E";
constexpr std::string_view kPdf = "\u202C";
constexpr int64_t kHourMs = 3600 * 1000LL;




// The text of the page's first <h1>, tags stripped.
std::string h1_of(std::string_view html) {
  const size_t open = html.find("<h1");
  if (open == std::string_view::npos) return "<no h1>";
  const size_t start = html.find('>', open);
  const size_t end = html.find("</h1>", start);
  if (start == std::string_view::npos || end == std::string_view::npos) return "<broken h1>";
  return strip_tags(html.substr(start + 1, end - start - 1));
}



// The content of <meta property|name="`name`" content="...">, unescaped; "" when absent.
std::string meta(const std::string& html, const std::string& name) {
  auto found = all(html, "<meta (?:property|name)=\"" + name + "\" content=\"([^\"]*)\">");
  return found.empty() ? "" : unescape(found.front());
}

// The post ids of the comments a post page lists, in order.
Ids comment_ids(const std::string& html) {
  return all(html, "<li class=\"comment\" id=\"c-([0-9]+)\">");
}

// The hrefs of the grid's tiles, in order.
std::vector<std::string> tile_links(const std::string& html) {
  return all(html, "<a class=\"tile-link\" href=\"([^\"]+)\">");
}

// The HTML of the grid tile linking to `path`, or "" when there is none.
std::string tile_of(const std::string& html, const std::string& path) {
  const size_t link = html.find("<a class=\"tile-link\" href=\"" + path + "\">");
  if (link == std::string::npos) return "";
  const size_t start = html.rfind("<li class=\"tile\">", link);
  const size_t end = html.find("</li>", link);
  return html.substr(start, end - start);
}

// The "More comments" links of a post page, unescaped.
std::vector<std::string> all_of_more(const std::string& html) {
  std::vector<std::string> out;
  for (const auto& href : all(html, "<a class=\"more-comments\" rel=\"next\" href=\"([^\"]+)\">"))
    out.push_back(unescape(href));
  return out;
}

// The last path segment: the post id of "/@ann/123".
std::string last_segment(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string photo_bytes(int width, int height, uint64_t seed) {
  media::SynthSpec spec;
  spec.width = width;
  spec.height = height;
  spec.seed = seed;
  auto bytes = media::synthesize_image(spec);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().to_string();
  return bytes.has_value() ? *bytes : std::string();
}

class WebPagesTest : public ThreePeopleApi {
 protected:
  explicit WebPagesTest(ServerOptions options = {}) : ThreePeopleApi(options) {}

  // GET as a browser asks for a page; `extra` headers added.
  // A "#fragment" stays in the browser, as there.
  Reply page(std::string_view target, HttpClient::Headers extra = {}) {
    target = target.substr(0, target.find('#'));
    extra.emplace_back("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    return http().get(target, std::move(extra));
  }
  // The path of the page of a status as the API gives it.
  std::string page_path(const std::string& status_id) {
    Reply r = get("/api/v1/statuses/" + status_id);
    EXPECT_EQ(r.status, 200) << r.body;
    return local_path(str(json(r), "url"));
  }
  // Uploads a photo (`description` as alt text); returns the media id.
  std::string upload(const User& who, std::string_view description = "", int width = 320,
                     int height = 240) {
    std::vector<HttpClient::Part> parts;
    if (!description.empty()) parts.push_back({"description", std::string(description)});
    parts.push_back({"file", photo_bytes(width, height, ++seed_), "photo.jpg", "image/jpeg"});
    Reply r = http().post_multipart("/api/v2/media", parts, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
  // A post with one photo (and `extra` parameters); returns its id.
  std::string photo_post(const User& who, std::string_view text, std::string_view description = "",
                         bj::object extra = {}) {
    extra["media_ids"] = bj::array{bj::string(upload(who, description))};
    clock().advance_ms(1000);
    return post_status(who, text, extra);
  }
  std::string comment(const User& who, const std::string& to, std::string_view text) {
    clock().advance_ms(1000);
    return post_status(who, text, {{"in_reply_to_id", to}});
  }
  void like(const User& who, const std::string& id) {
    Reply r = post("/api/v1/statuses/" + id + "/favourite", {}, who.token);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // A 404 page as a missing post gets it.
  std::string missing_post_page() {
    Reply r = page("/@ann/999999999999");
    EXPECT_EQ(r.status, 404);
    return r.body;
  }

  uint64_t seed_ = 100;
};

// --- every page ---

void expect_page_shape(const ApiTest::Reply& r, std::string_view what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  const std::string csp = r.header("content-security-policy");
  for (const char* directive :
       {"default-src 'none'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
        "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"})
    EXPECT_TRUE(has(csp, directive)) << directive << " in " << csp;
  EXPECT_FALSE(has(csp, "unsafe-inline")) << csp;
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("referrer-policy"), "same-origin");
  EXPECT_EQ(count(r.body, "<h1"), 1u) << r.body;
  EXPECT_TRUE(has(r.body, "href=\"#main\"")) << "a skip link";
  EXPECT_TRUE(has(r.body, "id=\"main\""));
  EXPECT_FALSE(std::regex_search(r.body, std::regex("\\sstyle\\s*=", std::regex::icase)))
      << "inline style";
  EXPECT_FALSE(has(r.body, "<style")) << "inline style element";
  // Scripts, if any, come from the site's assets only.
  for (size_t at = r.body.find("<script"); at != std::string::npos;
       at = r.body.find("<script", at + 1)) {
    const std::string tag = r.body.substr(at, r.body.find('>', at) - at);
    EXPECT_TRUE(has(tag, "src=\"/assets/")) << "inline script: " << tag;
  }
}

TEST_F(WebPagesTest, EveryPageIsHtmlUnderTheStrictSecurityHeaders) {
  const std::string id = photo_post(ann_, "Morning light #x", "Sun on the kitchen table");
  comment(bob_, id, "Lovely");
  for (const std::string& path :
       Ids{"/", "/explore", "/tags/x", "/@ann", "/@ann/" + id, "/auth/sign_in", "/auth/sign_up"}) {
    Reply r = page(path);
    ASSERT_EQ(r.status, 200) << path << ": " << r.body;
    expect_page_shape(r, path);
    EXPECT_TRUE(has(r.body, "<!doctype html>")) << path;
  }
  // Also without Accept: text/html: a page is a page.
  EXPECT_EQ(get("/@ann/" + id).header("content-type"), "text/html; charset=utf-8");
}

TEST_F(WebPagesTest, HeadAnswersLikeGetWithoutABody) {
  photo_post(ann_, "hello");
  Reply g = page("/");
  Reply h = http().head("/", {{"Accept", "text/html"}});
  ASSERT_EQ(h.status, 200) << h.error;
  EXPECT_TRUE(h.body.empty());
  EXPECT_EQ(h.header("content-type"), g.header("content-type"));
  EXPECT_EQ(h.header("content-security-policy"), g.header("content-security-policy"));
  EXPECT_EQ(h.header("x-content-type-options"), "nosniff");
  if (h.has_header("content-length")) {
    EXPECT_EQ(h.header("content-length"), std::to_string(g.body.size()));
  }
  // The connection stays usable after a HEAD.
  EXPECT_EQ(page("/explore").status, 200);
}

TEST_F(WebPagesTest, EveryStatusAndAccountUrlFromTheApiOpensItsPage) {
  const std::string photo = photo_post(ann_, "A photo", "A boat");
  const std::string text = post_status(ann_, "Just words");
  const std::string reply = comment(bob_, photo, "Nice boat");
  for (const std::string& id : {photo, text, reply}) {
    Reply r = get("/api/v1/statuses/" + id);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string path = local_path(str(json(r), "url"));
    Reply p = page(path);
    EXPECT_EQ(p.status, 200) << path;
    EXPECT_TRUE(has(p.body, "<article class=\"post\"")) << path;
    const std::string account_path = local_path(str(json(r).at("account"), "url"));
    Reply a = page(account_path);
    EXPECT_EQ(a.status, 200) << account_path;
    EXPECT_EQ(h1_of(a.body), str(json(r).at("account"), "username")) << account_path;
  }
  for (const User* u : {&ann_, &bob_, &cat_}) {
    Reply r = get("/api/v1/accounts/" + u->id);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(page(local_path(str(json(r), "url"))).status, 200) << u->username;
  }
}

// --- visibility ---

TEST_F(WebPagesTest, WhatTheApiHidesFromASignedOutReaderIsTheSame404AsAMissingPost) {
  const std::string missing = missing_post_page();
  ASSERT_TRUE(has(missing, "<h1>Page not found</h1>")) << missing;
  struct Case {
    std::string name;
    std::string path;
  };
  std::vector<Case> hidden;
  const std::string priv = photo_post(ann_, "for followers", "", {{"visibility", "private"}});
  const std::string direct = post_status(ann_, "@bob just you", {{"visibility", "direct"}});
  hidden.push_back({"followers-only", "/@ann/" + priv});
  hidden.push_back({"direct", "/@ann/" + direct});
  // A held comment (hidden words).
  const std::string post_id = photo_post(ann_, "Our daughter, one year on");
  Reply words = request("PUT", "/api/v1/kindred/hidden_words",
                        bj::serialize(bj::object{{"words", bj::array{"cruel"}}}),
                        {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(words.status, 200) << words.body;
  const std::string held = comment(bob_, post_id, "This is cruel");
  ASSERT_EQ(get("/api/v1/statuses/" + held).status, 404) << "held comments are hidden";
  hidden.push_back({"held comment", "/@bob/" + held});
  // A reblog's own id.
  Reply reblog = post("/api/v1/statuses/" + post_id + "/reblog", {}, cat_.token);
  ASSERT_EQ(reblog.status, 200) << reblog.body;
  hidden.push_back({"reblog by its booster", "/@cat/" + str(json(reblog), "id")});
  hidden.push_back({"reblog under the original author", "/@ann/" + str(json(reblog), "id")});
  for (const char* bad :
       {"999999999", "0", "abc", "-1", "1e5", "123456789012345678901234567890", "%00"})
    hidden.push_back({std::string("id ") + bad, std::string("/@ann/") + bad});
  hidden.push_back({"the wrong author", "/@bob/" + post_id});
  hidden.push_back({"no @", "/ann/" + post_id});
  hidden.push_back({"an unknown author", "/@nobody/" + post_id});

  for (const auto& c : hidden) {
    Reply r = page(c.path);
    EXPECT_EQ(r.status, 404) << c.name << " " << c.path;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8") << c.name;
    EXPECT_EQ(h1_of(r.body), "Page not found") << c.name;
    EXPECT_EQ(r.body, missing) << c.name << ": the same page as a missing post";
  }
  // The author's name in another case is the same post: a redirect to its own address.
  Reply other_case = page("/@ANN/" + post_id + "?order=recent");
  EXPECT_EQ(other_case.status, 301);
  EXPECT_EQ(other_case.header("location"), "/@ann/" + post_id + "?order=recent");
  // The held comment is not listed on its post's page either; the approved one is.
  Reply p = page("/@ann/" + post_id);
  EXPECT_FALSE(has(p.body, held)) << "held comment listed";
  ASSERT_EQ(post("/api/v1/kindred/comments/" + held + "/approve", {}, ann_.token).status, 200);
  EXPECT_EQ(page("/@bob/" + held).status, 200);
  EXPECT_EQ(comment_ids(page("/@ann/" + post_id).body), (Ids{held}));
  // Neither grid shows the private post.
  for (const char* grid : {"/@ann", "/explore"})
    EXPECT_FALSE(has(page(grid).body, "/@ann/" + priv)) << grid;
}

TEST_F(WebPagesTest, AnUnlistedPostShowsAsTheApiShowsItSignedOut) {
  const std::string id = photo_post(ann_, "quietly", "", {{"visibility", "unlisted"}});
  const int api = get("/api/v1/statuses/" + id).status;
  EXPECT_EQ(api, 200) << "Mastodon shows unlisted posts to anyone with the link";
  EXPECT_EQ(page("/@ann/" + id).status, api);
  // Not in the public grid, as not in the public timeline.
  EXPECT_FALSE(has(page("/explore").body, id));
  EXPECT_EQ(ids(get("/api/v1/timelines/public")), Ids{});
}

class ApprovalWebPages : public ApiTest {
 protected:
  ApprovalWebPages() : ApiTest({.registrations = social::RegistrationMode::kApproval}) {}
};

// Pages are limited per client address, as the signed-out API is: the 301st page in five minutes
// is a 429 page that says so and when to come back; assets are not counted.
class RateLimitedWebPages : public WebPagesTest {
 protected:
  RateLimitedWebPages() : WebPagesTest({.rate_limits = true}) {}
};

TEST_F(RateLimitedWebPages, TooManyPagesFromOneAddressAre429WithASentence) {
  std::smatch m;
  const std::string first = page("/explore").body;
  ASSERT_TRUE(std::regex_search(first, m, std::regex("href=\"(/assets/site\\.[0-9a-f]+\\.css)\"")));
  const std::string css = m[1];
  for (int i = 1; i < 300; ++i) ASSERT_EQ(page("/explore").status, 200) << "page " << i + 1;
  Reply r = page("/explore");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(h1_of(r.body), "Too many pages at once");
  EXPECT_FALSE(r.header("retry-after").empty());
  EXPECT_EQ(page("/@ann").status, 429) << "every page kind counts";
  EXPECT_EQ(http().get(css).status, 200) << "assets are not counted";
  clock().advance_ms(5 * 60 * 1000 + 1);
  EXPECT_EQ(page("/explore").status, 200) << "a new window";
}

// A profile's address with the name in another case leads to the profile's own address.
TEST_F(WebPagesTest, AUsernameInAnotherCaseRedirectsToTheProfile) {
  Reply r = page("/@Ann?max_id=5");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "/@ann?max_id=5");
  EXPECT_EQ(page("/@ann@elsewhere.example").status, 404) << "not an account here";
}

// HEAD carries GET's headers, compression included.
TEST_F(WebPagesTest, HeadIsCompressedAsGetIs) {
  photo_post(ann_, "hello");
  Reply g = page("/", {{"Accept-Encoding", "gzip"}});
  Reply h = http().head("/", {{"Accept", "text/html"}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(g.header("content-encoding"), "gzip");
  EXPECT_EQ(h.header("content-encoding"), "gzip");
}

// A post by an account awaiting approval cannot be made (the API answers 403 to its writes), so
// only its profile is checked: it has none.
TEST_F(ApprovalWebPages, AnAccountAwaitingApprovalHasNoPage) {
  Reply r = sign_up("pat");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(post("/api/v1/statuses", {{"status", "hello"}}, str(json(r), "access_token")).status,
            403);
  Reply nobody = http().get("/@nobody", {{"Accept", "text/html"}});
  Reply pending = http().get("/@pat", {{"Accept", "text/html"}});
  EXPECT_EQ(pending.status, 404);
  EXPECT_EQ(pending.body, nobody.body);
}

// --- the post page ---

TEST_F(WebPagesTest, APostPageShowsItsPhotoCaptionAndTime) {
  const std::string id = photo_post(ann_, "Dusk on the river. #evening", "A river at dusk");
  Reply api = get("/api/v1/statuses/" + id);
  ASSERT_EQ(api.status, 200);
  const bj::value s = json(api);
  const bj::value& m = s.at("media_attachments").at(0);
  Reply r = page("/@ann/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string img =
      "<img src=\"" + local_path(str(m, "url")) + "\" width=\"" +
      std::to_string(num(m.at("meta").at("original"), "width")) + "\" height=\"" +
      std::to_string(num(m.at("meta").at("original"), "height")) + "\" alt=\"A river at dusk\">";
  EXPECT_TRUE(has(r.body, img)) << img << "\n" << r.body;
  EXPECT_TRUE(has(r.body, "<div class=\"caption\">" + str(s, "content") + "</div>"))
      << str(s, "content");
  std::string created = str(s, "created_at");  // "2024-03-01T12:00:01.000Z"
  created.erase(created.find('.'), 4);
  EXPECT_TRUE(has(r.body, "<time datetime=\"" + created + "\">")) << created;
  EXPECT_EQ(h1_of(r.body), "ann");
  EXPECT_FALSE(has(r.body, "<details")) << "nothing hidden";
  EXPECT_FALSE(has(r.body, "class=\"in-reply-to\""));
  EXPECT_FALSE(has(r.body, "<aside class=\"support\""));

  // A photo without a description says so in its alt text.
  const std::string bare = photo_post(ann_, "no alt");
  EXPECT_TRUE(has(page("/@ann/" + bare).body, "alt=\"Photo by ann, without a description\""));
}

// The span of `html` from `open` to the next `close` after it, or "".
std::string between(const std::string& html, const std::string& open, const std::string& close) {
  const size_t a = html.find(open);
  if (a == std::string::npos) return "";
  const size_t b = html.find(close, a + open.size());
  return b == std::string::npos ? "" : html.substr(a, b + close.size() - a);
}

TEST_F(WebPagesTest, ContentWarningsAndSensitivePhotosAreBehindDetails) {
  const std::string cw = photo_post(ann_, "What happened today", "A hospital corridor",
                                    {{"spoiler_text", "Hospital stay"}});
  Reply r = page("/@ann/" + cw);
  ASSERT_EQ(r.status, 200);
  // Everything of the post up to its footer is inside the warning (a warned photo is also
  // marked sensitive, as Mastodon does, so it sits in a details of its own within).
  const std::string details =
      between(r.body, "<details class=\"cw\">", "</details>\n<footer class=\"post-footer\">");
  ASSERT_FALSE(details.empty()) << r.body;
  EXPECT_TRUE(
      has(details, "<summary><span class=\"cw-label\">Content warning:</span> Hospital stay"));
  EXPECT_TRUE(has(details, "alt=\"A hospital corridor\"")) << "the photo is inside";
  EXPECT_TRUE(has(details, "<p>What happened today</p>")) << "the caption is inside";
  // Nothing outside the warning gives the text away: not the title, nor the previews.
  EXPECT_EQ(count(r.body, "What happened today"), 1u) << r.body;
  EXPECT_EQ(between(r.body, "<title>", "</title>"),
            "<title>ann: “Hospital stay” · Kindred</title>");
  EXPECT_EQ(meta(r.body, "description"), "Content warning: Hospital stay");
  EXPECT_EQ(meta(r.body, "og:description"), "Content warning: Hospital stay");

  const std::string sensitive =
      photo_post(ann_, "Scan", "An ultrasound scan", {{"sensitive", true}});
  r = page("/@ann/" + sensitive);
  ASSERT_EQ(r.status, 200);
  const std::string hidden = between(r.body, "<details class=\"sensitive\">", "</details>");
  ASSERT_FALSE(hidden.empty()) << r.body;
  EXPECT_TRUE(has(hidden, "alt=\"An ultrasound scan\""));
  EXPECT_EQ(count(r.body, "alt=\"An ultrasound scan\""), 1u) << "no copy of the photo outside";
}

TEST_F(WebPagesTest, SentencesWithLinksAreWholeMessagesWithTheLinksInside) {
  // Each of these is one catalogue message with its link as a placeholder (web/text/en.txt).
  EXPECT_TRUE(has(missing_post_page(),
                  "<p><a href=\"/\">Go to the front page</a> or <a href=\"/explore\">explore recent photos</a>.</p>"));
  Reply sign_in = page("/auth/sign_in");
  EXPECT_TRUE(has(sign_in.body, "<p>New here? <a href=\"/auth/sign_up\">Create an account</a>.</p>")) << sign_in.body;
  Reply sign_up = page("/auth/sign_up");
  EXPECT_TRUE(has(sign_up.body, "<p>Already have an account? <a href=\"/auth/sign_in\">Sign in</a>.</p>"))
      << sign_up.body;
  const std::string id = photo_post(ann_, "signed out");
  Reply post = page("/@ann/" + id);
  EXPECT_TRUE(has(post.body, "<p class=\"sign-in-prompt\"><a href=\"/auth/sign_in?return_to=%2F%40ann%2F" + id +
                                 "\">Sign in</a> to like or comment.</p>"))
      << between(post.body, "<p class=\"sign-in-prompt\"", "</p>");
}

TEST_F(WebPagesTest, TheLikeSentenceNamesTheNewestLikerAndCountsTheOthers) {
  const std::string id = photo_post(ann_, "liked");
  Reply r = page("/@ann/" + id);
  EXPECT_TRUE(has(r.body, "<p class=\"likes\" aria-live=\"polite\" data-like-count=\"0\" data-offset=\"0\">No likes yet.</p>")) << r.body;
  like(bob_, id);
  r = page("/@ann/" + id);
  EXPECT_TRUE(has(r.body, "<p class=\"likes\" aria-live=\"polite\" data-like-count=\"1\" data-offset=\"1\">Liked by <a href=\"/@bob\">bob</a></p>"))
      << between(r.body, "<p class=\"likes\"", "</p>");
  User dan = register_user("dan");
  like(cat_, id);
  like(dan, id);
  const int64_t n = num(json(get("/api/v1/statuses/" + id)), "favourites_count");
  ASSERT_EQ(n, 3);
  r = page("/@ann/" + id);
  EXPECT_TRUE(
      has(r.body, "<p class=\"likes\" aria-live=\"polite\" data-like-count=\"3\" data-offset=\"1\">Liked by <a href=\"/@dan\">dan</a> and <data value=\"" +
                      std::to_string(n - 1) + "\">" + std::to_string(n - 1) + "</data> others</p>"))
      << between(r.body, "<p class=\"likes\"", "</p>");
  ASSERT_EQ(post("/api/v1/statuses/" + id + "/unfavourite", {}, cat_.token).status, 200);
  EXPECT_TRUE(has(page("/@ann/" + id).body, "and <data value=\"1\">1</data> other</p>"));
}

TEST_F(WebPagesTest, NoLikeCountWhereTheAuthorHidIt) {
  const std::string id =
      photo_post(ann_, "hidden count", "", {{"kindred_hide_favourites_count", true}});
  like(bob_, id);
  like(cat_, id);
  ASSERT_EQ(num(json(get("/api/v1/statuses/" + id)), "favourites_count"), 0)
      << "hidden from the API too";
  Reply r = page("/@ann/" + id);
  const std::string likes = between(r.body, "<p class=\"likes\"", "</p>");
  EXPECT_EQ(likes, "<p class=\"likes\" aria-live=\"polite\">Likes are hidden by the author.</p>");
  EXPECT_FALSE(has(likes, "<data"));
  EXPECT_FALSE(std::regex_search(likes, std::regex("[0-9]"))) << likes;
  // Nor on the grid tiles.
  Reply grid = page("/explore");
  const std::string tile = tile_of(grid.body, "/@ann/" + id);
  ASSERT_FALSE(tile.empty()) << grid.body;
  EXPECT_FALSE(has(tile, "tile-likes")) << tile;
}

TEST_F(WebPagesTest, CommentsComeInTopOrderWithThePinFirstAndPageWithoutRepeats) {
  const std::string id = photo_post(ann_, "Many comments");
  Ids all;
  for (int i = 0; i < 25; ++i)
    all.push_back(comment(i % 2 ? bob_ : cat_, id, "comment " + std::to_string(i)));
  like(bob_, all[3]);
  ASSERT_EQ(post("/api/v1/kindred/statuses/" + all[7] + "/comment_pin", {}, ann_.token).status,
            200);

  Reply api = get("/api/v1/kindred/statuses/" + id + "/comments?limit=40");
  ASSERT_EQ(api.status, 200) << api.body;
  const Ids top = ids(api);
  ASSERT_EQ(top.size(), 25u);
  ASSERT_EQ(top[0], all[7]);

  Reply r = page("/@ann/" + id);
  ASSERT_EQ(r.status, 200);
  const Ids first = comment_ids(r.body);
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(first, Ids(top.begin(), top.begin() + 20));
  // The pin is marked.
  const std::string pinned =
      between(r.body, "<li class=\"comment\" id=\"c-" + all[7] + "\">", "</li>");
  EXPECT_TRUE(has(pinned, "<p class=\"pinned\">Pinned by ann</p>")) << pinned;
  EXPECT_EQ(count(r.body, "class=\"pinned\""), 1u);
  EXPECT_TRUE(has(r.body, "(<data value=\"25\">25</data>)")) << "the count";
  // A link to the newest first.
  EXPECT_TRUE(has(r.body, "href=\"/@ann/" + id + "?order=recent#comments\"")) << r.body;

  // More comments: the cursor in the link, the rest without repeats.
  const auto more = all_of_more(r.body);
  ASSERT_EQ(more.size(), 1u) << r.body;
  EXPECT_TRUE(has(more[0], "cursor=")) << more[0];
  Reply next = page(more[0]);
  ASSERT_EQ(next.status, 200) << more[0];
  const Ids rest = comment_ids(next.body);
  EXPECT_EQ(rest, Ids(top.begin() + 20, top.end()));
  EXPECT_TRUE(all_of_more(next.body).empty()) << "the last page";
  std::set<std::string> seen(first.begin(), first.end());
  seen.insert(rest.begin(), rest.end());
  EXPECT_EQ(seen.size(), 25u);

  // Newest first.
  Reply recent = page("/@ann/" + id + "?order=recent");
  ASSERT_EQ(recent.status, 200);
  const Ids api_recent =
      ids(get("/api/v1/kindred/statuses/" + id + "/comments?limit=20&order=recent"));
  EXPECT_EQ(comment_ids(recent.body), api_recent);
  EXPECT_TRUE(has(recent.body, "aria-current=\"page\">Most recent</a>"));
}

TEST_F(WebPagesTest, TheReplyPolicyIsSaidWhenCommentsAreLimitedOrOff) {
  const std::string open = photo_post(ann_, "open");
  EXPECT_FALSE(has(page("/@ann/" + open).body, "reply-policy"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"followers", "ann limited comments to their followers."},
      {"following", "ann limited comments to people they follow."},
      {"mentioned", "ann limited comments to the people mentioned in this post."},
      {"nobody", "ann turned off comments on this post."},
  };
  for (const auto& [policy, sentence] : cases) {
    const std::string id = photo_post(ann_, "limited", "", {{"kindred_comment_policy", policy}});
    EXPECT_TRUE(has(page("/@ann/" + id).body, "<p class=\"reply-policy\">" + sentence + "</p>"))
        << policy;
  }
}

TEST_F(WebPagesTest, AReplysPageShowsThePostItAnswers) {
  const std::string id = photo_post(ann_, "The parent post");
  const std::string reply = comment(bob_, id, "The reply");
  Reply r = page("/@bob/" + reply);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string section = between(r.body, "<section class=\"in-reply-to\"", "</section>");
  ASSERT_FALSE(section.empty()) << r.body;
  EXPECT_TRUE(has(section, "The parent post"));
  EXPECT_TRUE(has(section, "href=\"/@ann/" + id + "\""));
  EXPECT_EQ(h1_of(r.body), "bob");
}

TEST_F(WebPagesTest, APostOnASupportTopicCarriesTheCardWithLinksAndTheOpenState) {
  // The clock starts on Friday 2024-03-01, 12:00 in London: the Miscarriage Association is open.
  const std::string id =
      post_status(bob_, "One year ago today we lost our son. We miss him every day.");
  Reply r = page("/@bob/" + id);
  ASSERT_EQ(r.status, 200);
  const std::string card = between(r.body, "<aside class=\"support\"", "</aside>");
  ASSERT_FALSE(card.empty()) << r.body;
  EXPECT_TRUE(has(card, "The Miscarriage Association"));
  EXPECT_TRUE(has(card, "href=\"tel:01924200799\"")) << card;
  EXPECT_TRUE(has(card, "href=\"mailto:info@miscarriageassociation.org.uk\"")) << card;
  EXPECT_TRUE(has(card, "href=\"tel:08000147800\"")) << "Tommy's";
  EXPECT_TRUE(has(card, ">Open now, closes 16:00 London time</p>")) << card;
  EXPECT_TRUE(has(card, ">Opening hours not known</p>")) << "Tommy's publishes no hours";

  auto state_at = [&](int64_t ms) {
    clock().set_ms(ms);
    const std::string body = page("/@bob/" + id).body;
    const auto states = all(body, "<p class=\"open-state [a-z]+\">([^<]*)</p>");
    return states.empty() ? std::string("<none>") : states.front();
  };
  const int64_t friday_noon = kStartMs;
  EXPECT_EQ(state_at(friday_noon + 5 * kHourMs), "Closed, opens Monday 09:00 London time");
  const int64_t monday_noon = friday_noon + 3 * 24 * kHourMs;
  EXPECT_EQ(state_at(monday_noon - 5 * kHourMs), "Closed, opens today 09:00 London time");
  EXPECT_EQ(state_at(monday_noon), "Open now, closes 16:00 London time");
  EXPECT_EQ(state_at(monday_noon + 5 * kHourMs), "Closed, opens tomorrow 09:00 London time");
  // Summer time: Monday 1 April 2024, 08:30 UTC is 09:30 in London.
  const int64_t april_1_0830_utc = 1'711'960'200'000;
  EXPECT_EQ(state_at(april_1_0830_utc), "Open now, closes 16:00 London time");
  EXPECT_EQ(state_at(april_1_0830_utc - kHourMs), "Closed, opens today 09:00 London time");

  // A post on nothing of the kind has no card.
  const std::string sea = post_status(bob_, "A photo of the sea");
  EXPECT_FALSE(has(page("/@bob/" + sea).body, "class=\"support\""));
}

// A line open round the clock says so, and an opening that runs past midnight names the day it
// closes (the directory is written while the server is stopped, as an admin's edit would be).
TEST_F(WebPagesTest, ACardSaysOpenRoundTheClockAndNamesTheDayAnOpeningEnds) {
  restart([&] {
    std::ofstream out(data_dir() / "support_resources.json", std::ios::trunc);
    out << R"({"version": 1, "resources": [
      {"id": "always", "name": "Always There", "topics": ["pregnancy_loss"], "regions": ["GB"],
       "phone": "0800 111", "email": null, "website": null,
       "hours": {"time_zone": "Europe/London", "weekly": [{"days": ["monday", "tuesday",
         "wednesday", "thursday", "friday", "saturday", "sunday"], "opens": "00:00", "closes": "24:00"}]},
       "closures": []},
      {"id": "nights", "name": "Night Line", "topics": ["pregnancy_loss"], "regions": ["GB"],
       "phone": "0800 222", "email": null, "website": null,
       "hours": {"time_zone": "Europe/London", "weekly": [
         {"days": ["friday"], "opens": "20:00", "closes": "24:00"},
         {"days": ["saturday"], "opens": "00:00", "closes": "02:00"}]},
       "closures": []}]})";
  });
  const std::string id = post_status(bob_, "One year ago today we lost our son. We miss him every day.");
  auto states_at = [&](int64_t ms) {
    clock().set_ms(ms);
    return all(page("/@bob/" + id).body, "<p class=\"open-state [a-z]+\">([^<]*)</p>");
  };
  // Friday 1 March 2024, 22:00 in London (UTC in winter).
  const auto states = states_at(kStartMs + 10 * kHourMs);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0], "Open now, 24 hours a day");
  EXPECT_EQ(states[1], "Open now, closes tomorrow 02:00 London time");
}

// --- Open Graph and robots ---

TEST_F(WebPagesTest, APlainPhotoPostHasAnOpenGraphImageAndWarnedPostsHaveNone) {
  const std::string id = photo_post(ann_, "Open graph", "Two swans & a \"cygnet\"");
  const bj::value s = json(get("/api/v1/statuses/" + id));
  const bj::value& m = s.at("media_attachments").at(0);
  Reply r = page("/@ann/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(meta(r.body, "og:image"), str(m, "url"));
  EXPECT_TRUE(meta(r.body, "og:image").starts_with(std::string(kBaseUrl) + "/system/media/"));
  EXPECT_EQ(meta(r.body, "og:image:width"),
            std::to_string(num(m.at("meta").at("original"), "width")));
  EXPECT_EQ(meta(r.body, "og:image:height"),
            std::to_string(num(m.at("meta").at("original"), "height")));
  EXPECT_EQ(meta(r.body, "og:image:alt"), "Two swans & a \"cygnet\"");
  EXPECT_EQ(meta(r.body, "twitter:card"), "summary_large_image");
  EXPECT_EQ(meta(r.body, "og:url"), str(s, "url"));
  EXPECT_EQ(meta(r.body, "og:type"), "article");

  for (const auto& [what, extra] : std::vector<std::pair<std::string, bj::object>>{
           {"sensitive", {{"sensitive", true}}},
           {"content warning", {{"spoiler_text", "Grief"}}}}) {
    const std::string hidden = photo_post(ann_, "behind a warning", "The hidden photo", extra);
    Reply h = page("/@ann/" + hidden);
    ASSERT_EQ(h.status, 200);
    EXPECT_EQ(count(h.body, "og:image"), 0u) << what;
    EXPECT_EQ(meta(h.body, "twitter:card"), "summary") << what;
    EXPECT_FALSE(has(between(h.body, "<head>", "</head>"), "The hidden photo")) << what;
  }
}

TEST_F(WebPagesTest, PagesAreKeptOutOfSearchIndexesUntilTheAuthorOptsIn) {
  const std::string id = photo_post(ann_, "index me");
  const std::string robots = "<meta name=\"robots\" content=\"noindex";
  for (const std::string& path : Ids{"/@ann", "/@ann/" + id, "/explore", "/tags/x"})
    EXPECT_TRUE(has(page(path).body, robots)) << path;
  Reply r = http().patch_form("/api/v1/accounts/update_credentials", "indexable=true", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  if (!json(r).as_object().contains("indexable") || !json(r).at("indexable").as_bool())
    GTEST_SKIP() << "update_credentials does not take indexable yet: " << r.body;
  EXPECT_FALSE(has(page("/@ann").body, robots));
  EXPECT_FALSE(has(page("/@ann/" + id).body, robots));
  EXPECT_TRUE(has(page("/@bob").body, robots)) << "bob did not opt in";
}

// --- hostile text ---

// Each U+202E in the text of `html` (not in attributes) is closed by U+202C before the text
// ends, or fills a <p> or <dd> of its own (the browser test checks the rendering itself).
void expect_overrides_contained(const std::string& html, std::string_view what) {
  for (size_t at = html.find(kRlo); at != std::string::npos; at = html.find(kRlo, at + 1)) {
    const size_t lt = html.rfind('<', at), gt = html.rfind('>', at);
    if (lt != std::string::npos && (gt == std::string::npos || lt > gt)) continue;  // in a tag
    const size_t end = html.find('<', at);
    const std::string text = html.substr(at, end - at);
    if (has(text, kPdf)) continue;
    const std::string before = html.substr(lt, gt + 1 - lt);
    const std::string after = html.substr(end, 5);
    const bool own_block = (before.starts_with("<p") || before.starts_with("<dd")) &&
                           (after.starts_with("</p>") || after.starts_with("</dd>"));
    EXPECT_TRUE(own_block) << what << ": an unclosed U+202E in " << before << "..."
                           << html.substr(gt + 1, end - gt - 1) << after;
  }
}

// The names of every attribute of every tag in `html`, lower-cased (quoted values skipped).
std::vector<std::string> attribute_names(const std::string& html) {
  std::vector<std::string> names;
  size_t i = 0;
  const size_t n = html.size();
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; };
  while ((i = html.find('<', i)) != std::string::npos) {
    ++i;
    if (i >= n || !std::isalpha(static_cast<unsigned char>(html[i]))) continue;
    while (i < n && !space(html[i]) && html[i] != '>') ++i;  // the tag name
    while (i < n && html[i] != '>') {
      while (i < n && (space(html[i]) || html[i] == '/')) ++i;
      std::string name;
      while (i < n && !space(html[i]) && html[i] != '=' && html[i] != '>') {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[i])));
        ++i;
      }
      if (!name.empty()) names.push_back(name);
      while (i < n && space(html[i])) ++i;
      if (i < n && html[i] == '=') {
        ++i;
        while (i < n && space(html[i])) ++i;
        if (i < n && (html[i] == '"' || html[i] == '\'')) {
          const size_t close = html.find(html[i], i + 1);
          i = close == std::string::npos ? n : close + 1;
        } else {
          while (i < n && !space(html[i]) && html[i] != '>') ++i;
        }
      }
    }
  }
  return names;
}

TEST(AttributeNames, FindsEveryAttributeAndSkipsQuotedValues) {
  EXPECT_EQ(attribute_names(R"(<p class="a onclick=x">t onload=y</p><img src=x onerror=alert(1)>)"
                            R"(<a HREF='/' data-x = "1" hidden>)"),
            (std::vector<std::string>{"class", "src", "onerror", "href", "data-x", "hidden"}));
}

void expect_nothing_raw(const std::string& html, std::string_view what) {
  EXPECT_FALSE(has(html, "<script>alert")) << what;
  EXPECT_FALSE(has(html, "<img src=x")) << what;
  EXPECT_FALSE(std::regex_search(html, std::regex("href=\"\\s*javascript:", std::regex::icase)))
      << what;
  for (const auto& name : attribute_names(html)) {
    EXPECT_FALSE(name.starts_with("on")) << what << ": an event handler attribute " << name;
    EXPECT_NE(name, "style") << what;
    EXPECT_NE(name, "src=x") << what;
  }
  EXPECT_TRUE(has(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << what << ": shown as text";
}

TEST_F(WebPagesTest, HostileTextIsShownEscapedAndNeverRuns) {
  const std::string script = "<script>alert(1)</script>";
  const std::string img = "\"><img src=x onerror=alert(1)>";
  const std::string js = "javascript:alert(1)";
  const std::string rtl = "photo" + std::string(kRlo) + "gnp.exe";
  const std::string everything = script + " " + img + " " + js + " " + rtl;
  bj::object profile{
      {"display_name", script + std::string(kRlo) + "ab"},
      {"note", "Bio: " + everything},
      {"fields_attributes", bj::array{bj::object{{"name", "Website"}, {"value", js}},
                                      bj::object{{"name", script}, {"value", img}},
                                      bj::object{{"name", "Text"}, {"value", rtl}}}}};
  Reply r =
      http().patch_json("/api/v1/accounts/update_credentials", bj::serialize(profile), ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = photo_post(ann_, "Post: " + everything, "Alt: " + everything);
  const std::string reply = comment(bob_, id, "Comment: " + everything);

  Reply profile_page = page("/@ann");
  ASSERT_EQ(profile_page.status, 200);
  EXPECT_GE(count(profile_page.body, kRlo), 3u) << "the overrides are shown, not dropped";
  expect_nothing_raw(profile_page.body, "profile");
  expect_overrides_contained(profile_page.body, "profile");
  EXPECT_TRUE(has(profile_page.body, "<dt>Website</dt><dd>javascript:alert(1)</dd>"))
      << "a field value, not a link";
  EXPECT_TRUE(has(profile_page.body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));

  Reply post_page = page("/@ann/" + id);
  ASSERT_EQ(post_page.status, 200);
  EXPECT_GE(count(post_page.body, kRlo), 2u);
  expect_nothing_raw(post_page.body, "post");
  expect_overrides_contained(post_page.body, "post");
  EXPECT_TRUE(has(post_page.body,
                  "alt=\"Alt: &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x"))
      << "the alt text, escaped once";
  EXPECT_EQ(meta(post_page.body, "og:image:alt"), "Alt: " + everything);

  // A short post: its text is in the page's title too, where an override must not turn the
  // site's name after it.
  const std::string short_post = photo_post(ann_, rtl, "short");
  Reply short_page = page("/@ann/" + short_post);
  ASSERT_EQ(short_page.status, 200);
  EXPECT_TRUE(has(between(short_page.body, "<title>", "</title>"), "gnp.exe"));
  expect_overrides_contained(short_page.body, "short post");

  Reply reply_page = page("/@bob/" + reply);
  ASSERT_EQ(reply_page.status, 200);
  expect_nothing_raw(reply_page.body, "reply");
  for (const char* grid : {"/", "/explore"}) {
    Reply g = page(grid);
    EXPECT_FALSE(has(g.body, "<script>alert")) << grid;
    EXPECT_FALSE(has(g.body, "<img src=x")) << grid;
  }
}

// --- errors ---

TEST_F(WebPagesTest, UnknownPathsAre404HtmlForBrowsersAndJsonForEveryoneElse) {
  for (const char* path : {"/nope/nope/nope", "/@nobody", "/nope"}) {
    Reply html = page(path);
    EXPECT_EQ(html.status, 404) << path;
    EXPECT_EQ(html.header("content-type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(h1_of(html.body), "Page not found") << path;
    expect_page_shape(html, path);
    Reply plain = get(path);
    EXPECT_EQ(plain.status, 404) << path;
    EXPECT_EQ(plain.body, R"({"error":"Not found"})") << path;
    EXPECT_TRUE(plain.header("content-type").starts_with("application/json")) << path;
  }
  Reply api = page("/api/v1/nonexistent");
  EXPECT_EQ(api.status, 404);
  EXPECT_TRUE(api.header("content-type").starts_with("application/json"))
      << api.header("content-type");
  EXPECT_TRUE(json(api).is_object()) << api.body;
}

TEST_F(WebPagesTest, AMalformedCursorOrOrderIsA400Page) {
  const std::string id = photo_post(ann_, "paging");
  for (const std::string& query :
       Ids{"?order=bogus", "?cursor=not-a-cursor", "?cursor=%zz", "?max_id=abc"}) {
    Reply r = page("/@ann/" + id + query);
    if (query == "?max_id=abc") {
      EXPECT_EQ(r.status, 200) << "max_id is not a post page parameter";
      continue;
    }
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    EXPECT_EQ(h1_of(r.body), "That link is not valid") << query;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  }
  for (const char* grid : {"/@ann?max_id=abc", "/explore?max_id=abc", "/tags/x?max_id=x"})
    EXPECT_EQ(page(grid).status, 400) << grid;
}

// --- grids ---

TEST_F(WebPagesTest, GridTilesLinkToPostsAndShowNoPhotoOfASensitivePost) {
  const std::string plain = photo_post(ann_, "plain #x", "A plain photo");
  const std::string sensitive =
      photo_post(ann_, "sensitive #x", "A sensitive photo", {{"sensitive", true}});
  const std::string warned =
      photo_post(ann_, "warned #x", "A warned photo", {{"spoiler_text", "Loss"}});
  post_status(ann_, "text only #x");
  for (const char* path : {"/explore", "/@ann", "/tags/x", "/"}) {
    Reply r = page(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(tile_links(r.body), (Ids{"/@ann/" + warned, "/@ann/" + sensitive, "/@ann/" + plain}))
        << path;
    EXPECT_TRUE(has(tile_of(r.body, "/@ann/" + plain), "alt=\"A plain photo\"")) << path;
    for (const std::string& hidden : {sensitive, warned}) {
      const std::string tile = tile_of(r.body, "/@ann/" + hidden);
      EXPECT_FALSE(has(tile, "<img")) << path << ": " << tile;
      EXPECT_TRUE(has(tile, "tile-warning")) << path;
    }
    EXPECT_FALSE(has(r.body, "A sensitive photo")) << path;
    EXPECT_FALSE(has(r.body, "A warned photo")) << path;
    // Every tile opens its post.
    for (const auto& link : tile_links(r.body)) EXPECT_EQ(page(link).status, 200) << link;
  }
}

TEST_F(WebPagesTest, GridsPageThroughOlderPhotosWithoutRepeats) {
  Ids posted;
  for (int i = 0; i < 26; ++i)
    posted.push_back(photo_post(ann_, "photo " + std::to_string(i) + " #many"));
  std::reverse(posted.begin(), posted.end());  // newest first
  for (const char* path : {"/explore", "/@ann", "/tags/many"}) {
    Reply r = page(path);
    ASSERT_EQ(r.status, 200) << path;
    const auto first = tile_links(r.body);
    EXPECT_EQ(first.size(), 24u) << path;
    const auto older = all(r.body, "<a rel=\"next\" href=\"([^\"]+)\">Older photos</a>");
    ASSERT_EQ(older.size(), 1u) << path << r.body;
    Reply next = page(unescape(older[0]));
    ASSERT_EQ(next.status, 200) << older[0];
    const auto rest = tile_links(next.body);
    Ids seen;
    for (const auto& l : first) seen.push_back(last_segment(l));
    for (const auto& l : rest) seen.push_back(last_segment(l));
    EXPECT_EQ(seen, posted) << path;
    EXPECT_FALSE(has(next.body, "rel=\"next\"")) << path << ": nothing older";
    EXPECT_EQ(count(next.body, "<h1"), 1u);
  }
}

// Numbers in the reader's language: a comment count of 1,000 reads 1.000 in German.
TEST_F(WebPagesTest, CountsAreWrittenInTheReadersLanguage) {
  const std::string id = photo_post(ann_, "So many comments");
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(
        post("/api/v1/statuses", {{"status", "c"}, {"in_reply_to_id", id}}, bob_.token).status,
        200);
  EXPECT_TRUE(has(page("/@ann/" + id, {{"Accept-Language", "de-DE,de;q=0.9,en;q=0.8"}}).body,
                  "(<data value=\"1000\">1.000</data>)"));
  EXPECT_TRUE(has(page("/@ann/" + id, {{"Accept-Language", "en-GB"}}).body,
                  "(<data value=\"1000\">1,000</data>)"));
  EXPECT_TRUE(has(page("/@ann/" + id).body, "(<data value=\"1000\">1,000</data>)"))
      << "English by default";
}

}  // namespace
}  // namespace kindred::testing
