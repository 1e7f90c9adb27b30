#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/instance.h"
#include "core/clock.h"
#include "social/identity/accounts.h"
#include "support/http_client.h"

namespace kindred::testing {

// How the server of one test is started. The defaults suit most tests; a test suite that needs
// another server derives a fixture whose constructor passes its own options:
//
//   class ClosedRegistrations : public ApiTest {
//    protected:
//     ClosedRegistrations() : ApiTest({.registrations = social::RegistrationMode::kClosed}) {}
//   };
struct ServerOptions {
  bool rate_limits = false;
  social::RegistrationMode registrations = social::RegistrationMode::kOpen;
  size_t max_characters = 500;
  size_t max_upload_mb = 16;
  int64_t large_account_followers = 10'000;
  size_t comments_ranked_limit = 5000;
  size_t exact_like_notifications = 1000;  // --exact-like-notifications
  // Generous: tests check what an upload returns, not how fast (a loaded machine under ASan took
  // over 3 s for one photo). A paused processor answers 202 at once whatever this is.
  int64_t media_wait_ms = 60'000;
  std::string trusted_proxies = "";  // --trusted-proxies
  bool demo = false;                 // --demo: the demo's people and posts
  std::string source_url = "";       // --source-url; empty: the default
  size_t streaming_per_account = 32;   // --streaming-connections-per-account
  size_t streaming_per_address = 64;   // --streaming-connections-per-address
  size_t stream_queue_messages = 1024;
  int64_t stream_counts_interval_ms = 1000;  // --stream-queue-messages
  // Non-empty: --store postgres --database-url this (support/pg_cluster.h makes one); records
  // then live in PostgreSQL, media and the search index still in the data directory.
  std::string database_url = "";
  int node_id = -1;  // --node-id (with database_url)
  std::string redis_url = "";  // --redis-url (with database_url)
  int cluster_nodes = 1;       // --cluster-nodes
};

// A registered OAuth application, as POST /api/v1/apps answered.
struct App {
  std::string id;
  std::string name;
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;  // the first registered one
  std::string scopes;        // as registered, space-separated
};

// A registered, signed-in user: the token has the default app's scopes ("read write follow").
struct User {
  std::string id;
  std::string username;
  std::string token;
};

// A real Kindred (RocksDB in a fresh directory, the Mastodon API on 127.0.0.1:0) per test, with a
// client and helpers that create apps, users and statuses by name. Time is a ManualClock starting
// at kStartMs, so ids and timestamps only move when the test moves them. Helpers record a gtest
// failure (with the reply) when the server refuses, and return empty values then.
// The data directory is made on /dev/shm when there is one: RocksDB syncs on open and close, and
// on a RAM disk that costs nothing, which makes the suite three times faster.
class ApiTest : public ::testing::Test {
 public:
  using Reply = HttpClient::Reply;

  // The instance's configured public URL: what Link headers, account URLs and nodeinfo name.
  static constexpr std::string_view kBaseUrl = "https://kindred.test";
  static constexpr std::string_view kPassword = "correct horse battery staple";
  static constexpr std::string_view kOutOfBand = "urn:ietf:wg:oauth:2.0:oob";
  static constexpr int64_t kStartMs = 1'709'294'400'000;  // 2024-03-01T12:00:00Z

 protected:
  explicit ApiTest(ServerOptions options = {});
  ~ApiTest() override;

  void SetUp() override;
  void TearDown() override;

  // One request each, on a kept-alive connection. `token` "" means signed out.
  Reply get(std::string_view target, std::string_view token = "");
  Reply post(std::string_view target, const boost::json::object& body, std::string_view token = "");
  Reply post_form(std::string_view target, std::string form_body, std::string_view token = "");
  Reply del(std::string_view target, std::string_view token = "");
  // Any request, with extra headers (e.g. Idempotency-Key).
  Reply request(std::string_view method, std::string_view target, std::string body,
                HttpClient::Headers headers, std::string_view token = "");

