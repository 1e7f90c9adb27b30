// POST /api/v1/statuses/:id/reblog, unreblog, GET reblogged_by, and reblogs in timelines and
// notifications, through the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;
using Strings = std::vector<std::string>;

class ReblogsApi : public ThreePeopleApi {
 protected:
  explicit ReblogsApi(ServerOptions options = {}) : ThreePeopleApi(options) {}
  void follow(const User& who, const User& target) {
    ASSERT_EQ(post("/api/v1/accounts/" + target.id + "/follow", {}, who.token).status, 200);
  }
  // Posts, then moves the clock so the next action is newer.
  std::string say(const User& who, std::string_view text, const boost::json::object& extra = {}) {
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    return id;
  }
  // Reblogs and returns the reblog's own id ("" on failure, with the reply recorded).
  std::string boost(const User& who, const std::string& id, const boost::json::object& body = {}) {
    auto r = post("/api/v1/statuses/" + id + "/reblog", body, who.token);
    clock().advance_ms(1000);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? str(json(r), "id") : "";
  }
  Ids home(const User& who, std::string_view query = "") {
    instance().feeds_for_test().wait_idle();
    auto r = get("/api/v1/timelines/home" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  // The id each status of a list shows: "<reblog id>><original id>" for reblogs, else its own.
  static Ids shown(const HttpClient::Reply& r) {
    Ids out;
    const boost::json::value list = json(r);
    for (const auto& s : list.as_array()) {
      const auto& inner = s.at("reblog");
      out.push_back(inner.is_null() ? str(s, "id") : str(s, "id") + ">" + str(inner, "id"));
    }
    return out;
  }
  Ids statuses(const User& of, std::string_view query = "") {
    auto r = get("/api/v1/accounts/" + of.id + "/statuses" + std::string(query));
    EXPECT_EQ(r.status, 200) << r.body;
    return shown(r);
  }
  Ids reblogged_by(const std::string& id, std::string_view query = "") {
    auto r = get("/api/v1/statuses/" + id + "/reblogged_by" + std::string(query));
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  int64_t reblogs_count(const std::string& id) {
    return num(json(get("/api/v1/statuses/" + id)), "reblogs_count");
  }
  bool reblogged(const std::string& id, const User& viewer) {
    return json(get("/api/v1/statuses/" + id, viewer.token)).at("reblogged").as_bool();
  }
  // (type, account username) of each notification, newest first.
  Strings kinds(const User& who, std::string_view query = "") {
    auto r = get("/api/v1/notifications" + std::string(query), who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    Strings out;
    const boost::json::value list = json(r);
    for (const auto& n : list.as_array())
      out.push_back(str(n, "type") + ":" + str(n.at("account"), "username"));
    return out;
  }
};

TEST_F(ReblogsApi, ReblogAndUnreblogKeepCountsAndTheViewersFlagExact) {
  const std::string photo = say(ann_, "the harbour at dawn");
  auto r = post("/api/v1/statuses/" + photo + "/reblog", {}, bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value wrapper = json(r);
  const std::string reblog_id = str(wrapper, "id");
  EXPECT_NE(reblog_id, photo);  // a status of its own
  EXPECT_EQ(str(wrapper, "content"), "");
  EXPECT_EQ(str(wrapper, "visibility"), "public");
  EXPECT_EQ(str(wrapper.at("account"), "username"), "bob");
  EXPECT_EQ(str(wrapper, "uri"),
            std::string(kBaseUrl) + "/users/bob/statuses/" + reblog_id + "/activity");
  EXPECT_EQ(num(wrapper, "reblogs_count"), 0);  // the reblog's own counts, as Mastodon's
  EXPECT_TRUE(wrapper.at("reblogged").as_bool());
  const auto& inner = wrapper.at("reblog");
  EXPECT_EQ(str(inner, "id"), photo);
  EXPECT_EQ(str(inner.at("account"), "username"), "ann");
  EXPECT_EQ(num(inner, "reblogs_count"), 1);
  EXPECT_TRUE(inner.at("reblogged").as_bool());
  EXPECT_TRUE(inner.at("reblog").is_null());

  EXPECT_EQ(reblogs_count(photo), 1);
  EXPECT_TRUE(reblogged(photo, bob_));
  EXPECT_FALSE(reblogged(photo, cat_));
  EXPECT_FALSE(json(get("/api/v1/statuses/" + photo)).as_object().contains("reblogged"));
  auto again = get("/api/v1/statuses/" + reblog_id, cat_.token);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(json(again).at("reblog"), "id"), photo);
  EXPECT_FALSE(json(again).at("reblogged").as_bool());  // cat did not reblog it

  boost(cat_, photo);
  EXPECT_EQ(reblogs_count(photo), 2);

  auto undone = post("/api/v1/statuses/" + photo + "/unreblog", {}, bob_.token);
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(str(json(undone), "id"), photo);
  EXPECT_FALSE(json(undone).at("reblogged").as_bool());
  EXPECT_EQ(num(json(undone), "reblogs_count"), 1);
  // Undoing again changes nothing.
  auto twice = post("/api/v1/statuses/" + photo + "/unreblog", {}, bob_.token);
  ASSERT_EQ(twice.status, 200) << twice.body;
  EXPECT_EQ(num(json(twice), "reblogs_count"), 1);
  EXPECT_FALSE(reblogged(photo, bob_));
  EXPECT_TRUE(reblogged(photo, cat_));
  EXPECT_EQ(get("/api/v1/statuses/" + reblog_id).status, 404);
  EXPECT_EQ(reblogged_by(photo), (Ids{cat_.id}));
}

TEST_F(ReblogsApi, ReblogTwiceReturnsTheFirstReblog) {
  const std::string photo = say(ann_, "one reblog each");
  const std::string first = boost(bob_, photo);
  const std::string second = boost(bob_, photo);
  EXPECT_EQ(second, first);
  EXPECT_EQ(reblogs_count(photo), 1);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + bob_.id)), "statuses_count"), 1);
  EXPECT_EQ(statuses(bob_), (Ids{first + ">" + photo}));
}

