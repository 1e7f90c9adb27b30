// Mastodon's admin accounts API (/api/v1/admin/accounts, /api/v2/admin/accounts): the
// Admin::Account shape and filters, the actions and their undoing, who may call them, bad input
// that changes nothing, and what each action does on the endpoints that show posts and accounts
// (the visibility matrix: the moderator, the person acted on, a follower, a stranger, signed
// out). Bob is the troll, Ann writes the memorial post, Cat moderates, Dee is an admin, Eve
// follows Bob.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "app/admin.h"
#include "support/api_fixture.h"
#include "support/web_browser.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

constexpr std::string_view kAccounts = "/api/v1/admin/accounts";
constexpr std::string_view kAdminScopes = "read write follow admin:read admin:write";

class AdminAccountsApi : public StaffApi {
 protected:
  void SetUp() override {
    StaffApi::SetUp();
    if (HasFatalFailure()) return;
    eve_ = register_user("eve");
    cat_token_ = token_for(cat_, kAdminScopes);  // with follow: the tests act as people too
    dee_token_ = token_for(dee_, kAdminScopes);
  }

  std::string path(const User& u, std::string_view action = "") {
    std::string p = std::string(kAccounts) + "/" + u.id;
    if (!action.empty()) p += "/" + std::string(action);
    return p;
  }
  Reply act(const User& u, std::string_view type, std::string_view token, bj::object extra = {}) {
    extra["type"] = type;
    return post(path(u, "action"), extra, token);
  }
  // A post's counts as Ann sees them: "favourites replies reblogs".
  std::string counts(const std::string& status_id) {
    Reply r = get("/api/v1/statuses/" + status_id, ann_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto o = json(r);
    return std::to_string(num(o, "favourites_count")) + " " + std::to_string(num(o, "replies_count")) +
           " " + std::to_string(num(o, "reblogs_count"));
  }
  int64_t followers(const User& u) {
    return num(json(get("/api/v1/accounts/" + u.id, ann_.token)), "followers_count");
  }
  // Suspension moves edges in the background: waits (at most 10 s) until `want` holds.
  void eventually(const std::function<bool()>& want, std::string_view what) {
    for (int i = 0; i < 200 && !want(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(want()) << what;
  }

  User eve_;
};

TEST_F(AdminAccountsApi, AnAccountAsModeratorsSeeItAndTheListsFilters) {
  Reply one = get(path(bob_), cat_token_);
  ASSERT_EQ(one.status, 200) << one.body;
  auto a = json(one).as_object();
  EXPECT_EQ(str(a, "id"), bob_.id);
  EXPECT_EQ(str(a, "username"), "bob");
  EXPECT_TRUE(a.at("domain").is_null());
  for (const char* flag : {"disabled", "silenced", "sensitized", "suspended"})
    EXPECT_FALSE(a.at(flag).as_bool()) << flag;
  EXPECT_TRUE(a.at("approved").as_bool());
  EXPECT_EQ(str(a.at("account"), "id"), bob_.id);
  EXPECT_EQ(str(a.at("role"), "name"), "");

  // Five accounts, newest first; paged by id with Link.
  Reply all = get(std::string(kAccounts) + "?limit=2", cat_token_);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(ids(all), (std::vector<std::string>{eve_.id, dee_.id}));
  Reply next = follow_link(all, "next", cat_token_);
  EXPECT_EQ(ids(next), (std::vector<std::string>{cat_.id, bob_.id}));

  // v1 and v2 filters.
  EXPECT_EQ(ids(get(std::string(kAccounts) + "?staff=true", cat_token_)),
            (std::vector<std::string>{dee_.id, cat_.id}));
  EXPECT_EQ(ids(get("/api/v2/admin/accounts?permissions=staff", cat_token_)),
            (std::vector<std::string>{dee_.id, cat_.id}));
  EXPECT_EQ(ids(get("/api/v2/admin/accounts?username=AN", cat_token_)),
            (std::vector<std::string>{ann_.id}));
  EXPECT_TRUE(ids(get("/api/v2/admin/accounts?origin=remote", cat_token_)).empty());
  EXPECT_TRUE(ids(get(std::string(kAccounts) + "?ip=127.0.0.1", cat_token_)).empty());
  ASSERT_EQ(act(bob_, "silence", cat_token_).status, 200);
  EXPECT_EQ(ids(get("/api/v2/admin/accounts?status=silenced", cat_token_)),
            (std::vector<std::string>{bob_.id}));
  EXPECT_EQ(ids(get(std::string(kAccounts) + "?silenced=true", cat_token_)),
            (std::vector<std::string>{bob_.id}));
  EXPECT_TRUE(json(get(path(bob_), cat_token_)).at("silenced").as_bool());

  // Unknown filter values are refused, as Mastodon's AccountFilter does.
  Reply bad = get("/api/v2/admin/accounts?status=banned", cat_token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(json(bad), "error"), "Unknown status: banned");
  EXPECT_EQ(get("/api/v2/admin/accounts?origin=mars", cat_token_).status, 400);
  EXPECT_EQ(get(std::string(kAccounts) + "?limit=abc", cat_token_).status, 422);
  EXPECT_EQ(get(std::string(kAccounts) + "/99999999", cat_token_).status, 404);
}

TEST_F(AdminAccountsApi, OnlyStaffWithAdminScopesMayCallAndModeratorsCannotActOnAdmins) {
  EXPECT_EQ(get(std::string(kAccounts)).status, 401);
  // A user token without admin scopes, then a user with them but no role.
  EXPECT_EQ(get(std::string(kAccounts), cat_.token).status, 403);
  std::string ann_admin = token_for(ann_);
  Reply refused = get(std::string(kAccounts), ann_admin);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(str(json(refused), "error"), "This action is not allowed");
  EXPECT_EQ(act(bob_, "suspend", ann_admin).status, 403);
  // An app token: these routes need a person.
  EXPECT_EQ(get(std::string(kAccounts), app_token(admin_app_)).status, 422);
  // A moderator cannot act on an admin, on another moderator, or on themselves; and cannot
  // delete anyone's data (an admin's permission).
  EXPECT_EQ(act(dee_, "suspend", cat_token_).status, 403);
  EXPECT_EQ(act(cat_, "silence", cat_token_).status, 403);
  ASSERT_EQ(act(bob_, "suspend", cat_token_).status, 200);
  EXPECT_EQ(del(path(bob_), cat_token_).status, 403);
  // Nothing was done to Dee or Cat.
  auto d = json(get(path(dee_), dee_token_));
  EXPECT_FALSE(d.at("suspended").as_bool());
  EXPECT_FALSE(json(get(path(cat_), dee_token_)).at("silenced").as_bool());
  // Roles are changed only with `kindred admin role`: the API has no route that changes one.
  EXPECT_EQ(post(path(cat_, "role"), {{"role_id", "2"}}, cat_token_).status, 404);
}

TEST_F(AdminAccountsApi, BadActionsAreRefusedAndChangeNothing) {
  std::string ann_post = post_status(ann_, "A year ago today.");
  Reply r = act(bob_, "ban", cat_token_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(str(json(r), "error"), "Validation failed: Type is not included in the list");
  EXPECT_EQ(act(bob_, "suspend", cat_token_, {{"report_id", "12345"}}).status, 404);
  EXPECT_EQ(act(bob_, "suspend", cat_token_, {{"report_id", "not-an-id"}}).status, 422);
  EXPECT_EQ(act(bob_, "suspend", cat_token_, {{"text", std::string(1001, 'x')}}).status, 422);
  EXPECT_EQ(post(std::string(kAccounts) + "/424242/action", {{"type", "suspend"}}, cat_token_).status,
            404);
  // A report about someone else cannot be used to act on Bob.
  Reply rep = post("/api/v1/reports", {{"account_id", eve_.id}}, ann_.token);
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_EQ(act(bob_, "suspend", cat_token_, {{"report_id", str(json(rep), "id")}}).status, 404);
  // Unsuspending an account that is not suspended, approving an approved one.
  EXPECT_EQ(post(path(bob_, "unsuspend"), {}, cat_token_).status, 403);
  EXPECT_EQ(post(path(bob_, "approve"), {}, cat_token_).status, 403);
  // Bob is untouched: his token works, his profile shows, no warning was written.
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", bob_.token).status, 200);
  auto b = json(get(path(bob_), cat_token_));
  for (const char* flag : {"disabled", "silenced", "sensitized", "suspended"})
    EXPECT_FALSE(b.at(flag).as_bool()) << flag;
  EXPECT_TRUE(notification_kinds(bob_).empty());
  EXPECT_EQ(counts(ann_post), "0 0 0");
}

TEST_F(AdminAccountsApi, ASuspendedTrollDisappearsForEveryoneAndComesBackWhenUnsuspended) {
  // Ann's memorial post; Bob likes it, comments cruelly, reblogs it and follows Ann; Eve follows
  // Bob; Bob writes a public post with a hashtag.
  std::string memorial = post_status(ann_, "One year since we lost her. #grief");
  ASSERT_EQ(post("/api/v1/statuses/" + memorial + "/favourite", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + memorial + "/favourite", {}, cat_.token).status, 200);
  Reply comment = post("/api/v1/statuses", {{"status", "get over it"}, {"in_reply_to_id", memorial}},
                       bob_.token);
  ASSERT_EQ(comment.status, 200) << comment.body;
  const std::string troll_comment = str(json(comment), "id");
  ASSERT_EQ(post("/api/v1/statuses/" + memorial + "/reblog", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}, eve_.token).status, 200);
  std::string troll_post = post_status(bob_, "#grief is weakness");
  EXPECT_EQ(counts(memorial), "2 1 1");
  EXPECT_EQ(followers(ann_), 1);
  int64_t eve_following = num(json(get("/api/v1/accounts/" + eve_.id, ann_.token)), "following_count");
  EXPECT_EQ(eve_following, 1);

  instance().feeds_for_test().wait_idle();
  // Eve's home has Bob's post and his reblog of the memorial post (a reblog's content is "").
  ASSERT_EQ(texts(get("/api/v1/timelines/home", eve_.token)),
            (std::vector<std::string>{"#grief is weakness", ""}));
  Reply done = act(bob_, "suspend", cat_token_, {{"text", "Cruelty under a memorial post."}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.body, "{}");

  // Gone at once for everyone: profile, posts, comment; his token stops working.
  const std::vector<std::pair<std::string, std::string>> viewers = {
      {"stranger", ann_.token}, {"follower", eve_.token}, {"signed out", ""}};
  for (const auto& [who, token] : viewers) {
    EXPECT_EQ(get("/api/v1/accounts/" + bob_.id, token).status, 404) << who;
    EXPECT_EQ(get("/api/v1/statuses/" + troll_post, token).status, 404) << who;
    EXPECT_EQ(get("/api/v1/statuses/" + troll_comment, token).status, 404) << who;
    auto context = json(get("/api/v1/statuses/" + memorial + "/context", token));
    EXPECT_TRUE(context.at("descendants").as_array().empty()) << who;
    EXPECT_EQ(get("/api/v1/accounts/lookup?acct=bob", token).status, 404) << who;
    EXPECT_EQ(texts(get("/api/v1/timelines/public", token)),
              (std::vector<std::string>{"One year since we lost her. #grief"})) << who;
    EXPECT_EQ(texts(get("/api/v1/timelines/tag/grief", token)),
              (std::vector<std::string>{"One year since we lost her. #grief"})) << who;
    EXPECT_TRUE(ids(get("/api/v1/statuses/" + memorial + "/favourited_by", token)) ==
                std::vector<std::string>{cat_.id}) << who;
    EXPECT_TRUE(ids(get("/api/v1/statuses/" + memorial + "/reblogged_by", token)).empty()) << who;
  }
  EXPECT_TRUE(texts(get("/api/v1/timelines/home", eve_.token)).empty());
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", bob_.token).status, 403);
  EXPECT_EQ(post("/api/v1/statuses", {{"status", "still here"}}, bob_.token).status, 403);
  // The moderator still sees him, suspended.
  EXPECT_TRUE(json(get(path(bob_), cat_token_)).at("suspended").as_bool());
  // Counts drop exactly, once the background sweep has moved his edges.
  eventually([&] { return counts(memorial) == "1 0 0"; }, "memorial counts without Bob");
  EXPECT_EQ(counts(memorial), "1 0 0");
  EXPECT_EQ(followers(ann_), 0);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + eve_.id, ann_.token)), "following_count"), 0);