  // POST /api/v1/apps. `redirect_uris` is space-separated, as Mastodon takes it.
  App create_app(std::string scopes = "read write follow",
                 std::string redirect_uris = std::string(kOutOfBand),
                 std::string name = "Test App");
  // A client_credentials token for `app` (no user), with the app's scopes.
  std::string app_token(const App& app);
  // POST /oauth/token with grant_type=password; returns the whole reply.
  Reply password_grant(const App& app, std::string_view username, std::string_view password,
                       std::string_view scope = "");
  // Signs up `username` (email <username>@example.com, password kPassword) through the default app.
  User register_user(std::string_view username);
  // POST /api/v1/accounts with the default app's token and the fields register_user sends, with
  // `overrides` replacing or adding fields; returns the whole reply (for bad-input tests).
  Reply sign_up(std::string_view username, const boost::json::object& overrides = {});
  // The default app ("Test App", scopes "read write follow") and its client_credentials token.
  const App& default_app();
  const std::string& default_app_token();
  // POST /api/v1/statuses as `author` with {"status": text} plus `extra`; returns the new id.
  std::string post_status(const User& author, std::string_view text,
                          const boost::json::object& extra = {});
  // GETs the Link header's `rel` URL ("next" or "prev") of `page`, which must start with kBaseUrl.
  Reply follow_link(const Reply& page, std::string_view rel, std::string_view token = "");
  // GET /api/v1/accounts/verify_credentials as `user`.
  boost::json::object me(const User& user);
  // "type:username" of each of `who`'s notifications in the v1 list (GET /api/v1/notifications
  // with `query`), newest first; records a failure unless the list answers 200.
  std::vector<std::string> notification_kinds(const User& who, std::string_view query = "");
  // GET /api/v1/instance's stats (user_count, status_count).
  boost::json::object stats();

  // Stops the server, runs `while_stopped` (an admin command on data_dir(), say) and starts a new
  // server on the same data directory; tokens and users stay valid. Records a fatal failure when
  // the new server does not start.
  void restart(const std::function<void()>& while_stopped = {});

  // The path part of one of this instance's URLs ("https://kindred.test/a?b" -> "/a?b").
  static std::string local_path(std::string_view url);
  const std::filesystem::path& data_dir() const { return data_dir_; }
  ManualClock& clock() { return clock_; }
  app::Instance& instance() { return *instance_; }
  HttpClient& http() { return *http_; }
  // The configuration the instance serves with (another node of a cluster test starts from it).
  app::ServeConfig serve_config() const;

 private:
  void start_instance();

  ServerOptions options_;
  ManualClock clock_{kStartMs};
  std::filesystem::path data_dir_;  // removed in TearDown
  std::unique_ptr<app::Instance> instance_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<App> default_app_;
  std::string default_app_token_;
  int64_t default_app_token_at_ms_ = 0;
};

// An ApiTest with three signed-up users, ann_, bob_ and cat_, for tests about how people relate.
class ThreePeopleApi : public ApiTest {
 protected:
  explicit ThreePeopleApi(ServerOptions options = {}) : ApiTest(options) {}
  void SetUp() override;
  User ann_, bob_, cat_;
};

// ThreePeopleApi with staff, for the admin API's tests: Dee is an admin and Cat a moderator
// (given with `kindred admin role` while the server is stopped), each with a token of the
// admin app holding kStaffTokenScopes.
class StaffApi : public ThreePeopleApi {
 protected:
  // What the admin app may grant, and what the staff tokens hold.
  static constexpr std::string_view kAdminAppScopes =
      "read write follow admin:read admin:write admin:read:reports admin:write:reports";
  static constexpr std::string_view kStaffTokenScopes = "read write admin:read admin:write";

  void SetUp() override;
  // `kindred admin role` on this instance's data directory; its exit code.
  int set_role(std::string username, std::string role, bool off = false);
  // A token of the admin app for `u` with `scope`; records a failure unless it is granted.
  std::string token_for(const User& u, std::string_view scope = kStaffTokenScopes);

  User dee_;
  App admin_app_;
  std::string cat_token_, dee_token_;
};

// The reply's body as JSON; records a failure (showing the body) when it is not JSON.
boost::json::value json(const HttpClient::Reply& reply);
// The "id" of every object in a JSON array reply, in order; readable in failure messages.
std::vector<std::string> ids(const HttpClient::Reply& reply);
std::vector<std::string> ids(const boost::json::value& array);
// The "content" of every status in a JSON array, tags stripped: "<p>hi</p>" reads "hi".
std::vector<std::string> texts(const boost::json::value& array);
std::vector<std::string> texts(const HttpClient::Reply& reply);
// An application/x-www-form-urlencoded body: form_body({{"a", "1"}, {"b", "x y"}}) ==
// "a=1&b=x%20y".
std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
// The URL of the Link header entry with rel="`rel`", or "" when there is none.
std::string link_url(const HttpClient::Reply& reply, std::string_view rel);
// A string member of an object ("" when absent or not a string), for terse assertions.
std::string str(const boost::json::value& object, std::string_view key);
// An integer member of an object (-1 when absent or not an integer).
int64_t num(const boost::json::value& object, std::string_view key);

}  // namespace kindred::testing