TEST_F(ReblogsApi, RebloggedByIsPagedNewestFirst) {
  const std::string photo = say(ann_, "popular");
  User dan = register_user("dan");
  boost(bob_, photo);
  boost(cat_, photo);
  boost(dan, photo);
  EXPECT_EQ(reblogged_by(photo), (Ids{dan.id, cat_.id, bob_.id}));
  auto page = get("/api/v1/statuses/" + photo + "/reblogged_by?limit=2");
  EXPECT_EQ(ids(page), (Ids{dan.id, cat_.id}));
  EXPECT_EQ(ids(follow_link(page, "next")), (Ids{bob_.id}));
  EXPECT_EQ(get("/api/v1/statuses/" + photo + "/reblogged_by?limit=x").status, 422);
  EXPECT_EQ(get("/api/v1/statuses/999999/reblogged_by").status, 404);
  const std::string secret = say(ann_, "followers only", {{"visibility", "private"}});
  EXPECT_EQ(get("/api/v1/statuses/" + secret + "/reblogged_by", cat_.token).status, 404);
}

TEST_F(ReblogsApi, ReblogOfAReblogReblogsTheOriginal) {
  const std::string photo = say(ann_, "passed along");
  const std::string bobs = boost(bob_, photo);
  auto r = post("/api/v1/statuses/" + bobs + "/reblog", {}, cat_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("reblog"), "id"), photo);
  EXPECT_EQ(reblogs_count(photo), 2);
  EXPECT_EQ(reblogs_count(bobs), 0);
  EXPECT_EQ(reblogged_by(photo), (Ids{cat_.id, bob_.id}));
  // Undoing through the reblog undoes the reblog of the original.
  ASSERT_EQ(post("/api/v1/statuses/" + bobs + "/unreblog", {}, cat_.token).status, 200);
  EXPECT_EQ(reblogged_by(photo), (Ids{bob_.id}));
}

