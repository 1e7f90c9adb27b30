// Kindred's audit log route (GET /api/v1/kindred/admin/audit_log): each moderator action as one
// entry {id, action, target_type, target_id, account, created_at}, newest first, paged by id with
// Mastodon's Link header; readable by moderators and admins (Mastodon's view_audit_log) with
// admin:read; 401, 403, 422 otherwise, and bad paging refused. Ann reports Bob, Cat moderates,
// Dee is an admin.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

constexpr std::string_view kAuditLog = "/api/v1/kindred/admin/audit_log";

class AuditLogApi : public StaffApi {
 protected:
  // Ann reports Bob; returns the report's id.
  std::string report() {
    Reply r = post("/api/v1/reports", {{"account_id", bob_.id}}, ann_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
  // A moderator's change to a report, one second after the last.
  void act(const std::string& id, std::string_view action, const std::string& token) {
    clock().advance_ms(1000);
    Reply r = post("/api/v1/admin/reports/" + id + "/" + std::string(action), {}, token);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  // "action target_type target_id username" of each entry of a page.
  static std::vector<std::string> lines(const Reply& r) {
    std::vector<std::string> out;
    if (r.status != 200) return {"status " + std::to_string(r.status) + " " + r.body};
    const bj::value list = json(r);
    for (const auto& e : list.as_array())
      out.push_back(str(e, "action") + " " + str(e, "target_type") + " " + str(e, "target_id") +
                    " " + str(e.at("account"), "username"));
    return out;
  }
};

TEST_F(AuditLogApi, EachActionIsAnEntryNewestFirst) {
  const std::string id = report();
  act(id, "assign_to_self", cat_token_);
  act(id, "resolve", cat_token_);
  act(id, "reopen", dee_token_);
  Reply r = get(kAuditLog, dee_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(lines(r), (std::vector<std::string>{"reopen Report " + id + " dee",
                                                "resolve Report " + id + " cat",
                                                "assigned_to_self Report " + id + " cat"}));
  const bj::value newest = json(r).as_array().at(0);
  EXPECT_EQ(newest.as_object().size(), 6u) << newest;
  EXPECT_FALSE(str(newest, "id").empty());
  EXPECT_EQ(str(newest, "created_at"), "2024-03-01T12:00:03.000Z");
  EXPECT_EQ(str(json(r).as_array().at(2), "created_at"), "2024-03-01T12:00:01.000Z");
  // The moderator as Mastodon's Account entity.
  const bj::value& account = newest.at("account");
  EXPECT_EQ(str(account, "id"), dee_.id);
  EXPECT_EQ(str(account, "acct"), "dee");
  EXPECT_EQ(str(account, "url"), std::string(kBaseUrl) + "/@dee");
  EXPECT_TRUE(account.as_object().contains("followers_count"));
  EXPECT_FALSE(account.as_object().contains("email")) << "an Account, not an Admin::Account";
  // A moderator reads the same log (Mastodon's Moderator role has view_audit_log).
  EXPECT_EQ(get(kAuditLog, cat_token_).body, r.body);
}

TEST_F(AuditLogApi, AnAccountActionNamesTheAccount) {
  const std::string id = report();
  Reply r = post("/api/v1/admin/accounts/" + bob_.id + "/action",
                 {{"type", "suspend"}, {"report_id", id}, {"text", "cruelty"}}, cat_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  Reply log = get(kAuditLog, dee_token_);
  ASSERT_EQ(log.status, 200) << log.body;
  // The suspension and the report it resolved, each its own line (as Mastodon logs them).
  EXPECT_EQ(lines(log), (std::vector<std::string>{"resolve Report " + id + " cat",
                                                  "suspend Account " + bob_.id + " cat"}));
  // The suspended account is gone for everyone else, yet the line still names it.
  const bj::value entries = json(log);
  EXPECT_EQ(str(entries.as_array().at(1), "target_id"), bob_.id);
}

TEST_F(AuditLogApi, PagesByIdWithLinkHeaders) {
  const std::string id = report();
  for (const char* a : {"assign_to_self", "unassign", "resolve", "reopen", "resolve"})
    act(id, a, cat_token_);
  Reply all = get(kAuditLog, cat_token_);
  ASSERT_EQ(ids(all).size(), 5u);
  const std::vector<std::string> every = ids(all);
  EXPECT_EQ(link_url(all, "next"), "") << "a page that is not full is the last";

  Reply first = get(std::string(kAuditLog) + "?limit=2", cat_token_);
  EXPECT_EQ(ids(first), (std::vector<std::string>{every[0], every[1]}));
  EXPECT_NE(link_url(first, "next").find("max_id=" + every[1]), std::string::npos)
      << link_url(first, "next");
  EXPECT_NE(link_url(first, "next").find("limit=2"), std::string::npos);
  EXPECT_NE(link_url(first, "prev").find("min_id=" + every[0]), std::string::npos);
  Reply second = follow_link(first, "next", cat_token_);
  EXPECT_EQ(ids(second), (std::vector<std::string>{every[2], every[3]}));
  Reply third = follow_link(second, "next", cat_token_);
  EXPECT_EQ(ids(third), (std::vector<std::string>{every[4]}));
  EXPECT_EQ(link_url(third, "next"), "");
  EXPECT_EQ(ids(follow_link(third, "prev", cat_token_)), (std::vector<std::string>{every[2], every[3]}));
  EXPECT_EQ(ids(get(std::string(kAuditLog) + "?since_id=" + every[2], cat_token_)),
            (std::vector<std::string>{every[0], every[1]}));
  EXPECT_EQ(ids(get(std::string(kAuditLog) + "?min_id=" + every[4] + "&limit=1", cat_token_)),
            (std::vector<std::string>{every[3]}));
  EXPECT_EQ(ids(get(std::string(kAuditLog) + "?limit=1000", cat_token_)).size(), 5u)
      << "clamped, not refused";
  EXPECT_EQ(ids(get(std::string(kAuditLog) + "?limit=0", cat_token_)).size(), 1u)
      << "clamped to one, as Mastodon's limit_param";
}

TEST_F(AuditLogApi, OnlyStaffWithAdminRead) {
  const std::string id = report();
  act(id, "resolve", cat_token_);
  // No token, or a bad one: 401.
  EXPECT_EQ(get(kAuditLog).status, 401);
  EXPECT_EQ(get(kAuditLog, "not-a-token").status, 401);
  // Ann and Bob, with every admin scope but no role: 403 in Mastodon's words.
  for (const User* u : {&ann_, &bob_}) {
    Reply r = get(kAuditLog, token_for(*u));
    EXPECT_EQ(r.status, 403) << u->username;
    EXPECT_EQ(r.body, R"({"error":"This action is not allowed"})");
  }
  // Staff whose token lacks admin:read (the reports scopes are narrower): 403 for the scope.
  for (const std::string& token :
       {cat_.token, token_for(cat_, "admin:read:reports admin:write"), token_for(dee_, "read")}) {
    Reply r = get(kAuditLog, token);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.body, R"({"error":"This action is outside the authorized scopes"})");
  }
  // An app token has no user, so no role: 422, as the other user-only routes here.
  EXPECT_EQ(get(kAuditLog, app_token(admin_app_)).status, 422);
  // admin:read alone is enough.
  EXPECT_EQ(lines(get(kAuditLog, token_for(dee_, "admin:read"))),
            (std::vector<std::string>{"resolve Report " + id + " cat"}));
  // A moderator who is a moderator no more is refused from then on.
  restart([&] { ASSERT_EQ(set_role("cat", "user"), 0); });
  EXPECT_EQ(get(kAuditLog, cat_token_).status, 403);
}

TEST_F(AuditLogApi, BadPagingIsRefused) {
  const std::string id = report();
  act(id, "resolve", cat_token_);
  for (const char* query : {"?limit=many", "?limit=-1", "?max_id=x", "?since_id=1.5", "?min_id=-3"}) {
    Reply r = get(std::string(kAuditLog) + query, cat_token_);
    EXPECT_EQ(r.status, 422) << query << " " << r.body;
    EXPECT_FALSE(str(json(r), "error").empty()) << query;
  }
  EXPECT_EQ(ids(get(std::string(kAuditLog) + "?max_id=1", cat_token_)), std::vector<std::string>{})
      << "a cursor older than every entry is an empty page";
}

}  // namespace
}  // namespace kindred::testing
