// Polls: poll[...] on POST /api/v1/statuses (and on scheduled posts and edits), Status.poll,
// GET /api/v1/polls/:id, POST /api/v1/polls/:id/votes, and the "poll" notifications when one ends.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "media/synth.h"
#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

namespace bj = boost::json;
using Strings = std::vector<std::string>;

class PollsApi : public ThreePeopleApi {
 protected:
  static bj::object poll(bj::array options, int64_t expires_in = 600, bj::object extra = {}) {
    extra["options"] = std::move(options);
    extra["expires_in"] = expires_in;
    return extra;
  }
  // ann's post with `p`; returns the whole status.
  bj::value post_poll(const bj::object& p, const User& who, bj::object extra = {}) {
    extra["status"] = "Which one?";
    extra["poll"] = p;
    Reply r = post("/api/v1/statuses", extra, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json(r) : bj::value(bj::object{{"poll", bj::object{{"id", "0"}}}});
  }
  std::string poll_id(const bj::object& p, bj::object extra = {}) {
    return str(post_poll(p, ann_, std::move(extra)).at("poll"), "id");
  }
  Reply vote(const std::string& id, bj::array choices, std::string_view token) {
    return post("/api/v1/polls/" + id + "/votes", {{"choices", std::move(choices)}}, token);
  }
  bj::value get_poll(const std::string& id, std::string_view token) {
    Reply r = get("/api/v1/polls/" + id, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  static std::vector<int64_t> option_votes(const bj::value& p) {
    std::vector<int64_t> out;
    for (const auto& o : p.at("options").as_array())
      out.push_back(o.at("votes_count").is_null() ? -1 : o.at("votes_count").as_int64());
    return out;
  }
  int64_t statuses_count(const User& who) { return num(me(who), "statuses_count"); }
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }
  std::string upload(const User& who) {
    media::SynthSpec spec;
    spec.width = 64;
    spec.height = 48;
    spec.format = "jpg";
    auto bytes = media::synthesize_image(spec);
    EXPECT_TRUE(bytes.has_value());
    std::vector<HttpClient::Part> parts = {{"file", bytes.has_value() ? *bytes : "", "p.jpg", "image/jpeg"}};
    Reply r = http().post_multipart("/api/v2/media", parts, who.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(json(r), "id");
  }
};

TEST_F(PollsApi, APostWithAPollShowsItAsMastodonsPollEntity) {
  bj::value s = post_poll(poll({" Tea ", "Coffee", "Water"}), ann_);
  const bj::value& p = s.at("poll");
  EXPECT_FALSE(str(p, "id").empty());
  EXPECT_NE(str(p, "id"), str(s, "id"));
  EXPECT_EQ(str(p, "expires_at"), "2024-03-01T12:10:00.000Z");
  EXPECT_FALSE(p.at("expired").as_bool());
  EXPECT_FALSE(p.at("multiple").as_bool());
  EXPECT_EQ(num(p, "votes_count"), 0);
  EXPECT_TRUE(p.at("voters_count").is_null()) << "null on a single-choice poll";
  ASSERT_EQ(p.at("options").as_array().size(), 3u);
  EXPECT_EQ(str(p.at("options").as_array()[0], "title"), "Tea");  // stripped
  EXPECT_EQ(option_votes(p), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_TRUE(p.at("emojis").as_array().empty());
  EXPECT_TRUE(p.at("voted").as_bool()) << "its author counts as having voted";
  EXPECT_TRUE(p.at("own_votes").as_array().empty());
  const std::string status_id = str(s, "id");
  // Signed out: no voted or own_votes; the same poll through the status and on its own.
  bj::value anon = json(get("/api/v1/statuses/" + status_id));
  EXPECT_FALSE(anon.at("poll").as_object().contains("voted"));
  EXPECT_FALSE(anon.at("poll").as_object().contains("own_votes"));
  EXPECT_EQ(get("/api/v1/polls/" + str(p, "id")).body, bj::serialize(anon.at("poll")));
  bj::value for_bob = get_poll(str(p, "id"), bob_.token);
  EXPECT_FALSE(for_bob.at("voted").as_bool());
  // A post without a poll has poll null; the instance advertises the limits enforced.
  EXPECT_TRUE(json(get("/api/v1/statuses/" + post_status(ann_, "plain"))).at("poll").is_null());
  bj::value polls = json(get("/api/v2/instance")).at("configuration").at("polls");
  EXPECT_EQ(num(polls, "max_options"), 4);
  EXPECT_EQ(num(polls, "max_characters_per_option"), 50);
  EXPECT_EQ(num(polls, "min_expiration"), 300);
  EXPECT_EQ(num(polls, "max_expiration"), 2629746);
  EXPECT_EQ(json(get("/api/v1/instance")).at("configuration").at("polls"), polls);
}

TEST_F(PollsApi, AFormBodyMakesAMultipleChoicePoll) {
  Reply r = post_form("/api/v1/statuses",
                      "status=vote&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b"
                      "&poll%5Bexpires_in%5D=300&poll%5Bmultiple%5D=true",
                      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const bj::value s = json(r);
  const bj::value& p = s.at("poll");
  EXPECT_TRUE(p.at("multiple").as_bool());
  EXPECT_EQ(num(p, "voters_count"), 0);
  EXPECT_EQ(str(p, "expires_at"), "2024-03-01T12:05:00.000Z");
}

TEST_F(PollsApi, BadPollsAre422AndPostNothing) {
  const std::string photo = upload(ann_);
  struct Case {
    bj::object body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{{"poll", poll({"only"})}}, "Validation failed: Poll options must have more than one item"},
      {{{"poll", poll({})}}, "Validation failed: Poll options must have more than one item"},
      {{{"poll", poll({"a", "b", "c", "d", "e"})}}, "Validation failed: Poll options can't contain more than 4 items"},
      {{{"poll", poll({std::string(51, 'x'), "b"})}},
       "Validation failed: Poll options cannot be longer than 50 characters each"},
      {{{"poll", poll({"a", "a"})}}, "Validation failed: Poll options contain duplicate items"},
      {{{"poll", poll({"a", "b"}, 299)}}, "Validation failed: Poll expires at is too soon"},
      {{{"poll", poll({"a", "b"}, 2629747)}}, "Validation failed: Poll expires at is too far into the future"},
      {{{"poll", bj::object{{"options", bj::array{"a", "b"}}}}}, "Validation failed: Poll expires at can't be blank"},
      {{{"poll", poll({"a", "b"}, 600)}, {"media_ids", bj::array{photo}}}, "Cannot attach more than 4 files"},
      {{{"poll", bj::object{{"options", bj::array{"a", "b"}}, {"expires_in", "soon"}}}},
       "Validation failed: Poll expires in is not a number of seconds"},
      {{{"poll", poll({"a", "b"}, 600, {{"multiple", "perhaps"}})}}, ""},
  };
  for (auto c : cases) {
    c.body["status"] = "Which one?";
    Reply r = post("/api/v1/statuses", c.body, ann_.token);
    EXPECT_EQ(r.status, 422) << bj::serialize(c.body) << " -> " << r.body;
    if (!c.error.empty()) EXPECT_EQ(str(json(r), "error"), c.error) << bj::serialize(c.body);
    else EXPECT_FALSE(str(json(r), "error").empty());
  }
  EXPECT_EQ(statuses_count(ann_), 0);
  // The limits themselves are fine.
  post_poll(poll({std::string(50, 'x'), "b", "c", "d"}, 300), ann_);
  post_poll(poll({"a", "b"}, 2629746), ann_);
  EXPECT_EQ(statuses_count(ann_), 2);
}

TEST_F(PollsApi, VotingCountsExactlyAndRefusesAsMastodon) {
  const std::string id = poll_id(poll({"a", "b", "c"}));
  Reply r = vote(id, {"1"}, bob_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value p = json(r);
  EXPECT_EQ(option_votes(p), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(num(p, "votes_count"), 1);
  EXPECT_TRUE(p.at("voted").as_bool());
  EXPECT_EQ(p.at("own_votes"), (bj::array{1}));
  struct Case {
    const User* who;
    bj::array choices;
    std::string error;
  };
  const std::vector<Case> cases = {
      {&bob_, {"2"}, "Validation failed: You have already voted on this poll"},
      {&bob_, {"1"}, "Validation failed: You have already voted on this poll"},
      {&cat_, {"0", "1"}, "Validation failed: You have already voted on this poll"},  // single choice
      {&cat_, {"3"}, "Validation failed: The chosen vote option does not exist"},
      {&cat_, {"-1"}, "Validation failed: The chosen vote option does not exist"},
      {&cat_, {"first"}, "Validation failed: The chosen vote option does not exist"},
      {&ann_, {"0"}, "Validation failed: You cannot vote in your own polls"},
  };
  for (const auto& c : cases) {
    Reply bad = vote(id, c.choices, c.who->token);
    EXPECT_EQ(bad.status, 422) << c.who->username << " " << bj::serialize(c.choices) << " -> " << bad.body;
    EXPECT_EQ(str(json(bad), "error"), c.error) << bj::serialize(c.choices);
  }
  EXPECT_EQ(vote(id, {}, cat_.token).status, 400);
  EXPECT_EQ(post("/api/v1/polls/" + id + "/votes", {}, cat_.token).status, 400);
  bj::value after = get_poll(id, cat_.token);
  EXPECT_EQ(option_votes(after), (std::vector<int64_t>{0, 1, 0})) << "nothing changed";
  EXPECT_FALSE(after.at("voted").as_bool());
  // The status shows the same poll, as its viewer sees it.
  bj::value s = json(get("/api/v1/statuses/" + str(json(get("/api/v1/accounts/" + ann_.id + "/statuses")).as_array()[0], "id"),
                         bob_.token));
  EXPECT_EQ(s.at("poll").at("own_votes"), (bj::array{1}));
  // A form body works as JSON does.
  Reply form = post_form("/api/v1/polls/" + id + "/votes", "choices%5B%5D=2", cat_.token);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(option_votes(json(form)), (std::vector<int64_t>{0, 1, 1}));
}

TEST_F(PollsApi, AMultipleChoicePollCountsVotersAndVotes) {
  const std::string id = poll_id(poll({"a", "b", "c"}, 600, {{"multiple", true}}));
  ASSERT_EQ(vote(id, {"0", "2"}, bob_.token).status, 200);
  ASSERT_EQ(vote(id, {"1"}, bob_.token).status, 200);  // more later, each option once
  EXPECT_EQ(vote(id, {"0"}, bob_.token).status, 422);
  ASSERT_EQ(vote(id, {"0"}, cat_.token).status, 200);
  bj::value p = get_poll(id, bob_.token);
  EXPECT_EQ(option_votes(p), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ(num(p, "votes_count"), 4);
  EXPECT_EQ(num(p, "voters_count"), 2);
  EXPECT_EQ(p.at("own_votes"), (bj::array{0, 1, 2}));
}

TEST_F(PollsApi, ScopesAndAuthentication) {
  const std::string id = poll_id(poll({"a", "b"}));
  EXPECT_EQ(vote(id, {"0"}, "").status, 401);
  EXPECT_EQ(vote(id, {"0"}, default_app_token()).status, 422);
  Reply grant = password_grant(default_app(), "bob", kPassword, "read");
  ASSERT_EQ(grant.status, 200) << grant.body;
  const std::string read_only = str(json(grant), "access_token");
  EXPECT_EQ(vote(id, {"0"}, read_only).status, 403);
  EXPECT_EQ(get("/api/v1/polls/" + id, read_only).status, 200);
  EXPECT_EQ(get("/api/v1/polls/" + id, default_app_token()).status, 200);
  EXPECT_EQ(get("/api/v1/polls/12345").status, 404);
  EXPECT_EQ(str(json(get("/api/v1/polls/12345")), "error"), "Record not found");
  EXPECT_EQ(vote("12345", {"0"}, bob_.token).status, 404);
  EXPECT_EQ(get("/api/v1/polls/" + id, "not-a-token").status, 401);
}

TEST_F(PollsApi, APollIsSeenOnlyByThoseWhoMaySeeItsPost) {
  const std::string hidden = poll_id(poll({"a", "b"}), {{"visibility", "private"}});
  EXPECT_EQ(get("/api/v1/polls/" + hidden).status, 404);
  EXPECT_EQ(get("/api/v1/polls/" + hidden, bob_.token).status, 404);
  EXPECT_EQ(vote(hidden, {"0"}, bob_.token).status, 404);
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/follow", {}, bob_.token).status, 200);
  EXPECT_EQ(get("/api/v1/polls/" + hidden, bob_.token).status, 200);
  EXPECT_EQ(vote(hidden, {"0"}, bob_.token).status, 200);
  // Blocks hide a public poll both ways.
  const std::string open = poll_id(poll({"a", "b"}));
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/block", {}, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/polls/" + open, cat_.token).status, 404);
  EXPECT_EQ(vote(open, {"0"}, cat_.token).status, 404);
  EXPECT_EQ(get("/api/v1/polls/" + open).status, 200);
  // A deleted post takes its poll along.
  const std::string status_id = str(post_poll(poll({"x", "y"}), ann_), "id");
  const std::string gone = str(json(get("/api/v1/statuses/" + status_id)).at("poll"), "id");
  ASSERT_EQ(del("/api/v1/statuses/" + status_id, ann_.token).status, 200);
  EXPECT_EQ(get("/api/v1/polls/" + gone, ann_.token).status, 404);
}

TEST_F(PollsApi, HiddenTotalsShowWhenThePollEnds) {
  const std::string id = poll_id(poll({"a", "b"}, 600, {{"hide_totals", true}}));
  ASSERT_EQ(vote(id, {"1"}, bob_.token).status, 200);
  for (const User* who : {&ann_, &bob_, &cat_}) {
    bj::value p = get_poll(id, who->token);
    EXPECT_EQ(option_votes(p), (std::vector<int64_t>{-1, -1})) << who->username;
    EXPECT_EQ(num(p, "votes_count"), 1);
  }
  clock().advance_ms(600'000);
  bj::value p = get_poll(id, cat_.token);
  EXPECT_TRUE(p.at("expired").as_bool());
  EXPECT_EQ(option_votes(p), (std::vector<int64_t>{0, 1}));
  Reply late = vote(id, {"0"}, cat_.token);
  EXPECT_EQ(late.status, 422);
  EXPECT_EQ(str(json(late), "error"), "Validation failed: The poll has already ended");
}

TEST_F(PollsApi, AnEndedPollNotifiesItsVotersAndItsAuthor) {
  const std::string id = poll_id(poll({"a", "b"}));
  ASSERT_EQ(vote(id, {"0"}, bob_.token).status, 200);
  clock().advance_ms(599'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a tick of the thread passes
  EXPECT_EQ(notification_kinds(ann_), Strings{}) << "not before its end";
  clock().advance_ms(1'000);
  ASSERT_TRUE(eventually([&] { return notification_kinds(bob_) == Strings{"poll:ann"}; }))
      << ::testing::PrintToString(notification_kinds(bob_));
  EXPECT_EQ(notification_kinds(ann_), Strings{"poll:ann"});
  EXPECT_EQ(notification_kinds(cat_), Strings{});
  Reply n = get("/api/v1/notifications?types[]=poll", bob_.token);
  ASSERT_EQ(json(n).as_array().size(), 1u);
  EXPECT_EQ(str(json(n).as_array()[0].at("status").at("poll"), "id"), id);
  EXPECT_TRUE(json(n).as_array()[0].at("status").at("poll").at("expired").as_bool());
  // Grouped (v2): one ungrouped "poll" group.
  bj::value grouped = json(get("/api/v2/notifications", ann_.token));
  ASSERT_EQ(grouped.at("notification_groups").as_array().size(), 1u) << bj::serialize(grouped);
  const bj::value& g = grouped.at("notification_groups").as_array()[0];
  EXPECT_EQ(str(g, "type"), "poll");
  EXPECT_EQ(str(g, "group_key").rfind("ungrouped-", 0), 0u);
  EXPECT_EQ(str(g, "status_id"), str(json(n).as_array()[0].at("status"), "id"));
}

TEST_F(PollsApi, APollThatEndedWhileTheServerWasDownNotifiesAtStartUp) {
  const std::string id = poll_id(poll({"a", "b"}));
  ASSERT_EQ(vote(id, {"1"}, cat_.token).status, 200);
  restart([&] { clock().advance_ms(3'600'000); });
  EXPECT_EQ(notification_kinds(cat_), Strings{"poll:ann"});
  EXPECT_EQ(notification_kinds(ann_), Strings{"poll:ann"});
  EXPECT_EQ(option_votes(get_poll(id, cat_.token)), (std::vector<int64_t>{0, 1}));
}

TEST_F(PollsApi, EditingKeepsThePollAndRefusesToChangeIt) {
  bj::value s = post_poll(poll({"a", "b"}), ann_);
  const std::string status_id = str(s, "id");
  const std::string id = str(s.at("poll"), "id");
  ASSERT_EQ(vote(id, {"0"}, bob_.token).status, 200);
  auto put = [&](const bj::object& body) {
    return request("PUT", "/api/v1/statuses/" + status_id, bj::serialize(body),
                   {{"Content-Type", "application/json"}}, ann_.token);
  };
  Reply same = put({{"status", "Which one, really?"}, {"poll", poll({"a", "b"}, 3600)}});
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(str(json(same).at("poll"), "id"), id);
  EXPECT_EQ(num(json(same).at("poll"), "votes_count"), 1);
  Reply without = put({{"status", "No poll params"}});
  ASSERT_EQ(without.status, 200) << without.body;
  EXPECT_EQ(str(json(without).at("poll"), "id"), id);
  Reply changed = put({{"status", "x"}, {"poll", poll({"a", "c"})}});
  EXPECT_EQ(changed.status, 422) << changed.body;
  EXPECT_EQ(str(json(changed), "error"),
            "Validation failed: A poll's options cannot be changed on this server (delete and "
            "redraft the post instead)");
  EXPECT_EQ(put({{"status", "x"}, {"media_ids", bj::array{upload(ann_)}}}).status, 422);
  const std::string plain = post_status(ann_, "plain");
  Reply added = request("PUT", "/api/v1/statuses/" + plain,
                        bj::serialize(bj::object{{"status", "x"}, {"poll", poll({"a", "b"})}}),
                        {{"Content-Type", "application/json"}}, ann_.token);
  EXPECT_EQ(added.status, 422) << added.body;
  EXPECT_TRUE(json(get("/api/v1/statuses/" + plain)).at("poll").is_null());
  EXPECT_EQ(str(json(get("/api/v1/statuses/" + status_id)), "content"), "<p>No poll params</p>");
}

TEST_F(PollsApi, AScheduledPostKeepsItsPollUntilPublished) {
  Reply r = post("/api/v1/statuses",
                 {{"status", "Later"}, {"scheduled_at", "2024-03-01T12:10:00.000Z"},
                  {"poll", poll({"a", "b"}, 300, {{"multiple", true}})}},
                 ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const bj::value scheduled = json(r);
  const bj::value& params = scheduled.at("params").at("poll");
  EXPECT_EQ(params.at("options"), (bj::array{"a", "b"}));
  EXPECT_EQ(str(params, "expires_in"), "300");
  EXPECT_TRUE(params.at("multiple").as_bool());
  EXPECT_FALSE(params.at("hide_totals").as_bool());
  Reply bad = post("/api/v1/statuses",
                   {{"status", "Later"}, {"scheduled_at", "2024-03-01T12:10:00.000Z"}, {"poll", poll({"a"})}},
                   ann_.token);
  EXPECT_EQ(bad.status, 422) << bad.body;
  clock().advance_ms(600'000);
  ASSERT_TRUE(eventually([&] { return statuses_count(ann_) == 1; }));
  bj::value posted = json(get("/api/v1/accounts/" + ann_.id + "/statuses")).as_array()[0];
  EXPECT_EQ(str(posted.at("poll"), "expires_at"), "2024-03-01T12:15:00.000Z") << "from publication";
  EXPECT_TRUE(posted.at("poll").at("multiple").as_bool());
}

}  // namespace
}  // namespace kindred::testing
