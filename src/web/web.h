#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "social/care/comment_holds.h"
#include "social/care/filters.h"
#include "social/care/memories.h"
#include "social/care/support.h"
#include "social/posts/polls.h"
#include "social/graph/feeds.h"
#include "social/graph/notifications.h"
#include "social/graph/relationships.h"
#include "social/safety/account_deletion.h"
#include "social/identity/accounts.h"
#include "social/identity/oauth.h"
#include "social/identity/preferences.h"
#include "social/identity/profiles.h"
#include "social/identity/sessions.h"
#include "social/photos/media.h"
#include "social/posts/comments.h"
#include "social/posts/likes.h"
#include "social/posts/posts.h"
#include "social/safety/archive.h"
#include "social/safety/data_lists.h"
#include "social/safety/moderation.h"
#include "social/safety/reports.h"
#include "social/streaming/hub.h"

// Kindred's own web pages: server-rendered HTML, complete without JavaScript, beside the Mastodon
// API at the edge. Built on the same social/ views the API uses, never on the store.
namespace kindred::web {

struct WebConfig {
  std::string base_url = "http://127.0.0.1:8080";  // no trailing '/'
  std::string domain = "127.0.0.1:8080";
  std::string title = "Kindred";
  std::string description = "A photo-sharing community that meets people with care.";
  // Pages (not assets) per window per client address, as the API's signed-out limit: a person
  // reads far fewer; a scraper or a flood is answered 429 with a page that says so.
  bool rate_limits = true;
  int64_t page_limit = 300;
  int64_t page_period_ms = 5 * 60 * 1000;
  http::RateLimiter::Sharing limit_sharing;  // several nodes: one shared page limit
  social::RegistrationMode registrations = social::RegistrationMode::kOpen;
  size_t max_status_chars = 500;

  // Session cookies carry Secure when the site is served over https.
  bool https() const { return base_url.starts_with("https://"); }
};

// The sign-in and sign-up limits the API applies, shared so that a browser form is no way around
// them. Null with rate limits off.
struct SignInLimiters {
  http::RateLimiter* sign_in_ip = nullptr;       // password attempts per client address
  http::RateLimiter* sign_in_account = nullptr;  // password attempts per account named
  http::RateLimiter* sign_up_ip = nullptr;       // sign-ups per client address
};

// Everything the pages borrow. Built once; outlives the server.
struct WebServices {
  const WebConfig& config;
  const Clock& clock;
  social::AccountService& accounts;
  social::SessionService& sessions;
  social::OAuthService& oauth;
  social::PostService& posts;
  social::LikeService& likes;
  social::CommentService& comments;
  social::FeedService& feeds;
  social::MediaService& media;
  social::ProfileService& profiles;
  social::RelationshipService& relationships;
  social::NotificationService& notifications;
  social::PreferencesService& preferences;
  social::MemoryService& memories;
  social::CommentHoldService& holds;
  social::FilterService& filters;
  SignInLimiters limiters;
  social::PollService& polls;
  social::StreamHub* streams = nullptr;  // live counts on the post page; null: off
  // Your data (settings): CSV lists and the archive; null: the page is not there.
  social::DataListService* data_lists = nullptr;
  social::ArchiveService* archives = nullptr;
  social::AccountDeletion* deletion = nullptr;  // /settings/delete; null: the page says it is off
  // The moderation pages (/admin/...), for moderators and admins; null: not served.
  social::ReportService* reports = nullptr;
  social::ModerationService* moderation = nullptr;  // the account actions; null: none offered
};

class Assets;

// Registers the pages on `router`:
//   GET /                      the instance's front page, with the newest public photos
//   GET /explore               the local public timeline as a grid of photo posts
//   GET /tags/:tag             the same for one hashtag
//   GET /@username             a profile and its photo posts (a username in another case
//                              redirects to its own spelling, as does a post's address)
//   GET /@username/:id         one post with its comments and, on a support topic, its card
//   GET /statuses/:id/live     that post's counts as they move (Server-Sent Events, for site.js)
//   GET /auth/sign_in, /auth/sign_up   how to sign in today (the signed-in pages come next)
//   GET /admin/reports, /admin/reports/:id, /admin/audit   the moderation pages (staff only)
//   GET /assets/:file          stylesheets and scripts (content-hashed names, immutable)
// and replaces the router's not-found answer: a browser (Accept: text/html) asking for a path
// outside /api/ gets an HTML 404 page, everyone else the API's JSON.
// The object owns the assets and must outlive the router's use.
class WebPages {
 public:
  WebPages(WebServices services, http::Router& router);
  ~WebPages();
  WebPages(const WebPages&) = delete;
  WebPages& operator=(const WebPages&) = delete;

  const Assets& assets() const { return *assets_; }

 private:
  WebServices s_;
  std::unique_ptr<Assets> assets_;
  std::unique_ptr<http::RateLimiter> page_limiter_;  // null with rate limits off
};

}  // namespace kindred::web
