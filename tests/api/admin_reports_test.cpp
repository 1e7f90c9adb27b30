// Mastodon's admin reports API (/api/v1/admin/reports): the Admin::Report shape, the resolved,
// account and target filters with id paging, the four actions and their audit entries, who may
// call it (moderators and admins with admin scopes; 401, 403, 422 otherwise) and bad input that
// changes nothing stored. Ann reports, Bob is reported, Cat moderates, Dee is an admin.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>

#include "app/admin.h"
#include "social/safety/audit.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;

constexpr std::string_view kReports = "/api/v1/admin/reports";

class AdminReportsApi : public StaffApi {
 protected:
  void SetUp() override {
    StaffApi::SetUp();
    if (HasFatalFailure()) return;
    ann_admin_scopes_ = token_for(ann_);
  }

  // Ann (or `by`) reports Bob (or `about`); returns the report's id.
  std::string report(const bj::object& extra = {}, const User* by = nullptr,
                     const User* about = nullptr) {
    bj::object body = extra;
    body["account_id"] = (about ? *about : bob_).id;
    Reply r = post("/api/v1/reports", body, (by ? *by : ann_).token);
    EXPECT_EQ(r.status, 200) << r.body;
    clock().advance_ms(1000);
    return str(json(r), "id");
  }
  Reply act(std::string_view id, std::string_view action, std::string_view token) {
    return post(std::string(kReports) + "/" + std::string(id) + "/" + std::string(action), {},
                token);
  }
  // What the store holds about reports: the queues' and audit log's counts and each report's
  // bytes, read with the server stopped (to show a refused call changed nothing).
  std::string stored(const std::vector<std::string>& report_ids) {
    std::string out;
    restart([&] {
      auto store = app::open_existing_store(data_dir().string());
      ASSERT_TRUE(store);
      for (auto type : {store::AssocType::kOpenReports, store::AssocType::kResolvedReports,
                        store::AssocType::kAuditLog}) {
        auto n = store->assoc_count(store::kInstanceNode, type);
        ASSERT_TRUE(n.has_value());
        out += std::to_string(*n) + " ";
      }
      for (const auto& id : report_ids) {
        auto bytes = store->get_object(store::ObjectType::kReport, *Id::parse(id));
        ASSERT_TRUE(bytes.has_value()) << id;
        out += *bytes + "|";
      }
      ASSERT_TRUE(store->close().is_ok());
    });
    return out;
  }
  // The audit log, newest first, as "action target_id by-account-id".
  std::vector<std::string> audit_log() {
    std::vector<std::string> lines;
    restart([&] {
      auto store = app::open_existing_store(data_dir().string());
      ASSERT_TRUE(store);
      store::RangeQuery all;
      all.limit = 100;
      auto range = store->assoc_range(store::kInstanceNode, store::AssocType::kAuditLog, all);
      ASSERT_TRUE(range.has_value());
      for (const auto& a : range->items) {
        auto bytes = store->get_object(store::ObjectType::kAuditEntry, a.to);
        ASSERT_TRUE(bytes.has_value());
        auto e = social::AuditEntry::decode(*bytes);
        ASSERT_TRUE(e.has_value());
        lines.push_back(std::string(social::audit_action_name(e->action)) + " " +
                        std::string(social::audit_target_name(e->target_type)) + " " +
                        e->target_id.to_string() + " " + e->account_id.to_string() + " " +
                        std::to_string(e->created_at_ms));
      }
      ASSERT_TRUE(store->close().is_ok());
    });
    return lines;
  }

  std::string ann_admin_scopes_;
};