TEST_F(ReblogsApi, OnlyPublicUnlistedAndOnesOwnFollowersOnlyPostsMayBeReblogged) {
  follow(bob_, ann_);
  const std::string secret = say(ann_, "followers only", {{"visibility", "private"}});
  const std::string dm = say(ann_, "@bob just us", {{"visibility", "direct"}});
  const std::string quiet = say(ann_, "unlisted", {{"visibility", "unlisted"}});
  auto refused = post("/api/v1/statuses/" + secret + "/reblog", {}, bob_.token);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(str(json(refused), "error"), "This action is not allowed");
  EXPECT_EQ(post("/api/v1/statuses/" + dm + "/reblog", {}, bob_.token).status, 403);
  EXPECT_EQ(post("/api/v1/statuses/" + dm + "/reblog", {}, ann_.token).status, 403);
  EXPECT_EQ(reblogs_count(quiet), 0);
  boost(bob_, quiet);
  EXPECT_EQ(reblogs_count(quiet), 1);

  // One's own followers-only post may be reblogged; the reblog stays followers-only.
  auto own = post("/api/v1/statuses/" + secret + "/reblog", {{"visibility", "public"}}, ann_.token);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(str(json(own), "visibility"), "private");
  EXPECT_EQ(kinds(ann_, "?types[]=reblog"), (Strings{"reblog:bob"}));  // not herself
  auto counted = get("/api/v1/statuses/" + secret, ann_.token);
  EXPECT_EQ(num(json(counted), "reblogs_count"), 1);
  EXPECT_EQ(get("/api/v1/statuses/" + str(json(own), "id"), cat_.token).status, 404);
}

TEST_F(ReblogsApi, UnknownInvisibleAndBlockedPostsAre404) {
  const std::string photo = say(ann_, "a photo");
  const std::string secret = say(ann_, "followers only", {{"visibility", "private"}});
  EXPECT_EQ(post("/api/v1/statuses/999999/reblog", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/abc/reblog", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/999999/unreblog", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/" + secret + "/reblog", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/" + photo + "/reblog", {}).status, 401);
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/block", {}, ann_.token).status, 200);
  EXPECT_EQ(post("/api/v1/statuses/" + photo + "/reblog", {}, bob_.token).status, 404);
  EXPECT_EQ(reblogs_count(photo), 0);
  EXPECT_EQ(statuses(bob_), (Ids{}));
}

TEST_F(ReblogsApi, BadVisibilityIsRefusedAndWritesNothing) {
  const std::string photo = say(ann_, "a photo");
  auto bad =
      post("/api/v1/statuses/" + photo + "/reblog", {{"visibility", "everyone"}}, bob_.token);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(
      post("/api/v1/statuses/" + photo + "/reblog", {{"visibility", "direct"}}, bob_.token).status,
      422);
  EXPECT_EQ(post("/api/v1/statuses/" + photo + "/reblog", {{"visibility", boost::json::array{}}},
                 bob_.token)
                .status,
            422);
  // A body that cannot be decoded at all is 400, as Rails answers it.
  EXPECT_EQ(http()
                .post_form("/api/v1/statuses/" + photo + "/reblog", "visibility=%zz", bob_.token)
                .status,
            400);
  EXPECT_EQ(reblogs_count(photo), 0);
  EXPECT_EQ(statuses(bob_), (Ids{}));
  EXPECT_EQ(kinds(ann_), (Strings{}));

  auto quiet =
      http().post_form("/api/v1/statuses/" + photo + "/reblog", "visibility=unlisted", bob_.token);
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  EXPECT_EQ(str(json(quiet), "visibility"), "unlisted");
}

TEST_F(ReblogsApi, ReblogsReachFollowersAndProfilesButNotPublicOrTagTimelines) {
  follow(cat_, bob_);
  const std::string photo = say(ann_, "the sea #blue");
  const std::string mine = say(bob_, "my own");
  const std::string reblog = boost(bob_, photo);
  EXPECT_EQ(home(cat_), (Ids{reblog, mine}));
  auto page = get("/api/v1/timelines/home", cat_.token);
  EXPECT_EQ(shown(page), (Ids{reblog + ">" + photo, mine}));
  EXPECT_EQ(home(bob_), (Ids{reblog, mine}));  // one's own reblogs too, as Mastodon

  EXPECT_EQ(ids(get("/api/v1/timelines/public")), (Ids{mine, photo}));
  EXPECT_EQ(ids(get("/api/v1/timelines/tag/blue")), (Ids{photo}));

  EXPECT_EQ(statuses(bob_), (Ids{reblog + ">" + photo, mine}));
  EXPECT_EQ(statuses(bob_, "?exclude_reblogs=true"), (Ids{mine}));
  EXPECT_EQ(statuses(bob_, "?exclude_replies=true"), (Ids{reblog + ">" + photo, mine}));
  EXPECT_EQ(statuses(bob_, "?only_media=true"), (Ids{}));
  EXPECT_EQ(get("/api/v1/accounts/" + bob_.id + "/statuses?exclude_reblogs=perhaps").status, 422);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + bob_.id)), "statuses_count"), 2);
  // Reblogs cannot be pinned, as on Mastodon.
  EXPECT_EQ(post("/api/v1/statuses/" + reblog + "/pin", {}, bob_.token).status, 422);
}