  // Unsuspended within the grace period: everything comes back, counts exact again.
  Reply back = post(path(bob_, "unsuspend"), {}, cat_token_);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_FALSE(json(back).at("suspended").as_bool());
  eventually([&] { return counts(memorial) == "2 1 1"; }, "memorial counts with Bob again");
  EXPECT_EQ(followers(ann_), 1);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + eve_.id, ann_.token)), "following_count"), 1);
  EXPECT_EQ(get("/api/v1/statuses/" + troll_comment, "").status, 200);
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", bob_.token).status, 200);
  // The warning reached Bob; the audit log has both actions.
  auto warned = json(get("/api/v1/notifications?types[]=moderation_warning", bob_.token)).as_array();
  ASSERT_EQ(warned.size(), 1u);
  auto w = warned[0].at("moderation_warning");
  EXPECT_EQ(str(w, "action"), "suspend");
  EXPECT_EQ(str(w, "text"), "Cruelty under a memorial post.");
  EXPECT_EQ(str(w.at("target_account"), "id"), bob_.id);
  EXPECT_EQ(str(warned[0].at("account"), "id"), cat_.id);
  EXPECT_TRUE(w.at("appeal").is_null());
}

TEST_F(AdminAccountsApi, SuspendingOrDisablingSignsTheWebSessionOutAndRefusesSigningIn) {
  for (std::string_view action : {"disable", "suspend"}) {
    WebBrowser browser(instance().port());
    ASSERT_TRUE(browser.sign_in("bob", kPassword)) << action;
    ASSERT_EQ(browser.get("/settings/profile").status, 200) << action;
    ASSERT_EQ(act(bob_, action, cat_token_).status, 200) << action;
    // The session no longer opens pages that need one: back to signing in.
    EXPECT_EQ(browser.get("/settings/profile").status / 100, 3) << action;
    EXPECT_FALSE(browser.sign_in("bob", kPassword)) << action;
    ASSERT_EQ(post(path(bob_, action == "disable" ? "enable" : "unsuspend"), {}, cat_token_).status, 200);
  }
  WebBrowser again(instance().port());
  EXPECT_TRUE(again.sign_in("bob", kPassword));
}

