// POST /api/v1/statuses, GET and DELETE /api/v1/statuses/:id, GET /api/v1/statuses/:id/context.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/api_fixture.h"

namespace kindred::testing {
namespace {

class StatusesApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
    bob_ = register_user("bob");
  }

  Reply create(const boost::json::object& body, const User& who) {
    return post("/api/v1/statuses", body, who.token);
  }
  int64_t statuses_count(const User& who) { return num(me(who), "statuses_count"); }
  std::string status_path(const std::string& id) { return "/api/v1/statuses/" + id; }

  User ann_;
  User bob_;
};

// A server whose statuses may hold at most 20 characters.
class TwentyCharacterStatusesApi : public ApiTest {
 protected:
  TwentyCharacterStatusesApi() : ApiTest({.max_characters = 20}) {}
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = register_user("ann");
  }
  User ann_;
};

// --- create ---

TEST_F(StatusesApi, CreateReturnsTheStatusWithTheGivenFields) {
  Reply r = create({{"status", "Morning light"},
                    {"spoiler_text", "bright"},
                    {"sensitive", true},
                    {"visibility", "unlisted"},
                    {"language", "en"}},
                   ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value s = json(r);
  const std::string id = str(s, "id");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(str(s, "content"), "<p>Morning light</p>");
  EXPECT_EQ(str(s, "spoiler_text"), "bright");
  EXPECT_EQ(s.at("sensitive"), true);
  EXPECT_EQ(str(s, "visibility"), "unlisted");
  EXPECT_EQ(str(s, "language"), "en");
  EXPECT_EQ(str(s, "created_at"), "2024-03-01T12:00:00.000Z");
  EXPECT_TRUE(s.at("in_reply_to_id").is_null());
  EXPECT_TRUE(s.at("in_reply_to_account_id").is_null());
  EXPECT_EQ(num(s, "replies_count"), 0);
  EXPECT_EQ(num(s, "favourites_count"), 0);
  EXPECT_EQ(num(s, "reblogs_count"), 0);
  EXPECT_EQ(s.at("favourited"), false);
  EXPECT_EQ(str(s, "url"), std::string(kBaseUrl) + "/@ann/" + id);
  EXPECT_EQ(str(s, "uri"), std::string(kBaseUrl) + "/users/ann/statuses/" + id);
  EXPECT_EQ(str(s.at("account"), "id"), ann_.id);
  EXPECT_EQ(str(s.at("application"), "name"), "Test App");
  EXPECT_EQ(s.at("media_attachments"), boost::json::array());
  EXPECT_EQ(statuses_count(ann_), 1);
}

// Statuses are written from memoised parts (see entities.cpp): what changes must still show at
// once, whoever reads and however often the status was read before.
TEST_F(StatusesApi, ReadsShowProfileEditsCountsAndFlagsAtOnce) {
  auto created = create({{"status", "first light"}}, ann_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = str(json(created), "id");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get(status_path(id), bob_.token).status, 200);
  ASSERT_EQ(http().patch_form("/api/v1/accounts/update_credentials",
                              "display_name=Ann%20Again&note=new%20note", ann_.token).status, 200);
  ASSERT_EQ(post(status_path(id) + "/favourite", {}, bob_.token).status, 200);
  auto seen = json(get(status_path(id), bob_.token));
  EXPECT_EQ(str(seen.at("account"), "display_name"), "Ann Again");
  EXPECT_EQ(str(seen.at("account"), "note"), "<p>new note</p>");
  EXPECT_EQ(num(seen, "favourites_count"), 1);
  EXPECT_TRUE(seen.at("favourited").as_bool());
  EXPECT_EQ(num(seen.at("account"), "statuses_count"), 1);
  auto signed_out = json(get(status_path(id)));
  EXPECT_EQ(num(signed_out, "favourites_count"), 1);
  EXPECT_FALSE(signed_out.as_object().contains("favourited"));
  EXPECT_EQ(str(signed_out, "content"), "<p>first light</p>");
  auto second = create({{"status", "second"}}, ann_);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(num(json(get(status_path(id))).at("account"), "statuses_count"), 2);
}

TEST_F(StatusesApi, CreateDefaultsToPublicNotSensitiveWithoutLanguage) {
  Reply r = create({{"status", "plain"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "visibility"), "public");
  EXPECT_EQ(json(r).at("sensitive"), false);
  EXPECT_TRUE(json(r).at("language").is_null());
}

TEST_F(StatusesApi, CreateAcceptsAFormBody) {
  Reply r = post_form(
      "/api/v1/statuses",
      form_body({{"status", "from a form"}, {"visibility", "private"}, {"sensitive", "1"}}),
      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "content"), "<p>from a form</p>");
  EXPECT_EQ(str(json(r), "visibility"), "private");
  EXPECT_EQ(json(r).at("sensitive"), true);
}

TEST_F(StatusesApi, SpoilerTextMakesTheStatusSensitive) {
  Reply r = create({{"status", "spoiler ahead"}, {"spoiler_text", "ending"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("sensitive"), true);
}

TEST_F(StatusesApi, ContentIsEscapedHtml) {
  Reply r = create({{"status", "<script>alert(\"x\")</script> & 'quotes'\n\nnext<b>\nline"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string content = str(json(r), "content");
  EXPECT_EQ(content.find("<script"), std::string::npos) << content;
  EXPECT_EQ(content.find("<b>"), std::string::npos) << content;
  EXPECT_EQ(content,
            "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>"
            "<p>next&lt;b&gt;<br />line</p>");
  // Escaping is for display only: the author gets the text back as written.
  Reply deleted = del(status_path(str(json(r), "id")), ann_.token);
  EXPECT_EQ(str(json(deleted), "text"),
            "<script>alert(\"x\")</script> & 'quotes'\n\nnext<b>\nline");
}

TEST_F(StatusesApi, MentionsResolveToLocalAccountsOnly) {
  Reply r = create(
      {{"status", "@bob look, @nobody! cc @BOB and @bob@kindred.test, @bob@far.example"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value s = json(r);
  ASSERT_EQ(s.at("mentions").as_array().size(), 1u) << boost::json::serialize(s.at("mentions"));
  const boost::json::value& m = s.at("mentions").at(0);
  EXPECT_EQ(str(m, "id"), bob_.id);
  EXPECT_EQ(str(m, "username"), "bob");
  EXPECT_EQ(str(m, "acct"), "bob");
  EXPECT_EQ(str(m, "url"), std::string(kBaseUrl) + "/@bob");
  const std::string content = str(s, "content");
  EXPECT_NE(content.find("<a href=\"https://kindred.test/@bob\" class=\"u-url mention\">"),
            std::string::npos)
      << content;
  EXPECT_NE(content.find("@nobody!"), std::string::npos)
      << "unknown mentions stay text: " << content;
  EXPECT_EQ(content.find("/@nobody"), std::string::npos) << content;
}

// Domains are case-insensitive: "@bob@KINDRED.test" is the local bob, as lookup already agrees.
TEST_F(StatusesApi, MentionOfTheLocalDomainInAnyCaseResolves) {
  ASSERT_EQ(get("/api/v1/accounts/lookup?acct=bob@KINDRED.test").status, 200);
  Reply r = create({{"status", "hi @bob@KINDRED.test"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(json(r).at("mentions")), (std::vector<std::string>{bob_.id})) << r.body;
}

TEST_F(StatusesApi, HashtagsBecomeLowerCasedTags) {
  Reply r = create({{"status", "#Sunset over the #sea #sunset"}}, ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value tags = json(r).at("tags");
  ASSERT_EQ(tags.as_array().size(), 2u) << boost::json::serialize(tags);
  EXPECT_EQ(str(tags.at(0), "name"), "sunset");
  EXPECT_EQ(str(tags.at(1), "name"), "sea");
  EXPECT_EQ(str(tags.at(0), "url"), std::string(kBaseUrl) + "/tags/sunset");
}

TEST_F(TwentyCharacterStatusesApi, TextOfExactlyTheLimitIsAccepted) {
  Reply r = post("/api/v1/statuses", {{"status", std::string(20, 'a')}}, ann_.token);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(TwentyCharacterStatusesApi, OverLongTextIs422AndNothingIsPosted) {
  Reply r = post("/api/v1/statuses", {{"status", std::string(21, 'a')}}, ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Validation failed: Text character limit of 20 exceeded");
  EXPECT_EQ(num(me(ann_), "statuses_count"), 0);
}

TEST_F(TwentyCharacterStatusesApi, CharactersAreCountedNotBytes) {
  // Twenty two-byte letters: 40 bytes, 20 characters.
  std::string text;
  for (int i = 0; i < 20; ++i) text += "\xc3\xa9";
  EXPECT_EQ(post("/api/v1/statuses", {{"status", text}}, ann_.token).status, 200);
}

TEST_F(TwentyCharacterStatusesApi, SpoilerTextCountsTowardTheLimit) {
  Reply r = post("/api/v1/statuses", {{"status", std::string(15, 'a')}, {"spoiler_text", "123456"}},
                 ann_.token);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(num(me(ann_), "statuses_count"), 0);
}

TEST_F(TwentyCharacterStatusesApi, InstanceAdvertisesTheLimit) {
  Reply r = get("/api/v1/instance");
  EXPECT_EQ(num(json(r).at("configuration").at("statuses"), "max_characters"), 20);
}

TEST_F(StatusesApi, BlankTextIs422AndNothingIsPosted) {
  for (std::string blank : {"", "   ", " \n\t "}) {
    SCOPED_TRACE("'" + blank + "'");
    Reply r = create({{"status", blank}}, ann_);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(str(json(r), "error"), "Validation failed: Text can't be blank");
  }
  Reply missing = create({{"visibility", "public"}}, ann_);
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(statuses_count(ann_), 0);
}

TEST_F(StatusesApi, BadVisibilityIs422AndNothingIsPosted) {
  Reply r = create({{"status", "hi"}, {"visibility", "everyone"}}, ann_);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty());
  EXPECT_EQ(statuses_count(ann_), 0);
}

TEST_F(StatusesApi, BadLanguageIs422AndNothingIsPosted) {
  for (std::string bad : {"english", "e1", "x", "-US"}) {
    SCOPED_TRACE(bad);
    Reply r = create({{"status", "hi"}, {"language", bad}}, ann_);
    EXPECT_EQ(r.status, 422) << r.body;
  }
  EXPECT_EQ(statuses_count(ann_), 0);
}

TEST_F(StatusesApi, LanguageKeepsTheIsoCodeAndDropsTheRegion) {
  for (auto [sent, stored] : {std::pair{"pt-BR", "pt"}, {"EN", "en"}, {"en_GB", "en"}}) {
    Reply r = create({{"status", "hi"}, {"language", sent}}, ann_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(json(r), "language"), stored);
  }
}

TEST_F(StatusesApi, NonBooleanSensitiveIs422) {
  Reply r = create({{"status", "hi"}, {"sensitive", "maybe"}}, ann_);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(statuses_count(ann_), 0);
}

TEST_F(StatusesApi, ReplyToAnUnknownStatusIs404AndNothingIsPosted) {
  const std::string id = post_status(ann_, "root");
  Reply r = create(
      {{"status", "reply"}, {"in_reply_to_id", std::to_string(std::stoull(id) + 1000)}}, bob_);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(str(json(r), "error"), "Record not found");
  EXPECT_EQ(statuses_count(bob_), 0);
}

TEST_F(StatusesApi, ReplyToInvisibleStatusIs404) {
  const std::string secret = post_status(ann_, "followers only", {{"visibility", "private"}});
  Reply r = create({{"status", "reply"}, {"in_reply_to_id", secret}}, bob_);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(statuses_count(bob_), 0);
  EXPECT_EQ(num(json(get(status_path(secret), ann_.token)), "replies_count"), 0);
}

TEST_F(StatusesApi, ReplyToANonNumericIdIs422) {
  Reply r = create({{"status", "reply"}, {"in_reply_to_id", "abc"}}, bob_);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(statuses_count(bob_), 0);
}

TEST_F(StatusesApi, MediaIdsAre422AndNothingIsPosted) {
  Reply r = create({{"status", "with a photo"}, {"media_ids", boost::json::array{"123"}}}, ann_);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_FALSE(str(json(r), "error").empty());
  EXPECT_EQ(statuses_count(ann_), 0);
}

// A poll is posted with its status whether sent as a form or as JSON (polls_test.cpp has the rest).
TEST_F(StatusesApi, PollInAFormBodyIsPostedWithIt) {
  Reply r = post_form("/api/v1/statuses",
                      "status=vote&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b"
                      "&poll%5Bexpires_in%5D=300",
                      ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r).at("poll").at("options").as_array().size(), 2u);
  EXPECT_EQ(statuses_count(ann_), 1);
}

TEST_F(StatusesApi, PollInAJsonBodyIsPostedWithIt) {
  Reply r = create({{"status", "vote"},
                    {"poll", {{"options", boost::json::array{"a", "b"}}, {"expires_in", 300}}}},
                   ann_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r).at("poll").at("options").as_array()[1], "title"), "b");
  EXPECT_EQ(statuses_count(ann_), 1);
}

// Scheduling is tested in scheduled_statuses_test.cpp; here: it posts nothing yet.
TEST_F(StatusesApi, AScheduledStatusIsNotPostedYet) {
  Reply r = create({{"status", "later"}, {"scheduled_at", "2030-01-01T00:00:00Z"}}, ann_);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "scheduled_at"), "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(statuses_count(ann_), 0);
}

TEST_F(StatusesApi, CreateWithoutTokenIs401) {
  Reply r = post("/api/v1/statuses", {{"status", "anonymous"}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(num(stats(), "status_count"), 0);
}

TEST_F(StatusesApi, IdempotencyKeyReturnsTheSameStatusTwice) {
  auto send = [&](const User& who, std::string_view key, std::string_view text) {
    return request(
        "POST", "/api/v1/statuses", boost::json::serialize(boost::json::object{{"status", text}}),
        {{"Content-Type", "application/json"}, {"Idempotency-Key", std::string(key)}}, who.token);
  };
  Reply first = send(ann_, "key-1", "once");
  Reply again = send(ann_, "key-1", "once");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(json(again), "id"), str(json(first), "id"));
  EXPECT_EQ(statuses_count(ann_), 1);

  Reply other_key = send(ann_, "key-2", "once");
  EXPECT_NE(str(json(other_key), "id"), str(json(first), "id"));
  Reply other_user = send(bob_, "key-1", "once");
  EXPECT_NE(str(json(other_user), "id"), str(json(first), "id"));
  EXPECT_EQ(statuses_count(ann_), 2);
}

TEST_F(StatusesApi, ConcurrentRetriesWithOneIdempotencyKeyPostOnce) {
  constexpr int kThreads = 8;
  std::vector<std::string> ids_seen(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", instance().port());
      Reply r = client.request("POST", "/api/v1/statuses", "{\"status\":\"retry\"}",
                               {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer " + ann_.token},
                                {"Idempotency-Key", "same"}});
      ids_seen[static_cast<size_t>(i)] = r.status == 200 ? str(r.json(), "id") : r.body;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids_seen.begin(), ids_seen.end()).size(), 1u)
      << ::testing::PrintToString(ids_seen);
  EXPECT_EQ(statuses_count(ann_), 1);
}

// --- show ---

TEST_F(StatusesApi, PublicStatusCanBeReadSignedOut) {
  const std::string id = post_status(ann_, "for everyone");
  Reply r = get(status_path(id));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), id);
  EXPECT_EQ(str(json(r), "content"), "<p>for everyone</p>");
  EXPECT_FALSE(json(r).as_object().contains("favourited"))
      << "viewer flags are for signed-in viewers";
  EXPECT_FALSE(json(r).as_object().contains("application"))
      << "the app is shown to the author only";
}

TEST_F(StatusesApi, PrivateStatusIs404ForAStrangerAndSignedOut) {
  const std::string id = post_status(ann_, "followers only", {{"visibility", "private"}});
  Reply stranger = get(status_path(id), bob_.token);
  EXPECT_EQ(stranger.status, 404) << stranger.body;
  EXPECT_EQ(str(json(stranger), "error"), "Record not found");
  EXPECT_EQ(get(status_path(id)).status, 404);
  EXPECT_EQ(get(status_path(id), ann_.token).status, 200) << "the author sees it";
}

TEST_F(StatusesApi, DirectStatusIsVisibleToTheMentionedOnly) {
  User cat = register_user("cat");
  const std::string id = post_status(ann_, "@bob just us", {{"visibility", "direct"}});
  EXPECT_EQ(get(status_path(id), bob_.token).status, 200);
  EXPECT_EQ(get(status_path(id), cat.token).status, 404);
  EXPECT_EQ(get(status_path(id)).status, 404);
}

TEST_F(StatusesApi, UnknownStatusIs404) {
  const std::string id = post_status(ann_, "exists");
  EXPECT_EQ(get(status_path(std::to_string(std::stoull(id) + 1000))).status, 404);
  EXPECT_EQ(get(status_path("abc")).status, 404);
  EXPECT_EQ(get(status_path("-5")).status, 404);
}

// --- delete ---

TEST_F(StatusesApi, DeleteReturnsTheSourceTextAndThenGetIs404) {
  const std::string id = post_status(ann_, "short-lived *text*");
  Reply r = del(status_path(id), ann_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "id"), id);
  EXPECT_EQ(str(json(r), "text"), "short-lived *text*");
  EXPECT_EQ(get(status_path(id)).status, 404);
  EXPECT_EQ(get(status_path(id), ann_.token).status, 404);
  EXPECT_EQ(statuses_count(ann_), 0);
  EXPECT_EQ(num(stats(), "status_count"), 0);
}

TEST_F(StatusesApi, DeletingTwiceIs404) {
  const std::string id = post_status(ann_, "once");
  EXPECT_EQ(del(status_path(id), ann_.token).status, 200);
  EXPECT_EQ(del(status_path(id), ann_.token).status, 404);
}

TEST_F(StatusesApi, DeletingSomeoneElsesStatusIs404AndItSurvives) {
  const std::string id = post_status(ann_, "mine");
  Reply r = del(status_path(id), bob_.token);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(get(status_path(id)).status, 200);
  EXPECT_EQ(statuses_count(ann_), 1);
}

TEST_F(StatusesApi, DeleteWithoutTokenIs401AndTheStatusSurvives) {
  const std::string id = post_status(ann_, "mine");
  EXPECT_EQ(del(status_path(id)).status, 401);
  EXPECT_EQ(get(status_path(id)).status, 200);
}

TEST_F(StatusesApi, DeleteWithAReadOnlyTokenIs403AndTheStatusSurvives) {
  const std::string id = post_status(ann_, "mine");
  Reply grant = password_grant(default_app(), "ann", kPassword, "read");
  EXPECT_EQ(del(status_path(id), str(json(grant), "access_token")).status, 403);
  EXPECT_EQ(get(status_path(id)).status, 200);
}

// --- threads ---

TEST_F(StatusesApi, ReplyPointsAtItsParentAndMentionsItsAuthor) {
  const std::string root = post_status(ann_, "root");
  Reply r = create({{"status", "nice"}, {"in_reply_to_id", root}}, bob_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(json(r), "in_reply_to_id"), root);
  EXPECT_EQ(str(json(r), "in_reply_to_account_id"), ann_.id);
  EXPECT_EQ(ids(json(r).at("mentions")), (std::vector<std::string>{ann_.id}));
}

TEST_F(StatusesApi, ContextListsAncestorsRootFirst) {
  const std::string root = post_status(ann_, "root");
  const std::string a = post_status(bob_, "a", {{"in_reply_to_id", root}});
  const std::string b = post_status(ann_, "b", {{"in_reply_to_id", a}});
  const std::string c = post_status(bob_, "c", {{"in_reply_to_id", b}});
  Reply r = get(status_path(c) + "/context");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(texts(json(r).at("ancestors")), (std::vector<std::string>{"root", "a", "b"}));
  EXPECT_EQ(texts(json(r).at("descendants")), std::vector<std::string>{});
}

TEST_F(StatusesApi, ContextListsDescendantsDepthFirstWithTheAuthorsOwnRepliesFirst) {
  User cat = register_user("cat");
  const std::string root = post_status(ann_, "root");
  const std::string bob1 = post_status(bob_, "bob1", {{"in_reply_to_id", root}});
  const std::string ann1 = post_status(ann_, "ann1", {{"in_reply_to_id", root}});
  post_status(cat, "cat-on-bob1", {{"in_reply_to_id", bob1}});
  post_status(bob_, "bob-on-ann1", {{"in_reply_to_id", ann1}});
  post_status(ann_, "ann2", {{"in_reply_to_id", ann1}});
  post_status(cat, "cat2", {{"in_reply_to_id", root}});
  Reply r = get(status_path(root) + "/context");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(texts(json(r).at("ancestors")), std::vector<std::string>{});
  // ann's own thread first (ann1, then its own continuation ann2 before bob's reply to it), then
  // everyone else's replies oldest first, each followed by its own replies.
  EXPECT_EQ(
      texts(json(r).at("descendants")),
      (std::vector<std::string>{"ann1", "ann2", "bob-on-ann1", "bob1", "cat-on-bob1", "cat2"}));
}

TEST_F(StatusesApi, ContextOfAMiddleStatusHasBothSides) {
  const std::string root = post_status(ann_, "root");
  const std::string mid = post_status(bob_, "mid", {{"in_reply_to_id", root}});
  post_status(ann_, "leaf", {{"in_reply_to_id", mid}});
  Reply r = get(status_path(mid) + "/context");
  EXPECT_EQ(texts(json(r).at("ancestors")), (std::vector<std::string>{"root"}));
  EXPECT_EQ(texts(json(r).at("descendants")), (std::vector<std::string>{"leaf"}));
}

TEST_F(StatusesApi, ContextLeavesOutRepliesTheViewerMayNotSee) {
  const std::string root = post_status(ann_, "root");
  post_status(bob_, "open reply", {{"in_reply_to_id", root}});
  post_status(bob_, "private reply", {{"in_reply_to_id", root}, {"visibility", "private"}});
  User cat = register_user("cat");
  EXPECT_EQ(texts(json(get(status_path(root) + "/context", cat.token)).at("descendants")),
            (std::vector<std::string>{"open reply"}));
  EXPECT_EQ(texts(json(get(status_path(root) + "/context")).at("descendants")),
            (std::vector<std::string>{"open reply"}));
  // bob wrote it and ann, as the parent's author, is mentioned by it.
  EXPECT_EQ(texts(json(get(status_path(root) + "/context", bob_.token)).at("descendants")),
            (std::vector<std::string>{"open reply", "private reply"}));
}

TEST_F(StatusesApi, ContextOfAnInvisibleStatusIs404) {
  const std::string id = post_status(ann_, "followers only", {{"visibility", "private"}});
  EXPECT_EQ(get(status_path(id) + "/context", bob_.token).status, 404);
  EXPECT_EQ(get(status_path("abc") + "/context").status, 404);
}

TEST_F(StatusesApi, RepliesCountIsExactAfterRepliesAndDeletes) {
  const std::string root = post_status(ann_, "root");
  const std::string r1 = post_status(bob_, "r1", {{"in_reply_to_id", root}});
  const std::string r2 = post_status(ann_, "r2", {{"in_reply_to_id", root}});
  post_status(bob_, "r3", {{"in_reply_to_id", root}});
  post_status(ann_, "nested", {{"in_reply_to_id", r1}});
  EXPECT_EQ(num(json(get(status_path(root))), "replies_count"), 3) << "direct replies only";
  EXPECT_EQ(num(json(get(status_path(r1))), "replies_count"), 1);

  ASSERT_EQ(del(status_path(r2), ann_.token).status, 200);
  EXPECT_EQ(num(json(get(status_path(root))), "replies_count"), 2);
  ASSERT_EQ(del(status_path(r2), ann_.token).status, 404);
  EXPECT_EQ(num(json(get(status_path(root))), "replies_count"), 2)
      << "a second delete changes nothing";
  Reply refused = del(status_path(r1), ann_.token);
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(num(json(get(status_path(root))), "replies_count"), 2);
  EXPECT_EQ(texts(json(get(status_path(root) + "/context")).at("descendants")),
            (std::vector<std::string>{"r1", "nested", "r3"}));
}

}  // namespace
}  // namespace kindred::testing