TEST_F(AdminReportsApi, AReportAsModeratorsSeeIt) {
  {
    std::ofstream rules(data_dir() / "rules.json", std::ios::binary | std::ios::trunc);
    rules << R"([{"id": "1", "text": "Be kind", "hint": "No cruelty"}])";
  }
  const std::string cruel = post_status(bob_, "a cruel comment");
  const std::string id = report({{"status_ids", bj::array{cruel}},
                                 {"rule_ids", bj::array{"1"}},
                                 {"comment", "cruel under a memorial post"}});
  Reply list = get(kReports, cat_token_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(ids(list), std::vector<std::string>{id});
  const bj::value r = json(list).as_array().at(0);
  EXPECT_EQ(r.at("action_taken"), false);
  EXPECT_TRUE(r.at("action_taken_at").is_null());
  EXPECT_EQ(str(r, "category"), "violation");
  EXPECT_EQ(str(r, "comment"), "cruel under a memorial post");
  EXPECT_EQ(r.at("forwarded"), false);
  EXPECT_EQ(str(r, "created_at"), "2024-03-01T12:00:00.000Z");
  EXPECT_EQ(str(r, "updated_at"), "2024-03-01T12:00:00.000Z");
  const bj::value& reporter = r.at("account");
  EXPECT_EQ(str(reporter, "id"), ann_.id);
  EXPECT_EQ(str(reporter, "username"), "ann");
  EXPECT_TRUE(reporter.at("domain").is_null());
  EXPECT_EQ(str(reporter, "email"), "ann@example.com");
  EXPECT_TRUE(reporter.at("ip").is_null());
  EXPECT_EQ(reporter.at("ips"), bj::array{});
  EXPECT_EQ(reporter.at("role"), bj::parse(R"({"id":"-99","name":"","permissions":"0","color":"","highlighted":false})"));
  EXPECT_EQ(reporter.at("confirmed"), true);
  EXPECT_EQ(reporter.at("approved"), true);
  for (const char* flag : {"disabled", "silenced", "sensitized", "suspended"})
    EXPECT_EQ(reporter.at(flag), false) << flag;
  EXPECT_EQ(str(reporter.at("account"), "acct"), "ann");
  EXPECT_EQ(str(r.at("target_account"), "id"), bob_.id);
  EXPECT_EQ(str(r.at("target_account").at("account"), "username"), "bob");
  EXPECT_TRUE(r.at("assigned_account").is_null());
  EXPECT_TRUE(r.at("action_taken_by_account").is_null());
  EXPECT_EQ(ids(r.at("statuses")), std::vector<std::string>{cruel});
  EXPECT_EQ(texts(r.at("statuses")), std::vector<std::string>{"a cruel comment"});
  EXPECT_EQ(r.at("rules"), bj::parse(R"([{"id":"1","text":"Be kind","hint":"No cruelty","translations":{}}])"));
  // One report answers the same as the list's item, for the admin too.
  Reply one = get(std::string(kReports) + "/" + id, dee_token_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json(one), r);
}

TEST_F(AdminReportsApi, ModeratorsAssignResolveAndReopenAndEachIsAudited) {
  const std::string id = report();
  const std::string at = "2024-03-01T12:00:01.000Z";  // report() moved the clock a second
  Reply r = act(id, "assign_to_self", cat_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("assigned_account"), "username"), "cat");
  EXPECT_EQ(json(r).at("assigned_account").at("role").at("name"), "Moderator");
  EXPECT_EQ(str(json(r), "updated_at"), at);
  // An admin taking it over replaces the assignee, as Mastodon.
  r = act(id, "assign_to_self", dee_token_);
  EXPECT_EQ(str(json(r).at("assigned_account"), "username"), "dee");
  EXPECT_EQ(json(r).at("assigned_account").at("role").at("name"), "Admin");
  r = act(id, "unassign", cat_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json(r).at("assigned_account").is_null());

  r = act(id, "resolve", cat_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("action_taken"), true);
  EXPECT_EQ(str(json(r), "action_taken_at"), at);
  EXPECT_EQ(str(json(r).at("action_taken_by_account"), "username"), "cat");
  // Resolved, it leaves the open queue and is listed with resolved=true.
  EXPECT_EQ(ids(get(kReports, cat_token_)), std::vector<std::string>{});
  EXPECT_EQ(ids(get(std::string(kReports) + "?resolved=true", cat_token_)),
            std::vector<std::string>{id});
  EXPECT_EQ(json(get(std::string(kReports) + "/" + id, cat_token_)).at("action_taken"), true);

  r = act(id, "reopen", dee_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("action_taken"), false);
  EXPECT_TRUE(json(r).at("action_taken_at").is_null());
  EXPECT_TRUE(json(r).at("action_taken_by_account").is_null());
  EXPECT_EQ(ids(get(kReports, cat_token_)), std::vector<std::string>{id});
  EXPECT_EQ(ids(get(std::string(kReports) + "?resolved=true", cat_token_)),
            std::vector<std::string>{});

  const std::string ms = "1709294401000";
  const std::string cat = cat_.id, dee = dee_.id;
  EXPECT_EQ(audit_log(), (std::vector<std::string>{
                             "reopen Report " + id + " " + dee + " " + ms,
                             "resolve Report " + id + " " + cat + " " + ms,
                             "unassigned Report " + id + " " + cat + " " + ms,
                             "assigned_to_self Report " + id + " " + dee + " " + ms,
                             "assigned_to_self Report " + id + " " + cat + " " + ms,
                         }));
}

