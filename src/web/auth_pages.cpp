// Signing up, in and out with the password form: /auth/sign_up, /auth/sign_in, /auth/sign_out.
#include <algorithm>

#include "http/client_address.h"
#include "http/form.h"
#include "social/identity/accounts.h"
#include "web/escape.h"
#include "web/page.h"
#include "web/session.h"

namespace kindred::web {

namespace {

constexpr int64_t kSessionMaxAgeS = social::SessionService::kIdleLimitMs / 1000;

Page form_page(std::string title, std::string body) {
  Page page;
  page.title = std::move(title);
  page.styles = {"forms.css"};
  page.body_html = std::move(body);
  return page;
}

Data sign_in_data(const PageContext& c) {
  Data d;
  d.set("site", c.s.config.title);
  d.set("csrf", c.csrf());
  d.set("can_sign_up", c.s.config.registrations != social::RegistrationMode::kClosed);
  d.set("new_here", c.t_html("sign_in.new_here", {{"link", html_link("/auth/sign_up", c.t("sign_in.create_an_account"))}}));
  d.set("notice", false);
  d.set("error", false);
  return d;
}

// Begins a session for `account`: the old one (if any) ends, so a session id known before
// sign-in is worth nothing after it.
http::Response begin_session(const PageContext& c, const social::Account& account,
                             const std::string& to) {
  if (c.me) (void)c.s.sessions.end(c.me->account.id, c.me->session.id);
  auto ua = c.req.header("user-agent");
  auto made = c.s.sessions.create(account.id, ua ? *ua : "", c.req.remote_ip);
  if (!made.has_value()) return failure(c, made.error());
  http::Response r = see_other(to);
  r.set_header("Set-Cookie", set_cookie(c.s.config, kSessionCookie, made->secret, kSessionMaxAgeS));
  r.set_header("Set-Cookie", set_cookie(c.s.config, kCsrfCookie, "", -1));
  return r;
}

// A refusal of the limit, as a page with the form.
bool limited(http::RateLimiter* limiter, const std::string& key) {
  return limiter != nullptr && !limiter->hit(key).allowed;
}

std::string limiter_key_for_account(std::string_view name) {
  std::string key = "account:";
  for (char ch : name) {
    if (ch == ' ' || ch == '\t') continue;  // " Lena" and "lena" name one account
    key += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return key;
}

}  // namespace

http::Response sign_in_page(const PageContext& c) {
  auto q = http::Params::parse(c.req.query);
  auto v = q ? q->get("return_to") : std::nullopt;
  const std::string to = local_path(v ? std::string(*v) : std::string());
  // ?switch=1 ("Sign in as someone else"): the form even for a person signed in; signing in
  // then ends their session and begins the other person's.
  const bool switching = q && q->get("switch") == std::optional<std::string_view>("1");
  if (c.me && !switching) return see_other(to == "/" ? "/home" : to);
  Data d = sign_in_data(c);
  d.set("return_to", to == "/" ? "" : to);
  d.set("username", "");
  return page_response(c, 200, form_page(c.t("auth.sign_in", {{"site", c.s.config.title}}), c.render("sign_in", d)));
}

http::Response sign_in_post(const PageContext& c) {
  const std::string name = c.field("username");
  const std::string to = return_path(c, "/home");
  Data d = sign_in_data(c);
  d.set("return_to", c.field("return_to"));
  d.set("username", name);
  auto again = [&](int status, std::string error) {
    d.set("error", std::move(error));
    return page_response(c, status, form_page(c.t("auth.sign_in", {{"site", c.s.config.title}}), c.render("sign_in", d)));
  };
  if (name.empty() || c.field("password").empty())
    return again(422, c.t("auth.enter_your_username_or_email"));
  if (limited(c.s.limiters.sign_in_ip, http::rate_limit_key(c.req.remote_ip)) ||
      limited(c.s.limiters.sign_in_account, limiter_key_for_account(name)))
    return again(429, c.t("auth.too_many_attempts_to_sign"));
  auto account = c.s.accounts.sign_in(name, c.field("password"));
  if (!account.has_value()) {
    if (account.error().code() == StatusCode::kUnauthenticated)
      return again(401, c.t("auth.that_username_or_email_and"));
    if (account.error().code() == StatusCode::kPermissionDenied)
      return again(403, c.t("auth.this_account_is_kept_as"));
    return failure(c, account.error());
  }
  if (!account->approved)
    return again(403, c.t("auth.your_account_is_waiting_for"));
  return begin_session(c, *account, to);
}

namespace {

// Field errors of a sign-up, in words, from social/'s validation messages.
struct SignUpErrors {
  std::string username, email, password, other;
};

SignUpErrors sign_up_errors(const PageContext& c, const Status& st) {
  SignUpErrors e;
  const std::string& m = st.message();
  auto has = [&](std::string_view part) { return m.find(part) != std::string::npos; };
  if (has("Username has already been taken"))
    e.username = c.t("auth.someone_already_has_that_username");
  else if (has("Username"))
    e.username = c.t("auth.a_username_can_have_letters");
  else if (has("Email has already been taken"))
    e.email = c.t("auth.an_account_already_uses_that");
  else if (has("Email"))
    e.email = c.t("auth.that_does_not_look_like");
  else if (has("Password is too short"))
    e.password = c.t("auth.your_password_needs_at_least");
  else if (has("Password is too long"))
    e.password = c.t("auth.your_password_can_have_at");
  else
    e.other = c.t("auth.your_account_could_not_be");
  return e;
}

Data sign_up_data(const PageContext& c) {
  Data d;
  d.set("site", c.s.config.title);
  d.set("csrf", c.csrf());
  d.set("closed", c.s.config.registrations == social::RegistrationMode::kClosed);
  d.set("approval", c.s.config.registrations == social::RegistrationMode::kApproval);
  d.set("not_taking", c.t_html("sign_up.site_is_not_taking_new",
                               {{"site", escape_html(c.s.config.title)},
                                {"link", html_link("/auth/sign_in", c.t("sign_up.sign_in"))}}));
  d.set("already", c.t_html("sign_up.already_have_an_account",
                            {{"link", html_link("/auth/sign_in", c.t("sign_up.sign_in_2"))}}));
  for (const char* k : {"error", "username_error", "email_error", "password_error"}) d.set(k, false);
  return d;
}

}  // namespace

http::Response sign_up_page(const PageContext& c) {
  if (c.me) return see_other("/home");
  Data d = sign_up_data(c);
  for (const char* k : {"username", "email"}) d.set(k, "");
  return page_response(c, 200, form_page(c.t("auth.create_an_account", {{"site", c.s.config.title}}), c.render("sign_up", d)));
}

http::Response sign_up_post(const PageContext& c) {
  Data d = sign_up_data(c);
  for (const char* k : {"username", "email"}) d.set(k, c.field(k));
  auto again = [&](int status) {
    return page_response(c, status,
                         form_page(c.t("auth.create_an_account", {{"site", c.s.config.title}}), c.render("sign_up", d)));
  };
  if (c.s.config.registrations == social::RegistrationMode::kClosed) return again(403);
  if (limited(c.s.limiters.sign_up_ip, http::rate_limit_key(c.req.remote_ip))) {
    d.set("error", c.t("auth.too_many_accounts_were_made"));
    return again(429);
  }
  social::Registration r;
  r.username = c.field("username");
  r.email = c.field("email");
  r.password = c.field("password");
  r.agreement = true;  // the form is the agreement; there are no separate terms to accept
  r.locale = c.language.substr(0, c.language.find('-'));
  if (r.username.empty()) d.set("username_error", c.t("auth.choose_a_username"));
  if (r.email.empty()) d.set("email_error", c.t("auth.enter_your_email_address"));
  if (r.password.empty()) d.set("password_error", c.t("auth.choose_a_password_of_at"));
  if (r.username.empty() || r.email.empty() || r.password.empty()) return again(422);
  auto account = c.s.accounts.register_account(r);
  if (!account.has_value()) {
    if (account.error().code() != StatusCode::kInvalidArgument) return failure(c, account.error());
    SignUpErrors e = sign_up_errors(c, account.error());
    if (!e.username.empty()) d.set("username_error", e.username);
    if (!e.email.empty()) d.set("email_error", e.email);
    if (!e.password.empty()) d.set("password_error", e.password);
    if (!e.other.empty()) d.set("error", e.other);
    return again(422);
  }
  if (!account->approved) {
    Data m;
    m.set("heading", c.t("auth.thank_you_for_asking_to"));
    Data ps = list();
    ps.push_back(Data(c.t("auth.a_moderator_will_read_your", {{"username", account->username}})));
    m.set("paragraphs", std::move(ps));
    Data link;
    link.set("url", "/explore");
    link.set("text", c.t("auth.explore_recent_photos_in_the"));
    m.set("link", std::move(link));
    return page_response(c, 200, form_page(c.t("auth.request_sent", {{"site", c.s.config.title}}), c.render("message", m)));
  }
  return begin_session(c, *account, "/home");
}

http::Response sign_out_post(const PageContext& c) {
  if (c.me) {
    Status st = c.s.sessions.end(c.me->account.id, c.me->session.id);
    if (!st.is_ok() && !st.is_not_found()) return failure(c, st);
  }
  http::Response r = see_other("/");
  r.set_header("Set-Cookie", set_cookie(c.s.config, kSessionCookie, "", -1));
  return r;
}

}  // namespace kindred::web
