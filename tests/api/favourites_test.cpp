// POST /api/v1/statuses/:id/favourite and /unfavourite, GET /api/v1/statuses/:id/favourited_by,
// GET /api/v1/favourites.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class FavouritesApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    bob_ = register_user("bob");
    photo_ = post_status(ann_, "a photo");
  }

  Reply favourite(const std::string& id, const User& who) {
    return post("/api/v1/statuses/" + id + "/favourite", {}, who.token);
  }
  Reply unfavourite(const std::string& id, const User& who) {
    return post("/api/v1/statuses/" + id + "/unfavourite", {}, who.token);
  }
  int64_t favourites_count(const std::string& id) {
    return num(json(get("/api/v1/statuses/" + id)), "favourites_count");
  }
  Reply likers(const std::string& id, std::string_view query = "") {
    return get("/api/v1/statuses/" + id + "/favourited_by" + std::string(query));
  }

  User ann_;
  User bob_;
  std::string photo_;
};

TEST_F(FavouritesApi, FavouritingReturnsTheStatusLiked) {
  Reply r = favourite(photo_, bob_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), photo_);
  EXPECT_EQ(json(r).at("favourited"), true);
  EXPECT_EQ(num(json(r), "favourites_count"), 1);
}

TEST_F(FavouritesApi, SecondFavouriteKeepsTheCountAtOne) {
  ASSERT_EQ(favourite(photo_, bob_).status, 200);
  Reply again = favourite(photo_, bob_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json(again).at("favourited"), true);
  EXPECT_EQ(num(json(again), "favourites_count"), 1);
  EXPECT_EQ(favourites_count(photo_), 1);
  EXPECT_EQ(ids(likers(photo_)), (std::vector<std::string>{bob_.id}));
}

TEST_F(FavouritesApi, FavouritedIsTheViewersOwnFlag) {
  ASSERT_EQ(favourite(photo_, bob_).status, 200);
  Reply as_ann = get("/api/v1/statuses/" + photo_, ann_.token);
  EXPECT_EQ(json(as_ann).at("favourited"), false);
  EXPECT_EQ(num(json(as_ann), "favourites_count"), 1);
  EXPECT_EQ(json(get("/api/v1/statuses/" + photo_, bob_.token)).at("favourited"), true);
}

TEST_F(FavouritesApi, UnfavouritingTwiceLeavesZero) {
  ASSERT_EQ(favourite(photo_, bob_).status, 200);
  Reply first = unfavourite(photo_, bob_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json(first).at("favourited"), false);
  EXPECT_EQ(num(json(first), "favourites_count"), 0);
  Reply second = unfavourite(photo_, bob_);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(num(json(second), "favourites_count"), 0);
  EXPECT_EQ(favourites_count(photo_), 0);
  EXPECT_EQ(likers(photo_).body, "[]");
  EXPECT_EQ(get("/api/v1/favourites", bob_.token).body, "[]");
}

TEST_F(FavouritesApi, UnfavouritingWhatWasNeverLikedIsFine) {
  Reply r = unfavourite(photo_, bob_);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(favourites_count(photo_), 0);
}

TEST_F(FavouritesApi, OneLikePerPersonIsCounted) {
  User cat = register_user("cat");
  favourite(photo_, bob_);
  favourite(photo_, cat);
  favourite(photo_, ann_);
  favourite(photo_, cat);
  EXPECT_EQ(favourites_count(photo_), 3);
  unfavourite(photo_, cat);
  EXPECT_EQ(favourites_count(photo_), 2);
}

TEST_F(FavouritesApi, FavouritedByListsTheLikersMostRecentFirst) {
  User cat = register_user("cat");
  User dan = register_user("dan");
  favourite(photo_, cat);
  favourite(photo_, bob_);
  favourite(photo_, dan);
  Reply r = likers(photo_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<std::string>{dan.id, bob_.id, cat.id}));
  EXPECT_EQ(str(json(r).at(0), "username"), "dan");
}

TEST_F(FavouritesApi, FavouritedByIsPagedWithLinkNextAndMaxId) {
  User cat = register_user("cat");
  User dan = register_user("dan");
  favourite(photo_, bob_);
  favourite(photo_, cat);
  favourite(photo_, dan);
  Reply page1 = likers(photo_, "?limit=2");
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(ids(page1), (std::vector<std::string>{dan.id, cat.id}));
  const std::string next = link_url(page1, "next");
  EXPECT_NE(next.find("max_id="), std::string::npos) << page1.header("link");
  Reply page2 = follow_link(page1, "next");
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(ids(page2), (std::vector<std::string>{bob_.id}));
  EXPECT_EQ(link_url(page2, "next"), "") << "a short page is the last: " << page2.header("link");
  Reply back = follow_link(page2, "prev");
  EXPECT_EQ(ids(back), (std::vector<std::string>{dan.id, cat.id}));
}

TEST_F(FavouritesApi, FavouritedByOfAnUnknownStatusIs404) {
  EXPECT_EQ(likers(std::to_string(std::stoull(photo_) + 1000)).status, 404);
  EXPECT_EQ(likers("abc").status, 404);
}

