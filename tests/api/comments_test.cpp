// Kindred's comment order (GET /api/v1/kindred/statuses/:id/comments), comment pins
// (POST .../comment_pin, comment_unpin) and the verified mark (`kindred admin verify`), through the
// real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "app/admin.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;

class CommentsApi : public ThreePeopleApi {
 protected:
  explicit CommentsApi(ServerOptions options = {}) : ThreePeopleApi(options) {}

  // A direct reply to `post_id` by `who`; the clock moves on so the next one is newer.
  std::string comment(const User& who, const std::string& post_id, std::string_view text,
                      boost::json::object extra = {}) {
    extra["in_reply_to_id"] = post_id;
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    return id;
  }
  void like(const User& who, const std::string& id) {
    ASSERT_EQ(post("/api/v1/statuses/" + id + "/favourite", {}, who.token).status, 200);
  }
  void follow(const User& who, const User& target) {
    ASSERT_EQ(post("/api/v1/accounts/" + target.id + "/follow", {}, who.token).status, 200);
  }
  Reply pin(const std::string& id, const User& who) {
    return post("/api/v1/kindred/statuses/" + id + "/comment_pin", {}, who.token);
  }
  Reply unpin(const std::string& id, const User& who) {
    return post("/api/v1/kindred/statuses/" + id + "/comment_unpin", {}, who.token);
  }
  Reply comments(const std::string& post_id, std::string_view query = "",
                 std::string_view token = "") {
    return get("/api/v1/kindred/statuses/" + post_id + "/comments" + std::string(query), token);
  }
  // The ids of one page, expecting 200.
  Ids comment_ids(const std::string& post_id, std::string_view query = "",
                  std::string_view token = "") {
    Reply r = comments(post_id, query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  // Every page from the first, following rel="next"; fails on a page seen twice or a runaway.
  Ids all_pages(const std::string& post_id, std::string_view query, std::string_view token = "") {
    Ids out;
    Reply r = comments(post_id, query, token);
    for (int pages = 0; pages < 200; ++pages) {
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return out;
      for (auto& id : ids(r)) out.push_back(id);
      if (link_url(r, "next").empty()) return out;
      r = follow_link(r, "next", token);
    }
    ADD_FAILURE() << "more than 200 pages";
    return out;
  }
  // Sets (or clears) `who`'s verified mark with the admin command, the server stopped meanwhile.
  void verify(const User& who, bool on = true) {
    int rc = -1;
    restart([&] {
      app::VerifyConfig c;
      c.data_dir = data_dir().string();
      c.username = who.username;
      c.off = !on;
      rc = app::verify(c);
    });
    ASSERT_EQ(rc, 0);
  }
  // Whether a status object carries kindred.comment_pinned: true.
  static bool comment_pinned(const boost::json::value& status) {
    const auto* k = status.as_object().if_contains("kindred");
    return k && k->is_object() && k->as_object().contains("comment_pinned") &&
           k->at("comment_pinned").as_bool();
  }
};

// Every group of the top order, each in its place, as a follower of one commenter sees it and as
// a signed-out reader (who follows nobody) sees it.
TEST_F(CommentsApi, TopOrderIsPinsAuthorFollowedVerifiedThenRestByLikesAndRecency) {
  const User dan = register_user("dan");  // verified
  const User eve = register_user("eve");
  const User fay = register_user("fay");  // bob follows her
  verify(dan);
  follow(bob_, fay);
  const std::string p = post_status(ann_, "a photo of the sea");
  const std::string c1 = comment(cat_, p, "first!");
  const std::string c2 = comment(eve, p, "lovely");
  const std::string c3 = comment(dan, p, "a verified word");
  const std::string c4 = comment(ann_, p, "thanks all");
  const std::string c5 = comment(fay, p, "from a friend");
  const std::string c6 = comment(cat_, p, "second thought");
  const std::string c7 = comment(eve, p, "pinned second");
  const std::string c8 = comment(cat_, p, "pinned first");
  const std::string c9 = comment(ann_, p, "more from the author");
  const std::string c10 = comment(eve, p, "lovely again");
  for (const auto& [who, id] : std::vector<std::pair<User, std::string>>{
           {bob_, c2}, {cat_, c2}, {bob_, c10}, {cat_, c10}, {cat_, c5}, {bob_, c7}, {bob_, c9}})
    like(who, id);
  ASSERT_EQ(pin(c8, ann_).status, 200);
  ASSERT_EQ(pin(c7, ann_).status, 200);

  Reply r = comments(p, "", bob_.token);  // order=top is the default
  ASSERT_EQ(r.status, 200) << r.body;
  //               pins      author    followed verified rest: 2 likes newer first, then 0 likes
  EXPECT_EQ(ids(r), (Ids{c8, c7, c9, c4, c5, c3, c10, c2, c6, c1}));
  EXPECT_FALSE(r.has_header("link"));  // one page holds them all
  const boost::json::value body = json(r);
  const auto& items = body.as_array();
  ASSERT_EQ(items.size(), 10u);
  EXPECT_TRUE(comment_pinned(items[0]));
  EXPECT_TRUE(comment_pinned(items[1]));
  for (size_t i = 2; i < items.size(); ++i)
    EXPECT_FALSE(items[i].as_object().contains("kindred")) << str(items[i], "id");
  EXPECT_TRUE(items[5].at("account").at("kindred").at("verified").as_bool());  // dan
  EXPECT_FALSE(items[4].at("account").at("kindred").at("verified").as_bool());
  EXPECT_EQ(str(items[0], "in_reply_to_id"), p);
  EXPECT_EQ(num(items[6], "favourites_count"), 2);

  // Signed out nobody is followed: fay's comment (1 like) goes among the rest.
  EXPECT_EQ(comment_ids(p, "?order=top"), (Ids{c8, c7, c9, c4, c3, c10, c2, c5, c6, c1}));
}

// A status's context marks pins and the viewer's likes reply by reply, on two levels of a thread:
// the post's author pins one of its comments, a commenter pins a reply to theirs.
TEST_F(CommentsApi, ContextMarksPinsAndTheViewersLikesOfEachReply) {
  const std::string p = post_status(ann_, "one year on");
  const std::string c1 = comment(bob_, p, "thinking of you");
  const std::string c2 = comment(cat_, p, "sending love");
  const std::string r1 = comment(ann_, c1, "thank you");
  const std::string r2 = comment(cat_, c1, "same here");
  ASSERT_EQ(pin(c2, ann_).status, 200);
  ASSERT_EQ(pin(r2, bob_).status, 200);
  // Liked replies after unliked ones in the thread's order (c1, r1, r2, c2), so that a view
  // given another reply's flag shows.
  like(cat_, c2);
  like(cat_, r1);
  like(bob_, r1);
  like(bob_, r2);

  Reply r = get("/api/v1/statuses/" + p + "/context", cat_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value body = json(r);
  const auto& d = body.at("descendants").as_array();
  std::map<std::string, const boost::json::value*> by_id;
  for (const auto& s : d) by_id[str(s, "id")] = &s;
  ASSERT_EQ(by_id.size(), 4u) << r.body;
  EXPECT_FALSE(comment_pinned(*by_id[c1]));
  EXPECT_TRUE(comment_pinned(*by_id[c2]));
  EXPECT_FALSE(comment_pinned(*by_id[r1]));
  EXPECT_TRUE(comment_pinned(*by_id[r2]));
  EXPECT_FALSE(by_id[c1]->at("favourited").as_bool());  // cat liked r1 and c2
  EXPECT_TRUE(by_id[c2]->at("favourited").as_bool());
  EXPECT_TRUE(by_id[r1]->at("favourited").as_bool());
  EXPECT_FALSE(by_id[r2]->at("favourited").as_bool());
  EXPECT_EQ(num(*by_id[r1], "favourites_count"), 2);

  // bob liked r1 and r2; and after he unpins r2, nobody's context shows it pinned.
  ASSERT_EQ(unpin(r2, bob_).status, 200);
  r = get("/api/v1/statuses/" + p + "/context", bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value after = json(r);
  for (const auto& s : after.at("descendants").as_array()) {
    EXPECT_EQ(s.at("favourited").as_bool(), str(s, "id") == r1 || str(s, "id") == r2)
        << str(s, "id");
    EXPECT_EQ(comment_pinned(s), str(s, "id") == c2) << str(s, "id");
  }
}

TEST_F(CommentsApi, RecentOrderIsNewestFirstWithPinsInPlace) {
  const std::string p = post_status(ann_, "sunset");
  const std::string c1 = comment(bob_, p, "one");
  const std::string c2 = comment(cat_, p, "two");
  const std::string c3 = comment(ann_, p, "three");
  like(bob_, c1);
  ASSERT_EQ(pin(c1, ann_).status, 200);
  Reply r = comments(p, "?order=recent", cat_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (Ids{c3, c2, c1}));
  EXPECT_TRUE(comment_pinned(json(r).at(2)));
  // Replies to the comments are not comments of the post.
  comment(cat_, c1, "a reply to a comment");
  EXPECT_EQ(comment_ids(p, "?order=recent"), (Ids{c3, c2, c1}));
}

// A mixed thread: pins, author, followed, verified and the rest with ties on likes. Any page
// size gives every comment once, in the order of one big page, across every group boundary.
TEST_F(CommentsApi, PagingReturnsEveryCommentOnceInTheOrderOfOneBigPage) {
  const User dan = register_user("dan");
  verify(dan);
  follow(bob_, cat_);
  const std::string p = post_status(ann_, "many comments");
  std::vector<std::string> all;
  const User* writers[] = {&bob_, &cat_, &dan, &ann_};
  for (int i = 0; i < 17; ++i) {
    all.push_back(comment(*writers[i % 4], p, "comment " + std::to_string(i)));
    if (i % 3 == 0) like(bob_, all.back());
    if (i % 5 == 0) like(cat_, all.back());
  }
  ASSERT_EQ(pin(all[4], ann_).status, 200);
  ASSERT_EQ(pin(all[11], ann_).status, 200);

  for (std::string order : {"top", "recent"}) {
    const Ids big = comment_ids(p, "?limit=40&order=" + order, bob_.token);
    ASSERT_EQ(big.size(), all.size()) << order;
    for (int limit : {1, 2, 3, 5, 16, 17}) {
      EXPECT_EQ(all_pages(p, "?order=" + order + "&limit=" + std::to_string(limit), bob_.token),
                big)
          << order << " limit " << limit;
    }
  }
  Reply first = comments(p, "?limit=5");
  const std::string next = link_url(first, "next");
  EXPECT_EQ(next.rfind(std::string(kBaseUrl) + "/api/v1/kindred/statuses/" + p +
                           "/comments?order=top&limit=5&cursor=",
                       0),
            0u)
      << next;
  // limit is clamped as Mastodon clamps it.
  EXPECT_EQ(comment_ids(p, "?limit=0").size(), 1u);
  EXPECT_EQ(comment_ids(p, "?limit=1000").size(), all.size());
}

// With a ranked window of 4, the 4 newest replies are ranked and the older ones follow, newest
// first; a pin older than the window stays on top and is not repeated.
class SmallRankedWindow : public CommentsApi {
 protected:
  SmallRankedWindow() : CommentsApi({.comments_ranked_limit = 4}) {}
};

TEST_F(SmallRankedWindow, OlderRepliesFollowTheRankedOnesNewestFirst) {
  const std::string p = post_status(ann_, "big thread");
  std::vector<std::string> c;
  for (int i = 0; i < 10; ++i)
    c.push_back(comment(i % 2 ? bob_ : cat_, p, "c" + std::to_string(i)));
  like(bob_, c[7]);
  like(bob_, c[0]);  // liked, but outside the window: not ranked
  ASSERT_EQ(pin(c[1], ann_).status, 200);
  const Ids expected{c[1], c[7], c[9], c[8], c[6], c[5], c[4], c[3], c[2], c[0]};
  EXPECT_EQ(comment_ids(p, "?limit=40"), expected);
  for (int limit : {1, 2, 3, 4, 6})
    EXPECT_EQ(all_pages(p, "?limit=" + std::to_string(limit)), expected) << "limit " << limit;
  // A page taken before newer comments arrive goes on in the same frame: the newcomer waits for a
  // fresh first page instead of pushing a ranked comment into the older ones twice.
  Reply first = comments(p, "?limit=3");
  EXPECT_EQ(ids(first), (Ids{c[1], c[7], c[9]}));
  const std::string late = comment(bob_, p, "late");
  Ids rest;
  Reply r = follow_link(first, "next");
  for (int pages = 0; pages < 20 && r.status == 200; ++pages) {
    for (auto& id : ids(r)) rest.push_back(id);
    if (link_url(r, "next").empty()) break;
    r = follow_link(r, "next");
  }
  EXPECT_EQ(rest, (Ids{c[8], c[6], c[5], c[4], c[3], c[2], c[0]}));
  EXPECT_EQ(comment_ids(p, "?limit=3"), (Ids{c[1], c[7], late}));
}

TEST_F(CommentsApi, APostAuthorPinsAtMostThreeComments) {
  const std::string p = post_status(ann_, "pins");
  Ids c;
  for (int i = 0; i < 4; ++i) c.push_back(comment(bob_, p, "c" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) {
    Reply r = pin(c[i], ann_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json(r), "id"), c[i]);
    EXPECT_TRUE(comment_pinned(json(r)));
  }
  EXPECT_EQ(pin(c[0], ann_).status, 200);  // again: idempotent, not a fourth
  Reply fourth = pin(c[3], ann_);
  EXPECT_EQ(fourth.status, 422);
  EXPECT_EQ(str(json(fourth), "error"),
            "Validation failed: A post can have at most 3 pinned comments");
  EXPECT_FALSE(comment_pinned(json(get("/api/v1/statuses/" + c[3], ann_.token))));
  // Pins show first, in the order they were pinned.
  EXPECT_EQ(comment_ids(p), (Ids{c[0], c[1], c[2], c[3]}));
}

TEST_F(CommentsApi, OnlyThePostAuthorMayPinItsComments) {
  const std::string p = post_status(ann_, "mine");
  const std::string c = comment(bob_, p, "bob's");
  for (const User* who : {&bob_, &cat_}) {
    Reply r = pin(c, *who);
    EXPECT_EQ(r.status, 403) << who->username;
    EXPECT_EQ(str(json(r), "error"), "Only the author of a post can pin its comments");
    EXPECT_EQ(unpin(c, *who).status, 403);
  }
  EXPECT_EQ(pin(c, User{}).status, 401);
  EXPECT_FALSE(comment_pinned(json(get("/api/v1/statuses/" + c))));
}

TEST_F(CommentsApi, PinningAStatusThatIsNotAReplyIs422) {
  const std::string p = post_status(ann_, "top level");
  Reply r = pin(p, ann_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(str(json(r), "error"),
            "Validation failed: Only comments (replies to a post) can be pinned");
  EXPECT_EQ(unpin(p, ann_).status, 422);
}

TEST_F(CommentsApi, UnpinTakesTheCommentOffTheTop) {
  const std::string p = post_status(ann_, "post");
  const std::string c1 = comment(bob_, p, "old");
  const std::string c2 = comment(bob_, p, "new");
  ASSERT_EQ(pin(c1, ann_).status, 200);
  EXPECT_EQ(comment_ids(p), (Ids{c1, c2}));
  for (int i = 0; i < 2; ++i) {  // idempotent
    Reply r = unpin(c1, ann_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(json(r).as_object().contains("kindred"));
  }
  EXPECT_EQ(comment_ids(p), (Ids{c2, c1}));
  EXPECT_FALSE(comment_pinned(json(get("/api/v1/statuses/" + c1))));
}

TEST_F(CommentsApi, UnknownStatusIs404) {
  EXPECT_EQ(comments("999999").status, 404);
  EXPECT_EQ(comments("not-an-id").status, 404);
  EXPECT_EQ(pin("999999", ann_).status, 404);
  EXPECT_EQ(unpin("999999", ann_).status, 404);
  // A comment whose post was deleted has no post to be pinned to.
  const std::string p = post_status(ann_, "soon gone");
  const std::string c = comment(bob_, p, "stays");
  ASSERT_EQ(del("/api/v1/statuses/" + p, ann_.token).status, 200);
  EXPECT_EQ(pin(c, ann_).status, 404);
  EXPECT_EQ(comments(p).status, 404);
}

TEST_F(CommentsApi, PrivatePostsAndCommentsAreHiddenFromStrangers) {
  follow(bob_, ann_);
  const std::string secret = post_status(ann_, "followers only", {{"visibility", "private"}});
  const std::string c = comment(ann_, secret, "me too", {{"visibility", "private"}});
  EXPECT_EQ(comments(secret, "", cat_.token).status, 404);
  EXPECT_EQ(comments(secret).status, 404);
  EXPECT_EQ(comment_ids(secret, "", bob_.token), (Ids{c}));
  EXPECT_EQ(pin(c, cat_).status, 404);

  // A followers-only comment on a public post is seen by the post's author (it mentions them)
  // and the commenter's followers, not by strangers.
  const std::string open = post_status(ann_, "public");
  const std::string hidden = comment(cat_, open, "for my followers", {{"visibility", "private"}});
  const std::string shown = comment(bob_, open, "for everyone");
  EXPECT_EQ(comment_ids(open, "", bob_.token), (Ids{shown}));
  EXPECT_EQ(comment_ids(open, "?order=recent"), (Ids{shown}));
  EXPECT_EQ(comment_ids(open, "?order=recent", ann_.token), (Ids{shown, hidden}));
}

TEST_F(CommentsApi, BlocksHideCommentsBothWays) {
  const std::string p = post_status(ann_, "post");
  const std::string by_bob = comment(bob_, p, "bob");
  const std::string by_cat = comment(cat_, p, "cat");
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/block", {}, ann_.token).status, 200);
  // The post's author blocks cat: cat sees neither the post nor its comments.
  EXPECT_EQ(comments(p, "", cat_.token).status, 404);
  EXPECT_EQ(comments(p, "?order=recent", cat_.token).status, 404);
  // bob blocks cat: cat's comment is gone for bob; others still see both.
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/block", {}, bob_.token).status, 200);
  EXPECT_EQ(comment_ids(p, "", bob_.token), (Ids{by_bob}));
  EXPECT_EQ(comment_ids(p, "?order=recent", bob_.token), (Ids{by_bob}));
  EXPECT_EQ(comment_ids(p), (Ids{by_cat, by_bob}));
}

TEST_F(CommentsApi, InvalidOrderIs422) {
  const std::string p = post_status(ann_, "post");
  for (std::string q : {"?order=best", "?order=", "?order=TOP"}) {
    Reply r = comments(p, q);
    EXPECT_EQ(r.status, 422) << q;
    EXPECT_EQ(str(json(r), "error"), "Validation failed: order must be top or recent") << q;
  }
  EXPECT_EQ(comments(p, "?limit=-1").status, 422);
  EXPECT_EQ(comments(p, "?limit=ten").status, 422);
}

// A cursor that does not parse is a present but invalid parameter: 422, as every validation
// failure here (Mastodon keeps 400 for a missing required parameter).
TEST_F(CommentsApi, BadCursorIs422) {
  const std::string p = post_status(ann_, "post");
  const std::string other = post_status(ann_, "another");
  for (int i = 0; i < 3; ++i) {
    comment(bob_, p, "c" + std::to_string(i));
    comment(bob_, other, "o" + std::to_string(i));
  }
  for (const std::string& cursor : Ids{"garbage", "%2F%2F%2F", "AAAA", std::string(300, 'A')}) {
    Reply r = comments(p, "?cursor=" + cursor);
    EXPECT_EQ(r.status, 422) << cursor;
    EXPECT_EQ(str(json(r), "error"), "Validation failed: cursor is not one this server gave out");
  }
  const std::string top_next = link_url(comments(other, "?limit=1"), "next");
  const std::string cursor = top_next.substr(top_next.find("cursor=") + 7);
  ASSERT_FALSE(cursor.empty());
  EXPECT_EQ(comments(other, "?limit=1&cursor=" + cursor).status, 200);
  Reply wrong_post = comments(p, "?limit=1&cursor=" + cursor);
  EXPECT_EQ(wrong_post.status, 422);
  EXPECT_EQ(str(json(wrong_post), "error"),
            "Validation failed: cursor belongs to another post or order");
  EXPECT_EQ(comments(other, "?order=recent&limit=1&cursor=" + cursor).status, 422);
  // Flipping a character makes a cursor that may still decode but must never break the server.
  std::string flipped = cursor;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  const int status = comments(other, "?limit=1&cursor=" + flipped).status;
  EXPECT_TRUE(status == 200 || status == 422) << status;
}

TEST_F(CommentsApi, DeletedCommentDisappearsAndFreesItsPin) {
  const std::string p = post_status(ann_, "post");
  Ids c;
  for (int i = 0; i < 4; ++i) c.push_back(comment(bob_, p, "c" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(pin(c[i], ann_).status, 200);
  ASSERT_EQ(del("/api/v1/statuses/" + c[1], bob_.token).status, 200);
  EXPECT_EQ(comment_ids(p), (Ids{c[0], c[2], c[3]}));
  EXPECT_EQ(comment_ids(p, "?order=recent"), (Ids{c[3], c[2], c[0]}));
  EXPECT_EQ(pin(c[3], ann_).status, 200);  // the deleted one's pin was freed
  EXPECT_EQ(comment_ids(p), (Ids{c[0], c[2], c[3]}));
  EXPECT_EQ(pin(c[1], ann_).status, 404);
}

TEST_F(CommentsApi, VerifyAdminCommandSetsAndClearsTheMark) {
  auto verified = [&](const User& who) {
    Reply r = get("/api/v1/accounts/" + who.id);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).at("kindred").at("verified").as_bool();
  };
  EXPECT_FALSE(verified(bob_));
  verify(bob_);
  EXPECT_TRUE(verified(bob_));
  EXPECT_FALSE(verified(cat_));
  EXPECT_TRUE(me(bob_).at("kindred").at("verified").as_bool());
  verify(bob_);  // idempotent
  EXPECT_TRUE(verified(bob_));
  verify(bob_, false);
  EXPECT_FALSE(verified(bob_));

  // Bad input changes nothing: an unknown account, a malformed name, a missing store.
  int unknown = -1, malformed = -1, missing = -1;
  const std::filesystem::path nowhere = data_dir() / "nowhere";
  restart([&] {
    app::VerifyConfig c;
    c.data_dir = data_dir().string();
    c.username = "nobody";
    unknown = app::verify(c);
    c.username = "bad name!";
    malformed = app::verify(c);
    c.data_dir = nowhere.string();
    c.username = "bob";
    missing = app::verify(c);
  });
  EXPECT_EQ(unknown, 1);
  EXPECT_EQ(malformed, 1);
  EXPECT_EQ(missing, 1);
  EXPECT_FALSE(std::filesystem::exists(nowhere));
  EXPECT_FALSE(verified(bob_));
  // While the server runs the store is locked: the command says so and changes nothing.
  app::VerifyConfig c;
  c.data_dir = data_dir().string();
  c.username = "cat";
  EXPECT_EQ(app::verify(c), 1);
  EXPECT_FALSE(verified(cat_));
}

// As Mastodon's StatusFilter in threads: the comments of accounts the reader mutes are left out
// of the thread and the comments list (not of a direct link), while the mute lasts.
TEST_F(CommentsApi, MutedAccountsCommentsAreLeftOutOfThreadsAndCommentLists) {
  const std::string post_id = post_status(ann_, "a post");
  const std::string bobs = comment(bob_, post_id, "from bob");
  const std::string cats = comment(cat_, post_id, "from cat");
  auto thread = [&](const User& who) {
    Reply r = get("/api/v1/statuses/" + post_id + "/context", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(json(r).as_object()["descendants"]);
  };
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/mute", {}, ann_.token).status, 200);
  EXPECT_EQ(thread(ann_), (Ids{cats}));
  EXPECT_EQ(comment_ids(post_id, "?order=recent", ann_.token), (Ids{cats}));
  EXPECT_EQ(comment_ids(post_id, "?order=top", ann_.token), (Ids{cats}));
  // Paging one at a time walks past the muted comment without losing the others.
  EXPECT_EQ(all_pages(post_id, "?order=recent&limit=1", ann_.token), (Ids{cats}));
  EXPECT_EQ(get("/api/v1/statuses/" + bobs, ann_.token).status, 200);
  // Others, and bob himself, see both.
  EXPECT_EQ(thread(cat_).size(), 2u);
  EXPECT_EQ(thread(bob_).size(), 2u);
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/unmute", {}, ann_.token).status, 200);
  EXPECT_EQ(thread(ann_).size(), 2u);
  // A timed mute hides them until it runs out.
  ASSERT_EQ(post("/api/v1/accounts/" + bob_.id + "/mute", {{"duration", 60}}, ann_.token).status, 200);
  EXPECT_EQ(thread(ann_), (Ids{cats}));
  clock().advance_ms(61'000);
  EXPECT_EQ(thread(ann_).size(), 2u);
}


}  // namespace
}  // namespace kindred::testing
