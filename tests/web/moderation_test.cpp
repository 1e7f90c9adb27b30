// The moderation pages (/admin/reports, /admin/reports/:id and its forms, /admin/audit) through
// the real server, as a browser without JavaScript uses them: what a moderator reads, each form's
// change checked through the admin API, and the refusals (a person who is not staff gets 403 and
// changes nothing; signed out, the sign-in page; no CSRF token or another origin, 403).
// Ann reports Bob, Cat moderates, Dee is an admin.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <string>

#include "app/admin.h"
#include "support/api_fixture.h"
#include "support/web_browser.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

bool has(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

class ModerationPages : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    if (HasFatalFailure()) return;
    dee_ = register_user("dee");
    {
      std::ofstream rules(data_dir() / "rules.json", std::ios::binary | std::ios::trunc);
      rules << R"([{"id": "1", "text": "Be kind", "hint": "No cruelty"}])";
    }
    restart([&] {
      ASSERT_EQ(set_role("cat", "moderator"), 0);
      ASSERT_EQ(set_role("dee", "admin"), 0);
    });
    App admin_app = create_app("read write admin:read admin:write", std::string(kOutOfBand), "Admin");
    Reply t = password_grant(admin_app, "cat", kPassword, "read write admin:read admin:write");
    ASSERT_EQ(t.status, 200) << t.body;
    cat_admin_ = str(json(t), "access_token");
  }

  int set_role(std::string username, std::string role) {
    app::RoleConfig c;
    c.data_dir = data_dir().string();
    c.username = std::move(username);
    c.role = std::move(role);
    return app::role(c);
  }
  std::unique_ptr<WebBrowser> browser(const User& who) {
    auto b = std::make_unique<WebBrowser>(instance().port());
    EXPECT_TRUE(b->sign_in(who.username, kPassword));
    return b;
  }
  // Ann reports Bob's post `status_id` (none: "") with `comment`, citing rule 1; returns the report's id.
  std::string report(const std::string& status_id, const std::string& comment) {
    bj::object body{{"account_id", bob_.id}, {"comment", comment}, {"rule_ids", bj::array{"1"}}};
    if (!status_id.empty()) body["status_ids"] = bj::array{status_id};
    Reply r = post("/api/v1/reports", body, ann_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    clock().advance_ms(1000);
    return str(json(r), "id");
  }
  // The report as the admin API shows it to Cat.
  bj::value admin_report(const std::string& id) {
    Reply r = get("/api/v1/admin/reports/" + id, cat_admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }

  User dee_;
  std::string cat_admin_;
};

void expect_see_other(const HttpClient::Reply& r, std::string_view path) {
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("location"), path);
}

TEST_F(ModerationPages, TheQueueListsOpenReportsForStaffOnly) {
  const std::string cruel = post_status(bob_, "a cruel comment");
  const std::string id = report(cruel, "cruel under a memorial post");
  auto cat = browser(cat_);
  Reply r = cat->get("/admin/reports");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(has(r.body, "<h1>Open reports</h1>")) << r.body;
  EXPECT_TRUE(has(r.body, "href=\"/admin/reports/" + id + "\">Report about bob</a>"));
  EXPECT_TRUE(has(r.body, "Filed by ann"));
  EXPECT_TRUE(has(r.body, "Breaks the server&#39;s rules") || has(r.body, "Breaks the server&#x27;s rules"))
      << "a report citing rules is a violation";
  EXPECT_TRUE(has(r.body, "1 post"));
  EXPECT_TRUE(has(r.body, "Not assigned"));
  EXPECT_TRUE(has(r.body, "“cruel under a memorial post”"));
  EXPECT_TRUE(has(r.body, "<a href=\"/admin/reports\" aria-current=\"page\">Open reports</a>"));
  // The navigation names the pages for staff only.
  EXPECT_TRUE(has(r.body, "<a href=\"/admin/reports\">Moderation</a>"));
  auto ann = browser(ann_);
  EXPECT_FALSE(has(ann->get("/home").body, "/admin/reports"));
  // Resolved reports are under their own tab.
  EXPECT_TRUE(has(cat->get("/admin/reports?resolved=1").body, "No resolved reports yet."));
}

