#include "support/web_browser.h"

#include "http/form.h"
#include "support/html.h"

namespace kindred::testing {

namespace {


std::string encode(const WebBrowser::Fields& fields) {
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += http::percent_encode(k) + "=" + http::percent_encode(v);
  }
  return body;
}

}  // namespace

std::string WebBrowser::input_value(std::string_view html, std::string_view name) {
  const std::string key = "name=\"" + std::string(name) + "\" value=\"";
  const size_t at = html.find(key);
  if (at == std::string_view::npos) return "";
  const size_t start = at + key.size();
  const size_t end = html.find('"', start);
  return html::unescape(html.substr(start, end - start));
}

HttpClient::Headers WebBrowser::headers() const {
  HttpClient::Headers h{{"Accept", "text/html"}};
  std::string jar;
  for (const auto& [k, v] : cookies_) {
    if (!jar.empty()) jar += "; ";
    jar += k + "=" + v;
  }
  if (!jar.empty()) h.emplace_back("Cookie", jar);
  return h;
}

void WebBrowser::take_cookies(const Reply& r) {
  for (const auto& [name, value] : r.headers) {
    if (name != "set-cookie") continue;
    const size_t eq = value.find('=');
    const size_t semi = value.find(';');
    if (eq == std::string::npos) continue;
    std::string k = value.substr(0, eq);
    std::string v = value.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
    if (value.find("Max-Age=0") != std::string::npos)
      cookies_.erase(k);
    else
      cookies_[k] = v;
  }
}

void WebBrowser::take_csrf(const Reply& r) {
  std::string token = input_value(r.body, "csrf");
  if (!token.empty()) csrf_ = token;
}

WebBrowser::Reply WebBrowser::get(std::string_view target) {
  Reply r = client_->request("GET", target, "", headers());
  take_cookies(r);
  take_csrf(r);
  return r;
}

WebBrowser::Reply WebBrowser::post(std::string_view target, Fields fields, bool with_csrf,
                                   HttpClient::Headers extra) {
  bool has = false;
  for (const auto& f : fields) has = has || f.first == "csrf";
  if (with_csrf && !has) fields.emplace_back("csrf", csrf_);
  HttpClient::Headers h = headers();
  h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  for (auto& e : extra) h.push_back(std::move(e));
  Reply r = client_->request("POST", target, encode(fields), h);
  take_cookies(r);
  take_csrf(r);
  return r;
}

WebBrowser::Reply WebBrowser::post_multipart(std::string_view target,
                                             std::vector<HttpClient::Part> parts, bool with_csrf) {
  bool has = false;
  for (const auto& p : parts) has = has || p.name == "csrf";
  if (with_csrf && !has) parts.push_back({"csrf", csrf_});
  // The client's multipart helper sends its own headers; cookies go as its token cannot.
  const std::string boundary = "----kindred-test-boundary-7d0a1b";
  std::string body;
  for (const auto& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\n";
    if (!p.content_type.empty()) body += "Content-Type: " + p.content_type + "\r\n";
    body += "\r\n" + p.value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  HttpClient::Headers h = headers();
  h.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
  Reply r = client_->request("POST", target, body, h);
  take_cookies(r);
  take_csrf(r);
  return r;
}

bool WebBrowser::sign_in(std::string_view username, std::string_view password) {
  Reply page = get("/auth/sign_in");
  if (page.status != 200) return false;
  Reply r = post("/auth/sign_in", {{"username", std::string(username)}, {"password", std::string(password)}});
  if (r.status != 303) return false;
  // The page after sign-in carries the session's token.
  get("/home");
  return cookies_.count("kindred_session") > 0;
}

}  // namespace kindred::testing
