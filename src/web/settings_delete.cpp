// Deleting one's account from the browser: /settings/delete, a form with the password, a sentence
// of what goes and that it cannot be undone. Done, the person is signed out.
#include "web/routes.h"
#include "web/session.h"
#include "web/settings_pages.h"

namespace kindred::web::settings {

namespace {

http::Response delete_form(const PageContext& c, int status, Data d) {
  return settings_page(c, Section::kDelete, status, c.render("settings_delete", d));
}

http::Response delete_page(const PageContext& c) {
  return delete_form(c, 200, form_data(c, {"password_error"}));
}

http::Response delete_post(const PageContext& c) {
  Data d = form_data(c, {"password_error"});
  const std::string password = c.field("password");
  if (password.empty()) {
    d.set("password_error", c.t("settings_delete.enter_your_password"));
    return delete_form(c, 422, std::move(d));
  }
  if (!c.s.deletion) return failure(c, Status::unavailable("Account deletion is not available"));
  // Guesses count against the account's sign-in budget, as on the password page.
  if (http::RateLimiter* limiter = c.s.limiters.sign_in_account;
      limiter && !limiter->hit("account:" + social::ascii_lower(c.me->account.username)).allowed) {
    d.set("password_error", c.t("settings_delete.too_many_password_attempts"));
    return delete_form(c, 429, std::move(d));
  }
  Status st = c.s.deletion->delete_own(c.me->account.id, password);
  if (st.code() == StatusCode::kInvalidArgument) {
    d.set("password_error", c.t("settings_delete.that_is_not_your_password"));
    return delete_form(c, 422, std::move(d));
  }
  if (!st.is_ok()) return failure(c, st);

  // Signed out: the page after it is a signed-out one, and the cookie goes.
  PageContext out = c;
  out.me.reset();
  Data m;
  m.set("heading", c.t("settings_delete.your_account_is_being_deleted"));
  Data paragraphs = list();
  paragraphs.push_back(Data(c.t("settings_delete.it_is_gone_already", {{"site", c.s.config.title}})));
  paragraphs.push_back(Data(c.t("settings_delete.goodbye")));
  m.set("paragraphs", std::move(paragraphs));
  Data link;
  link.set("url", std::string("/"));
  link.set("text", c.t("settings_delete.to_the_front_page"));
  m.set("link", std::move(link));
  Page page;
  page.title = c.t("settings_delete.your_account_is_being_deleted");
  page.styles = {"forms.css"};
  page.body_html = out.render("message", m);
  http::Response r = page_response(out, 200, std::move(page));
  r.set_header("Set-Cookie", set_cookie(c.s.config, kSessionCookie, "", -1));
  return r;
}

}  // namespace

void register_delete_settings(const Routes& r) {
  auto& router = r.router;
  router.add(http::Method::kGet, "/settings/delete", signed_in_page(r.s, r.assets, r.limiter, delete_page));
  // Checking a password takes a while: off the network threads.
  router.add_blocking(http::Method::kPost, "/settings/delete",
                      action(r.s, r.assets, r.limiter, Need::kSignedIn, delete_post));
}

}  // namespace kindred::web::settings
