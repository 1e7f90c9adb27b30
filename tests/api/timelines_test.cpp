// Home, public and hashtag timelines, profile filters and pins, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;

class TimelinesApi : public ThreePeopleApi {
 protected:
  explicit TimelinesApi(ServerOptions options = {}) : ThreePeopleApi(options) {}
  void follow(const User& who, const User& target) {
    ASSERT_EQ(post("/api/v1/accounts/" + target.id + "/follow", {}, who.token).status, 200);
  }
  // Posts, then moves the clock so the next post is newer.
  std::string say(const User& who, std::string_view text, const boost::json::object& extra = {}) {
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    return id;
  }
  Ids home(const User& who, std::string_view query = "") {
    instance().feeds_for_test().wait_idle();
    auto r = get("/api/v1/timelines/home" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
};

TEST_F(TimelinesApi, HomeHasOwnPostsAndThoseOfFollowedAccountsNewestFirst) {
  follow(ann_, bob_);
  const std::string a1 = say(ann_, "mine");
  const std::string b1 = say(bob_, "bob's first");
  const std::string c1 = say(cat_, "cat's, not followed");
  const std::string b2 = say(bob_, "bob's second");
  EXPECT_EQ(home(ann_), (Ids{b2, b1, a1}));
  EXPECT_EQ(home(bob_), (Ids{b2, b1}));

  // Paging with Link headers.
  auto page = get("/api/v1/timelines/home?limit=2", ann_.token);
  EXPECT_EQ(ids(page), (Ids{b2, b1}));
  EXPECT_EQ(ids(follow_link(page, "next", ann_.token)), (Ids{a1}));
  EXPECT_EQ(home(ann_, "?min_id=" + a1), (Ids{b2, b1}));
  EXPECT_EQ(home(ann_, "?since_id=" + b1), (Ids{b2}));
  (void)c1;
}

// As on Mastodon, following someone brings their recent posts into the home feed at once (what
// the follower may see of them), and so does an accepted follow request.
TEST_F(TimelinesApi, FollowingBringsRecentPostsIntoTheHomeFeed) {
  const std::string b1 = say(bob_, "before the follow");
  const std::string b2 = say(bob_, "for followers", {{"visibility", "private"}});
  say(bob_, "@cat just for cat", {{"visibility", "direct"}});
  EXPECT_EQ(home(ann_), (Ids{}));
  follow(ann_, bob_);
  EXPECT_EQ(home(ann_), (Ids{b2, b1}));

  ASSERT_EQ(http().patch_form("/api/v1/accounts/update_credentials", "locked=true", cat_.token).status, 200);
  const std::string c1 = say(cat_, "a locked account's post", {{"visibility", "private"}});
  follow(ann_, cat_);  // a request only
  EXPECT_EQ(home(ann_), (Ids{b2, b1}));
  ASSERT_EQ(post("/api/v1/follow_requests/" + ann_.id + "/authorize", {}, cat_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1, b2, b1}));
  // Unfollowing takes them out again; following again brings them back.
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/unfollow", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1}));
  follow(ann_, bob_);
  EXPECT_EQ(home(ann_), (Ids{c1, b2, b1}));
}

TEST_F(TimelinesApi, UnfollowMuteBlockAndDeleteTakeEffectAtOnce) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string b1 = say(bob_, "bob");
  const std::string c1 = say(cat_, "cat");
  const std::string c2 = say(cat_, "cat again");
  EXPECT_EQ(home(ann_), (Ids{c2, c1, b1}));
  ASSERT_EQ(del("/api/v1/statuses/" + c2, cat_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1, b1}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/mute", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{b1}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/unmute", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1, b1}));
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/unfollow", {}, ann_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{c1}));
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, cat_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{}));
}

