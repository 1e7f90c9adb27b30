// Featured tags through the real server: /api/v1/featured_tags (GET, POST, DELETE :id),
// /api/v1/featured_tags/suggestions and /api/v1/accounts/:id/featured_tags.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Names = std::vector<std::string>;

class FeaturedTagsApi : public ThreePeopleApi {
 protected:
  std::string token_with(const User& who, std::string_view scope) {
    return str(json(password_grant(default_app(), who.username, kPassword, scope)), "access_token");
  }
  Reply feature(const User& who, std::string_view name) {
    return post("/api/v1/featured_tags", {{"name", name}}, who.token);
  }
  static Names names(const Reply& r) {
    Names out;
    const auto v = json(r);
    for (const auto& t : v.as_array()) out.push_back(str(t, "name"));
    return out;
  }
  Names featured(const User& who) { return names(get("/api/v1/featured_tags", who.token)); }
};

TEST_F(FeaturedTagsApi, FeaturingATagAnswersAFeaturedTagThatCountsPublicAndUnlistedPosts) {
  auto r = feature(ann_, "#Sourdough");
  ASSERT_EQ(r.status, 200) << r.body;
  auto t = json(r);
  EXPECT_FALSE(str(t, "id").empty());
  EXPECT_EQ(str(t, "name"), "sourdough");
  EXPECT_EQ(str(t, "url"), std::string(kBaseUrl) + "/@ann/tagged/sourdough");
  EXPECT_EQ(str(t, "statuses_count"), "0");
  EXPECT_TRUE(t.at("last_status_at").is_null());

  post_status(ann_, "Loaf one #sourdough");
  post_status(ann_, "Loaf two #Sourdough", {{"visibility", "unlisted"}});
  post_status(ann_, "A private loaf #sourdough", {{"visibility", "private"}});
  post_status(bob_, "Bob's loaf #sourdough");
  const std::string gone = post_status(ann_, "Deleted loaf #sourdough");
  ASSERT_EQ(del("/api/v1/statuses/" + gone, ann_.token).status, 200);

  auto list = get("/api/v1/featured_tags", ann_.token);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(json(list).as_array().size(), 1u);
  const auto f = json(list).at(0);
  EXPECT_EQ(str(f, "id"), str(t, "id"));
  EXPECT_EQ(str(f, "statuses_count"), "2");
  EXPECT_EQ(str(f, "last_status_at"), "2024-03-01");
  // The tag itself now says the viewer features it.
  EXPECT_EQ(json(get("/api/v1/tags/sourdough", ann_.token)).at("featuring"), true);
  EXPECT_EQ(json(get("/api/v1/tags/sourdough", bob_.token)).at("featuring"), false);
}

TEST_F(FeaturedTagsApi, AnAccountsFeaturedTagsArePublicMostUsedFirst) {
  ASSERT_EQ(feature(ann_, "rare").status, 200);
  ASSERT_EQ(feature(ann_, "often").status, 200);
  post_status(ann_, "#often #rare");
  post_status(ann_, "#often");
  auto r = get("/api/v1/accounts/" + ann_.id + "/featured_tags");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(names(r), (Names{"often", "rare"}));
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id + "/featured_tags", cat_.token).body, "[]");
  EXPECT_EQ(get("/api/v1/accounts/123/featured_tags").status, 404);
  EXPECT_EQ(get("/api/v1/accounts/nope/featured_tags").status, 404);
}

