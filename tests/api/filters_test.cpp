// Mastodon's filters v2 (/api/v2/filters and its keywords and statuses), the `filtered` field
// of statuses, and hide filters in every context, through the real server.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Ids = std::vector<std::string>;

// "2024-03-01T13:00:00.000Z"
std::string iso(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

class FiltersApi : public ThreePeopleApi {
 protected:
  Reply put_json(std::string_view target, const bj::object& body, std::string_view token) {
    return request("PUT", target, bj::serialize(body), {{"Content-Type", "application/json"}}, token);
  }
  // Creates a filter for `who`; returns its JSON.
  bj::object make_filter(const User& who, std::string_view title, bj::array context,
                           std::string_view action, bj::array keywords,
                           const bj::object& extra = {}) {
    bj::object body{{"title", title}, {"context", std::move(context)}, {"filter_action", action}};
    bj::array attrs;
    for (const auto& k : keywords) {
      if (k.is_string()) {
        attrs.push_back(bj::object{{"keyword", k}, {"whole_word", false}});
      } else {
        attrs.push_back(k);
      }
    }
    body["keywords_attributes"] = std::move(attrs);
    for (const auto& [k, v] : extra) body[k] = v;
    Reply r = post("/api/v2/filters", body, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return json(r).as_object();
  }
  void follow(const User& who, const User& target) {
    ASSERT_EQ(post("/api/v1/accounts/" + target.id + "/follow", {}, who.token).status, 200);
  }
  std::string say(const User& who, std::string_view text, const bj::object& extra = {}) {
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    return id;
  }
  bj::value status_as(const User& who, const std::string& id) {
    Reply r = get("/api/v1/statuses/" + id, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  bj::value filtered(const User& who, const std::string& id) {
    return status_as(who, id).at("filtered");
  }
  // Every id over all pages, following rel="next" until there is none; at most 30 pages.
  Ids walk(std::string path, const User& who, size_t* pages = nullptr) {
    instance().feeds_for_test().wait_idle();
    Ids all;
    Reply r = get(path, who.token);
    for (size_t n = 1; n <= 30; ++n) {
      EXPECT_EQ(r.status, 200) << r.body;
      for (auto& id : ids(r)) all.push_back(id);
      if (pages) *pages = n;
      if (link_url(r, "next").empty()) break;
      r = follow_link(r, "next", who.token);
    }
    return all;
  }
  std::string filters_of(const User& who) { return get("/api/v2/filters", who.token).body; }
};

// ---- CRUD and shapes ----

TEST_F(FiltersApi, CreateAnswersMastodonsFilterWithKeywordsAndStatuses) {
  auto f = make_filter(ann_, "Cats", {"home", "public"}, "hide", {"cat"});
  const std::string id = str(f, "id");
  const std::string kid = str(f.at("keywords").as_array()[0], "id");
  EXPECT_EQ(bj::serialize(f),
            R"({"id":")" + id + R"(","title":"Cats","context":["home","public"],"expires_at":null,)"
            R"("filter_action":"hide","keywords":[{"id":")" + kid +
                R"(","keyword":"cat","whole_word":false}],"statuses":[]})");
  EXPECT_EQ(get("/api/v2/filters/" + id, ann_.token).body, bj::serialize(f));
  EXPECT_EQ(filters_of(ann_), "[" + bj::serialize(f) + "]");
}

