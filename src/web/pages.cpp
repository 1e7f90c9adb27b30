#include <algorithm>
#include <iostream>

#include "http/client_address.h"

#include "web/numbers.h"
#include "web/page.h"

namespace kindred::web {

namespace {

// Runs a page handler with the request's context; anything it throws becomes the HTML 500 page.
template <class F>
http::Handler page(const WebServices& s, const Assets& assets, http::RateLimiter* limiter, F f) {
  return [&s, &assets, limiter, f](http::Request& req) {
    auto lang = req.header("accept-language");
    PageContext c{s, assets, req, preferred_language(lang ? *lang : "")};
    if (limiter) {
      const auto d = limiter->hit(http::rate_limit_key(req.remote_ip));
      if (!d.allowed) {
        http::Response r = error_page(c, 429);
        const int64_t wait_s = std::max<int64_t>(1, (d.reset_ms - s.clock.now_ms() + 999) / 1000);
        r.set_header("Retry-After", std::to_string(wait_s));
        return r;
      }
    }
    try {
      return f(c);
    } catch (const std::exception& e) {
      std::cerr << "kindred web: " << req.path << " threw: " << e.what() << '\n';
      return error_page(c, 500);
    }
  };
}

}  // namespace

WebPages::WebPages(WebServices services, http::Router& router)
    : s_(services), assets_(std::make_unique<Assets>()) {
  if (std::string error = check_templates(); !error.empty()) {
    std::cerr << "kindred web: template " << error << '\n';
    std::abort();
  }
  const Assets& a = *assets_;
  if (s_.config.rate_limits) {
    page_limiter_ = std::make_unique<http::RateLimiter>(s_.clock, s_.config.page_limit,
                                                        s_.config.page_period_ms);
  }
  http::RateLimiter* l = page_limiter_.get();
  using http::Method;
  router.add(Method::kGet, "/", page(s_, a, l, home_page));
  router.add(Method::kGet, "/explore", page(s_, a, l, explore_page));
  router.add(Method::kGet, "/tags/:tag", page(s_, a, l, tag_page));
  router.add(Method::kGet, "/@:acct", page(s_, a, l, profile_page));
  router.add(Method::kGet, "/@:acct/:id", page(s_, a, l, post_page));
  router.add(Method::kGet, "/auth/sign_in",
             page(s_, a, l, [](const PageContext& c) { return sign_in_page(c, false); }));
  router.add(Method::kGet, "/auth/sign_up",
             page(s_, a, l, [](const PageContext& c) { return sign_in_page(c, true); }));
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