TEST_F(TimelinesApi, VisibilityDecidesWhoseHomeAPostReaches) {
  follow(bob_, ann_);
  const std::string pub = say(ann_, "public");
  const std::string priv = say(ann_, "followers only", {{"visibility", "private"}});
  const std::string dm = say(ann_, "@cat just you", {{"visibility", "direct"}});
  const std::string dm_bob = say(ann_, "@bob @cat just you two", {{"visibility", "direct"}});
  EXPECT_EQ(home(bob_), (Ids{dm_bob, priv, pub}));
  // As on Mastodon, a direct post reaches the home feeds of the mentioned who follow its author;
  // Cat, who does not, has it as a mention only.
  EXPECT_EQ(home(cat_), (Ids{}));
  EXPECT_EQ(get("/api/v1/statuses/" + dm, cat_.token).status, 200);
  EXPECT_EQ(home(ann_), (Ids{dm_bob, dm, priv, pub}));
  auto pub_tl = ids(get("/api/v1/timelines/public"));
  EXPECT_EQ(pub_tl, (Ids{pub}));
}

TEST_F(TimelinesApi, RepliesReachThoseWhoFollowBothPeople) {
  follow(cat_, bob_);
  follow(ann_, bob_);
  follow(ann_, cat_);
  const std::string root = say(bob_, "a question");
  const std::string reply = say(cat_, "@bob an answer", {{"in_reply_to_id", root}});
  EXPECT_EQ(home(ann_), (Ids{reply, root}));   // follows both
  // Bob, replied to, does not follow Cat: as on Mastodon, the reply is not in his home feed
  // (it reaches him as a mention).
  EXPECT_EQ(home(bob_), (Ids{root}));
  // Someone following only the replier does not see half a conversation.
  User dan = register_user("dan");
  follow(dan, cat_);
  const std::string reply2 = say(cat_, "@bob and more", {{"in_reply_to_id", root}});
  EXPECT_EQ(home(dan), (Ids{}));
  (void)reply2;
}

TEST_F(TimelinesApi, PublicAndTagTimelines) {
  const std::string a = say(ann_, "first light #Dawn");
  const std::string b = say(bob_, "the same #dawn, later");
  const std::string c = say(cat_, "unlisted #dawn", {{"visibility", "unlisted"}});
  const std::string r = say(cat_, "@ann reply", {{"in_reply_to_id", a}});
  EXPECT_EQ(ids(get("/api/v1/timelines/public")), (Ids{b, a}));
  EXPECT_EQ(ids(get("/api/v1/timelines/public?local=true")), (Ids{b, a}));
  EXPECT_EQ(ids(get("/api/v1/timelines/public?remote=true")), (Ids{}));
  EXPECT_EQ(ids(get("/api/v1/timelines/tag/dawn")), (Ids{b, a}));
  EXPECT_EQ(ids(get("/api/v1/timelines/tag/DAWN?limit=1")), (Ids{b}));
  EXPECT_EQ(ids(get("/api/v1/timelines/tag/dusk")), (Ids{}));
  EXPECT_EQ(get("/api/v1/timelines/public?limit=abc").status, 422);
  EXPECT_EQ(get("/api/v1/timelines/home").status, 401);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/mute", {}, bob_.token).status, 200);
  EXPECT_EQ(ids(get("/api/v1/timelines/public", bob_.token)), (Ids{b}));
  (void)c;
  (void)r;
}

TEST_F(TimelinesApi, ProfileFiltersAndPins) {
  const std::string top = say(ann_, "top level");
  const std::string reply = say(ann_, "@bob a reply", {{"in_reply_to_id", say(bob_, "hi")}});
  const std::string thread = say(ann_, "continuing my own thread", {{"in_reply_to_id", top}});
  const std::string base = "/api/v1/accounts/" + ann_.id + "/statuses";
  EXPECT_EQ(ids(get(base)), (Ids{thread, reply, top}));
  EXPECT_EQ(ids(get(base + "?exclude_replies=true")), (Ids{top}));
  EXPECT_EQ(ids(get(base + "?only_media=true")), (Ids{}));
  EXPECT_EQ(ids(get(base + "?pinned=true")), (Ids{}));

  auto pinned = post("/api/v1/statuses/" + top + "/pin", {}, ann_.token);
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_TRUE(json(pinned).at("pinned").as_bool());
  EXPECT_EQ(ids(get(base + "?pinned=true")), (Ids{top}));
  EXPECT_EQ(post("/api/v1/statuses/" + top + "/pin", {}, bob_.token).status, 404);
  std::vector<std::string> more;
  for (int i = 0; i < 4; ++i) {
    more.push_back(say(ann_, "post " + std::to_string(i)));
    ASSERT_EQ(post("/api/v1/statuses/" + more.back() + "/pin", {}, ann_.token).status, 200);
  }
  auto sixth = post("/api/v1/statuses/" + reply + "/pin", {}, ann_.token);
  EXPECT_EQ(sixth.status, 422) << sixth.body;
  const std::string dm = say(ann_, "@bob secret", {{"visibility", "direct"}});
  ASSERT_EQ(post("/api/v1/statuses/" + top + "/unpin", {}, ann_.token).status, 200);
  EXPECT_EQ(post("/api/v1/statuses/" + dm + "/pin", {}, ann_.token).status, 422);
  EXPECT_EQ(ids(get(base + "?pinned=true")).size(), 4u);
  EXPECT_EQ(get(base + "?only_media=maybe").status, 422);
}

