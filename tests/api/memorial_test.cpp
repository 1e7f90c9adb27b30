// Memorial accounts: `kindred admin memorial` marks an account at the family's request; its
// profile then says "Remembering ..." and nobody can sign into it, with old tokens or new.
#include <boost/json.hpp>

#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class MemorialApi : public ThreePeopleApi {
 protected:
  // Runs `kindred admin memorial` on the stopped server's data; returns its exit code.
  int memorial(std::string username, bool on = true) {
    int rc = -1;
    restart([&] {
      app::VerifyConfig c;
      c.data_dir = data_dir().string();
      c.username = std::move(username);
      c.off = !on;
      rc = app::memorial(c);
    });
    return rc;
  }
  // Ann gives herself a display name; returns the status code.
  int patch_credentials() {
    return request("PATCH", "/api/v1/accounts/update_credentials",
                   R"({"display_name":"Ann Example"})", {{"Content-Type", "application/json"}},
                   ann_.token)
        .status;
  }
  // Ann tries to post; returns the status code.
  int post_status_reply_status() {
    return post("/api/v1/statuses", {{"status", "still here?"}}, ann_.token).status;
  }
  boost::json::value account(const User& who, std::string_view token) {
    Reply r = get("/api/v1/accounts/" + who.id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
};

TEST_F(MemorialApi, MarksTheProfileRememberingAndEndsSignIn) {
  const std::string post = post_status(ann_, "our garden in May");
  ASSERT_EQ(patch_credentials(), 200);
  EXPECT_FALSE(account(ann_, bob_.token).as_object().contains("memorial"));

  ASSERT_EQ(memorial("ann"), 0);
  const auto a = account(ann_, bob_.token);
  EXPECT_EQ(a.at("memorial"), true);
  EXPECT_EQ(str(a.at("kindred"), "remembering"), "Remembering Ann Example");
  EXPECT_EQ(a.at("kindred").at("verified"), false);
  // Signed out too, and on the posts.
  EXPECT_EQ(str(account(ann_, "").at("kindred"), "remembering"), "Remembering Ann Example");
  Reply r = get("/api/v1/statuses/" + post, cat_.token);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json(r).at("account").at("memorial"), true);

  // The token Ann had stops working everywhere, reads and writes alike.
  r = get("/api/v1/accounts/verify_credentials", ann_.token);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Your login is currently disabled");
  EXPECT_EQ(get("/api/v1/timelines/home", ann_.token).status, 403);
  EXPECT_EQ(post_status_reply_status(), 403);
  // And nobody can sign in again, even with the right password.
  r = password_grant(default_app(), "ann", kPassword);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
  // Others are untouched.
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", bob_.token).status, 200);
}

TEST_F(MemorialApi, OffRestoresTheAccount) {
  ASSERT_EQ(memorial("ann"), 0);
  ASSERT_EQ(memorial("@ann", false), 0);
  const auto a = account(ann_, bob_.token);
  EXPECT_FALSE(a.as_object().contains("memorial"));
  EXPECT_FALSE(a.at("kindred").as_object().contains("remembering"));
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 200);
  EXPECT_EQ(password_grant(default_app(), "ann", kPassword).status, 200);
}

TEST_F(MemorialApi, RememberingUsesTheUsernameWithoutADisplayName) {
  ASSERT_EQ(memorial("bob"), 0);
  EXPECT_EQ(str(account(bob_, cat_.token).at("kindred"), "remembering"), "Remembering bob");
}

TEST_F(MemorialApi, UnknownAccountOrStoreChangesNothing) {
  EXPECT_EQ(memorial("nobody"), 1);
  int rc = -1;
  restart([&] {
    app::VerifyConfig c;
    c.data_dir = (data_dir() / "missing").string();
    c.username = "ann";
    rc = app::memorial(c);
  });
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", ann_.token).status, 200);
  EXPECT_FALSE(account(ann_, bob_.token).as_object().contains("memorial"));
}

}  // namespace
}  // namespace kindred::testing
