#include <algorithm>
#include <iostream>

#include "http/client_address.h"
#include "http/multipart.h"

#include "web/numbers.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/session.h"

namespace kindred::web {


WebPages::WebPages(WebServices services, http::Router& router)
    : s_(services), assets_(std::make_unique<Assets>()) {
  if (std::string error = check_templates(); !error.empty()) {
    std::cerr << "kindred web: template " << error << '\n';
    std::abort();
  }
  const Assets& a = *assets_;
  if (s_.config.rate_limits) {
    page_limiter_ = std::make_unique<http::RateLimiter>(s_.clock, s_.config.page_limit, s_.config.page_period_ms,
                                                        s_.config.limit_sharing, "page");
  }
  http::RateLimiter* l = page_limiter_.get();
  using http::Method;
  router.add(Method::kGet, "/", page(s_, a, l, home_page));
  router.add(Method::kGet, "/explore", page(s_, a, l, explore_page));
  router.add(Method::kGet, "/tags/:tag", page(s_, a, l, tag_page));
  router.add(Method::kGet, "/@:acct", page(s_, a, l, profile_page));
  router.add(Method::kGet, "/@:acct/:id", page(s_, a, l, post_page));
  router.add_stream("/statuses/:id/live", [this](http::Request& req, const http::Stream& stream) {
    return open_live_counts(s_, req, stream);
  });
  router.add(Method::kGet, "/auth/sign_in", page(s_, a, l, sign_in_page));
  // Passwords are hashed (argon2id) off the network threads.
  http::RouteOptions blocking;
  blocking.blocking = true;
  router.add(Method::kPost, "/auth/sign_in", action(s_, a, l, Need::kAnyone, sign_in_post), blocking);
  router.add(Method::kGet, "/auth/sign_up", page(s_, a, l, sign_up_page));
  router.add(Method::kPost, "/auth/sign_up", action(s_, a, l, Need::kAnyone, sign_up_post), blocking);
  router.add(Method::kPost, "/auth/sign_out", action(s_, a, l, Need::kAnyone, sign_out_post));
  const auto user = Need::kSignedIn;
  // Four photos of the upload limit each, read and processed off the network threads.
  http::RouteOptions uploads;
  uploads.blocking = true;
  uploads.max_body_bytes = 4 * s_.media.config().limits.max_bytes + 64 * 1024;
  router.add(Method::kGet, "/new", signed_in_page(s_, a, l, compose_page));
  router.add(Method::kPost, "/new", action(s_, a, l, user, compose_post), uploads);
  router.add(Method::kPost, "/statuses/:id/like", action(s_, a, l, user, like_post));
  router.add(Method::kPost, "/statuses/:id/unlike", action(s_, a, l, user, unlike_post));
  router.add(Method::kPost, "/statuses/:id/save", action(s_, a, l, user, save_post));
  router.add(Method::kPost, "/statuses/:id/unsave", action(s_, a, l, user, unsave_post));
  router.add(Method::kPost, "/statuses/:id/comment", action(s_, a, l, user, comment_post));
  router.add(Method::kPost, "/statuses/:id/vote", action(s_, a, l, user, vote_post));
  router.add(Method::kGet, "/statuses/:id/delete", signed_in_page(s_, a, l, delete_confirm_page));
  router.add(Method::kPost, "/statuses/:id/delete", action(s_, a, l, user, delete_post));
  router.add(Method::kPost, "/statuses/:id/remove_comment", action(s_, a, l, user, remove_comment_post));
  router.add(Method::kPost, "/statuses/:id/pin_comment", action(s_, a, l, user, pin_comment_post));
  router.add(Method::kPost, "/statuses/:id/unpin_comment", action(s_, a, l, user, unpin_comment_post));
  router.add(Method::kPost, "/statuses/:id/hide", action(s_, a, l, user, hide_comment_post));
  router.add(Method::kPost, "/statuses/:id/approve", action(s_, a, l, user, approve_comment_post));
  router.add(Method::kPost, "/statuses/:id/comment_controls", action(s_, a, l, user, comment_controls_post));
  const Routes routes{router, s_, a, l};
  register_settings_pages(routes);
  register_people_pages(routes);
  if (s_.reports) register_moderation_pages(routes);
  router.add(Method::kGet, "/assets/:file", [&a](http::Request& req) { return a.serve(req); });
  // Browsers and crawlers ask for /favicon.ico whatever a page links: the same icon, for a week.
  router.add(Method::kGet, "/favicon.ico", [&a](http::Request&) {
    http::Response r;
    r.status = 301;
    r.content_type = "text/plain; charset=utf-8";
    r.set_header("Location", a.url("icon.svg"));
    r.set_header("Cache-Control", "public, max-age=604800");
    return r;
  });
  router.set_not_found(page(s_, a, nullptr, not_found));
}

WebPages::~WebPages() = default;

}  // namespace kindred::web
