// POST /api/v1/reports: reporting an account and some of its posts to the moderators.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class ReportsApi : public ThreePeopleApi {};

TEST_F(ReportsApi, AReportNamesTheAccountItsPostsTheCategoryAndTheComment) {
  const std::string bob_id = str(me(bob_), "id");
  const std::string cruel = post_status(bob_, "a cruel comment");
  const std::string other = post_status(bob_, "another");
  Reply r = post("/api/v1/reports",
                 {{"account_id", bob_id},
                  {"status_ids", boost::json::array{cruel, other}},
                  {"comment", "Cruel replies under a memorial post"},
                  {"category", "spam"},
                  {"forward", true}},
                 ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value report = json(r);
  EXPECT_FALSE(str(report, "id").empty());
  EXPECT_EQ(report.at("action_taken"), false);
  EXPECT_TRUE(report.at("action_taken_at").is_null());
  EXPECT_EQ(str(report, "category"), "spam");
  EXPECT_EQ(str(report, "comment"), "Cruel replies under a memorial post");
  EXPECT_EQ(report.at("forwarded"), false) << "no other server to forward to";
  EXPECT_EQ(report.at("status_ids"), (boost::json::array{cruel, other}));
  EXPECT_TRUE(report.at("rule_ids").is_null());
  EXPECT_EQ(str(report.at("target_account"), "id"), bob_id);
  EXPECT_EQ(str(report, "created_at"), "2024-03-01T12:00:00.000Z");
}

TEST_F(ReportsApi, AnAccountAloneIsReportedAsOther) {
  Reply r = post("/api/v1/reports", {{"account_id", str(me(bob_), "id")}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "category"), "other");
  EXPECT_EQ(str(json(r), "comment"), "");
  EXPECT_TRUE(json(r).at("status_ids").is_null());
}

TEST_F(ReportsApi, BadReportsAreRefusedWithTheReason) {
  const std::string bob_id = str(me(bob_), "id");
  const std::string anns = post_status(ann_, "ann's own post");
  const std::string private_post = post_status(bob_, "followers only", {{"visibility", "private"}});
  struct Case {
    boost::json::object body;
    int status;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{}, 404, "Record not found"},
      {{{"account_id", "999999"}}, 404, "Record not found"},
      {{{"account_id", "not-an-id"}}, 404, "Record not found"},
      {{{"account_id", bob_id}, {"status_ids", boost::json::array{anns}}}, 404, "Record not found"},
      {{{"account_id", bob_id}, {"status_ids", boost::json::array{private_post}}}, 404, "Record not found"},
      {{{"account_id", bob_id}, {"category", "rude"}}, 422, "'rude' is not a valid category"},
      {{{"account_id", bob_id}, {"comment", std::string(1001, 'x')}}, 422,
       "Validation failed: Comment is too long (maximum is 1000 characters)"},
      {{{"account_id", bob_id}, {"rule_ids", boost::json::array{"1"}}}, 422, "Validation failed: Rule ids does not reference valid rules"},
      {{{"account_id", str(me(ann_), "id")}}, 422, "Validation failed: You cannot report yourself"},
  };
  for (const auto& c : cases) {
    Reply r = post("/api/v1/reports", c.body, ann_.token);
    EXPECT_EQ(r.status, c.status) << boost::json::serialize(c.body) << " " << r.body;
    EXPECT_EQ(str(json(r), "error"), c.error) << boost::json::serialize(c.body);
  }
}

TEST_F(ReportsApi, NeedsAPersonWithWriteReports) {
  const std::string bob_id = str(me(bob_), "id");
  EXPECT_EQ(post("/api/v1/reports", {{"account_id", bob_id}}).status, 401);
  EXPECT_EQ(post("/api/v1/reports", {{"account_id", bob_id}}, default_app_token()).status, 422);
  App app = create_app("read write:statuses");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "read write:statuses");
  ASSERT_EQ(grant.status, 200) << grant.body;
  EXPECT_EQ(post("/api/v1/reports", {{"account_id", bob_id}}, str(json(grant), "access_token")).status, 403);
}

}  // namespace
}  // namespace kindred::testing