TEST_F(AdminReportsApi, FiltersAndPaging) {
  const std::string a = report();                     // ann about bob
  const std::string b = report({}, &cat_, &bob_);     // cat about bob
  const std::string c = report({}, &ann_, &cat_);     // ann about cat
  const std::string d = report({}, &bob_, &ann_);     // bob about ann
  ASSERT_EQ(act(b, "resolve", cat_token_).status, 200);
  auto list = [&](std::string query) { return ids(get(std::string(kReports) + query, cat_token_)); };
  EXPECT_EQ(list(""), (std::vector<std::string>{d, c, a}));
  EXPECT_EQ(list("?resolved=false"), (std::vector<std::string>{d, c, a}));
  EXPECT_EQ(list("?resolved=true"), (std::vector<std::string>{b}));
  EXPECT_EQ(list("?account_id=" + ann_.id), (std::vector<std::string>{c, a}));
  EXPECT_EQ(list("?target_account_id=" + bob_.id), (std::vector<std::string>{a}));
  EXPECT_EQ(list("?resolved=true&target_account_id=" + bob_.id), (std::vector<std::string>{b}));
  EXPECT_EQ(list("?account_id=" + ann_.id + "&target_account_id=" + cat_.id),
            (std::vector<std::string>{c}));
  EXPECT_EQ(list("?account_id=" + dee_.id), (std::vector<std::string>{}));

  Reply first = get(std::string(kReports) + "?limit=2", cat_token_);
  ASSERT_EQ(ids(first), (std::vector<std::string>{d, c}));
  EXPECT_NE(link_url(first, "next").find("max_id=" + c), std::string::npos) << link_url(first, "next");
  EXPECT_NE(link_url(first, "next").find("limit=2"), std::string::npos);
  Reply second = follow_link(first, "next", cat_token_);
  EXPECT_EQ(ids(second), (std::vector<std::string>{a}));
  EXPECT_EQ(link_url(second, "next"), "") << "a page that is not full is the last";
  Reply newer = follow_link(second, "prev", cat_token_);
  EXPECT_EQ(ids(newer), (std::vector<std::string>{d, c}));
  EXPECT_EQ(list("?min_id=" + a + "&limit=1"), (std::vector<std::string>{c}));
  EXPECT_EQ(list("?since_id=" + c), (std::vector<std::string>{d}));
  EXPECT_EQ(list("?limit=1000").size(), 3u) << "clamped, not refused";
}

