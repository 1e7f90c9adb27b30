// Mastodon paging on list endpoints: limit, max_id, since_id, min_id and the Link header.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Texts = std::vector<std::string>;

// ann has written s1..s5, oldest first.
class PagingApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    for (int i = 1; i <= 5; ++i) s_.push_back(post_status(ann_, "s" + std::to_string(i)));
    list_ = "/api/v1/accounts/" + ann_.id + "/statuses";
  }

  // s(3) is the id of "s3".
  const std::string& s(int n) const { return s_[static_cast<size_t>(n - 1)]; }

  User ann_;
  std::vector<std::string> s_;
  std::string list_;
};

TEST_F(PagingApi, LinkHeaderHasNextAndPrevInMastodonsFormat) {
  Reply r = get(list_ + "?limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(texts(r), (Texts{"s5", "s4"}));
  const std::string url = std::string(kBaseUrl) + list_;
  EXPECT_EQ(r.header("link"), "<" + url + "?limit=2&max_id=" + s(4) + ">; rel=\"next\", <" + url +
                                  "?limit=2&min_id=" + s(5) + ">; rel=\"prev\"");
}

TEST_F(PagingApi, FollowingNextWalksToOlderItems) {
  Reply page1 = get(list_ + "?limit=2");
  Reply page2 = follow_link(page1, "next");
  EXPECT_EQ(texts(page2), (Texts{"s3", "s2"}));
  Reply page3 = follow_link(page2, "next");
  EXPECT_EQ(texts(page3), (Texts{"s1"}));
}

TEST_F(PagingApi, ShortPageHasOnlyAPrevLink) {
  Reply r = get(list_ + "?limit=2&max_id=" + s(2));
  EXPECT_EQ(texts(r), (Texts{"s1"}));
  const std::string url = std::string(kBaseUrl) + list_;
  EXPECT_EQ(r.header("link"), "<" + url + "?limit=2&min_id=" + s(1) + ">; rel=\"prev\"");
}

TEST_F(PagingApi, EmptyPageHasNoLinkHeader) {
  Reply r = get(list_ + "?max_id=" + s(1));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "[]");
  EXPECT_FALSE(r.has_header("link")) << r.header("link");
}

TEST_F(PagingApi, FollowingPrevWalksToNewerItems) {
  Reply old_page = get(list_ + "?limit=2&max_id=" + s(3));
  EXPECT_EQ(texts(old_page), (Texts{"s2", "s1"}));
  Reply newer = follow_link(old_page, "prev");
  EXPECT_EQ(texts(newer), (Texts{"s4", "s3"}));
}

TEST_F(PagingApi, MaxIdIsExclusive) {
  EXPECT_EQ(texts(get(list_ + "?max_id=" + s(3))), (Texts{"s2", "s1"}));
}

TEST_F(PagingApi, SinceIdReturnsTheNewestItemsAboveIt) {
  EXPECT_EQ(texts(get(list_ + "?since_id=" + s(1) + "&limit=2")), (Texts{"s5", "s4"}));
  EXPECT_EQ(texts(get(list_ + "?since_id=" + s(3))), (Texts{"s5", "s4"}));
}

TEST_F(PagingApi, MinIdReturnsTheItemsImmediatelyAboveItNewestFirst) {
  EXPECT_EQ(texts(get(list_ + "?min_id=" + s(1) + "&limit=2")), (Texts{"s3", "s2"}));
  EXPECT_EQ(texts(get(list_ + "?min_id=" + s(3))), (Texts{"s5", "s4"}));
  EXPECT_EQ(get(list_ + "?min_id=" + s(5)).body, "[]");
}

TEST_F(PagingApi, MaxIdAndSinceIdTogetherBoundBothSides) {
  EXPECT_EQ(texts(get(list_ + "?max_id=" + s(5) + "&since_id=" + s(2))), (Texts{"s4", "s3"}));
}

TEST_F(PagingApi, MaxIdAndMinIdTogetherBoundBothSides) {
  EXPECT_EQ(texts(get(list_ + "?max_id=" + s(5) + "&min_id=" + s(1) + "&limit=2")),
            (Texts{"s3", "s2"}));
}

