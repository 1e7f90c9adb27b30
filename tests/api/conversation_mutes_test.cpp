// Muting a conversation: POST /api/v1/statuses/:id/mute and /unmute, Status.muted, and no
// notifications from the thread for whoever muted it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class ConversationMutesApi : public ThreePeopleApi {
 protected:
  // The types and status ids of `who`'s notifications, newest first ("mention:123").
  std::vector<std::string> notifications(const User& who) {
    Reply r = get("/api/v1/notifications", who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto list = json(r);
    for (const auto& n : list.as_array()) {
      std::string s = str(n, "type");
      if (n.at("status").is_object()) s += ":" + str(n.at("status"), "id");
      out.push_back(s);
    }
    return out;
  }
  bool muted(const User& who, const std::string& status) {
    Reply r = get("/api/v1/statuses/" + status, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).at("muted").as_bool();
  }
};

TEST_F(ConversationMutesApi, MutingSilencesRepliesInTheWholeThread) {
  const std::string root = post_status(ann_, "a photo walk");
  const std::string reply = post_status(bob_, "@ann lovely", {{"in_reply_to_id", root}});
  ASSERT_EQ(notifications(ann_), (std::vector<std::string>{"mention:" + reply}));

  Reply m = post("/api/v1/statuses/" + reply + "/mute", {}, ann_.token);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(str(json(m), "id"), reply);
  EXPECT_EQ(json(m).at("muted"), true);
  EXPECT_EQ(post("/api/v1/statuses/" + reply + "/mute", {}, ann_.token).status, 200)
      << "idempotent";
  EXPECT_TRUE(muted(ann_, root)) << "the whole thread, from any post of it";
  EXPECT_FALSE(muted(bob_, root)) << "for ann only";

  const std::string deeper = post_status(cat_, "@ann @bob agreed", {{"in_reply_to_id", reply}});
  const std::string at_root = post_status(bob_, "@ann one more", {{"in_reply_to_id", root}});
  EXPECT_EQ(notifications(ann_), (std::vector<std::string>{"mention:" + reply}))
      << "nothing new from the muted thread";
  EXPECT_EQ(notifications(bob_), (std::vector<std::string>{"mention:" + deeper}))
      << "bob did not mute it";
  EXPECT_TRUE(muted(ann_, deeper));

  // Another thread is not muted.
  const std::string other = post_status(bob_, "@ann elsewhere");
  EXPECT_EQ(notifications(ann_).front(), "mention:" + other);

  Reply u = post("/api/v1/statuses/" + deeper + "/unmute", {}, ann_.token);
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(json(u).at("muted"), false);
  EXPECT_FALSE(muted(ann_, root));
  const std::string after = post_status(bob_, "@ann back", {{"in_reply_to_id", at_root}});
  EXPECT_EQ(notifications(ann_).front(), "mention:" + after);
}

TEST_F(ConversationMutesApi, MutingSilencesReblogsOfPostsInTheThread) {
  const std::string root = post_status(ann_, "a photo walk");
  ASSERT_EQ(post("/api/v1/statuses/" + root + "/mute", {}, ann_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + root + "/reblog", {}, bob_.token).status, 200);
  EXPECT_TRUE(notifications(ann_).empty());
}

TEST_F(ConversationMutesApi, OnlyVisiblePostsAndWithWriteMutes) {
  const std::string secret = post_status(ann_, "followers only", {{"visibility", "private"}});
  Reply r = post("/api/v1/statuses/" + secret + "/mute", {}, bob_.token);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(post("/api/v1/statuses/123456789/mute", {}, bob_.token).status, 404);
  EXPECT_EQ(post("/api/v1/statuses/nope/unmute", {}, bob_.token).status, 404);
  const std::string open = post_status(ann_, "public");
  EXPECT_EQ(post("/api/v1/statuses/" + open + "/mute", {}).status, 401);
  App app = create_app("read write:statuses");
  Reply grant = password_grant(app, "bob", std::string(kPassword), "read write:statuses");
  EXPECT_EQ(post("/api/v1/statuses/" + open + "/mute", {}, str(json(grant), "access_token")).status,
            403);
  EXPECT_FALSE(muted(bob_, open)) << "nothing changed";
  // Muting needs no part in the thread, as in Mastodon.
  EXPECT_EQ(post("/api/v1/statuses/" + open + "/mute", {}, cat_.token).status, 200);
}

}  // namespace
}  // namespace kindred::testing