TEST_F(AdminReportsApi, OnlyModeratorsAndAdminsWithAdminScopes) {
  const std::string id = report();
  const std::string before = stored({id});
  const std::string one = std::string(kReports) + "/" + id;
  const std::vector<std::string> actions = {"assign_to_self", "unassign", "resolve", "reopen"};
  // No token, or a bad one: 401.
  EXPECT_EQ(get(kReports).status, 401);
  EXPECT_EQ(get(one, "not-a-token").status, 401);
  for (const auto& a : actions) EXPECT_EQ(act(id, a, "").status, 401) << a;
  // The reporter, with every admin scope but no role: 403 in Mastodon's words; so is Bob.
  const std::string bob_admin_scopes = token_for(bob_);
  for (const std::string& token : {ann_admin_scopes_, bob_admin_scopes}) {
    std::vector<Reply> replies = {get(kReports, token), get(one, token)};
    for (const auto& a : actions) replies.push_back(act(id, a, token));
    for (const Reply& r : replies) {
      EXPECT_EQ(r.status, 403) << r.body;
      EXPECT_EQ(r.body, R"({"error":"This action is not allowed"})");
    }
  }
  // A moderator whose token lacks the scope: 403 for the scope.
  const std::string cat_plain = cat_.token;  // read write follow
  const std::string cat_reads = token_for(cat_, "admin:read:reports");
  const std::string cat_writes = token_for(cat_, "admin:write:reports");
  for (Reply r : {get(kReports, cat_plain), get(one, cat_writes), act(id, "resolve", cat_plain),
                  act(id, "resolve", cat_reads)}) {
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.body, R"({"error":"This action is outside the authorized scopes"})");
  }
  // An app token has no user, so no role: 422, as the other user-only routes here.
  const std::string app = app_token(admin_app_);
  EXPECT_EQ(get(kReports, app).status, 422);
  EXPECT_EQ(act(id, "resolve", app).status, 422);
  EXPECT_EQ(stored({id}), before) << "nothing refused changed the store";
  // The narrow scopes are enough.
  EXPECT_EQ(get(kReports, cat_reads).status, 200);
  EXPECT_EQ(get(one, cat_reads).status, 200);
  EXPECT_EQ(act(id, "assign_to_self", cat_writes).status, 200);
}

TEST_F(AdminReportsApi, BadInputIsRefusedAndChangesNothing) {
  const std::string id = report();
  const std::string before = stored({id});
  for (const std::string& bad : {std::string("999999999"), std::string("not-an-id")}) {
    Reply r = get(std::string(kReports) + "/" + bad, cat_token_);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.body, R"({"error":"Record not found"})");
    for (const char* a : {"assign_to_self", "unassign", "resolve", "reopen"}) {
      r = act(bad, a, cat_token_);
      EXPECT_EQ(r.status, 404) << bad << " " << a;
      EXPECT_EQ(r.body, R"({"error":"Record not found"})");
    }
  }
  for (const char* query : {"?limit=many", "?max_id=x", "?account_id=abc", "?target_account_id=-1",
                            "?resolved=maybe"}) {
    Reply r = get(std::string(kReports) + query, cat_token_);
    EXPECT_EQ(r.status, 422) << query << " " << r.body;
    EXPECT_FALSE(str(json(r), "error").empty()) << query;
  }
  EXPECT_EQ(stored({id}), before);
}

TEST_F(AdminReportsApi, RolesComeFromTheCommandAndModeratorsAreNoAdmins) {
  // A moderator may not use the admin-only parts of the admin API.
  EXPECT_EQ(get("/api/v1/kindred/admin/support_resources", cat_token_).status, 403);
  EXPECT_EQ(get("/api/v1/kindred/admin/support_resources", dee_token_).status, 200);
  // verify_credentials names the role.
  EXPECT_EQ(me(cat_).at("role").at("name"), "Moderator");
  EXPECT_EQ(me(ann_).at("role").at("id"), "-99");
  restart([&] {
    EXPECT_EQ(set_role("cat", "user"), 0);
    EXPECT_EQ(set_role("dee", "", /*off=*/true), 0);  // --off, as before roles
    EXPECT_EQ(set_role("ann", "owner"), 1);
    EXPECT_EQ(set_role("ann", "admin", /*off=*/true), 1);
    EXPECT_EQ(set_role("nobody", "moderator"), 1);
  });
  EXPECT_EQ(get(kReports, cat_token_).status, 403);
  EXPECT_EQ(get(kReports, dee_token_).status, 403);
  EXPECT_EQ(get(kReports, ann_admin_scopes_).status, 403);
  restart([&] { EXPECT_EQ(set_role("ann", ""), 0); });  // no --role: admin, as before roles
  EXPECT_EQ(get(kReports, ann_admin_scopes_).status, 200);
}

}  // namespace
}  // namespace kindred::testing