TEST_F(AdminAccountsApi, ASuspensionSurvivesARestartMidSweep) {
  std::string memorial = post_status(ann_, "One year.");
  ASSERT_EQ(post("/api/v1/statuses/" + memorial + "/favourite", {}, bob_.token).status, 200);
  ASSERT_EQ(act(bob_, "suspend", cat_token_).status, 200);
  // Whether or not the sweep finished before the stop, it is done after the start.
  restart();
  eventually([&] { return counts(memorial) == "0 0 0"; }, "likes without Bob after restart");
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id, ann_.token).status, 404);
}

TEST_F(AdminAccountsApi, SilenceKeepsPostsToFollowersAndOffPublicTimelines) {
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/follow", {}, eve_.token).status, 200);
  std::string loud = post_status(bob_, "look at me #grief");
  instance().feeds_for_test().wait_idle();  // the post is in Eve's home feed
  ASSERT_EQ(act(bob_, "silence", cat_token_).status, 200);
  EXPECT_TRUE(texts(get("/api/v1/timelines/public", ann_.token)).empty());
  EXPECT_TRUE(texts(get("/api/v1/timelines/tag/grief", "")).empty());
  // His followers still get his posts; his profile and the post itself still answer.
  EXPECT_EQ(texts(get("/api/v1/timelines/home", eve_.token)),
            (std::vector<std::string>{"look at me #grief"}));
  EXPECT_EQ(get("/api/v1/statuses/" + loud, ann_.token).status, 200);
  EXPECT_EQ(texts(get("/api/v1/timelines/public", bob_.token)),
            (std::vector<std::string>{"look at me #grief"}));
  ASSERT_EQ(post(path(bob_, "unsilence"), {}, cat_token_).status, 200);
  EXPECT_EQ(texts(get("/api/v1/timelines/public", ann_.token)),
            (std::vector<std::string>{"look at me #grief"}));
}