TEST_F(FiltersApi, DefaultsAreWarnAndWholeWord) {
  Reply r = post("/api/v2/filters",
                 {{"title", "x"}, {"context", bj::array{"thread"}},
                  {"keywords_attributes", bj::array{bj::object{{"keyword", "dog"}}}}},
                 ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto f = json(r);
  EXPECT_EQ(str(f, "filter_action"), "warn");
  EXPECT_EQ(f.at("keywords").as_array()[0].at("whole_word"), bj::value(true));
}

TEST_F(FiltersApi, FormEncodedCreateReadsContextArrayAndNestedKeywords) {
  Reply r = post_form("/api/v2/filters",
                      "title=Spoilers&context[]=home&context[]=notifications&filter_action=blur"
                      "&keywords_attributes[0][keyword]=finale&keywords_attributes[0][whole_word]=false"
                      "&keywords_attributes[1][keyword]=ending",
                      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto f = json(r);
  EXPECT_EQ(bj::serialize(f.at("context")), R"(["home","notifications"])");
  EXPECT_EQ(str(f, "filter_action"), "blur");
  ASSERT_EQ(f.at("keywords").as_array().size(), 2u);
  EXPECT_EQ(str(f.at("keywords").as_array()[0], "keyword"), "finale");
  EXPECT_EQ(f.at("keywords").as_array()[0].at("whole_word"), bj::value(false));
  EXPECT_EQ(str(f.at("keywords").as_array()[1], "keyword"), "ending");
}

TEST_F(FiltersApi, UpdateSetsFieldsAndAddsChangesAndDestroysKeywords) {
  auto f = make_filter(ann_, "Old", {"home"}, "warn", {"one", "two"});
  const std::string id = str(f, "id");
  const std::string k1 = str(f.at("keywords").as_array()[0], "id");
  const std::string k2 = str(f.at("keywords").as_array()[1], "id");
  Reply r = put_json("/api/v2/filters/" + id,
                     {{"title", "New"},
                      {"context", bj::array{"public", "account"}},
                      {"filter_action", "hide"},
                      {"keywords_attributes",
                       bj::array{bj::object{{"id", k1}, {"keyword", "uno"}, {"whole_word", true}},
                                   bj::object{{"id", k2}, {"_destroy", true}},
                                   bj::object{{"keyword", "three"}}}}},
                     ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto u = json(r);
  EXPECT_EQ(str(u, "title"), "New");
  EXPECT_EQ(bj::serialize(u.at("context")), R"(["public","account"])");
  EXPECT_EQ(str(u, "filter_action"), "hide");
  auto& ks = u.at("keywords").as_array();
  ASSERT_EQ(ks.size(), 2u) << r.body;
  EXPECT_EQ(bj::serialize(ks[0]), R"({"id":")" + k1 + R"(","keyword":"uno","whole_word":true})");
  EXPECT_EQ(str(ks[1], "keyword"), "three");
  // A PUT without context keeps it.
  r = put_json("/api/v2/filters/" + id, {{"title", "Newer"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(bj::serialize(json(r).at("context")), R"(["public","account"])");
}

TEST_F(FiltersApi, DeleteAnswersEmptyObjectThenNotFound) {
  auto f = make_filter(ann_, "Gone", {"home"}, "warn", {"x"});
  const std::string id = str(f, "id");
  Reply r = del("/api/v2/filters/" + id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(get("/api/v2/filters/" + id, ann_.token).status, 404);
  EXPECT_EQ(filters_of(ann_), "[]");
}

TEST_F(FiltersApi, KeywordsSubResource) {
  auto f = make_filter(ann_, "K", {"home"}, "warn", {});
  const std::string id = str(f, "id");
  Reply r = post("/api/v2/filters/" + id + "/keywords", {{"keyword", "rain"}, {"whole_word", false}},
                 ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string kid = str(json(r), "id");
  EXPECT_EQ(r.body, R"({"id":")" + kid + R"(","keyword":"rain","whole_word":false})");
  EXPECT_EQ(get("/api/v2/filters/" + id + "/keywords", ann_.token).body, "[" + r.body + "]");
  EXPECT_EQ(get("/api/v2/filters/keywords/" + kid, ann_.token).body, r.body);
  r = put_json("/api/v2/filters/keywords/" + kid, {{"keyword", "snow"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"id":")" + kid + R"(","keyword":"snow","whole_word":false})");
  EXPECT_EQ(del("/api/v2/filters/keywords/" + kid, ann_.token).body, "{}");
  EXPECT_EQ(get("/api/v2/filters/keywords/" + kid, ann_.token).status, 404);
  EXPECT_EQ(get("/api/v2/filters/" + id + "/keywords", ann_.token).body, "[]");
}

TEST_F(FiltersApi, StatusesSubResource) {
  const std::string s = say(bob_, "a post");
  auto f = make_filter(ann_, "S", {"home"}, "warn", {});
  const std::string id = str(f, "id");
  Reply r = post("/api/v2/filters/" + id + "/statuses", {{"status_id", s}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string sid = str(json(r), "id");
  EXPECT_EQ(r.body, R"({"id":")" + sid + R"(","status_id":")" + s + R"("})");
  EXPECT_EQ(get("/api/v2/filters/" + id + "/statuses", ann_.token).body, "[" + r.body + "]");
  EXPECT_EQ(get("/api/v2/filters/statuses/" + sid, ann_.token).body, r.body);
  EXPECT_EQ(bj::serialize(json(get("/api/v2/filters/" + id, ann_.token)).at("statuses")),
            "[" + r.body + "]");
  EXPECT_EQ(del("/api/v2/filters/statuses/" + sid, ann_.token).body, "{}");
  EXPECT_EQ(get("/api/v2/filters/statuses/" + sid, ann_.token).status, 404);
}

TEST_F(FiltersApi, SomeoneElsesFilterKeywordAndStatusAre404Everywhere) {
  const std::string s = say(bob_, "a post");
  auto f = make_filter(ann_, "Mine", {"home"}, "warn", {"x"});
  const std::string id = str(f, "id");
  const std::string kid = str(f.at("keywords").as_array()[0], "id");
  const std::string sid =
      str(json(post("/api/v2/filters/" + id + "/statuses", {{"status_id", s}}, ann_.token)), "id");
  const std::string before = filters_of(ann_);
  EXPECT_EQ(get("/api/v2/filters/" + id, bob_.token).status, 404);
  EXPECT_EQ(put_json("/api/v2/filters/" + id, {{"title", "no"}}, bob_.token).status, 404);
  EXPECT_EQ(del("/api/v2/filters/" + id, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v2/filters/" + id + "/keywords", bob_.token).status, 404);
  EXPECT_EQ(post("/api/v2/filters/" + id + "/keywords", {{"keyword", "y"}}, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v2/filters/keywords/" + kid, bob_.token).status, 404);
  EXPECT_EQ(put_json("/api/v2/filters/keywords/" + kid, {{"keyword", "z"}}, bob_.token).status, 404);
  EXPECT_EQ(del("/api/v2/filters/keywords/" + kid, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v2/filters/" + id + "/statuses", bob_.token).status, 404);
  EXPECT_EQ(post("/api/v2/filters/" + id + "/statuses", {{"status_id", s}}, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v2/filters/statuses/" + sid, bob_.token).status, 404);
  EXPECT_EQ(del("/api/v2/filters/statuses/" + sid, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v2/filters/nonsense", ann_.token).status, 404);
  EXPECT_EQ(filters_of(ann_), before);
  EXPECT_EQ(filters_of(bob_), "[]");
}

TEST_F(FiltersApi, NeedsASignedInUserWithFilterScopes) {
  EXPECT_EQ(get("/api/v2/filters").status, 401);
  EXPECT_EQ(post("/api/v2/filters", {{"title", "t"}, {"context", bj::array{"home"}}}).status, 401);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read:statuses");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string token = str(json(grant), "access_token");
  EXPECT_EQ(get("/api/v2/filters", token).status, 403);
  EXPECT_EQ(post("/api/v2/filters", {{"title", "t"}, {"context", bj::array{"home"}}}, token).status,
            403);
  EXPECT_EQ(filters_of(ann_), "[]");
}

// ---- bad input: 422 with Mastodon's message, nothing stored ----

TEST_F(FiltersApi, BadFilterInputIs422AndChangesNothing) {
  auto f = make_filter(ann_, "Keep", {"home"}, "warn", {"keep"});
  const std::string id = str(f, "id");
  const std::string kid = str(f.at("keywords").as_array()[0], "id");
  const std::string before = filters_of(ann_);
  struct Case {
    bj::object body;
    std::string error;
  };
  const std::vector<Case> creates = {
      {{{"context", bj::array{"home"}}}, "Validation failed: Title can't be blank"},
      {{{"title", "  "}, {"context", bj::array{"home"}}}, "Validation failed: Title can't be blank"},
      {{{"title", std::string(257, 'a')}, {"context", bj::array{"home"}}},
       "Validation failed: Title is too long (maximum is 256 characters)"},
      {{{"title", "t"}},
       "Validation failed: Context can't be blank, Context None or invalid context supplied"},
      {{{"title", "t"}, {"context", bj::array{}}},
       "Validation failed: Context can't be blank, Context None or invalid context supplied"},
      {{{"title", "t"}, {"context", bj::array{"home", "space"}}},
       "Validation failed: Context None or invalid context supplied"},
      {{{"title", "t"}, {"context", bj::array{"home"}}, {"filter_action", "delete"}},
       "'delete' is not a valid action"},
      {{{"title", "t"}, {"context", bj::array{"home"}}, {"expires_in", "soon"}},
       "Validation failed: Expires in must be a positive number of seconds"},
      {{{"title", "t"}, {"context", bj::array{"home"}}, {"expires_in", -5}},
       "Validation failed: Expires in must be a positive number of seconds"},
      {{{"title", "t"},
        {"context", bj::array{"home"}},
        {"keywords_attributes", bj::array{bj::object{{"keyword", " "}, {"whole_word", true}}}}},
       "Validation failed: Keyword can't be blank"},
      {{{"title", "t"},
        {"context", bj::array{"home"}},
        {"keywords_attributes", bj::array{bj::object{{"keyword", std::string(513, 'k')}}}}},
       "Validation failed: Keyword is too long (maximum is 512 characters)"},
      {{{"title", "t"},
        {"context", bj::array{"home"}},
        {"keywords_attributes", bj::array{bj::object{{"keyword", "x"}, {"whole_word", "maybe"}}}}},
       "Invalid value for parameter keywords_attributes"},
  };
  for (const auto& c : creates) {
    Reply r = post("/api/v2/filters", c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(r.body, bj::serialize(bj::object{{"error", c.error}})) << bj::serialize(c.body);
    // The same body as an update of the existing filter (title and context may be left out
    // there, so only the invalid ones are expected to fail).
  }
  const std::vector<Case> updates = {
      {{{"title", ""}}, "Validation failed: Title can't be blank"},
      {{{"context", bj::array{}}},
       "Validation failed: Context can't be blank, Context None or invalid context supplied"},
      {{{"context", bj::array{"everywhere"}}},
       "Validation failed: Context None or invalid context supplied"},
      {{{"filter_action", "nuke"}}, "'nuke' is not a valid action"},
      {{{"expires_in", "1.5"}}, "Validation failed: Expires in must be a positive number of seconds"},
      {{{"keywords_attributes", bj::array{bj::object{{"id", kid}, {"keyword", ""}}}}},
       "Validation failed: Keyword can't be blank"},
      // A valid change before an invalid one is not kept either.
      {{{"title", "Changed"}, {"filter_action", "bogus"}}, "'bogus' is not a valid action"},
  };
  for (const auto& c : updates) {
    Reply r = put_json("/api/v2/filters/" + id, c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(r.body, bj::serialize(bj::object{{"error", c.error}})) << bj::serialize(c.body);
  }
  // A keyword id that is not this filter's.
  Reply r = put_json("/api/v2/filters/" + id,
                     {{"keywords_attributes", bj::array{bj::object{{"id", "12345"}, {"_destroy", true}}}}},
                     ann_.token);
  EXPECT_EQ(r.status, 404) << r.body;
  // Malformed bodies.
  r = request("POST", "/api/v2/filters", "{not json", {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(filters_of(ann_), before);
}

TEST_F(FiltersApi, BadKeywordAndStatusInputIs422AndChangesNothing) {
  const std::string s = say(bob_, "a post");
  const std::string secret = say(cat_, "only followers", {{"visibility", "private"}});
  auto f = make_filter(ann_, "Keep", {"home"}, "warn", {"keep"});
  const std::string id = str(f, "id");
  const std::string kid = str(f.at("keywords").as_array()[0], "id");
  ASSERT_EQ(post("/api/v2/filters/" + id + "/statuses", {{"status_id", s}}, ann_.token).status, 200);
  const std::string before = filters_of(ann_);
  const auto expect_422 = [&](const Reply& r, std::string_view error) {
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.body, bj::serialize(bj::object{{"error", error}}));
  };
  expect_422(post("/api/v2/filters/" + id + "/keywords", {}, ann_.token),
             "Validation failed: Keyword can't be blank");
  expect_422(post("/api/v2/filters/" + id + "/keywords", {{"keyword", ""}}, ann_.token),
             "Validation failed: Keyword can't be blank");
  expect_422(post("/api/v2/filters/" + id + "/keywords", {{"keyword", "x"}, {"whole_word", "perhaps"}},
                  ann_.token),
             "Invalid value for parameter whole_word");
  expect_422(put_json("/api/v2/filters/keywords/" + kid, {{"keyword", "   "}}, ann_.token),
             "Validation failed: Keyword can't be blank");
  expect_422(post("/api/v2/filters/" + id + "/statuses", {}, ann_.token),
             "Validation failed: Status must exist");
  expect_422(post("/api/v2/filters/" + id + "/statuses", {{"status_id", "999999"}}, ann_.token),
             "Validation failed: Status must exist");
  expect_422(post("/api/v2/filters/" + id + "/statuses", {{"status_id", secret}}, ann_.token),
             "Validation failed: Status must exist");
  expect_422(post("/api/v2/filters/" + id + "/statuses", {{"status_id", s}}, ann_.token),
             "Validation failed: Status has already been taken");
  EXPECT_EQ(filters_of(ann_), before);
}

// ---- `filtered` ----

TEST_F(FiltersApi, FilteredCarriesFilterKeywordMatchesAndStatusMatches) {
  const std::string p = say(bob_, "Category theory is fun");
  auto f = make_filter(ann_, "Cats", {"home"}, "warn", {"cat"});
  const std::string fid = str(f, "id");
  EXPECT_EQ(bj::serialize(filtered(ann_, p)),
            R"([{"filter":{"id":")" + fid + R"(","title":"Cats","context":["home"],"expires_at":null,)"
            R"("filter_action":"warn"},"keyword_matches":["Cat"],"status_matches":null}])");
  // Listed by id in another filter: status_matches, no keyword_matches.
  auto g = make_filter(ann_, "That one", {"thread"}, "warn", {});
  const std::string gid = str(g, "id");
  ASSERT_EQ(post("/api/v2/filters/" + gid + "/statuses", {{"status_id", p}}, ann_.token).status, 200);
  auto results = filtered(ann_, p).as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(bj::serialize(results[1]),
            R"({"filter":{"id":")" + gid + R"(","title":"That one","context":["thread"],)"
            R"("expires_at":null,"filter_action":"warn"},"keyword_matches":null,"status_matches":[")" +
                p + R"("]})");
  // Others' views of the status are theirs: bob has no filters, signed out has no field.
  EXPECT_EQ(bj::serialize(filtered(bob_, p)), "[]");
  EXPECT_FALSE(json(get("/api/v1/statuses/" + p)).as_object().contains("filtered"));
}

TEST_F(FiltersApi, KeywordMatchesSpoilerTextAndOnlyTheFirstMatchIsReported) {
  const std::string p = say(bob_, "dogs and cats", {{"spoiler_text", "About Dogs"}});
  make_filter(ann_, "Pets", {"home"}, "warn", {"cats", "dogs"});
  // Mastodon matches one union of the keywords and reports the first match: the spoiler's.
  EXPECT_EQ(bj::serialize(filtered(ann_, p).at(0).at("keyword_matches")), R"(["Dogs"])");
}

TEST_F(FiltersApi, WholeWordUsesWordBoundaries) {
  const std::string exclaim = say(bob_, "Cat!");
  const std::string category = say(bob_, "a category of things");
  const std::string hashtag = say(bob_, "look #cat");
  make_filter(ann_, "Whole", {"home"}, "warn", {bj::object{{"keyword", "cat"}, {"whole_word", true}}});
  EXPECT_EQ(bj::serialize(filtered(ann_, exclaim).at(0).at("keyword_matches")), R"(["Cat"])");
  EXPECT_EQ(bj::serialize(filtered(ann_, category)), "[]");
  EXPECT_EQ(bj::serialize(filtered(ann_, hashtag).at(0).at("keyword_matches")), R"(["cat"])");
  // Not whole word: "category" matches too.
  make_filter(ann_, "Part", {"home"}, "warn", {"cat"});
  auto r = filtered(ann_, category).as_array();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(str(r[0].at("filter"), "title"), "Part");
  EXPECT_EQ(bj::serialize(r[0].at("keyword_matches")), R"(["cat"])");
}

TEST_F(FiltersApi, KeywordsMatchUnicodeCaseAndUnicodeWordBoundaries) {
  const std::string school = say(bob_, "L'ÉCOLE est finie");
  const std::string greek = say(bob_, "ΣΟΦΙΑ λέει γεια");
  const std::string cafes = say(bob_, "two cafés");
  const std::string cafe = say(bob_, "Café!");
  make_filter(ann_, "Uni", {"home"}, "warn",
              {bj::object{{"keyword", "école"}, {"whole_word", true}},
               bj::object{{"keyword", "σοφια"}, {"whole_word", false}},
               bj::object{{"keyword", "café"}, {"whole_word", true}}});
  EXPECT_EQ(bj::serialize(filtered(ann_, school).at(0).at("keyword_matches")), R"(["ÉCOLE"])");
  EXPECT_EQ(bj::serialize(filtered(ann_, greek).at(0).at("keyword_matches")), R"(["ΣΟΦΙΑ"])");
  EXPECT_EQ(bj::serialize(filtered(ann_, cafes)), "[]");  // é and s are both word characters
  EXPECT_EQ(bj::serialize(filtered(ann_, cafe).at(0).at("keyword_matches")), R"(["Café"])");
}

TEST_F(FiltersApi, AReblogAndItsOriginalCarryTheReblogsResults) {
  const std::string original = say(bob_, "spoilers ahead");
  Reply rb = post("/api/v1/statuses/" + original + "/reblog", {}, cat_.token);
  ASSERT_EQ(rb.status, 200) << rb.body;
  const std::string reblog = str(json(rb), "id");
  auto f = make_filter(ann_, "By id", {"home"}, "warn", {"spoilers"});
  ASSERT_EQ(post("/api/v2/filters/" + str(f, "id") + "/statuses", {{"status_id", original}}, ann_.token)
                .status,
            200);
  auto v = status_as(ann_, reblog);
  const std::string expected_matches = R"("keyword_matches":["spoilers"],"status_matches":[")" + original + R"("]})";
  const std::string outer = bj::serialize(v.at("filtered"));
  EXPECT_NE(outer.find(expected_matches), std::string::npos) << outer;
  EXPECT_EQ(bj::serialize(v.at("reblog").at("filtered")), outer);
}

TEST_F(FiltersApi, ExpiredFiltersDoNothingAndShowExpiresAt) {
  follow(ann_, bob_);
  const std::string p = say(bob_, "secret word");
  const std::string expires_at = iso(clock().now_ms() + 3600 * 1000);
  auto f = make_filter(ann_, "Brief", {"home"}, "hide", {"secret"}, {{"expires_in", 3600}});
  EXPECT_EQ(str(f, "expires_at"), expires_at);
  EXPECT_EQ(bj::serialize(filtered(ann_, p)).find("Brief") != std::string::npos, true);
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{});
  clock().advance_ms(3600 * 1000);
  EXPECT_EQ(bj::serialize(filtered(ann_, p)), "[]");
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{p});
  EXPECT_EQ(str(json(get("/api/v2/filters/" + str(f, "id"), ann_.token)), "expires_at"),
            expires_at);
  // expires_in empty: never again.
  Reply r = put_json("/api/v2/filters/" + str(f, "id"), {{"expires_in", ""}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json(r).at("expires_at").is_null());
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{});
}

// ---- hide, in each context, across pages ----

TEST_F(FiltersApi, HideInHomeSkipsMatchesAcrossPagesWithoutLosingOrRepeating) {
  follow(ann_, bob_);
  const std::string p1 = say(bob_, "one");
  const std::string p2 = say(bob_, "two SPOILER");
  const std::string p3 = say(bob_, "three spoiler");
  const std::string p4 = say(bob_, "four spoiler");
  const std::string p5 = say(bob_, "five");
  const std::string mine = say(ann_, "my own spoiler");  // one's own statuses are never hidden
  make_filter(ann_, "No spoilers", {"home"}, "hide", {"spoiler"});
  for (const char* limit : {"1", "2", "3", "20"}) {
    EXPECT_EQ(walk(std::string("/api/v1/timelines/home?limit=") + limit, ann_), (Ids{mine, p5, p1}))
        << "limit " << limit;
  }
  // A whole page hidden answers an empty page with a next link, as the unfiltered page's.
  Reply r = get("/api/v1/timelines/home?limit=2&max_id=" + p5, ann_.token);
  EXPECT_EQ(ids(r), Ids{});
  EXPECT_FALSE(link_url(r, "next").empty());
  EXPECT_EQ(ids(follow_link(r, "next", ann_.token)), Ids{p1});
  // Own hidden-matching status still carries `filtered`.
  EXPECT_EQ(bj::serialize(filtered(ann_, mine)).find("No spoilers") != std::string::npos, true);
  // bob has no filters and sees everything.
  EXPECT_EQ(walk("/api/v1/timelines/home?limit=2", bob_), (Ids{p5, p4, p3, p2, p1}));
}

TEST_F(FiltersApi, WarnAndBlurDoNotRemove) {
  follow(ann_, bob_);
  const std::string p1 = say(bob_, "spoiler one");
  const std::string p2 = say(bob_, "spoiler two");
  make_filter(ann_, "Warn", {"home"}, "warn", {"spoiler"});
  make_filter(ann_, "Blur", {"home"}, "blur", {"spoiler"});
  EXPECT_EQ(walk("/api/v1/timelines/home?limit=1", ann_), (Ids{p2, p1}));
}

TEST_F(FiltersApi, AFilterOfOneContextDoesNotHideInAnother) {
  follow(ann_, bob_);
  const std::string root = say(bob_, "root");
  const std::string reply = say(bob_, "a spoiler reply", {{"in_reply_to_id", root}});
  make_filter(ann_, "Threads only", {"thread"}, "hide", {"spoiler"});
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), (Ids{reply, root}));
  const Ids pub = walk("/api/v1/timelines/public", ann_);
  EXPECT_NE(std::find(pub.begin(), pub.end(), reply), pub.end());
  EXPECT_EQ(walk("/api/v1/accounts/" + bob_.id + "/statuses", ann_), (Ids{reply, root}));
  auto ctx = json(get("/api/v1/statuses/" + root + "/context", ann_.token));
  EXPECT_EQ(ids(ctx.at("descendants")), Ids{});
  EXPECT_EQ(walk("/api/v1/kindred/statuses/" + root + "/comments", ann_), Ids{});
  // The status itself is still readable, with its `filtered`.
  EXPECT_EQ(status_as(ann_, reply).at("filtered").as_array().size(), 1u);
  // bob's own view of his thread is whole.
  EXPECT_EQ(ids(json(get("/api/v1/statuses/" + root + "/context", bob_.token)).at("descendants")),
            Ids{reply});
}

TEST_F(FiltersApi, HideInPublicAndTagTimelinesAcrossPages) {
  const std::string a = say(bob_, "#news plain");
  const std::string b = say(cat_, "#news with spoiler");
  const std::string c = say(bob_, "#news spoiler again");
  const std::string d = say(cat_, "#news fine");
  make_filter(ann_, "Public", {"public"}, "hide", {"spoiler"});
  for (const char* limit : {"1", "2"}) {
    EXPECT_EQ(walk(std::string("/api/v1/timelines/public?limit=") + limit, ann_), (Ids{d, a}));
    EXPECT_EQ(walk(std::string("/api/v1/timelines/tag/news?limit=") + limit, ann_), (Ids{d, a}));
  }
  EXPECT_EQ(walk("/api/v1/timelines/public?limit=2", bob_), (Ids{d, c, b, a}));
}

TEST_F(FiltersApi, HideInAccountStatusesAcrossPages) {
  const std::string a = say(bob_, "hello");
  const std::string b = say(bob_, "spoiler b");
  const std::string c = say(bob_, "spoiler c");
  const std::string d = say(bob_, "bye");
  make_filter(ann_, "Profiles", {"account"}, "hide", {"spoiler"});
  for (const char* limit : {"1", "2"})
    EXPECT_EQ(walk("/api/v1/accounts/" + bob_.id + "/statuses?limit=" + limit, ann_), (Ids{d, a}));
  EXPECT_EQ(walk("/api/v1/accounts/" + bob_.id + "/statuses?limit=2", cat_), (Ids{d, c, b, a}));
}

TEST_F(FiltersApi, HideInThreadContextAndCommentsAcrossPages) {
  const std::string root = say(ann_, "my photo");
  const std::string r1 = say(bob_, "nice", {{"in_reply_to_id", root}});
  const std::string r2 = say(cat_, "spoiler!", {{"in_reply_to_id", root}});
  const std::string r3 = say(bob_, "SPOILER again", {{"in_reply_to_id", root}});
  const std::string r4 = say(cat_, "lovely", {{"in_reply_to_id", root}});
  const std::string own = say(ann_, "my spoiler reply", {{"in_reply_to_id", root}});
  make_filter(ann_, "Thread", {"thread"}, "hide", {"spoiler"});
  auto ctx = json(get("/api/v1/statuses/" + root + "/context", ann_.token));
  auto seen = ids(ctx.at("descendants"));
  std::sort(seen.begin(), seen.end());
  Ids expected{r1, r4, own};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
  // Ancestors too: the context of r4's reply shows root but not a hidden ancestor.
  const std::string deep = say(bob_, "deeper", {{"in_reply_to_id", r2}});
  auto up = json(get("/api/v1/statuses/" + deep + "/context", ann_.token));
  EXPECT_EQ(ids(up.at("ancestors")), Ids{root});
  for (const char* order : {"recent", "top"}) {
    for (const char* limit : {"1", "2"}) {
      auto all = walk(std::string("/api/v1/kindred/statuses/") + root + "/comments?order=" + order +
                          "&limit=" + limit,
                      ann_);
      std::sort(all.begin(), all.end());
      EXPECT_EQ(all, expected) << order << " limit " << limit;
    }
  }
  (void)r3;
}

TEST_F(FiltersApi, HideInNotificationsV1AndGroupedAcrossPages) {
  const std::string m1 = say(bob_, "@ann hello");
  const std::string m2 = say(cat_, "@ann spoiler alert");
  const std::string m3 = say(bob_, "@ann another spoiler");
  const std::string m4 = say(cat_, "@ann bye");
  make_filter(ann_, "Notes", {"notifications"}, "hide", {"spoiler"});
  const auto statuses_of = [&](std::string path) {
    Ids out;
    Reply r = get(path, ann_.token);
    for (int n = 0; n < 20; ++n) {
      EXPECT_EQ(r.status, 200) << r.body;
      const auto list = json(r);
      for (const auto& item : list.as_array()) out.push_back(str(item.at("status"), "id"));
      if (link_url(r, "next").empty()) break;
      r = follow_link(r, "next", ann_.token);
    }
    return out;
  };
  for (const char* limit : {"1", "2", "20"})
    EXPECT_EQ(statuses_of(std::string("/api/v1/notifications?limit=") + limit), (Ids{m4, m1}));
  // Grouped: the groups of hidden statuses are left out, paging goes on past them.
  Ids grouped;
  Reply r = get("/api/v2/notifications?limit=1", ann_.token);
  for (int n = 0; n < 20; ++n) {
    ASSERT_EQ(r.status, 200) << r.body;
    auto page = json(r);
    for (const auto& g : page.at("notification_groups").as_array()) grouped.push_back(str(g, "status_id"));
    for (const auto& s : page.at("statuses").as_array()) {
      EXPECT_NE(str(s, "id"), m2);
      EXPECT_NE(str(s, "id"), m3);
    }
    if (link_url(r, "next").empty()) break;
    r = follow_link(r, "next", ann_.token);
  }
  EXPECT_EQ(grouped, (Ids{m4, m1}));
}

TEST_F(FiltersApi, AStatusFilterHidesThatStatusAndItsReblogs) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string p = say(bob_, "nothing special");
  const std::string other = say(bob_, "other");
  Reply rb = post("/api/v1/statuses/" + p + "/reblog", {}, cat_.token);
  ASSERT_EQ(rb.status, 200) << rb.body;
  clock().advance_ms(1000);
  auto f = make_filter(ann_, "That post", {"home"}, "hide", {});
  ASSERT_EQ(post("/api/v2/filters/" + str(f, "id") + "/statuses", {{"status_id", p}}, ann_.token).status,
            200);
  EXPECT_EQ(walk("/api/v1/timelines/home?limit=1", ann_), Ids{other});
}

TEST_F(FiltersApi, DeletingAFilterOrKeywordStopsItAtOnce) {
  follow(ann_, bob_);
  const std::string p = say(bob_, "spoiler");
  auto f = make_filter(ann_, "Temp", {"home"}, "hide", {"spoiler"});
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{});
  const std::string kid = str(f.at("keywords").as_array()[0], "id");
  ASSERT_EQ(del("/api/v2/filters/keywords/" + kid, ann_.token).status, 200);
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{p});
  ASSERT_EQ(post("/api/v2/filters/" + str(f, "id") + "/keywords", {{"keyword", "SPOILER"}}, ann_.token)
                .status,
            200);
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{});
  ASSERT_EQ(del("/api/v2/filters/" + str(f, "id"), ann_.token).status, 200);
  EXPECT_EQ(walk("/api/v1/timelines/home", ann_), Ids{p});
}

TEST_F(FiltersApi, FiltersSurviveARestart) {
  make_filter(ann_, "Kept", {"home", "thread"}, "hide", {"kept"}, {{"expires_in", 86400}});
  const std::string before = filters_of(ann_);
  restart();
  EXPECT_EQ(filters_of(ann_), before);
}

}  // namespace
}  // namespace kindred::testing
