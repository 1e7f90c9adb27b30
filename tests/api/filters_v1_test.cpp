// Mastodon's deprecated filters v1 (/api/v1/filters), each a keyword of a filters v2 filter,
// through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Ids = std::vector<std::string>;

class FiltersV1Api : public ThreePeopleApi {
 protected:
  Reply put_json(std::string_view target, const bj::object& body, std::string_view token) {
    return request("PUT", target, bj::serialize(body), {{"Content-Type", "application/json"}},
                   token);
  }
  bj::object make_v1(const User& who, const bj::object& body) {
    Reply r = post("/api/v1/filters", body, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json(r).as_object() : bj::object{};
  }
  std::string v2_of(const User& who) { return get("/api/v2/filters", who.token).body; }
  std::string v1_of(const User& who) { return get("/api/v1/filters", who.token).body; }
};

TEST_F(FiltersV1Api, CreateAnswersTheV1FilterAndMakesAV2FilterWithOneKeyword) {
  Reply r =
      post_form("/api/v1/filters",
                "phrase=spoiler&context[]=home&context[]=thread&irreversible=true&whole_word=false",
                ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = str(json(r), "id");
  EXPECT_EQ(r.body, R"({"id":")" + id +
                        R"(","phrase":"spoiler","context":["home","thread"],"expires_at":null,)"
                        R"("whole_word":false,"irreversible":true})");
  auto v2 = json(get("/api/v2/filters", ann_.token)).as_array();
  ASSERT_EQ(v2.size(), 1u);
  EXPECT_EQ(str(v2[0], "title"), "spoiler");
  EXPECT_EQ(str(v2[0], "filter_action"), "hide");
  ASSERT_EQ(v2[0].at("keywords").as_array().size(), 1u);
  EXPECT_EQ(str(v2[0].at("keywords").as_array()[0], "id"), id);
  EXPECT_EQ(get("/api/v1/filters/" + id, ann_.token).body, r.body);
  EXPECT_EQ(v1_of(ann_), "[" + r.body + "]");
}

TEST_F(FiltersV1Api, DefaultsAreWholeWordAndReversible) {
  auto f = make_v1(ann_, {{"phrase", "rain"}, {"context", bj::array{"public"}}});
  EXPECT_EQ(f.at("whole_word"), bj::value(true));
  EXPECT_EQ(f.at("irreversible"), bj::value(false));
  EXPECT_EQ(str(json(get("/api/v2/filters", ann_.token)).as_array()[0], "filter_action"), "warn");
}

TEST_F(FiltersV1Api, ExpiresInSetsExpiresAt) {
  auto f =
      make_v1(ann_, {{"phrase", "soon"}, {"context", bj::array{"home"}}, {"expires_in", 3600}});
  EXPECT_EQ(str(f, "expires_at"), "2024-03-01T13:00:00.000Z");
}

TEST_F(FiltersV1Api, EveryKeywordOfAV2FilterIsAV1Filter) {
  Reply r = post("/api/v2/filters",
                 {{"title", "Weather"},
                  {"context", bj::array{"notifications"}},
                  {"filter_action", "blur"},
                  {"keywords_attributes",
                   bj::array{bj::object{{"keyword", "rain"}}, bj::object{{"keyword", "snow"}}}}},
                 ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto kws = json(r).at("keywords").as_array();
  Reply v1 = get("/api/v1/filters", ann_.token);
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(ids(v1), (Ids{str(kws[0], "id"), str(kws[1], "id")}));
  auto list = json(v1).as_array();
  EXPECT_EQ(str(list[1], "phrase"), "snow");
  EXPECT_EQ(bj::serialize(list[1].at("context")), R"(["notifications"])");
  EXPECT_EQ(list[1].at("irreversible"), bj::value(false));  // blur is not hide
}

TEST_F(FiltersV1Api, UpdateChangesTheKeywordAndItsFilter) {
  auto f = make_v1(ann_, {{"phrase", "old"}, {"context", bj::array{"home"}}});
  const std::string id = str(f, "id");
  Reply r = put_json("/api/v1/filters/" + id,
                     {{"phrase", "new"},
                      {"context", bj::array{"public", "account"}},
                      {"irreversible", true},
                      {"whole_word", false}},
                     ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"id":")" + id +
                        R"(","phrase":"new","context":["public","account"],"expires_at":null,)"
                        R"("whole_word":false,"irreversible":true})");
  auto v2 = json(get("/api/v2/filters", ann_.token)).as_array()[0];
  EXPECT_EQ(str(v2, "title"), "new");
  EXPECT_EQ(str(v2, "filter_action"), "hide");
  EXPECT_EQ(str(v2.at("keywords").as_array()[0], "keyword"), "new");
}

