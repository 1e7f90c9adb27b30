// POST /api/v1/statuses/:id/bookmark, unbookmark, GET /api/v1/bookmarks.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;
class BookmarksApi : public ThreePeopleApi {};

TEST_F(BookmarksApi, BookmarksArePrivateIdempotentAndNewestFirst) {
  const std::string a = post_status(ann_, "remember this");
  clock().advance_ms(1000);
  const std::string b = post_status(cat_, "and this");
  for (int i = 0; i < 2; ++i) {
    auto r = post("/api/v1/statuses/" + a + "/bookmark", {}, bob_.token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(json(r).at("bookmarked").as_bool());
  }
  clock().advance_ms(1000);
  ASSERT_EQ(post("/api/v1/statuses/" + b + "/bookmark", {}, bob_.token).status, 200);
  EXPECT_EQ(ids(get("/api/v1/bookmarks", bob_.token)), (Ids{b, a}));
  EXPECT_EQ(ids(get("/api/v1/bookmarks", ann_.token)), (Ids{}));
  EXPECT_TRUE(json(get("/api/v1/statuses/" + a, bob_.token)).at("bookmarked").as_bool());
  EXPECT_FALSE(json(get("/api/v1/statuses/" + a, ann_.token)).at("bookmarked").as_bool());
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + a)), "favourites_count"), 0);

  auto page = get("/api/v1/bookmarks?limit=1", bob_.token);
  EXPECT_EQ(ids(page), (Ids{b}));
  EXPECT_EQ(ids(follow_link(page, "next", bob_.token)), (Ids{a}));

  ASSERT_EQ(post("/api/v1/statuses/" + b + "/unbookmark", {}, bob_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + b + "/unbookmark", {}, bob_.token).status, 200);
  ASSERT_EQ(del("/api/v1/statuses/" + a, ann_.token).status, 200);
  EXPECT_EQ(ids(get("/api/v1/bookmarks", bob_.token)), (Ids{}));
}

TEST_F(BookmarksApi, BadBookmarksAreRefused) {
  const std::string secret = post_status(ann_, "followers only", {{"visibility", "private"}});
  EXPECT_EQ(post("/api/v1/statuses/" + secret + "/bookmark", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/999999/bookmark", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/" + secret + "/bookmark", {}).status, 401);
  EXPECT_EQ(get("/api/v1/bookmarks").status, 401);
  EXPECT_EQ(get("/api/v1/bookmarks?max_id=x", bob_.token).status, 422);
  EXPECT_EQ(ids(get("/api/v1/bookmarks", bob_.token)), (Ids{}));
}

}  // namespace
}  // namespace kindred::testing
