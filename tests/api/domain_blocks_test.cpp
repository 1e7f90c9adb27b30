// A person's domain blocks (/api/v1/domain_blocks) and the routes of features this server has
// turned off: annual reports, async refreshes, e-mail confirmations and identity proofs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using DomainBlocksApi = ApiTest;

std::vector<std::string> strings(const HttpClient::Reply& r) {
  std::vector<std::string> out;
  const boost::json::value body = json(r);
  for (const auto& v : body.as_array()) out.emplace_back(v.as_string());
  return out;
}

TEST_F(DomainBlocksApi, BlocksAreListedNewestFirstNormalizedAndOnlyToTheirOwner) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  EXPECT_EQ(strings(get("/api/v1/domain_blocks", ann.token)), std::vector<std::string>{});
  for (const char* d : {"spam.example", "  Noise.EXAMPLE ", "bücher.example"}) {
    clock().advance_ms(1000);
    Reply r = post_form("/api/v1/domain_blocks", form_body({{"domain", d}}), ann.token);
    ASSERT_EQ(r.status, 200) << d << " " << r.body;
    EXPECT_EQ(r.body, "{}");
  }
  // Blocking again changes nothing.
  ASSERT_EQ(post_form("/api/v1/domain_blocks", form_body({{"domain", "spam.example"}}), ann.token).status, 200);
  EXPECT_EQ(strings(get("/api/v1/domain_blocks", ann.token)),
            (std::vector<std::string>{"xn--bcher-kva.example", "noise.example", "spam.example"}));
  EXPECT_EQ(strings(get("/api/v1/domain_blocks", bob.token)), std::vector<std::string>{});

  Reply r = request("DELETE", "/api/v1/domain_blocks", form_body({{"domain", "NOISE.example"}}),
                    {{"Content-Type", "application/x-www-form-urlencoded"}}, ann.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(strings(get("/api/v1/domain_blocks", ann.token)),
            (std::vector<std::string>{"xn--bcher-kva.example", "spam.example"}));
}

TEST_F(DomainBlocksApi, PagesWithLinkHeaders) {
  User ann = register_user("ann");
  for (int i = 0; i < 5; ++i) {
    clock().advance_ms(1000);
    ASSERT_EQ(post("/api/v1/domain_blocks", {{"domain", "d" + std::to_string(i) + ".example"}}, ann.token).status, 200);
  }
  Reply first = get("/api/v1/domain_blocks?limit=2", ann.token);
  EXPECT_EQ(strings(first), (std::vector<std::string>{"d4.example", "d3.example"}));
  Reply second = follow_link(first, "next", ann.token);
  EXPECT_EQ(strings(second), (std::vector<std::string>{"d2.example", "d1.example"}));
  Reply third = follow_link(second, "next", ann.token);
  EXPECT_EQ(strings(third), (std::vector<std::string>{"d0.example"}));
}

TEST_F(DomainBlocksApi, BadDomainsAreRefusedAndChangeNothing) {
  User ann = register_user("ann");
  ASSERT_EQ(post("/api/v1/domain_blocks", {{"domain", "kept.example"}}, ann.token).status, 200);
  for (const char* bad : {"", "   ", "not a domain", "a..b", "-.example", ".example", "ex_ample.com/path"}) {
    Reply r = post("/api/v1/domain_blocks", {{"domain", bad}}, ann.token);
    EXPECT_EQ(r.status, 422) << '"' << bad << "\" " << r.body;
    EXPECT_TRUE(json(r).as_object().contains("error")) << r.body;
  }
  Reply missing = post("/api/v1/domain_blocks", {}, ann.token);
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(str(json(missing), "error"), "Validation failed: Domain can't be blank");
  EXPECT_EQ(strings(get("/api/v1/domain_blocks", ann.token)), std::vector<std::string>{"kept.example"});
}

TEST_F(DomainBlocksApi, NeedAPersonWithTheBlocksScopes) {
  EXPECT_EQ(get("/api/v1/domain_blocks").status, 401);
  EXPECT_EQ(post("/api/v1/domain_blocks", {{"domain", "a.example"}}).status, 401);
  EXPECT_EQ(get("/api/v1/domain_blocks", default_app_token()).status, 422);
  register_user("ann");
  App app = create_app("read:accounts");
  Reply grant = password_grant(app, "ann", std::string(kPassword), "read:accounts");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string narrow = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/domain_blocks", narrow).status, 403);
  EXPECT_EQ(post("/api/v1/domain_blocks", {{"domain", "a.example"}}, narrow).status, 403);
}

TEST_F(DomainBlocksApi, TurnedOffFeaturesAnswerAsAServerWithoutThem) {
  User ann = register_user("ann");
  Reply reports = get("/api/v1/annual_reports", ann.token);
  ASSERT_EQ(reports.status, 200) << reports.body;
  EXPECT_EQ(json(reports), boost::json::parse(R"({"accounts":[],"statuses":[],"annual_reports":[]})"));
  EXPECT_EQ(get("/api/v1/annual_reports/2024", ann.token).status, 404);
  EXPECT_EQ(post("/api/v1/annual_reports/2024/read", {}, ann.token).status, 404);
  EXPECT_EQ(get("/api/v1/annual_reports").status, 401);
  Reply refresh = get("/api/v1_alpha/async_refreshes/123", ann.token);
  EXPECT_EQ(refresh.status, 404);
  EXPECT_EQ(str(json(refresh), "error"), "Record not found");
  Reply confirm = post("/api/v1/emails/confirmations", {}, ann.token);
  EXPECT_EQ(confirm.status, 403) << confirm.body;
  EXPECT_EQ(str(json(confirm), "error"),
            "This method is only available while the e-mail is awaiting confirmation");
  const std::string ann_id = str(me(ann), "id");
  Reply proofs = get("/api/v1/accounts/" + ann_id + "/identity_proofs");
  ASSERT_EQ(proofs.status, 200) << proofs.body;
  EXPECT_TRUE(json(proofs).as_array().empty());
  EXPECT_EQ(get("/api/v1/accounts/999999/identity_proofs").status, 404);
}

}  // namespace
}  // namespace kindred::testing
