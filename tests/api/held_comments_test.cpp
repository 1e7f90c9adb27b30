// Held comments through the real server: hidden words (PUT /api/v1/kindred/hidden_words),
// Limits (/api/v1/kindred/limits), Restrict (/api/v1/kindred/accounts/:id/restrict), the
// author hiding a comment, and the review (GET /api/v1/kindred/held_comments, POST
// /api/v1/kindred/comments/:id/approve). A held comment shows to its writer only, everywhere.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Ids = std::vector<std::string>;
constexpr int64_t kDayMs = 24 * 60 * 60 * 1000LL;

class HeldCommentsApi : public ThreePeopleApi {
 protected:
  void SetUp() override {
    ThreePeopleApi::SetUp();
    if (HasFatalFailure()) return;
    post_id_ = post_status(ann_, "One year ago today we said hello and goodbye to our daughter.");
  }
  Reply put_json(std::string_view path, const boost::json::object& body, const User& who) {
    return request("PUT", path, boost::json::serialize(body), {{"Content-Type", "application/json"}},
                   who.token);
  }
  Reply set_words(const boost::json::object& body, const User& who) {
    return put_json("/api/v1/kindred/hidden_words", body, who);
  }
  // A comment on ann's post (or `to`) by `who`; returns its id. Its writer is never told
  // whether it is held.
  std::string comment(const User& who, std::string_view text, std::string to = "") {
    Reply r = post("/api/v1/statuses",
                   {{"status", text}, {"in_reply_to_id", to.empty() ? post_id_ : to}}, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    clock().advance_ms(1000);
    EXPECT_EQ(hold_in(json(r)), "") << "the writer's view says nothing of a hold";
    return str(json(r), "id");
  }
  // kindred.hold of a status object, or "" when there is none.
  static std::string hold_in(const boost::json::value& status) {
    if (!status.is_object()) return "";
    const auto* k = status.as_object().if_contains("kindred");
    if (!k || !k->is_object()) return "";
    return str(*k, "hold");
  }
  // Why `id` is held, as the post's author `author` reviews it; "" when it is not held.
  std::string hold(const std::string& id, const User* author = nullptr) {
    Reply r = get("/api/v1/kindred/held_comments?limit=40", (author ? *author : ann_).token);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = json(r);
    for (const auto& s : body.as_array())
      if (str(s, "id") == id) {
        EXPECT_NE(hold_in(s), "");
        return hold_in(s);
      }
    return "";
  }
  int status_code(const std::string& id, std::string_view token) {
    return get("/api/v1/statuses/" + id, token).status;
  }
  Ids descendants(std::string_view token) {
    Reply r = get("/api/v1/statuses/" + post_id_ + "/context", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(json(r).as_object()["descendants"]);
  }
  Ids comment_list(std::string_view token) {
    Reply r = get("/api/v1/kindred/statuses/" + post_id_ + "/comments", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  int64_t replies_count(std::string_view token) {
    Reply r = get("/api/v1/statuses/" + post_id_, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return num(json(r), "replies_count");
  }
  Ids held(std::string_view query = "") {
    Reply r = get("/api/v1/kindred/held_comments" + std::string(query), ann_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  }
  // Mention notifications of ann's, by status id.
  Ids mentions_of_ann() {
    Reply r = get("/api/v1/notifications?types[]=mention", ann_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    Ids out;
    const auto body = json(r);
    for (const auto& n : body.as_array()) out.push_back(str(n.as_object().at("status"), "id"));
    return out;
  }
  Reply approve(const std::string& id, const User& who) {
    return post("/api/v1/kindred/comments/" + id + "/approve", {}, who.token);
  }
  Reply hide(const std::string& id, const User& who) {
    return post("/api/v1/kindred/comments/" + id + "/hide", {}, who.token);
  }
  // Shown to its writer only: everyone else, the post's author included, gets 404 and does
  // not find it in the thread or the comments.
  void expect_only_writer_sees(const std::string& id, const User& writer) {
    EXPECT_EQ(status_code(id, writer.token), 200);
    for (const User* other : {&ann_, &bob_, &cat_}) {
      if (other->id == writer.id) continue;
      EXPECT_EQ(status_code(id, other->token), 404) << other->username;
      Ids thread = descendants(other->token);
      EXPECT_EQ(std::count(thread.begin(), thread.end(), id), 0) << other->username;
      Ids listed = comment_list(other->token);
      EXPECT_EQ(std::count(listed.begin(), listed.end(), id), 0) << other->username;
    }
    EXPECT_EQ(status_code(id, ""), 404);
    Ids own = descendants(writer.token);
    EXPECT_EQ(std::count(own.begin(), own.end(), id), 1);
  }
  void expect_everyone_sees(const std::string& id) {
    for (const User* u : {&ann_, &bob_, &cat_}) EXPECT_EQ(status_code(id, u->token), 200) << u->username;
    EXPECT_EQ(status_code(id, ""), 200);
  }
  std::string post_id_;
};

TEST_F(HeldCommentsApi, HiddenWordsHoldAMatchingCommentForEveryoneButItsWriter) {
  Reply r = set_words({{"words", boost::json::array{"cruel", "get over it"}}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).as_object()["words"], (boost::json::array{"cruel", "get over it"}));

  const std::string cruel_id = comment(bob_, "You are CRUEL to post this.");
  const std::string kind_id = comment(cat_, "Thinking of you and your daughter today.");
  EXPECT_EQ(hold(cruel_id), "hidden_words");
  EXPECT_EQ(hold(kind_id), "");
  expect_only_writer_sees(cruel_id, bob_);
  expect_everyone_sees(kind_id);
  // Counted for nobody; no notification reached the author.
  EXPECT_EQ(replies_count(cat_.token), 1);
  EXPECT_EQ(replies_count(ann_.token), 1);
  EXPECT_EQ(mentions_of_ann(), (Ids{kind_id}));

  // The author reviews it and shows it again: it shows to everyone and the author is told.
  Reply list = get("/api/v1/kindred/held_comments", ann_.token);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(ids(list), (Ids{cruel_id}));
  EXPECT_EQ(hold_in(json(list).as_array()[0]), "hidden_words");
  r = approve(cruel_id, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(hold_in(json(r)), "");
  expect_everyone_sees(cruel_id);
  EXPECT_EQ(held(), Ids{});
  EXPECT_EQ(replies_count(cat_.token), 2);
  EXPECT_EQ(mentions_of_ann(), (Ids{cruel_id, kind_id}));
  // Approving again changes nothing and tells nobody twice.
  ASSERT_EQ(approve(cruel_id, ann_).status, 200);
  EXPECT_EQ(mentions_of_ann(), (Ids{cruel_id, kind_id}));
}

// An edit is screened as a new comment would be: a kind comment edited to say a hidden word is
// held from then on (its writer still sees it, and nobody is told).
TEST_F(HeldCommentsApi, ACommentEditedToSayAHiddenWordIsHeld) {
  ASSERT_EQ(set_words({{"words", boost::json::array{"cruel"}}}, ann_).status, 200);
  const std::string id = comment(bob_, "Thinking of you.");
  EXPECT_EQ(hold(id), "");
  Reply r = put_json("/api/v1/statuses/" + id, {{"status", "How cruel."}}, bob_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(hold_in(json(r)), "") << "the writer's view says nothing of a hold";
  EXPECT_EQ(hold(id), "hidden_words");
  expect_only_writer_sees(id, bob_);
  EXPECT_EQ(replies_count(cat_.token), 0);
}

TEST_F(HeldCommentsApi, HiddenWordsMatchDisguisesButNotOtherWords) {
  ASSERT_EQ(set_words({{"words", boost::json::array{"cruel", "get over it"}}}, ann_).status, 200);
  for (const char* text : {"ＣＲＵＥＬ", "crüel!!", "so... cruel.", "Just GET. OVER. IT", "cruuuel"})
    EXPECT_EQ(hold(comment(bob_, text)), "hidden_words") << text;
  for (const char* text : {"cruelty is not what this is", "you never get over it fully?",
                           "get well, over and out", "I'm so sorry"}) {
    const std::string h = hold(comment(bob_, text));
    if (std::string_view(text).find("never get over it") != std::string_view::npos) {
      EXPECT_EQ(h, "hidden_words") << "the author's own phrase matches wherever it appears";
    } else {
      EXPECT_EQ(h, "") << text;
    }
  }
  // The spoiler text counts too.
  Reply r = post("/api/v1/statuses",
                 {{"status", "hm"}, {"spoiler_text", "cruel"}, {"in_reply_to_id", post_id_}},
                 bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(hold(str(json(r), "id")), "hidden_words");
}

TEST_F(HeldCommentsApi, TheBuiltInListIsUsedOnlyWhenTurnedOn) {
  EXPECT_EQ(hold(comment(bob_, "Attention seeker.")), "");
  Reply r = set_words({{"builtin_lists", boost::json::array{"en"}}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r).as_object();
  EXPECT_EQ(body["builtin_lists"], (boost::json::array{"en"}));
  EXPECT_EQ(str(body["available_builtin_lists"].as_array()[0], "language"), "en");
  EXPECT_EQ(hold(comment(bob_, "ATTENTION   seeker!!")), "hidden_words");
  EXPECT_EQ(hold(comment(bob_, "It was not your fault. Sending love.")), "");
  // Hidden words are the post author's: the writer's own settings do not matter.
  ASSERT_EQ(set_words({{"builtin_lists", boost::json::array{}}}, ann_).status, 200);
  ASSERT_EQ(set_words({{"builtin_lists", boost::json::array{"en"}}}, bob_).status, 200);
  EXPECT_EQ(hold(comment(cat_, "attention seeker")), "");
}

TEST_F(HeldCommentsApi, TheAuthorsOwnRepliesAndOtherPeoplesPostsAreNotScreened) {
  ASSERT_EQ(set_words({{"words", boost::json::array{"cruel"}}}, ann_).status, 200);
  EXPECT_EQ(hold(comment(ann_, "Some were cruel, most were kind.")), "");
  const std::string bobs = post_status(bob_, "my own post");
  EXPECT_EQ(hold(comment(cat_, "cruel", bobs), &bob_), "");
}

TEST_F(HeldCommentsApi, BadHiddenWordsAreRefusedAndChangeNothing) {
  ASSERT_EQ(set_words({{"words", boost::json::array{"cruel"}}}, ann_).status, 200);
  const std::string before = get("/api/v1/kindred/hidden_words", ann_.token).body;
  const std::string long_word(101, 'a');
  boost::json::array too_many;
  for (int i = 0; i < 1001; ++i) too_many.push_back(boost::json::value("w" + std::to_string(i)));
  struct Case {
    boost::json::object body;
    int status;
  };
  const std::vector<Case> cases = {
      {{{"words", boost::json::array{long_word}}}, 422},
      {{{"words", boost::json::array{"!!!"}}}, 422},
      {{{"words", too_many}}, 422},
      {{{"builtin_lists", boost::json::array{"xx"}}}, 422},
      {{{"words", boost::json::array{boost::json::object{}}}}, 422},
  };
  for (const auto& c : cases) {
    Reply r = set_words(c.body, ann_);
    EXPECT_EQ(r.status, c.status) << boost::json::serialize(c.body).substr(0, 80) << " " << r.body;
    EXPECT_TRUE(json(r).as_object().contains("error")) << r.body;
  }
  Reply r = request("PUT", "/api/v1/kindred/hidden_words", "{not json",
                    {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(get("/api/v1/kindred/hidden_words", ann_.token).body, before);
  // Signed out and read-only tokens may not write.
  EXPECT_EQ(request("PUT", "/api/v1/kindred/hidden_words", "{}", {{"Content-Type", "application/json"}}, "")
                .status,
            401);
  // Blank words are dropped, repeats kept once; an empty array clears.
  r = set_words({{"words", boost::json::array{" cruel ", "", "cruel", "mean"}}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).as_object()["words"], (boost::json::array{"cruel", "mean"}));
  r = set_words({{"words", boost::json::array{}}}, ann_);
  EXPECT_EQ(json(r).as_object()["words"], boost::json::array{});
}

TEST_F(HeldCommentsApi, LimitsHoldStrangersAndRecentFollowersForTheirPeriod) {
  // bob has followed ann for a while; cat follows her from today; ann follows dan.
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  clock().advance_ms(8 * kDayMs);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, cat_.token).status, 200);
  User dan = register_user("dan");
  User eve = register_user("eve");
  ASSERT_EQ(post("/api/v1/accounts/" + dan.id + "/follow", {}, ann_.token).status, 200);

  Reply r = put_json("/api/v1/kindred/limits", {{"days", 7}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto limits = json(r).as_object();
  EXPECT_EQ(limits["active"], true);
  EXPECT_EQ(limits["recent_followers"], true);
  EXPECT_FALSE(limits["until"].is_null());

  EXPECT_EQ(hold(comment(bob_, "with you")), "");         // a follower of 8 days
  EXPECT_EQ(hold(comment(cat_, "with you")), "limits");   // a follower since today
  EXPECT_EQ(hold(comment(dan, "with you")), "");          // ann follows dan
  EXPECT_EQ(hold(comment(eve, "with you")), "limits");    // a stranger
  // Without recent followers, only strangers are held.
  ASSERT_EQ(put_json("/api/v1/kindred/limits", {{"days", 7}, {"recent_followers", false}}, ann_).status, 200);
  EXPECT_EQ(hold(comment(cat_, "with you")), "");
  EXPECT_EQ(hold(comment(eve, "with you")), "limits");
  // When the period ends, nobody is held; held comments stay held until reviewed.
  clock().advance_ms(7 * kDayMs + 1);
  r = get("/api/v1/kindred/limits", ann_.token);
  EXPECT_EQ(json(r).as_object()["active"], false);
  EXPECT_EQ(hold(comment(eve, "with you")), "");
  EXPECT_EQ(held().size(), 3u);
  // Ending them early.
  ASSERT_EQ(put_json("/api/v1/kindred/limits", {{"days", 28}}, ann_).status, 200);
  ASSERT_EQ(del("/api/v1/kindred/limits", ann_.token).status, 200);
  EXPECT_EQ(hold(comment(eve, "with you")), "");
}

TEST_F(HeldCommentsApi, BadLimitsAreRefusedAndChangeNothing) {
  ASSERT_EQ(put_json("/api/v1/kindred/limits", {{"days", 3}}, ann_).status, 200);
  const std::string before = get("/api/v1/kindred/limits", ann_.token).body;
  for (const auto& body : std::vector<boost::json::object>{
           {{"days", 0}}, {{"days", 29}}, {{"days", -1}}, {}, {{"days", "many"}},
           {{"days", 3}, {"recent_followers", "perhaps"}}}) {
    Reply r = put_json("/api/v1/kindred/limits", body, ann_);
    EXPECT_EQ(r.status, 422) << boost::json::serialize(body) << " " << r.body;
    EXPECT_TRUE(json(r).as_object().contains("error"));
  }
  EXPECT_EQ(get("/api/v1/kindred/limits", ann_.token).body, before);
}

TEST_F(HeldCommentsApi, RestrictHoldsOneAccountsCommentsUntilApproved) {
  Reply r = post("/api/v1/kindred/accounts/" + cat_.id + "/restrict", {}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"id":")" + cat_.id + R"(","restricting":true})");
  ASSERT_EQ(post("/api/v1/kindred/accounts/" + cat_.id + "/restrict", {}, ann_.token).status, 200);
  Reply list = get("/api/v1/kindred/restricts", ann_.token);
  EXPECT_EQ(ids(list), (Ids{cat_.id}));

  const std::string c = comment(cat_, "hello");
  EXPECT_EQ(hold(c), "restricted");
  expect_only_writer_sees(c, cat_);
  EXPECT_EQ(hold(comment(bob_, "hello")), "");
  ASSERT_EQ(approve(c, ann_).status, 200);
  expect_everyone_sees(c);
  // Approved once, shown for good; the restriction still holds the next one.
  EXPECT_EQ(hold(comment(cat_, "again")), "restricted");

  r = post("/api/v1/kindred/accounts/" + cat_.id + "/unrestrict", {}, ann_.token);
  EXPECT_EQ(r.body, R"({"id":")" + cat_.id + R"(","restricting":false})");
  EXPECT_EQ(hold(comment(cat_, "and again")), "");
  EXPECT_EQ(ids(get("/api/v1/kindred/restricts", ann_.token)), Ids{});

  EXPECT_EQ(post("/api/v1/kindred/accounts/" + ann_.id + "/restrict", {}, ann_.token).status, 422);
  EXPECT_EQ(post("/api/v1/kindred/accounts/999999/restrict", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/kindred/accounts/x/restrict", {}, ann_.token).status, 404);
  EXPECT_EQ(post("/api/v1/kindred/accounts/" + cat_.id + "/restrict", {}, "").status, 401);
}

TEST_F(HeldCommentsApi, TheAuthorHidesAnyCommentAndShowsItAgain) {
  const std::string id = comment(bob_, "a comment");
  expect_everyone_sees(id);
  Reply r = hide(id, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(hold_in(json(r)), "hidden_by_author");  // the author's view says why
  EXPECT_EQ(hold_in(json(get("/api/v1/statuses/" + id, bob_.token))), "");  // the writer's does not
  expect_only_writer_sees(id, bob_);
  EXPECT_EQ(held(), (Ids{id}));
  EXPECT_EQ(held("?status_id=" + post_id_), (Ids{id}));
  ASSERT_EQ(hide(id, ann_).status, 200);  // idempotent
  ASSERT_EQ(approve(id, ann_).status, 200);
  expect_everyone_sees(id);
  // Only the post's author: not the writer, not a third person, not on a post that is not a reply.
  EXPECT_EQ(hide(id, cat_).status, 404);
  EXPECT_EQ(hide(id, bob_).status, 404);
  EXPECT_EQ(hide(post_id_, ann_).status, 404);
  EXPECT_EQ(approve(id, cat_).status, 404);
  EXPECT_EQ(hide("999999", ann_).status, 404);
  EXPECT_EQ(post("/api/v1/kindred/comments/" + id + "/hide", {}, "").status, 401);
  expect_everyone_sees(id);
}

TEST_F(HeldCommentsApi, HeldCommentsPageAndDeletingOneLeavesNothingBehind) {
  ASSERT_EQ(set_words({{"words", boost::json::array{"cruel"}}}, ann_).status, 200);
  Ids all;
  for (int i = 0; i < 5; ++i) all.insert(all.begin(), comment(bob_, "cruel " + std::to_string(i)));
  const std::string other_post = post_status(ann_, "another day");
  const std::string elsewhere = comment(cat_, "cruel", other_post);
  EXPECT_EQ(held("?status_id=" + post_id_), all);
  // Pages of two, following Link headers.
  Ids paged;
  Reply r = get("/api/v1/kindred/held_comments?limit=2", ann_.token);
  for (int i = 0; i < 10 && r.status == 200; ++i) {
    for (auto& id : ids(r)) paged.push_back(id);
    if (link_url(r, "next").empty()) break;
    r = follow_link(r, "next", ann_.token);
  }
  Ids expected = all;
  expected.insert(expected.begin(), elsewhere);
  EXPECT_EQ(paged, expected);
  // Someone else's post, or a bad id: 404.
  const std::string bobs = post_status(bob_, "bob's");
  EXPECT_EQ(get("/api/v1/kindred/held_comments?status_id=" + bobs, ann_.token).status, 404);
  EXPECT_EQ(get("/api/v1/kindred/held_comments?status_id=abc", ann_.token).status, 422);
  // The writer deletes one: it leaves the review list.
  ASSERT_EQ(del("/api/v1/statuses/" + all[0], bob_.token).status, 200);
  Ids left = held("?status_id=" + post_id_);
  EXPECT_EQ(left, Ids(all.begin() + 1, all.end()));
  EXPECT_EQ(replies_count(cat_.token), 0);
  // The author deletes one from the review: it goes for good, its writer's view too.
  Reply r2 = del("/api/v1/kindred/statuses/" + post_id_ + "/comments/" + left[0], ann_.token);
  ASSERT_EQ(r2.status, 200) << r2.body;
  EXPECT_EQ(held("?status_id=" + post_id_), Ids(left.begin() + 1, left.end()));
  EXPECT_EQ(status_code(left[0], bob_.token), 404);
}

TEST_F(HeldCommentsApi, CommentControlsComeBeforeHolds) {
  // Comments off: a reply is refused outright (403), not held.
  ASSERT_EQ(set_words({{"words", boost::json::array{"cruel"}}}, ann_).status, 200);
  Reply r = request("PUT", "/api/v1/kindred/statuses/" + post_id_ + "/comment_controls",
                    R"({"comment_policy":"nobody"})", {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  r = post("/api/v1/statuses", {{"status", "cruel"}, {"in_reply_to_id", post_id_}}, bob_.token);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(held(), Ids{});
}

}  // namespace
}  // namespace kindred::testing
