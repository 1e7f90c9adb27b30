// Comment controls through the real server: who may comment (kindred_comment_policy on
// POST /api/v1/statuses, the account default in /api/v1/kindred/preferences, PUT
// /api/v1/kindred/statuses/:id/comment_controls), interaction_policy on the Status, hidden like
// counts, and the author deleting comments (DELETE /api/v1/kindred/statuses/:id/comments/:cid).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

using Strings = std::vector<std::string>;

Strings strings(const boost::json::value& array) {
  Strings out;
  for (const auto& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

// Ann writes the posts. Around her: a stranger, a follower of hers, someone she follows, a mutual
// follow, and someone she mentions in her posts.
class CommentControlsApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    stranger_ = register_user("sam");
    follower_ = register_user("fay");
    followed_ = register_user("ted");
    mutual_ = register_user("mo");
    mentioned_ = register_user("men");
    follow(follower_, ann_);
    follow(ann_, followed_);
    follow(mutual_, ann_);
    follow(ann_, mutual_);
  }

  void follow(const User& who, const User& target) {
    Reply r = post("/api/v1/accounts/" + target.id + "/follow", {}, who.token);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Ann's post mentioning @men, with `extra` parameters.
  std::string ann_post(const boost::json::object& extra = {}) {
    clock().advance_ms(1000);
    return post_status(ann_, "Remembering our little one, with @men", extra);
  }
  Reply reply(const User& who, const std::string& to, std::string_view text = "Thinking of you") {
    clock().advance_ms(1000);
    return post("/api/v1/statuses", {{"status", text}, {"in_reply_to_id", to}}, who.token);
  }
  Reply controls(const std::string& id, const boost::json::object& body, std::string_view token) {
    return request("PUT", "/api/v1/kindred/statuses/" + id + "/comment_controls",
                   boost::json::serialize(body), {{"Content-Type", "application/json"}}, token);
  }
  Reply delete_comment(const std::string& post_id, const std::string& comment_id,
                       std::string_view token) {
    return del("/api/v1/kindred/statuses/" + post_id + "/comments/" + comment_id, token);
  }
  boost::json::value status(const std::string& id, std::string_view token) {
    Reply r = get("/api/v1/statuses/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  // The status's kindred extension member, or null when absent.
  boost::json::value kindred(const std::string& id, std::string_view token, std::string_view key) {
    auto s = status(id, token);
    const auto* k = s.as_object().if_contains("kindred");
    if (!k) return nullptr;
    const auto* v = k->as_object().if_contains(key);
    return v ? *v : boost::json::value(nullptr);
  }
  int64_t statuses_count(const User& who) { return num(me(who), "statuses_count"); }

  User ann_, stranger_, follower_, followed_, mutual_, mentioned_;
};

TEST_F(CommentControlsApi, EverySettingAgainstEveryRelationship) {
  struct Who {
    const char* name;
    const User* user;
  };
  const std::vector<Who> people = {{"stranger", &stranger_}, {"follower", &follower_},
                                   {"followed", &followed_}, {"mutual", &mutual_},
                                   {"mentioned", &mentioned_}, {"author", &ann_}};
  // Expected answer per person, in the order above.
  const std::map<std::string, std::vector<int>> expected = {
      {"everyone", {200, 200, 200, 200, 200, 200}},
      {"following", {403, 403, 200, 200, 403, 200}},
      {"followers", {403, 200, 403, 200, 403, 200}},
      {"mentioned", {403, 403, 403, 403, 200, 200}},
      {"nobody", {403, 403, 403, 403, 403, 200}},
  };
  for (const auto& [policy, codes] : expected) {
    const std::string id = ann_post({{"kindred_comment_policy", policy}});
    int64_t allowed = 0;
    for (size_t i = 0; i < people.size(); ++i) {
      SCOPED_TRACE(policy + " x " + people[i].name);
      // What the Status tells the person agrees with what the server then does.
      auto can = kindred(id, people[i].user->token, "can_reply");
      if (policy == "everyone") {
        EXPECT_TRUE(can.is_null());
      } else {
        ASSERT_TRUE(can.is_bool());
        EXPECT_EQ(can.as_bool(), codes[i] == 200);
      }
      Reply r = reply(*people[i].user, id);
      EXPECT_EQ(r.status, codes[i]) << r.body;
      if (codes[i] == 200) {
        ++allowed;
      } else {
        const std::string error = str(json(r), "error");
        EXPECT_EQ(error.rfind("The author has", 0), 0u) << error;
      }
    }
    EXPECT_EQ(num(status(id, ann_.token), "replies_count"), allowed) << policy;
  }
}

TEST_F(CommentControlsApi, RefusalsSayWhy) {
  const std::map<std::string, std::string> messages = {
      {"nobody", "The author has turned off comments on this post"},
      {"following", "The author has limited who can comment on this post to people they follow"},
      {"followers", "The author has limited who can comment on this post to their followers"},
      {"mentioned", "The author has limited who can comment on this post to people mentioned in it"},
  };
  for (const auto& [policy, message] : messages) {
    const std::string id = ann_post({{"kindred_comment_policy", policy}});
    Reply r = reply(stranger_, id);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, R"({"error":")" + message + R"("})");
  }
}

TEST_F(CommentControlsApi, AccountDefaultAppliesToNewPostsAndAPostMayOverrideIt) {
  Reply p = request("PATCH", "/api/v1/kindred/preferences", R"({"default_comment_policy":"followers"})",
                    {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(str(json(p), "default_comment_policy"), "followers");

  const std::string by_default = ann_post();
  EXPECT_EQ(kindred(by_default, ann_.token, "comment_policy"), "followers");
  EXPECT_EQ(reply(stranger_, by_default).status, 403);
  EXPECT_EQ(reply(follower_, by_default).status, 200);

  const std::string open = ann_post({{"kindred_comment_policy", "everyone"}});
  EXPECT_TRUE(kindred(open, ann_.token, "comment_policy").is_null());
  EXPECT_EQ(reply(stranger_, open).status, 200);

  // Other people's defaults are their own.
  const std::string sams = post_status(stranger_, "my own post");
  EXPECT_EQ(reply(followed_, sams).status, 200);
  // Posts made before a change of default keep their setting.
  p = request("PATCH", "/api/v1/kindred/preferences", "default_comment_policy=nobody",
              {{"Content-Type", "application/x-www-form-urlencoded"}}, ann_.token);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(kindred(by_default, stranger_.token, "comment_policy"), "followers");
  EXPECT_EQ(kindred(ann_post(), stranger_.token, "comment_policy"), "nobody");
}

TEST_F(CommentControlsApi, ChangingAfterPostingTakesEffectAtOnce) {
  const std::string id = ann_post();
  // Read first, so the post is cached everywhere a stale copy could hide.
  EXPECT_TRUE(kindred(id, stranger_.token, "comment_policy").is_null());
  EXPECT_EQ(reply(stranger_, id).status, 200);

  Reply r = controls(id, {{"comment_policy", "nobody"}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), id);
  EXPECT_EQ(str(json(r).at("kindred"), "comment_policy"), "nobody");
  EXPECT_TRUE(json(r).at("kindred").at("can_reply").as_bool());  // the author may

  EXPECT_EQ(kindred(id, stranger_.token, "comment_policy"), "nobody");
  EXPECT_EQ(kindred(id, stranger_.token, "can_reply"), false);
  EXPECT_EQ(reply(stranger_, id).status, 403);
  EXPECT_EQ(reply(ann_, id).status, 200);
  // Comments already written stay.
  EXPECT_EQ(num(status(id, stranger_.token), "replies_count"), 2);

  ASSERT_EQ(controls(id, {{"comment_policy", "mentioned"}}, ann_.token).status, 200);
  EXPECT_EQ(reply(stranger_, id).status, 403);
  EXPECT_EQ(reply(mentioned_, id).status, 200);
  ASSERT_EQ(controls(id, {{"comment_policy", "everyone"}}, ann_.token).status, 200);
  EXPECT_EQ(reply(stranger_, id).status, 200);
  // The change survives a restart (it is stored, not only cached).
  ASSERT_EQ(controls(id, {{"comment_policy", "following"}}, ann_.token).status, 200);
  restart();
  EXPECT_EQ(kindred(id, stranger_.token, "comment_policy"), "following");
  EXPECT_EQ(reply(stranger_, id).status, 403);
  EXPECT_EQ(reply(followed_, id).status, 200);
}

TEST_F(CommentControlsApi, InteractionPolicyHasGoToSocialsShape) {
  const std::string id = ann_post({{"kindred_comment_policy", "followers"}});
  auto policy = [&](std::string_view token) { return status(id, token).at("interaction_policy"); };

  auto seen = policy(stranger_.token);
  EXPECT_EQ(strings(seen.at("can_favourite").at("always")), (Strings{"public", "me"}));
  EXPECT_EQ(strings(seen.at("can_reply").at("always")), (Strings{"author", "followers"}));
  EXPECT_EQ(strings(seen.at("can_reblog").at("always")), (Strings{"public", "me"}));
  for (const char* k : {"can_favourite", "can_reply", "can_reblog"})
    EXPECT_TRUE(seen.at(k).at("with_approval").as_array().empty()) << k;

  EXPECT_EQ(strings(policy(follower_.token).at("can_reply").at("always")),
            (Strings{"author", "followers", "me"}));
  EXPECT_EQ(strings(policy(ann_.token).at("can_reply").at("always")),
            (Strings{"author", "followers", "me"}));
  auto signed_out = policy("");
  EXPECT_EQ(strings(signed_out.at("can_reply").at("always")), (Strings{"author", "followers"}));
  EXPECT_EQ(strings(signed_out.at("can_favourite").at("always")), (Strings{"public"}));
  EXPECT_TRUE(kindred(id, "", "can_reply").is_null());  // signed out: nothing to say
  EXPECT_EQ(kindred(id, "", "comment_policy"), "followers");

  const std::map<std::string, Strings> reply_rules = {
      {"everyone", {"public", "me"}}, {"following", {"author", "following"}},
      {"mentioned", {"author", "mentioned"}}, {"nobody", {"author"}}};
  for (const auto& [name, rules] : reply_rules) {
    const std::string other = ann_post({{"kindred_comment_policy", name}});
    EXPECT_EQ(strings(status(other, stranger_.token).at("interaction_policy").at("can_reply").at("always")),
              rules)
        << name;
  }

  // Followers-only posts can be boosted by their author alone.
  const std::string private_id = ann_post({{"visibility", "private"}});
  EXPECT_EQ(strings(status(private_id, follower_.token).at("interaction_policy").at("can_reblog").at("always")),
            (Strings{"author"}));
  EXPECT_EQ(strings(status(private_id, ann_.token).at("interaction_policy").at("can_reblog").at("always")),
            (Strings{"author", "me"}));
}

TEST_F(CommentControlsApi, GoToSocialsInteractionPolicyIsTakenWhenItMapsExactly) {
  Reply r = post_form("/api/v1/statuses",
                      "status=hello&interaction_policy%5Bcan_reply%5D%5Balways%5D%5B%5D=author"
                      "&interaction_policy%5Bcan_reply%5D%5Balways%5D%5B%5D=followers",
                      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("kindred"), "comment_policy"), "followers");

  r = post("/api/v1/statuses",
           {{"status", "hello"},
            {"interaction_policy",
             {{"can_reply", {{"always", boost::json::array{"urn:mastodon:author"}}}},
              {"can_favourite", {{"always", boost::json::array{"public"}}}}}}},
           ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("kindred"), "comment_policy"), "nobody");

  const int64_t before = statuses_count(ann_);
  for (const boost::json::object& bad : {
           boost::json::object{{"can_reply", {{"with_approval", boost::json::array{"public"}}}}},
           boost::json::object{{"can_reply", {{"always", boost::json::array{"followers", "following"}}}}},
           boost::json::object{{"can_reply", {{"always", boost::json::array{"https://example.org/users/x"}}}}},
           boost::json::object{{"can_favourite", {{"always", boost::json::array{"author"}}}}},
       }) {
    r = post("/api/v1/statuses", {{"status", "hello"}, {"interaction_policy", bad}}, ann_.token);
    EXPECT_EQ(r.status, 422) << boost::json::serialize(bad) << r.body;
  }
  r = post("/api/v1/statuses",
           {{"status", "hello"},
            {"kindred_comment_policy", "everyone"},
            {"interaction_policy", {{"can_reply", {{"always", boost::json::array{"author"}}}}}}},
           ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(statuses_count(ann_), before);
}

TEST_F(CommentControlsApi, DeeperRepliesAreAlsoJudgedByTheThreadsTopPost) {
  // Comments off: nobody gets in through the author's own replies either.
  const std::string closed = ann_post({{"kindred_comment_policy", "nobody"}});
  Reply own = reply(ann_, closed, "Thank you all");
  ASSERT_EQ(own.status, 200) << own.body;
  const std::string own_id = str(json(own), "id");
  EXPECT_EQ(reply(stranger_, own_id).status, 403);
  EXPECT_EQ(reply(ann_, own_id).status, 200);

  // Followers only: a follower's comment can be answered by followers, not by strangers.
  const std::string followers = ann_post({{"kindred_comment_policy", "followers"}});
  Reply c = reply(follower_, followers);
  ASSERT_EQ(c.status, 200) << c.body;
  const std::string comment = str(json(c), "id");
  // The Status says so before anyone tries, in the comment list too.
  EXPECT_EQ(kindred(comment, stranger_.token, "can_reply"), false);
  EXPECT_TRUE(kindred(comment, mutual_.token, "can_reply").is_null());  // open: nothing to say
  Reply listed = get("/api/v1/kindred/statuses/" + followers + "/comments", stranger_.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_FALSE(json(listed).as_array().at(0).at("kindred").at("can_reply").as_bool());
  EXPECT_EQ(kindred(own_id, stranger_.token, "can_reply"), false);
  EXPECT_EQ(reply(stranger_, comment).status, 403);
  EXPECT_EQ(reply(mutual_, comment).status, 200);
  EXPECT_EQ(reply(ann_, comment).status, 200);

  // A reply to a boost is a reply to the boosted post.
  Reply boost = post("/api/v1/statuses/" + closed + "/reblog", {}, follower_.token);
  ASSERT_EQ(boost.status, 200) << boost.body;  // boosting is not commenting
  EXPECT_EQ(kindred(str(json(boost), "id"), stranger_.token, "can_reply"), false);
  EXPECT_EQ(reply(stranger_, str(json(boost), "id")).status, 403);
}

TEST_F(CommentControlsApi, HiddenLikeCountIsShownToTheAuthorOnly) {
  const std::string id = ann_post({{"kindred_hide_favourites_count", true}});
  for (const User* who : {&stranger_, &follower_}) {
    Reply r = post("/api/v1/statuses/" + id + "/favourite", {}, who->token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(num(json(r), "favourites_count"), 0);  // even in the answer to one's own like
    EXPECT_TRUE(json(r).at("favourited").as_bool());
  }
  EXPECT_EQ(num(status(id, ann_.token), "favourites_count"), 2);
  EXPECT_EQ(kindred(id, ann_.token, "favourites_count_hidden"), true);
  for (std::string_view token : {std::string_view(stranger_.token), std::string_view("")}) {
    EXPECT_EQ(num(status(id, token), "favourites_count"), 0);
    EXPECT_EQ(kindred(id, token, "favourites_count_hidden"), true);
  }
  // Who liked it stays listed, as Mastodon lists it.
  Reply likers = get("/api/v1/statuses/" + id + "/favourited_by", stranger_.token);
  EXPECT_EQ(ids(likers).size(), 2u);

  // Shown again after posting, and hidden again.
  Reply r = controls(id, {{"hide_favourites_count", false}}, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(num(status(id, stranger_.token), "favourites_count"), 2);
  EXPECT_TRUE(kindred(id, stranger_.token, "favourites_count_hidden").is_null());
  ASSERT_EQ(controls(id, {{"hide_favourites_count", true}}, ann_.token).status, 200);
  EXPECT_EQ(num(status(id, stranger_.token), "favourites_count"), 0);
  // Setting one control leaves the other as it was.
  ASSERT_EQ(controls(id, {{"comment_policy", "followers"}}, ann_.token).status, 200);
  EXPECT_EQ(kindred(id, stranger_.token, "favourites_count_hidden"), true);
  // In timelines too.
  Reply feed = get("/api/v1/accounts/" + ann_.id + "/statuses", stranger_.token);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(num(json(feed).as_array().at(0), "favourites_count"), 0);
}

TEST_F(CommentControlsApi, AuthorDeletesAStrangersComment) {
  const std::string id = ann_post();
  Reply c = reply(stranger_, id, "cruel words");
  ASSERT_EQ(c.status, 200) << c.body;
  const std::string comment = str(json(c), "id");
  ASSERT_EQ(post("/api/v1/statuses/" + comment + "/favourite", {}, follower_.token).status, 200);
  EXPECT_EQ(statuses_count(stranger_), 1);
  EXPECT_EQ(num(status(id, ann_.token), "replies_count"), 1);

  Reply r = delete_comment(id, comment, ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), comment);
  EXPECT_FALSE(json(r).as_object().contains("text"));  // no redraft source for someone else's words

  for (std::string_view token : {std::string_view(ann_.token), std::string_view(stranger_.token),
                                 std::string_view(follower_.token), std::string_view("")})
    EXPECT_EQ(get("/api/v1/statuses/" + comment, token).status, 404);
  EXPECT_EQ(num(status(id, ann_.token), "replies_count"), 0);
  EXPECT_EQ(statuses_count(stranger_), 0);
  EXPECT_TRUE(json(get("/api/v1/statuses/" + id + "/context", ann_.token)).at("descendants").as_array().empty());
  EXPECT_TRUE(ids(get("/api/v1/favourites", follower_.token)).empty());
  EXPECT_TRUE(ids(get("/api/v1/accounts/" + stranger_.id + "/statuses", stranger_.token)).empty());
  // Twice: already gone.
  EXPECT_EQ(delete_comment(id, comment, ann_.token).status, 404);
}

TEST_F(CommentControlsApi, AuthorMayDeleteACommentFromSomeoneTheyBlocked) {
  const std::string id = ann_post();
  Reply c = reply(stranger_, id, "cruel words");
  ASSERT_EQ(c.status, 200) << c.body;
  const std::string comment = str(json(c), "id");
  ASSERT_EQ(post("/api/v1/accounts/" + stranger_.id + "/block", {}, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/statuses/" + comment, follower_.token).status, 200);
  EXPECT_EQ(delete_comment(id, comment, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/statuses/" + comment, follower_.token).status, 404);
}

TEST_F(CommentControlsApi, OnlyDirectCommentsOnOnesOwnPostCanBeDeleted) {
  const std::string annes = ann_post();
  const std::string teds = post_status(followed_, "Ted's post");
  Reply on_teds = reply(stranger_, teds);
  Reply on_annes = reply(stranger_, annes);
  ASSERT_EQ(on_teds.status, 200);
  ASSERT_EQ(on_annes.status, 200);
  const std::string c_teds = str(json(on_teds), "id");
  const std::string c_annes = str(json(on_annes), "id");
  Reply deeper = reply(follower_, c_annes);
  ASSERT_EQ(deeper.status, 200);
  const std::string c_deeper = str(json(deeper), "id");
  const std::string plain = post_status(stranger_, "not a reply");

  EXPECT_EQ(delete_comment(teds, c_teds, ann_.token).status, 404);    // someone else's post
  EXPECT_EQ(delete_comment(annes, c_teds, ann_.token).status, 404);   // not a comment on hers
  EXPECT_EQ(delete_comment(annes, plain, ann_.token).status, 404);    // not a reply at all
  EXPECT_EQ(delete_comment(plain, plain, stranger_.token).status, 404);
  EXPECT_EQ(delete_comment(annes, c_deeper, ann_.token).status, 404);  // a reply to a comment
  EXPECT_EQ(delete_comment(annes, "nope", ann_.token).status, 404);
  EXPECT_EQ(delete_comment(annes, c_annes, stranger_.token).status, 404);  // not the post's author
  // Mastodon's delete keeps its meaning: one's own posts only.
  EXPECT_EQ(del("/api/v1/statuses/" + c_annes, ann_.token).status, 404);
  // Nothing was deleted.
  for (const auto& id : {c_teds, c_annes, c_deeper, plain})
    EXPECT_EQ(get("/api/v1/statuses/" + id, stranger_.token).status, 200) << id;
  EXPECT_EQ(statuses_count(stranger_), 3);
}

TEST_F(CommentControlsApi, BadInputIsRefusedAndChangesNothing) {
  const std::string id = ann_post({{"kindred_comment_policy", "followers"}});
  const std::string before = get("/api/v1/statuses/" + id, ann_.token).body;

  // Controls after posting.
  for (const boost::json::object& bad : {
           boost::json::object{{"comment_policy", "friends"}},
           boost::json::object{{"comment_policy", boost::json::array{"everyone"}}},
           boost::json::object{{"comment_policy", "nobody"}, {"hide_favourites_count", "maybe"}},
           boost::json::object{{"hide_favourites_count", boost::json::object{}}},
       }) {
    Reply r = controls(id, bad, ann_.token);
    EXPECT_EQ(r.status, 422) << boost::json::serialize(bad) << r.body;
    EXPECT_TRUE(json(r).as_object().contains("error"));
  }
  Reply r = request("PUT", "/api/v1/kindred/statuses/" + id + "/comment_controls", "{nope",
                    {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(controls(id, {{"comment_policy", "nobody"}}, stranger_.token).status, 404);
  EXPECT_EQ(controls("12345", {{"comment_policy", "nobody"}}, ann_.token).status, 404);
  EXPECT_EQ(controls(id, {{"comment_policy", "nobody"}}, "").status, 401);
  Reply grant = password_grant(default_app(), "ann", kPassword, "read");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string read_only = str(json(grant), "access_token");
  EXPECT_EQ(controls(id, {{"comment_policy", "nobody"}}, read_only).status, 403);
  EXPECT_EQ(get("/api/v1/statuses/" + id, ann_.token).body, before);

  // At creation.
  const int64_t count = statuses_count(ann_);
  for (const boost::json::object& bad : {
           boost::json::object{{"status", "x"}, {"kindred_comment_policy", "friends"}},
           boost::json::object{{"status", "x"}, {"kindred_comment_policy", boost::json::array{}}},
           boost::json::object{{"status", "x"}, {"kindred_hide_favourites_count", "maybe"}},
       }) {
    r = post("/api/v1/statuses", bad, ann_.token);
    EXPECT_EQ(r.status, 422) << boost::json::serialize(bad) << r.body;
  }
  EXPECT_EQ(statuses_count(ann_), count);
  // A refused reply writes nothing either.
  EXPECT_EQ(reply(stranger_, id).status, 403);
  EXPECT_EQ(statuses_count(stranger_), 0);
  EXPECT_EQ(get("/api/v1/statuses/" + id, ann_.token).body, before);

  // The account default.
  const std::string prefs = get("/api/v1/kindred/preferences", ann_.token).body;
  for (std::string_view bad : {R"({"default_comment_policy":"friends"})",
                               R"({"default_comment_policy":["nobody"]})"}) {
    r = request("PATCH", "/api/v1/kindred/preferences", std::string(bad),
                {{"Content-Type", "application/json"}}, ann_.token);
    EXPECT_EQ(r.status, 422) << bad << r.body;
  }
  r = request("PATCH", "/api/v1/kindred/preferences",
              R"({"memories":false,"default_comment_policy":"friends"})",
              {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(get("/api/v1/kindred/preferences", ann_.token).body, prefs);

  // Deleting a comment.
  Reply c = reply(follower_, id);
  ASSERT_EQ(c.status, 200) << c.body;
  const std::string comment = str(json(c), "id");
  EXPECT_EQ(delete_comment(id, comment, read_only).status, 403);
  EXPECT_EQ(delete_comment(id, comment, "").status, 401);
  EXPECT_EQ(get("/api/v1/statuses/" + comment, ann_.token).status, 200);
}

}  // namespace
}  // namespace kindred::testing
