#pragma once

// A browser without JavaScript, for tests of the web pages' forms: it keeps the cookies the
// server sets, finds a page's CSRF token, posts forms (encoded or multipart) and follows nothing
// by itself (a test looks at each 303 and its Location).
//
//   WebBrowser b(port());
//   ASSERT_TRUE(b.sign_in("ann", kPassword));
//   auto page = b.get("/@ann/123");
//   auto r = b.post("/statuses/123/like", {{"return_to", "/@ann/123"}});  // csrf added
//   EXPECT_EQ(r.status, 303);
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/http_client.h"

namespace kindred::testing {

class WebBrowser {
 public:
  using Reply = HttpClient::Reply;
  using Fields = std::vector<std::pair<std::string, std::string>>;

  explicit WebBrowser(uint16_t port) : client_(std::make_unique<HttpClient>("127.0.0.1", port)) {}

  // GET with Accept: text/html and the cookies held. Remembers the page's CSRF token.
  Reply get(std::string_view target);
  // POSTs `fields` form-encoded, adding csrf=<the last page's token> unless `fields` has one or
  // `with_csrf` is false. Extra headers (e.g. Origin) may be given.
  Reply post(std::string_view target, Fields fields, bool with_csrf = true,
             HttpClient::Headers headers = {});
  // POSTs multipart/form-data (csrf added as a field as above).
  Reply post_multipart(std::string_view target, std::vector<HttpClient::Part> parts,
                       bool with_csrf = true);

  // Signs in through /auth/sign_in. True on the 303 that begins a session.
  bool sign_in(std::string_view username, std::string_view password);

  // The CSRF token of the last page fetched ("" if it had no form).
  const std::string& csrf() const { return csrf_; }
  void set_csrf(std::string csrf) { csrf_ = std::move(csrf); }
  // The cookies held, by name.
  const std::map<std::string, std::string>& cookies() const { return cookies_; }
  void set_cookie(std::string name, std::string value) { cookies_[std::move(name)] = std::move(value); }
  void clear_cookies() { cookies_.clear(); }
  HttpClient& client() { return *client_; }

  // The value of the first `<input ... name="NAME" value="...">` in `html`, unescaped; "" if none.
  static std::string input_value(std::string_view html, std::string_view name);

 private:
  HttpClient::Headers headers() const;
  void take_cookies(const Reply& r);
  void take_csrf(const Reply& r);

  std::unique_ptr<HttpClient> client_;  // a pointer, so a browser can be returned by value
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

}  // namespace kindred::testing