TEST_F(FeaturedTagsApi, BadNamesDuplicatesAndTheEleventhAre422AndChangeNothing) {
  ASSERT_EQ(feature(ann_, "cats").status, 200);
  for (std::string_view bad : {"", " ", "#", "not a tag", "1234", "a-b"}) {
    auto r = feature(ann_, bad);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.body;
    EXPECT_EQ(str(json(r), "error").rfind("Validation failed: Name", 0), 0u) << r.body;
  }
  auto missing = post("/api/v1/featured_tags", {}, ann_.token);
  EXPECT_EQ(missing.status, 422);
  auto dup = feature(ann_, "#CATS");
  EXPECT_EQ(dup.status, 422);
  EXPECT_EQ(str(json(dup), "error"), "Validation failed: Name has already been taken");
  for (int i = 2; i <= 10; ++i) ASSERT_EQ(feature(ann_, "tag" + std::string(1, char('a' + i))).status, 200);
  auto eleventh = feature(ann_, "onetoomany");
  EXPECT_EQ(eleventh.status, 422);
  EXPECT_EQ(str(json(eleventh), "error"),
            "Validation failed: You have already featured the maximum number of hashtags");
  EXPECT_EQ(featured(ann_).size(), 10u);
  EXPECT_EQ(featured(bob_), (Names{}));
}

TEST_F(FeaturedTagsApi, UnfeaturingAnswersEmptyAndOnlyTheOwnersTag) {
  const std::string id = str(json(feature(ann_, "cats")), "id");
  EXPECT_EQ(del("/api/v1/featured_tags/" + id, bob_.token).status, 404);
  EXPECT_EQ(del("/api/v1/featured_tags/12345", ann_.token).status, 404);
  EXPECT_EQ(del("/api/v1/featured_tags/abc", ann_.token).status, 404);
  EXPECT_EQ(featured(ann_), (Names{"cats"}));
  auto r = del("/api/v1/featured_tags/" + id, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(featured(ann_), (Names{}));
  EXPECT_EQ(del("/api/v1/featured_tags/" + id, ann_.token).status, 404);
}

TEST_F(FeaturedTagsApi, SuggestionsAreRecentlyUsedTagsNotYetFeatured) {
  post_status(ann_, "#older #shared");
  clock().advance_ms(1000);
  post_status(ann_, "#newer #shared #featured");
  post_status(bob_, "#bobs");
  ASSERT_EQ(feature(ann_, "featured").status, 200);
  auto r = get("/api/v1/featured_tags/suggestions", ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(names(r), (Names{"newer", "shared", "older"}));
  EXPECT_EQ(json(r).at(0).at("history").as_array().size(), 7u);
  EXPECT_EQ(json(r).at(0).at("following"), false);
}

TEST_F(FeaturedTagsApi, ScopesAreReadAccountsAndWriteAccountsWithAUser) {
  EXPECT_EQ(get("/api/v1/featured_tags").status, 401);
  EXPECT_EQ(get("/api/v1/featured_tags", token_with(ann_, "write read:follows")).status, 403);
  EXPECT_EQ(get("/api/v1/featured_tags", default_app_token()).status, 422);
  EXPECT_EQ(get("/api/v1/featured_tags", token_with(ann_, "read:accounts")).status, 200);
  EXPECT_EQ(get("/api/v1/featured_tags/suggestions", token_with(ann_, "write")).status, 403);
  EXPECT_EQ(get("/api/v1/featured_tags/suggestions", token_with(ann_, "read:accounts")).status, 200);

  EXPECT_EQ(post("/api/v1/featured_tags", {{"name", "cats"}}).status, 401);
  EXPECT_EQ(post("/api/v1/featured_tags", {{"name", "cats"}}, token_with(ann_, "read write:follows")).status,
            403);
  EXPECT_EQ(post("/api/v1/featured_tags", {{"name", "cats"}}, default_app_token()).status, 422);
  EXPECT_EQ(featured(ann_), (Names{}));
  auto r = post("/api/v1/featured_tags", {{"name", "cats"}}, token_with(ann_, "write:accounts"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(del("/api/v1/featured_tags/" + str(json(r), "id"), token_with(ann_, "read")).status, 403);
  EXPECT_EQ(featured(ann_), (Names{"cats"}));
  EXPECT_EQ(get("/api/v1/accounts/" + ann_.id + "/featured_tags", token_with(ann_, "write")).status, 403);
}

}  // namespace
}  // namespace kindred::testing
