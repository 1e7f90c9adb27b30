// GET /api/v1/instance, /api/v2/instance, /.well-known/nodeinfo, /nodeinfo/2.0, unknown routes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"
#include "support/temp_dir.h"

namespace kindred::testing {
namespace {

using InstanceApi = ApiTest;

class ClosedInstanceApi : public ApiTest {
 protected:
  ClosedInstanceApi() : ApiTest({.registrations = social::RegistrationMode::kClosed}) {}
};

class ApprovalInstanceApi : public ApiTest {
 protected:
  ApprovalInstanceApi() : ApiTest({.registrations = social::RegistrationMode::kApproval}) {}
};

TEST_F(InstanceApi, V1NamesKindredInItsVersionAndTheStatusLimit) {
  Reply r = get("/api/v1/instance");
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value v = json(r);
  EXPECT_NE(str(v, "version").find("Kindred"), std::string::npos) << str(v, "version");
  EXPECT_EQ(str(v, "version").substr(0, 2), "4.") << "clients parse the Mastodon version first";
  EXPECT_EQ(str(v, "uri"), "kindred.test");
  EXPECT_EQ(str(v, "title"), "Kindred");
  EXPECT_EQ(num(v.at("configuration").at("statuses"), "max_characters"), 500);
  EXPECT_EQ(v.at("registrations"), true);
  EXPECT_EQ(v.at("approval_required"), false);
}

TEST_F(InstanceApi, V1StatsCountUsersAndStatusesExactly) {
  boost::json::object before = stats();
  EXPECT_EQ(num(before, "user_count"), 0);
  EXPECT_EQ(num(before, "status_count"), 0);
  User ann = register_user("ann");
  User bob = register_user("bob");
  post_status(ann, "one");
  const std::string two = post_status(bob, "two");
  post_status(bob, "three", {{"visibility", "private"}});
  ASSERT_EQ(del("/api/v1/statuses/" + two, bob.token).status, 200);
  boost::json::object after = stats();
  EXPECT_EQ(num(after, "user_count"), 2);
  EXPECT_EQ(num(after, "status_count"), 2);
  EXPECT_EQ(num(after, "domain_count"), 0);
}

TEST_F(InstanceApi, V2HasDomainConfigurationAndRegistrations) {
  Reply r = get("/api/v2/instance");
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value v = json(r);
  EXPECT_EQ(str(v, "domain"), "kindred.test");
  EXPECT_NE(str(v, "version").find("Kindred"), std::string::npos);
  EXPECT_EQ(num(v.at("configuration").at("statuses"), "max_characters"), 500);
  EXPECT_TRUE(v.at("configuration").at("media_attachments").is_object());
  EXPECT_EQ(v.at("registrations").at("enabled"), true);
  EXPECT_EQ(v.at("registrations").at("approval_required"), false);
}

TEST_F(ClosedInstanceApi, InstanceSaysRegistrationsAreClosed) {
  EXPECT_EQ(json(get("/api/v1/instance")).at("registrations"), false);
  EXPECT_EQ(json(get("/api/v2/instance")).at("registrations").at("enabled"), false);
  EXPECT_EQ(json(get("/nodeinfo/2.0")).at("openRegistrations"), false);
}

TEST_F(ApprovalInstanceApi, InstanceSaysApprovalIsRequired) {
  EXPECT_EQ(json(get("/api/v1/instance")).at("approval_required"), true);
  EXPECT_EQ(json(get("/api/v2/instance")).at("registrations").at("approval_required"), true);
}

TEST_F(InstanceApi, NodeinfoDiscoveryLinksToNodeinfo20) {
  Reply r = get("/.well-known/nodeinfo");
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value link = json(r).at("links").at(0);
  EXPECT_EQ(str(link, "rel"), "http://nodeinfo.diaspora.software/ns/schema/2.0");
  const std::string href = str(link, "href");
  ASSERT_EQ(href, std::string(kBaseUrl) + "/nodeinfo/2.0");

  Reply info = get(href.substr(kBaseUrl.size()));
  ASSERT_EQ(info.status, 200) << info.body;
  boost::json::value v = json(info);
  EXPECT_EQ(str(v, "version"), "2.0");
  EXPECT_EQ(str(v.at("software"), "name"), "kindred");
  EXPECT_EQ(str(v.at("metadata").at("upstream"), "name"), "mastodon");
  EXPECT_EQ(v.at("openRegistrations"), true);
  EXPECT_NE(info.header("content-type").find("application/json"), std::string::npos);
}

TEST_F(InstanceApi, NodeinfoCountsUsersAndPosts) {
  User ann = register_user("ann");
  post_status(ann, "one");
  boost::json::value v = json(get("/nodeinfo/2.0"));
  EXPECT_EQ(num(v.at("usage").at("users"), "total"), 1);
  EXPECT_EQ(num(v.at("usage"), "localPosts"), 1);
}

TEST_F(InstanceApi, UnknownRouteIs404Json) {
  for (std::string path : {"/api/v1/nope", "/api/v1/statuses/1/nope", "/nope"}) {
    SCOPED_TRACE(path);
    Reply r = get(path);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.header("content-type").substr(0, 16), "application/json");
    EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
  }
}

TEST_F(InstanceApi, WrongMethodIs405WithAllow) {
  Reply r = del("/api/v1/instance");
  EXPECT_EQ(r.status, 405) << r.body;
  EXPECT_EQ(r.header("allow"), "GET, HEAD");
  EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
}

TEST_F(InstanceApi, DefaultAvatarIsServed) {
  Reply r = get("/avatars/original/missing.png");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "image/png");
  EXPECT_EQ(r.body.substr(1, 3), "PNG");
}

// Without --base-url, the public URL must be where the server actually listens, also when the
// port was picked by the OS (listen on port 0). Otherwise every URL the API hands out (Link
// headers, account and status URLs, nodeinfo) points at port 0.
TEST(InstanceDefaults, DefaultBaseUrlNamesTheBoundPort) {
  TempDir dir;
  app::ServeConfig config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir.path().string();
  config.threads = 1;
  config.access_log = false;
  config.rate_limits = false;
  config.fast_password_hashing = true;
  app::Instance instance(config);
  ASSERT_TRUE(instance.start(nullptr).is_ok());
  HttpClient client("127.0.0.1", instance.port());
  HttpClient::Reply r = client.get("/.well-known/nodeinfo");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("links").at(0), "href"), instance.url() + "/nodeinfo/2.0");
  EXPECT_EQ(str(json(client.get("/api/v1/instance")), "uri"),
            "127.0.0.1:" + std::to_string(instance.port()));
  instance.stop();
}

}  // namespace
}  // namespace kindred::testing
