// POST /api/v1/accounts, GET /api/v1/accounts/verify_credentials, /lookup, /:id, /:id/statuses,
// and the search-engine indexing preference (`indexable` of PATCH update_credentials).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using AccountsApi = ApiTest;

class ClosedRegistrationsApi : public ApiTest {
 protected:
  ClosedRegistrationsApi() : ApiTest({.registrations = social::RegistrationMode::kClosed}) {}
};

class ApprovalRegistrationsApi : public ApiTest {
 protected:
  ApprovalRegistrationsApi() : ApiTest({.registrations = social::RegistrationMode::kApproval}) {}
};

// --- sign-up ---

TEST_F(AccountsApi, SignUpReturnsATokenForTheNewAccount) {
  Reply r = sign_up("ann");
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value t = json(r);
  EXPECT_GE(str(t, "access_token").size(), 32u);
  EXPECT_EQ(str(t, "token_type"), "Bearer");
  EXPECT_EQ(str(t, "scope"), "read write follow");
  EXPECT_EQ(num(t, "created_at"), kStartMs / 1000);
}

TEST_F(AccountsApi, VerifyCredentialsShowsTheNewAccountWithItsSource) {
  User ann = register_user("ann");
  boost::json::object a = me(ann);
  EXPECT_EQ(str(a, "username"), "ann");
  EXPECT_EQ(str(a, "acct"), "ann");
  EXPECT_EQ(num(a, "statuses_count"), 0);
  EXPECT_EQ(num(a, "followers_count"), 0);
  EXPECT_EQ(num(a, "following_count"), 0);
  EXPECT_TRUE(a.at("last_status_at").is_null());
  EXPECT_EQ(str(a, "url"), std::string(kBaseUrl) + "/@ann");
  EXPECT_EQ(str(a, "created_at"), "2024-03-01T00:00:00.000Z");
  ASSERT_TRUE(a.contains("source") && a.at("source").is_object()) << boost::json::serialize(a);
  EXPECT_EQ(str(a.at("source"), "privacy"), "public");
  EXPECT_EQ(str(a.at("source"), "language"), "en");
  EXPECT_EQ(str(a.at("source"), "note"), "");
  EXPECT_EQ(num(stats(), "user_count"), 1);
}

TEST_F(AccountsApi, SignUpAcceptsAFormBody) {
  Reply r = post_form("/api/v1/accounts",
                      form_body({{"username", "ann"},
                                 {"email", "ann@example.com"},
                                 {"password", kPassword},
                                 {"agreement", "1"}}),
                      default_app_token());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 1);
}