TEST_F(AdminAccountsApi, DisableStopsTokensButKeepsPostsAndWarningsAreNotifications) {
  std::string kept = post_status(bob_, "still visible");
  Reply warn = act(bob_, "none", cat_token_, {{"text", "Please be kind."}});
  ASSERT_EQ(warn.status, 200) << warn.body;
  auto grouped = json(get("/api/v2/notifications", bob_.token));
  auto groups = grouped.at("notification_groups").as_array();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(str(groups[0], "type"), "moderation_warning");
  EXPECT_EQ(str(groups[0].at("moderation_warning"), "action"), "none");
  EXPECT_EQ(str(groups[0].at("moderation_warning"), "text"), "Please be kind.");
  // No notification when the moderator asks for none.
  ASSERT_EQ(act(bob_, "disable", cat_token_, {{"send_email_notification", false}}).status, 200);
  Reply refused = get("/api/v1/accounts/verify_credentials", bob_.token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(str(json(refused), "error"), "Your login is currently disabled");
  EXPECT_EQ(password_grant(admin_app_, "bob", kPassword, "read").status / 100, 4);
  EXPECT_EQ(get("/api/v1/statuses/" + kept, "").status, 200);
  ASSERT_EQ(post(path(bob_, "enable"), {}, cat_token_).status, 200);
  EXPECT_EQ(get("/api/v1/accounts/verify_credentials", bob_.token).status, 200);
  EXPECT_EQ(notification_kinds(bob_), (std::vector<std::string>{"moderation_warning:cat"}));
  // sensitive and unsensitive set and clear the mark.
  ASSERT_EQ(act(bob_, "sensitive", cat_token_).status, 200);
  EXPECT_TRUE(json(get(path(bob_), cat_token_)).at("sensitized").as_bool());
  ASSERT_EQ(post(path(bob_, "unsensitive"), {}, cat_token_).status, 200);
  EXPECT_FALSE(json(get(path(bob_), cat_token_)).at("sensitized").as_bool());
}

TEST_F(AdminAccountsApi, ActingOnAReportResolvesIt) {
  std::string memorial = post_status(ann_, "One year.");
  Reply cruel = post("/api/v1/statuses", {{"status", "pathetic"}, {"in_reply_to_id", memorial}},
                     bob_.token);
  ASSERT_EQ(cruel.status, 200);
  Reply rep = post("/api/v1/reports",
                   {{"account_id", bob_.id}, {"status_ids", bj::array{str(json(cruel), "id")}}},
                   ann_.token);
  ASSERT_EQ(rep.status, 200) << rep.body;
  const std::string report_id = str(json(rep), "id");
  ASSERT_EQ(act(bob_, "suspend", cat_token_, {{"report_id", report_id}}).status, 200);
  auto r = json(get("/api/v1/admin/reports/" + report_id, cat_token_));
  EXPECT_TRUE(r.at("action_taken").as_bool());
  // The report still shows the suspended account and the reported comment to moderators.
  EXPECT_TRUE(r.at("target_account").at("suspended").as_bool());
  EXPECT_EQ(r.at("statuses").as_array().size(), 1u);
}

}  // namespace
}  // namespace kindred::testing
