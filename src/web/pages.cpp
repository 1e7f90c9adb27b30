#include <iostream>

#include "web/numbers.h"
#include "web/page.h"

namespace kindred::web {

namespace {

// Runs a page handler with the request's context; anything it throws becomes the HTML 500 page.
template <class F>
http::Handler page(const WebServices& s, const Assets& assets, F f) {
  return [&s, &assets, f](http::Request& req) {
    auto lang = req.header("accept-language");
    PageContext c{s, assets, req, preferred_language(lang ? *lang : "")};
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
  using http::Method;
  router.add(Method::kGet, "/", page(s_, a, home_page));
  router.add(Method::kGet, "/explore", page(s_, a, explore_page));
  router.add(Method::kGet, "/tags/:tag", page(s_, a, tag_page));
  router.add(Method::kGet, "/:acct", page(s_, a, profile_page));
  router.add(Method::kGet, "/:acct/:id", page(s_, a, post_page));
  router.add(Method::kGet, "/auth/sign_in",
             page(s_, a, [](const PageContext& c) { return sign_in_page(c, false); }));
  router.add(Method::kGet, "/auth/sign_up",
             page(s_, a, [](const PageContext& c) { return sign_in_page(c, true); }));
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
  router.set_not_found(page(s_, a, not_found));
}

WebPages::~WebPages() = default;

}  // namespace kindred::web