TEST_F(AccountsApi, SignUpWithATakenUsernameIs422InAnyCase) {
  register_user("ann");
  Reply r = sign_up("ANN", {{"email", "other@example.com"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Validation failed: Username has already been taken");
  EXPECT_EQ(num(stats(), "user_count"), 1);
}

TEST_F(AccountsApi, SignUpWithATakenEmailIs422InAnyCase) {
  register_user("ann");
  Reply r = sign_up("bob", {{"email", "ANN@Example.COM"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Validation failed: Email has already been taken");
  EXPECT_EQ(num(stats(), "user_count"), 1);
  EXPECT_EQ(get("/api/v1/accounts/lookup?acct=bob").status, 404);
}

TEST_F(AccountsApi, ConcurrentSignUpsForOneUsernameCreateOneAccount) {
  constexpr int kThreads = 8;
  const std::string token = default_app_token();
  std::vector<int> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", instance().port());
      const std::string body = boost::json::serialize(
          boost::json::object{{"username", i % 2 ? "ann" : "ANN"},
                              {"email", "ann" + std::to_string(i) + "@example.com"},
                              {"password", kPassword},
                              {"agreement", true}});
      statuses[static_cast<size_t>(i)] = client.post_json("/api/v1/accounts", body, token).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1)
      << ::testing::PrintToString(statuses);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 422), kThreads - 1);
  EXPECT_EQ(num(stats(), "user_count"), 1);
}

TEST_F(AccountsApi, SignUpWithABadUsernameIs422) {
  const std::vector<std::string> bad_names = {"",
                                              "ann smith",
                                              "ann!",
                                              "ann-smith",
                                              "ann.smith",
                                              std::string(31, 'a'),
                                              "\xd0\xb0\xd0\xbd\xd0\xbd"};
  for (const std::string& bad : bad_names) {
    SCOPED_TRACE("username '" + bad + "'");
    Reply r = sign_up("x", {{"username", bad}});
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
  }
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(AccountsApi, SignUpWithAThirtyCharacterUsernameWorks) {
  EXPECT_EQ(sign_up(std::string(30, 'a')).status, 200);
}

TEST_F(AccountsApi, SignUpWithABadEmailIs422) {
  for (std::string bad : {"", "ann", "ann@", "@example.com", "ann@example", "ann @example.com"}) {
    SCOPED_TRACE("email '" + bad + "'");
    Reply r = sign_up("ann", {{"email", bad}});
    EXPECT_EQ(r.status, 422) << r.body;
  }
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(AccountsApi, SignUpWithAShortPasswordIs422) {
  Reply r = sign_up("ann", {{"password", "1234567"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(json(r), "error"),
            "Validation failed: Password is too short (minimum is 8 characters)");
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(AccountsApi, SignUpWithAPasswordOver72CharactersIs422) {
  Reply r = sign_up("ann", {{"password", std::string(73, 'p')}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 0);
  EXPECT_EQ(sign_up("ann", {{"password", std::string(72, 'p')}}).status, 200);
}

TEST_F(AccountsApi, SignUpWithAnEightCharacterPasswordWorks) {
  EXPECT_EQ(sign_up("ann", {{"password", "12345678"}}).status, 200);
}

TEST_F(AccountsApi, SignUpWithoutAgreementIs422) {
  Reply refused = sign_up("ann", {{"agreement", false}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(str(json(refused), "error"), "Validation failed: Agreement must be accepted");
  boost::json::object body{
      {"username", "ann"}, {"email", "ann@example.com"}, {"password", kPassword}};
  Reply missing = post("/api/v1/accounts", body, default_app_token());
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(AccountsApi, SignUpWithMalformedJsonIsAnErrorWithJsonBody) {
  Reply r = request("POST", "/api/v1/accounts", "{\"username\": \"ann\",",
                    {{"Content-Type", "application/json"}}, default_app_token());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.body, R"({"error":"Error occurred while parsing request parameters"})");
  EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(AccountsApi, SignUpWithAJsonArrayBodyIsAnError) {
  Reply r = request("POST", "/api/v1/accounts", "[1, 2]", {{"Content-Type", "application/json"}},
                    default_app_token());
  EXPECT_TRUE(r.status == 400 || r.status == 422) << r.status << " " << r.body;
  EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
}

TEST_F(AccountsApi, SignUpWithoutATokenIs401) {
  Reply r = post("/api/v1/accounts", {{"username", "ann"},
                                      {"email", "ann@example.com"},
                                      {"password", kPassword},
                                      {"agreement", true}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(AccountsApi, SignUpWithAReadOnlyAppTokenIs403) {
  App reader = create_app("read");
  Reply r = post("/api/v1/accounts",
                 {{"username", "ann"},
                  {"email", "ann@example.com"},
                  {"password", kPassword},
                  {"agreement", true}},
                 app_token(reader));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(ClosedRegistrationsApi, SignUpIs403AndCreatesNobody) {
  Reply r = sign_up("ann");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
  EXPECT_EQ(num(stats(), "user_count"), 0);
}

TEST_F(ApprovalRegistrationsApi, AccountAwaitingApprovalIsNotFoundByLookup) {
  ASSERT_EQ(sign_up("ann").status, 200);
  for (const char* acct : {"ann", "@ann", "ANN"}) {
    Reply r = get(std::string("/api/v1/accounts/lookup?acct=") + acct);
    EXPECT_EQ(r.status, 404) << acct << ": " << r.body;
    EXPECT_EQ(r.body, R"({"error":"Record not found"})");
  }
}

TEST_F(ApprovalRegistrationsApi, SignUpGivesATokenThatWorksForNothingUntilApproved) {
  Reply r = sign_up("ann", {{"reason", "I take photos of birds"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string token = str(json(r), "access_token");

  Reply who = get("/api/v1/accounts/verify_credentials", token);
  EXPECT_EQ(who.status, 403) << who.body;
  EXPECT_EQ(str(json(who), "error"), "Your login is currently pending approval");
  Reply posted = post("/api/v1/statuses", {{"status", "hello"}}, token);
  EXPECT_EQ(posted.status, 403) << posted.body;
  EXPECT_EQ(get("/api/v1/favourites", token).status, 403);
  EXPECT_EQ(num(stats(), "status_count"), 0);
}

TEST_F(ApprovalRegistrationsApi, PendingAccountCannotSignInWithPassword) {
  ASSERT_EQ(sign_up("ann").status, 200);
  Reply r = password_grant(default_app(), "ann", kPassword);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(str(json(r), "error"), "invalid_grant");
}

// --- lookup and show ---

TEST_F(AccountsApi, LookupFindsALocalAccountByAnySpelling) {
  User ann = register_user("ann");
  for (std::string acct : {"ann", "@ann", "ANN", "ann@kindred.test", "@ann@KINDRED.test"}) {
    SCOPED_TRACE(acct);
    Reply r = get("/api/v1/accounts/lookup?acct=" + acct);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json(r), "id"), ann.id);
    EXPECT_EQ(str(json(r), "username"), "ann");
    EXPECT_FALSE(json(r).as_object().contains("source")) << "source is for the owner only";
  }
}

TEST_F(AccountsApi, LookupOfAnUnknownAccountIs404) {
  register_user("ann");
  for (std::string acct : {"bob", "ann@elsewhere.example", "not%20valid"}) {
    SCOPED_TRACE(acct);
    Reply r = get("/api/v1/accounts/lookup?acct=" + acct);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(str(json(r), "error"), "Record not found");
  }
}

TEST_F(AccountsApi, LookupWithoutAcctIs400) {
  Reply r = get("/api/v1/accounts/lookup");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty());
}

TEST_F(AccountsApi, ShowFindsAnAccountById) {
  User ann = register_user("ann");
  post_status(ann, "one");
  Reply r = get("/api/v1/accounts/" + ann.id);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value a = json(r);
  EXPECT_EQ(str(a, "id"), ann.id);
  EXPECT_EQ(str(a, "username"), "ann");
  EXPECT_EQ(num(a, "statuses_count"), 1);
  EXPECT_EQ(str(a, "last_status_at"), "2024-03-01");
}

TEST_F(AccountsApi, ShowOfAnUnknownIdIs404) {
  User ann = register_user("ann");
  Reply r = get("/api/v1/accounts/" + std::to_string(std::stoull(ann.id) + 1));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Record not found");
}

TEST_F(AccountsApi, ShowOfANonNumericIdIs404) {
  for (std::string id : {"ann", "12abc", "-1", "99999999999999999999999"}) {
    SCOPED_TRACE(id);
    Reply r = get("/api/v1/accounts/" + id);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(str(json(r), "error"), "Record not found");
  }
}

// --- search-engine indexing (indexable / noindex) ---

constexpr std::string_view kUpdateCredentials = "/api/v1/accounts/update_credentials";

// `indexable` and `noindex` of an Account entity, and `source.indexable` where there is a source.
std::string indexing(const boost::json::value& a) {
  std::string out = "indexable=" + boost::json::serialize(a.at("indexable")) +
                    " noindex=" + boost::json::serialize(a.at("noindex"));
  if (a.as_object().contains("source"))
    out += " source.indexable=" + boost::json::serialize(a.at("source").at("indexable"));
  return out;
}

TEST_F(AccountsApi, NewAccountsAreNotIndexable) {
  User ann = register_user("ann");
  EXPECT_EQ(indexing(me(ann)), "indexable=false noindex=true source.indexable=false");
  EXPECT_EQ(indexing(json(get("/api/v1/accounts/" + ann.id))), "indexable=false noindex=true");
  EXPECT_EQ(indexing(json(get("/api/v1/accounts/lookup?acct=ann"))),
            "indexable=false noindex=true");
}

TEST_F(AccountsApi, IndexableOptsInAndOutAndOutlivesARestart) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  Reply r = http().patch_form(kUpdateCredentials, "indexable=true", ann.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(indexing(json(r)), "indexable=true noindex=false source.indexable=true");
  restart();
  EXPECT_EQ(indexing(me(ann)), "indexable=true noindex=false source.indexable=true");
  EXPECT_EQ(indexing(json(get("/api/v1/accounts/" + ann.id))), "indexable=true noindex=false");
  EXPECT_EQ(indexing(json(get("/api/v1/accounts/" + ann.id, bob.token))),
            "indexable=true noindex=false");
  EXPECT_EQ(indexing(me(bob)), "indexable=false noindex=true source.indexable=false");

  // Other edits leave it alone; a JSON false opts out again.
  ASSERT_EQ(http().patch_form(kUpdateCredentials, "display_name=Ann", ann.token).status, 200);
  EXPECT_EQ(indexing(me(ann)), "indexable=true noindex=false source.indexable=true");
  r = request("PATCH", kUpdateCredentials, R"({"indexable":false})",
              {{"Content-Type", "application/json"}}, ann.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(indexing(me(ann)), "indexable=false noindex=true source.indexable=false");
  EXPECT_EQ(indexing(json(get("/api/v1/accounts/" + ann.id))), "indexable=false noindex=true");
}

TEST_F(AccountsApi, IndexableTakesBooleansAsMastodonWritesThem) {
  User ann = register_user("ann");
  const std::vector<std::pair<std::string, bool>> cases = {
      {"1", true}, {"0", false}, {"on", true},   {"off", false},
      {"t", true}, {"f", false}, {"True", true}, {"False", false}};
  for (const auto& [value, want] : cases) {
    SCOPED_TRACE(value);
    Reply r = http().patch_form(kUpdateCredentials, "indexable=" + value, ann.token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json(r).at("indexable").as_bool(), want);
  }
}

TEST_F(AccountsApi, ABadIndexableIs422AndChangesNothing) {
  User ann = register_user("ann");
  ASSERT_EQ(
      http().patch_form(kUpdateCredentials, "display_name=Ann&indexable=true", ann.token).status,
      200);
  Reply form = http().patch_form(kUpdateCredentials, "display_name=Bob&indexable=maybe", ann.token);
  EXPECT_EQ(form.status, 422) << form.body;
  EXPECT_EQ(str(json(form), "error"), "Invalid value for parameter indexable");
  Reply js = request("PATCH", kUpdateCredentials, R"({"display_name":"Bob","indexable":[false]})",
                     {{"Content-Type", "application/json"}}, ann.token);
  EXPECT_EQ(js.status, 422) << js.body;
  EXPECT_EQ(str(json(js), "error"), "Invalid value for parameter indexable");
  boost::json::object a = me(ann);
  EXPECT_EQ(str(a, "display_name"), "Ann");
  EXPECT_EQ(indexing(a), "indexable=true noindex=false source.indexable=true");
}

// --- an account's statuses ---

TEST_F(AccountsApi, StatusesAreListedNewestFirst) {
  User ann = register_user("ann");
  const std::string first = post_status(ann, "first");
  const std::string second = post_status(ann, "second");
  const std::string third = post_status(ann, "third");
  Reply r = get("/api/v1/accounts/" + ann.id + "/statuses");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(texts(r), (std::vector<std::string>{"third", "second", "first"}));
  EXPECT_EQ(ids(r), (std::vector<std::string>{third, second, first}));
}

TEST_F(AccountsApi, StatusesArePagedWithLimitAndMaxId) {
  User ann = register_user("ann");
  for (std::string t : {"s1", "s2", "s3", "s4", "s5"}) post_status(ann, t);
  const std::string base = "/api/v1/accounts/" + ann.id + "/statuses";
  Reply page1 = get(base + "?limit=2");
  EXPECT_EQ(texts(page1), (std::vector<std::string>{"s5", "s4"}));
  Reply page2 = get(base + "?limit=2&max_id=" + ids(page1).back());
  EXPECT_EQ(texts(page2), (std::vector<std::string>{"s3", "s2"}));
  Reply page3 = get(base + "?limit=2&max_id=" + ids(page2).back());
  EXPECT_EQ(texts(page3), (std::vector<std::string>{"s1"}));
}

TEST_F(AccountsApi, PinnedStatusesAreEmpty) {
  User ann = register_user("ann");
  post_status(ann, "not pinned");
  Reply r = get("/api/v1/accounts/" + ann.id + "/statuses?pinned=true");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "[]");
}

TEST_F(AccountsApi, StatusesOfAnUnknownAccountAre404) {
  User ann = register_user("ann");
  EXPECT_EQ(get("/api/v1/accounts/" + std::to_string(std::stoull(ann.id) + 1) + "/statuses").status,
            404);
  EXPECT_EQ(get("/api/v1/accounts/nobody/statuses").status, 404);
}

TEST_F(AccountsApi, PrivateStatusesAreListedOnlyForTheirAuthor) {
  User ann = register_user("ann");
  User bob = register_user("bob");
  post_status(ann, "public");
  post_status(ann, "followers only", {{"visibility", "private"}});
  const std::string list = "/api/v1/accounts/" + ann.id + "/statuses";
  EXPECT_EQ(texts(get(list)), (std::vector<std::string>{"public"}));
  EXPECT_EQ(texts(get(list, bob.token)), (std::vector<std::string>{"public"}));
  EXPECT_EQ(texts(get(list, ann.token)), (std::vector<std::string>{"followers only", "public"}));
}

// Visibility is a filter on the list, not on the page: a stranger paging through an account with
// private statuses still gets full pages of the public ones, and a next link while more remain.
TEST_F(AccountsApi, PrivateStatusesDoNotShortenAStrangersPage) {
  User ann = register_user("ann");
  post_status(ann, "public 1");
  post_status(ann, "public 2");
  post_status(ann, "private 1", {{"visibility", "private"}});
  post_status(ann, "private 2", {{"visibility", "private"}});
  Reply r = get("/api/v1/accounts/" + ann.id + "/statuses?limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(texts(r), (std::vector<std::string>{"public 2", "public 1"}));
}

}  // namespace
}  // namespace kindred::testing