TEST_F(PagingApi, LinksKeepOtherParametersButNeverTheAccessToken) {
  Reply r = get(list_ + "?access_token=" + ann_.token + "&limit=2&exclude_reblogs=true");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string link = r.header("link");
  EXPECT_EQ(link.find(ann_.token), std::string::npos) << link;
  EXPECT_EQ(link.find("access_token"), std::string::npos) << link;
  EXPECT_EQ(link_url(r, "next"),
            std::string(kBaseUrl) + list_ + "?limit=2&exclude_reblogs=true&max_id=" + s(4));
}

TEST_F(PagingApi, NonNumericLimitIsAnErrorWithJsonBody) {
  Reply r = get(list_ + "?limit=abc");
  EXPECT_TRUE(r.status == 400 || r.status == 422) << r.status << " " << r.body;
  EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
}

TEST_F(PagingApi, NonNumericCursorsAreErrorsWithJsonBody) {
  for (std::string q : {"?max_id=abc", "?since_id=1x", "?min_id=-1"}) {
    SCOPED_TRACE(q);
    Reply r = get(list_ + q);
    EXPECT_TRUE(r.status == 400 || r.status == 422) << r.status << " " << r.body;
    EXPECT_FALSE(str(json(r), "error").empty()) << r.body;
  }
}

TEST_F(PagingApi, LimitZeroIsRaisedToOne) {
  EXPECT_EQ(texts(get(list_ + "?limit=0")), (Texts{"s5"}));
}

TEST_F(PagingApi, AccountStatusesDefaultTo20AndClampLimitTo40) {
  for (int i = 6; i <= 45; ++i) post_status(ann_, "s" + std::to_string(i));
  Reply plain = get(list_);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(ids(plain).size(), 20u);
  Reply huge = get(list_ + "?limit=1000");
  ASSERT_EQ(huge.status, 200);
  EXPECT_EQ(ids(huge).size(), 40u);
  EXPECT_EQ(texts(huge).front(), "s45");
  EXPECT_NE(link_url(huge, "next").find("limit=1000&max_id="), std::string::npos)
      << huge.header("link");
}

TEST_F(PagingApi, FavouritedByDefaultsTo40AndClampsLimitTo80) {
  for (int i = 0; i < 81; ++i) {
    User u = register_user("fan" + std::to_string(i));
    ASSERT_EQ(post("/api/v1/statuses/" + s(5) + "/favourite", {}, u.token).status, 200);
  }
  Reply plain = get("/api/v1/statuses/" + s(5) + "/favourited_by");
  EXPECT_EQ(ids(plain).size(), 40u);
  Reply huge = get("/api/v1/statuses/" + s(5) + "/favourited_by?limit=1000");
  ASSERT_EQ(huge.status, 200) << huge.body;
  EXPECT_EQ(ids(huge).size(), 80u);
  EXPECT_EQ(str(json(huge).at(0), "username"), "fan80");
  EXPECT_FALSE(link_url(huge, "next").empty()) << huge.header("link");
  EXPECT_EQ(ids(follow_link(huge, "next")).size(), 1u);
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + s(5))), "favourites_count"), 81);
}

TEST_F(PagingApi, FavouritesPagingUsesLikeTimesNotStatusIds) {
  User bob = register_user("bob");
  // Liked newest status first, oldest last: like order is the reverse of id order.
  for (int n = 5; n >= 1; --n) post("/api/v1/statuses/" + s(n) + "/favourite", {}, bob.token);
  Reply page1 = get("/api/v1/favourites?limit=2", bob.token);
  EXPECT_EQ(texts(page1), (Texts{"s1", "s2"}));
  Reply page2 = follow_link(page1, "next", bob.token);
  EXPECT_EQ(texts(page2), (Texts{"s3", "s4"}));
  Reply page3 = follow_link(page2, "next", bob.token);
  EXPECT_EQ(texts(page3), (Texts{"s5"}));
  Reply back = follow_link(page2, "prev", bob.token);
  EXPECT_EQ(texts(back), (Texts{"s1", "s2"}));
}

}  // namespace
}  // namespace kindred::testing