TEST_F(FavouritesApi, FavouritesListsLikedStatusesMostRecentlyLikedFirst) {
  const std::string older = post_status(ann_, "older");
  const std::string newer = post_status(ann_, "newer");
  favourite(newer, bob_);
  favourite(older, bob_);
  favourite(photo_, bob_);
  Reply r = get("/api/v1/favourites", bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(texts(r), (std::vector<std::string>{"a photo", "older", "newer"}));
  const boost::json::value liked = json(r);
  for (const auto& s : liked.as_array()) EXPECT_EQ(s.at("favourited"), true);
}

TEST_F(FavouritesApi, FavouritesArePagedWithLinkNext) {
  const std::string older = post_status(ann_, "older");
  const std::string newer = post_status(ann_, "newer");
  favourite(newer, bob_);
  favourite(older, bob_);
  favourite(photo_, bob_);
  Reply page1 = get("/api/v1/favourites?limit=2", bob_.token);
  EXPECT_EQ(texts(page1), (std::vector<std::string>{"a photo", "older"}));
  Reply page2 = follow_link(page1, "next", bob_.token);
  EXPECT_EQ(texts(page2), (std::vector<std::string>{"newer"}));
}

TEST_F(FavouritesApi, FavouritesAreEachUsersOwn) {
  favourite(photo_, bob_);
  EXPECT_EQ(get("/api/v1/favourites", ann_.token).body, "[]");
}

TEST_F(FavouritesApi, FavouritesWithoutTokenIs401) {
  Reply r = get("/api/v1/favourites");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty());
}

TEST_F(FavouritesApi, FavouritingAnUnknownStatusIs404) {
  Reply r = favourite(std::to_string(std::stoull(photo_) + 1000), bob_);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Record not found");
  EXPECT_EQ(favourite("abc", bob_).status, 404);
  EXPECT_EQ(unfavourite("abc", bob_).status, 404);
  EXPECT_EQ(get("/api/v1/favourites", bob_.token).body, "[]");
}

TEST_F(FavouritesApi, FavouritingAnInvisibleStatusIs404AndCountsNothing) {
  const std::string secret = post_status(ann_, "followers only", {{"visibility", "private"}});
  EXPECT_EQ(favourite(secret, bob_).status, 404);
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + secret, ann_.token)), "favourites_count"), 0);
  EXPECT_EQ(get("/api/v1/favourites", bob_.token).body, "[]");
}

TEST_F(FavouritesApi, FavouriteWithoutTokenIs401AndCountsNothing) {
  Reply r = post("/api/v1/statuses/" + photo_ + "/favourite", {});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(post("/api/v1/statuses/" + photo_ + "/unfavourite", {}).status, 401);
  EXPECT_EQ(favourites_count(photo_), 0);
}

TEST_F(FavouritesApi, DeletedStatusDisappearsFromFavouritesAndItsLikersList) {
  const std::string kept = post_status(ann_, "kept");
  favourite(kept, bob_);
  favourite(photo_, bob_);
  ASSERT_EQ(del("/api/v1/statuses/" + photo_, ann_.token).status, 200);
  EXPECT_EQ(texts(get("/api/v1/favourites", bob_.token)), (std::vector<std::string>{"kept"}));
  EXPECT_EQ(likers(photo_).status, 404);
  EXPECT_EQ(favourite(photo_, bob_).status, 404);
  EXPECT_EQ(favourites_count(kept), 1);
}

TEST_F(FavouritesApi, DeletingALikedStatusKeepsFavouritesPagesFull) {
  // Three likes, the newest liked status deleted: the first page of two still holds two.
  const std::string s1 = post_status(ann_, "s1");
  const std::string s2 = post_status(ann_, "s2");
  favourite(s1, bob_);
  favourite(s2, bob_);
  favourite(photo_, bob_);
  ASSERT_EQ(del("/api/v1/statuses/" + photo_, ann_.token).status, 200);
  EXPECT_EQ(texts(get("/api/v1/favourites?limit=2", bob_.token)),
            (std::vector<std::string>{"s2", "s1"}));
}

TEST_F(FavouritesApi, ConcurrentFavouritesAreCountedExactly) {
  constexpr int kThreads = 8;
  std::vector<User> fans;
  for (int i = 0; i < kThreads; ++i) fans.push_back(register_user("fan" + std::to_string(i)));
  const std::string target = "/api/v1/statuses/" + photo_ + "/favourite";
  std::vector<int> statuses(2 * kThreads);
  std::vector<std::thread> threads;
  // Every fan likes twice at once with everyone else: eight likes, each counted once.
  for (int i = 0; i < 2 * kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", instance().port());
      statuses[static_cast<size_t>(i)] =
          client.post_json(target, "{}", fans[static_cast<size_t>(i / 2)].token).status;
    });
  }
  for (auto& t : threads) t.join();
  for (int status : statuses) EXPECT_EQ(status, 200);
  EXPECT_EQ(favourites_count(photo_), kThreads);
  EXPECT_EQ(ids(likers(photo_)).size(), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace kindred::testing