TEST_F(ModerationPages, OthersGet403AndChangeNothingSignedOutSignIn) {
  const std::string id = report("", "");
  auto ann = browser(ann_);
  for (const std::string& path : {std::string("/admin/reports"), "/admin/reports/" + id,
                                  std::string("/admin/audit"), std::string("/admin/reports?resolved=1")}) {
    Reply r = ann->get(path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_TRUE(has(r.body, "Only moderators can open this page")) << path;
  }
  ann->get("/home");  // a page with the session's CSRF token
  for (const char* a : {"assign_to_self", "resolve"}) {
    Reply r = ann->post("/admin/reports/" + id + "/" + a, {});
    EXPECT_EQ(r.status, 403) << a;
  }
  EXPECT_TRUE(admin_report(id).at("assigned_account").is_null());
  EXPECT_EQ(admin_report(id).at("action_taken"), false);
  // Signed out: sign in first, then back here.
  WebBrowser visitor(instance().port());
  expect_see_other(visitor.get("/admin/reports/" + id),
                   "/auth/sign_in?return_to=%2Fadmin%2Freports%2F" + id);
  expect_see_other(visitor.get("/admin/audit"), "/auth/sign_in?return_to=%2Fadmin%2Faudit");
}

TEST_F(ModerationPages, AReportWithItsPostsAndForms) {
  const std::string cruel = post_status(bob_, "a cruel comment",
                                        {{"spoiler_text", "cruelty"}});
  post_status(bob_, "another unkind word");
  const std::string id = report(cruel, "<script>alert(1)</script> under a memorial post");
  auto cat = browser(cat_);
  Reply page = cat->get("/admin/reports/" + id);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(has(page.body, "<h1>Report about bob</h1>"));
  EXPECT_TRUE(has(page.body, "&lt;script&gt;alert(1)&lt;/script&gt; under a memorial post"));
  EXPECT_FALSE(has(page.body, "<script>alert(1)"));
  EXPECT_TRUE(has(page.body, "Be kind"));
  EXPECT_TRUE(has(page.body, "No cruelty"));
  // The reported post as the site shows posts: behind its content warning, without Like.
  EXPECT_TRUE(has(page.body, "id=\"p-" + cruel + "\""));
  EXPECT_TRUE(has(page.body, "cruelty"));
  EXPECT_FALSE(has(page.body, "/statuses/" + cruel + "/like"));
  // The account's recent posts.
  EXPECT_TRUE(has(page.body, "Other recent posts and comments by bob"));
  EXPECT_EQ(page.body.find("id=\"p-" + cruel + "\""), page.body.rfind("id=\"p-" + cruel + "\""))
      << "the reported post is shown once";
  EXPECT_TRUE(has(page.body, "another unkind word"));
  EXPECT_TRUE(has(page.body, "action=\"/admin/reports/" + id + "/assign_to_self\""));
  EXPECT_TRUE(has(page.body, "action=\"/admin/reports/" + id + "/resolve\""));

  expect_see_other(cat->post("/admin/reports/" + id + "/assign_to_self", {}),
                   "/admin/reports/" + id + "?done=assigned");
  EXPECT_EQ(str(admin_report(id).at("assigned_account"), "username"), "cat");
  page = cat->get("/admin/reports/" + id + "?done=assigned");
  EXPECT_TRUE(has(page.body, "The report is assigned to you."));
  EXPECT_TRUE(has(page.body, "action=\"/admin/reports/" + id + "/unassign\""));

  clock().advance_ms(60'000);
  expect_see_other(cat->post("/admin/reports/" + id + "/resolve", {}),
                   "/admin/reports/" + id + "?done=resolved");
  EXPECT_EQ(admin_report(id).at("action_taken"), true);
  page = cat->get("/admin/reports/" + id);
  EXPECT_TRUE(has(page.body, "Resolved by cat, <time"));
  EXPECT_TRUE(has(page.body, "action=\"/admin/reports/" + id + "/reopen\""));
  EXPECT_TRUE(has(cat->get("/admin/reports").body, "No open reports."));
  EXPECT_TRUE(has(cat->get("/admin/reports?resolved=1").body, "/admin/reports/" + id));

  expect_see_other(cat->post("/admin/reports/" + id + "/unassign", {}),
                   "/admin/reports/" + id + "?done=unassigned");
  expect_see_other(cat->post("/admin/reports/" + id + "/reopen", {}),
                   "/admin/reports/" + id + "?done=reopened");
  EXPECT_EQ(admin_report(id).at("action_taken"), false);
  EXPECT_TRUE(admin_report(id).at("assigned_account").is_null());
}

TEST_F(ModerationPages, TheAuditLogSaysEachActionInASentence) {
  const std::string id = report("", "");
  auto cat = browser(cat_);
  cat->get("/admin/reports/" + id);
  ASSERT_EQ(cat->post("/admin/reports/" + id + "/resolve", {}).status, 303);
  auto dee = browser(dee_);
  dee->get("/admin/reports/" + id);
  ASSERT_EQ(dee->post("/admin/reports/" + id + "/reopen", {}).status, 303);
  for (WebBrowser* b : {cat.get(), dee.get()}) {
    Reply r = b->get("/admin/audit");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string link = "<a href=\"/admin/reports/" + id + "\">report " + id + "</a>";
    const size_t reopened = r.body.find("dee reopened " + link);
    const size_t resolved = r.body.find("cat resolved " + link);
    EXPECT_NE(reopened, std::string::npos) << r.body;
    EXPECT_NE(resolved, std::string::npos);
    EXPECT_LT(reopened, resolved) << "newest first";
    EXPECT_TRUE(has(r.body, "<a href=\"/admin/audit\" aria-current=\"page\">Audit log</a>"));
  }
}

TEST_F(ModerationPages, TheAuditLogPages) {
  const std::string id = report("", "");
  for (int i = 0; i < 51; ++i) {
    Reply r = post("/api/v1/admin/reports/" + id + "/assign_to_self", {}, cat_admin_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto cat = browser(cat_);
  Reply first = cat->get("/admin/audit");
  ASSERT_EQ(first.status, 200);
  const std::string line = "cat assigned <a href=\"/admin/reports/" + id + "\">report " + id + "</a> to themselves";
  auto count = [&](const std::string& body) {
    size_t n = 0;
    for (size_t at = body.find(line); at != std::string::npos; at = body.find(line, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(first.body), 50u);
  const size_t at = first.body.find("href=\"/admin/audit?max_id=");
  ASSERT_NE(at, std::string::npos) << "Older entries";
  const std::string older = first.body.substr(at + 6, first.body.find('"', at + 6) - at - 6);
  Reply second = cat->get(older);
  EXPECT_EQ(count(second.body), 1u);
  EXPECT_FALSE(has(second.body, "max_id=")) << "the last page";
  EXPECT_TRUE(has(second.body, "Back to the newest entries"));
}

TEST_F(ModerationPages, BadFormsAndAddressesChangeNothing) {
  const std::string id = report("", "");
  auto cat = browser(cat_);
  cat->get("/admin/reports/" + id);
  EXPECT_EQ(cat->post("/admin/reports/" + id + "/resolve", {}, /*with_csrf=*/false).status, 403);
  EXPECT_EQ(cat->post("/admin/reports/" + id + "/resolve", {}, true,
                      {{"Origin", "https://elsewhere.example"}})
                .status,
            403);
  EXPECT_EQ(admin_report(id).at("action_taken"), false);
  EXPECT_EQ(cat->post("/admin/reports/999999/resolve", {}).status, 404);
  EXPECT_EQ(cat->post("/admin/reports/nope/resolve", {}).status, 404);
  EXPECT_EQ(cat->get("/admin/reports/999999").status, 404);
  EXPECT_EQ(cat->get("/admin/reports?max_id=x").status, 400);
  EXPECT_EQ(cat->get("/admin/reports?resolved=maybe").status, 400);
  EXPECT_EQ(cat->get("/admin/audit?max_id=-1").status, 400);
  Reply log = get("/api/v1/kindred/admin/audit_log", cat_admin_);
  EXPECT_EQ(log.body, "[]") << "nothing refused was written to the audit log";
}

TEST_F(ModerationPages, AnAccountActionFromTheReportResolvesItAndIsAudited) {
  const std::string cruel = post_status(bob_, "a cruel comment");
  post_status(bob_, "another unkind word");
  const std::string id = report(cruel, "cruel");
  auto cat = browser(cat_);
  Reply page = cat->get("/admin/reports/" + id);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(has(page.body, "action=\"/admin/reports/" + id + "/act#act\""));
  for (const char* type : {"none", "sensitive", "disable", "silence", "suspend"})
    EXPECT_TRUE(has(page.body, std::string("name=\"type\" value=\"") + type + "\"")) << type;
  expect_see_other(cat->post("/admin/reports/" + id + "/act", {{"type", "suspend"}, {"text", "Cruelty under a memorial post."}}),
                   "/admin/reports/" + id + "?done=suspended#main");
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id, ann_.token).status, 404) << "suspended: gone for everyone";
  EXPECT_EQ(admin_report(id).at("action_taken"), true) << "the action resolves the report";
  page = cat->get("/admin/reports/" + id + "?done=suspended");
  ASSERT_EQ(page.status, 200) << "a report about a suspended account still opens";
  EXPECT_TRUE(has(page.body, "The account is suspended and the report resolved."));
  EXPECT_TRUE(has(page.body, "(suspended)"));
  EXPECT_TRUE(has(page.body, "a cruel comment")) << "the reported post, hidden from everyone else";
  EXPECT_TRUE(has(page.body, "another unkind word")) << "the account's recent posts, hidden or not";
  Reply log = cat->get("/admin/audit");
  EXPECT_TRUE(has(log.body, "cat suspended @bob")) << log.body;
}

TEST_F(ModerationPages, ABadAccountActionSaysWhyAndChangesNothing) {
  const std::string id = report("", "");
  auto cat = browser(cat_);
  cat->get("/admin/reports/" + id);
  Reply r = cat->post("/admin/reports/" + id + "/act", {{"text", "kept"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "<p class=\"field-error\" id=\"type-error\">Choose an action.</p>")) << r.body;
  EXPECT_TRUE(has(r.body, ">kept</textarea>")) << "what was typed comes back";
  r = cat->post("/admin/reports/" + id + "/act", {{"type", "obliterate"}});
  EXPECT_EQ(r.status, 422);
  r = cat->post("/admin/reports/" + id + "/act", {{"type", "suspend"}, {"text", std::string(5001, 'x')}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has(r.body, "The note is too long: at most 5,000 characters."));
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id, ann_.token).status, 200);
  EXPECT_EQ(admin_report(id).at("action_taken"), false);

  // A moderator may not act against an admin: a sentence, nothing changed.
  Reply about_dee = post("/api/v1/reports", {{"account_id", dee_.id}}, ann_.token);
  ASSERT_EQ(about_dee.status, 200);
  const std::string dee_report = str(json(about_dee), "id");
  cat->get("/admin/reports/" + dee_report);
  r = cat->post("/admin/reports/" + dee_report + "/act", {{"type", "suspend"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(has(r.body, "You cannot take an action against this account")) << r.body;
  EXPECT_EQ(get("/api/v1/accounts/" + dee_.id, ann_.token).status, 200);
  // Nor may anyone who is not staff.
  auto ann = browser(ann_);
  ann->get("/home");
  EXPECT_EQ(ann->post("/admin/reports/" + id + "/act", {{"type", "suspend"}}).status, 403);
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/kindred/admin/audit_log", cat_admin_).body, "[]");
}

}  // namespace
}  // namespace kindred::testing