TEST_F(ReblogsApi, HomeShowsEachPostOnceAndNotOnesOwnPostsBack) {
  follow(cat_, ann_);
  follow(cat_, bob_);
  follow(ann_, bob_);
  const std::string photo = say(ann_, "worth sharing");
  const std::string reblog = boost(bob_, photo);
  // Cat follows both: the newest appearance of the post, once.
  EXPECT_EQ(home(cat_), (Ids{reblog}));
  // Ann wrote it: bob's reblog does not bring it back to her.
  EXPECT_EQ(home(ann_), (Ids{photo}));
  // A muted author's posts do not come in through reblogs.
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/mute", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/unfollow", {}, cat_.token).status, 200);
  EXPECT_EQ(home(cat_), (Ids{}));
}

TEST_F(ReblogsApi, DeletingTheOriginalTakesItsReblogsEverywhere) {
  follow(cat_, bob_);
  const std::string photo = say(ann_, "soon gone");
  const std::string reblog = boost(bob_, photo);
  EXPECT_EQ(home(cat_), (Ids{reblog}));
  EXPECT_EQ(kinds(ann_), (Strings{"reblog:bob"}));
  ASSERT_EQ(del("/api/v1/statuses/" + photo, ann_.token).status, 200);
  EXPECT_EQ(home(cat_), (Ids{}));
  EXPECT_EQ(home(bob_), (Ids{}));
  EXPECT_EQ(statuses(bob_), (Ids{}));
  EXPECT_EQ(get("/api/v1/statuses/" + reblog).status, 404);
  EXPECT_EQ(num(json(get("/api/v1/accounts/" + bob_.id)), "statuses_count"), 0);
  EXPECT_EQ(kinds(ann_), (Strings{}));
}

TEST_F(ReblogsApi, DeletingOnesReblogUndoesIt) {
  const std::string photo = say(ann_, "shared for a while");
  const std::string reblog = boost(bob_, photo);
  EXPECT_EQ(del("/api/v1/statuses/" + reblog, cat_.token).status, 404);  // not cat's
  EXPECT_EQ(del("/api/v1/statuses/" + reblog, ann_.token).status, 404);  // nor the author's
  auto r = del("/api/v1/statuses/" + reblog, bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), reblog);
  EXPECT_EQ(str(json(r).at("reblog"), "id"), photo);
  EXPECT_EQ(reblogs_count(photo), 0);
  EXPECT_FALSE(reblogged(photo, bob_));
  EXPECT_EQ(statuses(bob_), (Ids{}));
  EXPECT_EQ(del("/api/v1/statuses/" + reblog, bob_.token).status, 404);
  // And it can be reblogged anew.
  const std::string again = boost(bob_, photo);
  EXPECT_NE(again, reblog);
  EXPECT_EQ(reblogs_count(photo), 1);
}