class LargeAccountsApi : public TimelinesApi {
 protected:
  LargeAccountsApi() : TimelinesApi({.large_account_followers = 2}) {}
};

TEST_F(LargeAccountsApi, PostsOfLargeAccountsAreMergedWhenRead) {
  User dan = register_user("dan");
  follow(ann_, bob_);
  follow(cat_, bob_);
  follow(dan, bob_);  // bob now has 3 followers: over the limit of 2
  follow(ann_, cat_);
  const std::string b1 = say(bob_, "to my many followers");
  const std::string c1 = say(cat_, "an ordinary post");
  const std::string b2 = say(bob_, "again");
  EXPECT_EQ(home(ann_), (Ids{b2, c1, b1}));
  EXPECT_EQ(home(dan), (Ids{b2, b1}));
  EXPECT_EQ(home(ann_, "?limit=1"), (Ids{b2}));
  EXPECT_EQ(home(ann_, "?max_id=" + b2 + "&limit=1"), (Ids{c1}));
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/unfollow", {}, dan.token).status, 200);
  EXPECT_EQ(home(dan), (Ids{}));
}

// A home page reads a large account's list only when its newest post can make the page; the
// lists known in memory must follow new posts, deletions, paging both ways and accounts that
// become large after the first read.
TEST_F(LargeAccountsApi, LargeAccountsPostsAreFoundWhateverThePageAndCursor) {
  User dan = register_user("dan");
  follow(ann_, bob_);
  EXPECT_EQ(home(ann_), (Ids{}));  // read before bob is large
  follow(cat_, bob_);
  follow(dan, bob_);
  follow(ann_, cat_);
  const std::string b1 = say(bob_, "b1");
  std::vector<std::string> c;
  for (int i = 1; i <= 5; ++i) c.push_back(say(cat_, "c" + std::to_string(i)));
  const std::string b2 = say(bob_, "b2");
  c.push_back(say(cat_, "c6"));
  c.push_back(say(cat_, "c7"));
  EXPECT_EQ(home(ann_, "?limit=3"), (Ids{c[6], c[5], b2}));
  EXPECT_EQ(home(ann_, "?limit=3&max_id=" + b2), (Ids{c[4], c[3], c[2]}));
  EXPECT_EQ(home(ann_, "?limit=3&max_id=" + c[2]), (Ids{c[1], c[0], b1}));
  EXPECT_EQ(home(ann_, "?limit=2&min_id=" + c[4]), (Ids{c[5], b2}));
  EXPECT_EQ(home(ann_, "?limit=2&min_id=" + c[5]), (Ids{c[6]}));
  const std::string b3 = say(bob_, "b3, after the lists were read");
  EXPECT_EQ(home(ann_, "?limit=1"), (Ids{b3}));
  EXPECT_EQ(home(ann_, "?limit=2&min_id=" + c[6]), (Ids{b3}));
  ASSERT_EQ(del("/api/v1/statuses/" + b3, bob_.token).status, 200);
  EXPECT_EQ(home(ann_, "?limit=2"), (Ids{c[6], c[5]}));
  EXPECT_EQ(home(dan, "?limit=5"), (Ids{b2, b1}));
}

}  // namespace
}  // namespace kindred::testing
