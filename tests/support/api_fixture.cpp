#include "support/api_fixture.h"

#include <stdlib.h>

#include <boost/json.hpp>
#include <system_error>
#include <utility>

#include "app/admin.h"
#include "http/form.h"

namespace kindred::testing {

namespace {

std::string bearer(std::string_view token) { return "Bearer " + std::string(token); }

std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

// A fresh directory under /dev/shm if it exists, else under the system temp directory; empty
// (with a gtest failure) if none can be made.
std::filesystem::path make_data_dir() {
  std::error_code ec;
  std::filesystem::path parent = "/dev/shm";
  if (!std::filesystem::is_directory(parent, ec)) parent = std::filesystem::temp_directory_path(ec);
  std::string pattern = (parent / "kindred-api-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
    return {};
  }
  return pattern;
}

}  // namespace

ApiTest::ApiTest(ServerOptions options) : options_(options) {}

ApiTest::~ApiTest() = default;

void ApiTest::SetUp() {
  data_dir_ = make_data_dir();
  ASSERT_FALSE(data_dir_.empty());
  start_instance();
}

void ApiTest::restart(const std::function<void()>& while_stopped) {
  http_.reset();
  if (instance_) instance_->stop();
  instance_.reset();
  if (while_stopped) while_stopped();
  start_instance();
}

void ApiTest::start_instance() {
  instance_ = std::make_unique<app::Instance>(serve_config(), &clock_);
  Status started = instance_->start(nullptr);
  ASSERT_TRUE(started.is_ok()) << started.to_string();
  http_ = std::make_unique<HttpClient>("127.0.0.1", instance_->port());
}

app::ServeConfig ApiTest::serve_config() const {
  app::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = data_dir_.string();
  config.base_url = std::string(kBaseUrl);
  config.threads = 2;
  config.access_log = false;
  config.registrations = options_.registrations;
  config.rate_limits = options_.rate_limits;
  config.max_characters = options_.max_characters;
  config.fast_password_hashing = true;
  config.max_upload_mb = options_.max_upload_mb;
  config.large_account_followers = options_.large_account_followers;
  config.comments_ranked_limit = options_.comments_ranked_limit;
  config.exact_like_notifications = options_.exact_like_notifications;
  config.media_wait_ms = options_.media_wait_ms;
  config.trusted_proxies = options_.trusted_proxies;
  config.demo = options_.demo;
  config.streaming_per_account = options_.streaming_per_account;
  config.streaming_per_address = options_.streaming_per_address;
  config.stream_queue_messages = options_.stream_queue_messages;
  config.stream_counts_interval_ms = options_.stream_counts_interval_ms;
  if (!options_.source_url.empty()) config.source_url = options_.source_url;
  if (!options_.database_url.empty()) {
    config.store = "postgres";
    config.database_url = options_.database_url;
    config.node_id = options_.node_id;
  }
  config.redis_url = options_.redis_url;
  config.cluster_nodes = options_.cluster_nodes;
  return config;
}

void ThreePeopleApi::SetUp() {
  ApiTest::SetUp();
  if (HasFatalFailure()) return;
  ann_ = register_user("ann");
  bob_ = register_user("bob");
  cat_ = register_user("cat");
}

void StaffApi::SetUp() {
  ThreePeopleApi::SetUp();
  if (HasFatalFailure()) return;
  dee_ = register_user("dee");
  restart([&] {
    ASSERT_EQ(set_role("cat", "moderator"), 0);
    ASSERT_EQ(set_role("dee", "admin"), 0);
  });
  if (HasFatalFailure()) return;
  admin_app_ = create_app(std::string(kAdminAppScopes), std::string(kOutOfBand), "Admin App");
  cat_token_ = token_for(cat_);
  dee_token_ = token_for(dee_);
}

int StaffApi::set_role(std::string username, std::string role, bool off) {
  app::RoleConfig c;
  c.data_dir = data_dir().string();
  c.username = std::move(username);
  c.role = std::move(role);
  c.off = off;
  return app::role(c);
}

std::string StaffApi::token_for(const User& u, std::string_view scope) {
  Reply r = password_grant(admin_app_, u.username, kPassword, scope);
  EXPECT_EQ(r.status, 200) << r.body;
  return str(json(r), "access_token");
}

std::string ApiTest::local_path(std::string_view url) {
  EXPECT_EQ(url.substr(0, kBaseUrl.size()), kBaseUrl) << url;
  return std::string(url.substr(std::min(url.size(), kBaseUrl.size())));
}

void ApiTest::TearDown() {
  http_.reset();
  if (instance_) instance_->stop();
  instance_.reset();
  if (!data_dir_.empty()) {
    std::error_code ignored;  // best effort: a leftover directory must not fail a test
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

ApiTest::Reply ApiTest::request(std::string_view method, std::string_view target, std::string body,
                                HttpClient::Headers headers, std::string_view token) {
  if (!token.empty()) headers.emplace_back("Authorization", bearer(token));
  return http_->request(method, target, std::move(body), std::move(headers));
}

ApiTest::Reply ApiTest::get(std::string_view target, std::string_view token) {
  return request("GET", target, "", {}, token);
}

ApiTest::Reply ApiTest::post(std::string_view target, const boost::json::object& body,
                             std::string_view token) {
  return request("POST", target, boost::json::serialize(body),
                 {{"Content-Type", "application/json"}}, token);
}

ApiTest::Reply ApiTest::post_form(std::string_view target, std::string form_body,
                                  std::string_view token) {
  return request("POST", target, std::move(form_body),
                 {{"Content-Type", "application/x-www-form-urlencoded"}}, token);
}

ApiTest::Reply ApiTest::del(std::string_view target, std::string_view token) {
  return request("DELETE", target, "", {}, token);
}

App ApiTest::create_app(std::string scopes, std::string redirect_uris, std::string name) {
  Reply r = post("/api/v1/apps",
                 {{"client_name", name}, {"redirect_uris", redirect_uris}, {"scopes", scopes}});
  App app;
  if (r.status != 200) {
    ADD_FAILURE() << "POST /api/v1/apps: " << r.status << " " << r.body;
    return app;
  }
  boost::json::value v = json(r);
  app.id = str(v, "id");
  app.name = str(v, "name");
  app.client_id = str(v, "client_id");
  app.client_secret = str(v, "client_secret");
  app.redirect_uri = redirect_uris.substr(0, redirect_uris.find(' '));
  app.scopes = scopes;
  return app;
}

std::string ApiTest::app_token(const App& app) {
  Reply r = post("/oauth/token", {{"grant_type", "client_credentials"},
                                  {"client_id", app.client_id},
                                  {"client_secret", app.client_secret}});
  if (r.status != 200) {
    ADD_FAILURE() << "client_credentials: " << r.status << " " << r.body;
    return {};
  }
  return str(json(r), "access_token");
}

ApiTest::Reply ApiTest::password_grant(const App& app, std::string_view username,
                                       std::string_view password, std::string_view scope) {
  boost::json::object body{{"grant_type", "password"},
                           {"client_id", app.client_id},
                           {"client_secret", app.client_secret},
                           {"username", username},
                           {"password", password}};
  if (!scope.empty()) body["scope"] = scope;
  return post("/oauth/token", body);
}

const App& ApiTest::default_app() {
  if (!default_app_) {
    default_app_ = std::make_unique<App>(create_app());
    default_app_token_ = app_token(*default_app_);
    default_app_token_at_ms_ = clock_.now_ms();
  }
  return *default_app_;
}

const std::string& ApiTest::default_app_token() {
  default_app();
  // An app's own token expires after a day; tests move the clock further than that. Fetch a new
  // one, as a client would, once the old one is half a day old.
  if (clock_.now_ms() - default_app_token_at_ms_ > 12LL * 60 * 60 * 1000) {
    default_app_token_ = app_token(*default_app_);
    default_app_token_at_ms_ = clock_.now_ms();
  }
  return default_app_token_;
}

ApiTest::Reply ApiTest::sign_up(std::string_view username, const boost::json::object& overrides) {
  boost::json::object body{{"username", username},
                           {"email", std::string(username) + "@example.com"},
                           {"password", kPassword},
                           {"agreement", true},
                           {"locale", "en"}};
  for (const auto& [key, value] : overrides) body[key] = value;
  return post("/api/v1/accounts", body, default_app_token());
}

User ApiTest::register_user(std::string_view username) {
  User user;
  user.username = std::string(username);
  Reply r = sign_up(username);
  if (r.status != 200) {
    ADD_FAILURE() << "POST /api/v1/accounts " << username << ": " << r.status << " " << r.body;
    return user;
  }
  user.token = str(json(r), "access_token");
  user.id = str(me(user), "id");
  return user;
}

std::string ApiTest::post_status(const User& author, std::string_view text,
                                 const boost::json::object& extra) {
  boost::json::object body = extra;
  body["status"] = text;
  Reply r = post("/api/v1/statuses", body, author.token);
  if (r.status != 200) {
    ADD_FAILURE() << "POST /api/v1/statuses by " << author.username << ": " << r.status << " "
                  << r.body;
    return {};
  }
  return str(json(r), "id");
}

ApiTest::Reply ApiTest::follow_link(const Reply& page, std::string_view rel,
                                    std::string_view token) {
  const std::string url = link_url(page, rel);
  if (url.rfind(kBaseUrl, 0) != 0) {
    ADD_FAILURE() << "no rel=\"" << rel << "\" link under " << kBaseUrl << " in '"
                  << page.header("link") << "'";
    return Reply{};
  }
  return get(url.substr(kBaseUrl.size()), token);
}

std::vector<std::string> ApiTest::notification_kinds(const User& who, std::string_view query) {
  Reply r = get("/api/v1/notifications" + std::string(query), who.token);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> out;
  const boost::json::value list = json(r);
  if (!list.is_array()) return out;
  for (const auto& n : list.as_array())
    out.push_back(str(n, "type") + ":" + str(n.at("account"), "username"));
  return out;
}

boost::json::object ApiTest::me(const User& user) {
  Reply r = get("/api/v1/accounts/verify_credentials", user.token);
  if (r.status != 200 || !json(r).is_object()) {
    ADD_FAILURE() << "verify_credentials for " << user.username << ": " << r.status << " "
                  << r.body;
    return {};
  }
  return json(r).as_object();
}

boost::json::object ApiTest::stats() {
  Reply r = get("/api/v1/instance");
  boost::json::value v = json(r);
  if (r.status != 200 || !v.is_object() || !v.as_object().contains("stats") ||
      !v.at("stats").is_object()) {
    ADD_FAILURE() << "GET /api/v1/instance: " << r.status << " " << r.body;
    return {};
  }
  return v.at("stats").as_object();
}

boost::json::value json(const HttpClient::Reply& reply) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(reply.body, ec);
  if (ec) {
    ADD_FAILURE() << "not JSON (" << reply.status << "): " << reply.body;
    return nullptr;
  }
  return v;
}

std::vector<std::string> ids(const boost::json::value& array) {
  std::vector<std::string> out;
  if (!array.is_array()) {
    ADD_FAILURE() << "not a JSON array: " << boost::json::serialize(array);
    return out;
  }
  for (const auto& item : array.get_array()) out.push_back(str(item, "id"));
  return out;
}

std::vector<std::string> ids(const HttpClient::Reply& reply) { return ids(json(reply)); }

std::vector<std::string> texts(const boost::json::value& array) {
  std::vector<std::string> out;
  if (!array.is_array()) {
    ADD_FAILURE() << "not a JSON array: " << boost::json::serialize(array);
    return out;
  }
  for (const auto& item : array.get_array()) out.push_back(strip_tags(str(item, "content")));
  return out;
}

std::vector<std::string> texts(const HttpClient::Reply& reply) { return texts(json(reply)); }

std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += http::percent_encode(name) + "=" + http::percent_encode(value);
  }
  return out;
}

std::string link_url(const HttpClient::Reply& reply, std::string_view rel) {
  // Entries look like <URL>; rel="next", separated by ", ".
  const std::string header = reply.header("link");
  const std::string wanted = "rel=\"" + std::string(rel) + "\"";
  size_t pos = 0;
  while ((pos = header.find('<', pos)) != std::string::npos) {
    const size_t close = header.find('>', pos);
    if (close == std::string::npos) break;
    const size_t next = header.find('<', close);
    const std::string params =
        header.substr(close + 1, next == std::string::npos ? next : next - close - 1);
    if (params.find(wanted) != std::string::npos) return header.substr(pos + 1, close - pos - 1);
    pos = close;
  }
  return {};
}

std::string str(const boost::json::value& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto* v = object.get_object().if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

int64_t num(const boost::json::value& object, std::string_view key) {
  if (!object.is_object()) return -1;
  const auto* v = object.get_object().if_contains(key);
  if (v == nullptr) return -1;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return -1;
}

}  // namespace kindred::testing