TEST_F(ReblogsApi, TheAuthorIsNotifiedUntilTheReblogIsUndone) {
  const std::string photo = say(ann_, "notice me");
  boost(bob_, photo);
  boost(bob_, photo);  // once
  EXPECT_EQ(kinds(ann_), (Strings{"reblog:bob"}));
  auto list = json(get("/api/v1/notifications", ann_.token));
  EXPECT_EQ(str(list.as_array()[0].at("status"), "id"), photo);  // the post, not the reblog
  EXPECT_EQ(kinds(ann_, "?types[]=reblog"), (Strings{"reblog:bob"}));
  EXPECT_EQ(kinds(ann_, "?exclude_types[]=reblog"), (Strings{}));
  EXPECT_EQ(kinds(bob_), (Strings{}));

  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/unreblog", {}, bob_.token).status, 200);
  EXPECT_EQ(kinds(ann_), (Strings{}));
  // Reblogged again: one notification, the new one.
  boost(bob_, photo);
  EXPECT_EQ(kinds(ann_), (Strings{"reblog:bob"}));
  boost(cat_, photo);
  EXPECT_EQ(kinds(ann_), (Strings{"reblog:cat", "reblog:bob"}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/block", {}, ann_.token).status, 200);
  EXPECT_EQ(kinds(ann_), (Strings{"reblog:bob"}));
}

TEST_F(ReblogsApi, LikesAndBookmarksOfAReblogGoToTheOriginal) {
  const std::string photo = say(ann_, "liked through a reblog");
  const std::string reblog = boost(bob_, photo);
  auto liked = post("/api/v1/statuses/" + reblog + "/favourite", {}, cat_.token);
  ASSERT_EQ(liked.status, 200) << liked.body;
  EXPECT_EQ(str(json(liked), "id"), reblog);  // answered with the reblog, as Mastodon does
  EXPECT_TRUE(json(liked).at("favourited").as_bool());
  EXPECT_EQ(num(json(liked).at("reblog"), "favourites_count"), 1);
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + photo)), "favourites_count"), 1);
  ASSERT_EQ(post("/api/v1/statuses/" + reblog + "/bookmark", {}, cat_.token).status, 200);
  EXPECT_EQ(ids(get("/api/v1/bookmarks", cat_.token)), (Ids{photo}));
  ASSERT_EQ(post("/api/v1/statuses/" + reblog + "/unfavourite", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + reblog + "/unbookmark", {}, cat_.token).status, 200);
  EXPECT_EQ(num(json(get("/api/v1/statuses/" + photo)), "favourites_count"), 0);
  EXPECT_EQ(ids(get("/api/v1/bookmarks", cat_.token)), (Ids{}));
}

TEST_F(ReblogsApi, ConcurrentReblogsMakeOneReblogEachCountedExactly) {
  constexpr int kFans = 4;
  constexpr int kTries = 3;
  const std::string photo = say(ann_, "everyone at once");
  std::vector<User> fans;
  for (int i = 0; i < kFans; ++i) fans.push_back(register_user("fan" + std::to_string(i)));
  const std::string target = "/api/v1/statuses/" + photo + "/reblog";
  std::vector<HttpClient::Reply> replies(kFans * kTries);
  std::vector<std::thread> threads;
  // Every fan reblogs three times at once with everyone else: one reblog each, counted once.
  for (size_t i = 0; i < replies.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", instance().port());
      replies[i] = client.post_json(target, "{}", fans[i / kTries].token);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < replies.size(); ++i) {
    ASSERT_EQ(replies[i].status, 200) << replies[i].body;
    const std::string made = str(json(replies[i]), "id");
    EXPECT_EQ(statuses(fans[i / kTries]), (Ids{made + ">" + photo}));
  }
  EXPECT_EQ(reblogs_count(photo), kFans);
  EXPECT_EQ(reblogged_by(photo).size(), static_cast<size_t>(kFans));
  EXPECT_EQ(kinds(ann_, "?types[]=reblog").size(), static_cast<size_t>(kFans));
}

class LargeAccountReblogsApi : public ReblogsApi {
 protected:
  LargeAccountReblogsApi() : ReblogsApi({.large_account_followers = 1}) {}
};

TEST_F(LargeAccountReblogsApi, ReblogsOfLargeAccountsAreMergedWhenRead) {
  follow(ann_, bob_);
  follow(cat_, bob_);  // bob now has 2 followers: over the limit of 1
  const std::string photo = say(ann_, "shared by someone popular");
  const std::string reblog = boost(bob_, photo);
  EXPECT_EQ(home(cat_), (Ids{reblog}));
  EXPECT_EQ(home(ann_), (Ids{photo}));  // her own post does not come back
  ASSERT_EQ(post("/api/v1/statuses/" + photo + "/unreblog", {}, bob_.token).status, 200);
  EXPECT_EQ(home(cat_), (Ids{}));
}

}  // namespace
}  // namespace kindred::testing