TEST_F(FiltersV1Api, ChangesThatReachOtherKeywordsAre422) {
  Reply made = post("/api/v2/filters",
                    {{"title", "Two"},
                     {"context", bj::array{"home"}},
                     {"keywords_attributes",
                      bj::array{bj::object{{"keyword", "one"}}, bj::object{{"keyword", "two"}}}}},
                    ann_.token);
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string id = str(json(made).at("keywords").as_array()[0], "id");
  const std::string before = v2_of(ann_);
  for (const bj::object& body :
       {bj::object{{"context", bj::array{"public"}}}, bj::object{{"irreversible", true}},
        bj::object{{"phrase", "uno"}}, bj::object{{"expires_in", 60}}}) {
    Reply r = put_json("/api/v1/filters/" + id, body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(body);
    EXPECT_EQ(str(json(r), "error"),
              "These parameters cannot be changed from this application because they apply to "
              "more than one filter keyword. Use a more recent application or the web interface.");
  }
  EXPECT_EQ(v2_of(ann_), before);
  // What only the keyword holds may change; so may what stays the same.
  Reply r = put_json("/api/v1/filters/" + id,
                     {{"whole_word", false}, {"context", bj::array{"home"}}, {"phrase", "Two"}},
                     ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("whole_word"), bj::value(false));
  EXPECT_EQ(str(json(r), "phrase"), "Two");
}

TEST_F(FiltersV1Api, DeleteRemovesTheKeywordOnly) {
  auto f = make_v1(ann_, {{"phrase", "gone"}, {"context", bj::array{"home"}}});
  const std::string id = str(f, "id");
  Reply r = del("/api/v1/filters/" + id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(get("/api/v1/filters/" + id, ann_.token).status, 404);
  EXPECT_EQ(v1_of(ann_), "[]");
  auto v2 = json(get("/api/v2/filters", ann_.token)).as_array();
  ASSERT_EQ(v2.size(), 1u);  // as Mastodon, the filter stays, without keywords
  EXPECT_TRUE(v2[0].at("keywords").as_array().empty());
}

TEST_F(FiltersV1Api, AnotherPersonsFilterDoesNotExistForThem) {
  auto f = make_v1(ann_, {{"phrase", "mine"}, {"context", bj::array{"home"}}});
  const std::string id = str(f, "id");
  const std::string before = v2_of(ann_);
  EXPECT_EQ(get("/api/v1/filters/" + id, bob_.token).status, 404);
  Reply r = put_json("/api/v1/filters/" + id, {{"phrase", "theirs"}}, bob_.token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"Record not found"})");
  EXPECT_EQ(del("/api/v1/filters/" + id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/filters/nonsense", ann_.token).status, 404);
  EXPECT_EQ(v2_of(ann_), before);
  EXPECT_EQ(v1_of(bob_), "[]");
}

TEST_F(FiltersV1Api, BadInputIs422AndChangesNothing) {
  auto f = make_v1(ann_, {{"phrase", "keep"}, {"context", bj::array{"home"}}});
  const std::string id = str(f, "id");
  const std::string before = v2_of(ann_);
  const std::vector<bj::object> bad_creates = {
      {{"context", bj::array{"home"}}},
      {{"phrase", "x"}},
      {{"phrase", "x"}, {"context", bj::array{"everywhere"}}},
      {{"phrase", "x"}, {"context", bj::array{"home"}}, {"irreversible", "maybe"}},
      {{"phrase", "x"}, {"context", bj::array{"home"}}, {"whole_word", "maybe"}},
      {{"phrase", "x"}, {"context", bj::array{"home"}}, {"expires_in", "soon"}},
      {{"phrase", std::string(513, 'a')}, {"context", bj::array{"home"}}},
  };
  for (const auto& body : bad_creates) {
    Reply r = post("/api/v1/filters", body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(body) << " " << r.body;
    EXPECT_FALSE(str(json(r), "error").empty());
  }
  const std::vector<bj::object> bad_updates = {
      {{"phrase", "  "}},         {{"context", bj::array{"everywhere"}}},
      {{"context", bj::array{}}}, {{"irreversible", "maybe"}},
      {{"expires_in", "-5"}},
  };
  for (const auto& body : bad_updates) {
    Reply r = put_json("/api/v1/filters/" + id, body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(body) << " " << r.body;
  }
  EXPECT_EQ(v2_of(ann_), before);
}

TEST_F(FiltersV1Api, NeedsASignedInUserWithFilterScopes) {
  auto f = make_v1(ann_, {{"phrase", "p"}, {"context", bj::array{"home"}}});
  const std::string id = str(f, "id");
  EXPECT_EQ(get("/api/v1/filters").status, 401);
  EXPECT_EQ(post("/api/v1/filters", {{"phrase", "t"}, {"context", bj::array{"home"}}}).status, 401);
  EXPECT_EQ(get("/api/v1/filters", default_app_token()).status, 422);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read:filters");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string reader = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v1/filters", reader).status, 200);
  EXPECT_EQ(get("/api/v1/filters/" + id, reader).status, 200);
  EXPECT_EQ(
      post("/api/v1/filters", {{"phrase", "t"}, {"context", bj::array{"home"}}}, reader).status,
      403);
  EXPECT_EQ(put_json("/api/v1/filters/" + id, {{"phrase", "t"}}, reader).status, 403);
  EXPECT_EQ(del("/api/v1/filters/" + id, reader).status, 403);
  grant = password_grant(default_app(), "ann", kPassword, "read:statuses");
  EXPECT_EQ(get("/api/v1/filters", str(json(grant), "access_token")).status, 403);
  EXPECT_EQ(json(get("/api/v1/filters", ann_.token)).as_array().size(), 1u);
}

}  // namespace
}  // namespace kindred::testing
