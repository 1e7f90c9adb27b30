// Mastodon's streaming API through the real server: WebSocket (a Beast client) and SSE.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <sys/time.h>
#include <vector>

#include "social/streaming/hub.h"
#include "support/api_fixture.h"
#include "support/ws_client.h"

namespace kindred::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

class StreamingApi : public ThreePeopleApi {
 protected:
  explicit StreamingApi(ServerOptions options = {}) : ThreePeopleApi(with_fast_counts(options)) {}
  static ServerOptions with_fast_counts(ServerOptions options) {
    options.stream_counts_interval_ms = kCountsIntervalMs;  // 1000 in service
    return options;
  }
  static constexpr int kCountsIntervalMs = 100;

  std::unique_ptr<WsClient> open(const User& who, std::string_view query) {
    auto ws = std::make_unique<WsClient>();
    EXPECT_TRUE(ws->open(instance().port(), "/api/v1/streaming" + std::string(query),
                         {{"Authorization", "Bearer " + who.token}}))
        << ws->response().result_int() << " " << ws->response().body();
    return ws;
  }
  // The next message, parsed; its payload parsed too when it is JSON (updates, notifications).
  json::object next(WsClient& ws) {
    auto m = ws.next();
    EXPECT_TRUE(m.has_value()) << "no message";
    if (!m) return {};
    return json::parse(*m).as_object();
  }
  static json::object payload(const json::object& message) {
    return json::parse(message.at("payload").as_string()).as_object();
  }
  void settle() {
    instance().feeds_for_test().wait_idle();
    instance().streams_for_test().wait_idle();
  }
  void follow(const User& who, const User& target) {
    ASSERT_EQ(post("/api/v1/accounts/" + target.id + "/follow", {}, who.token).status, 200);
  }
  // Posts, then moves the clock so the next post is newer.
  std::string say(const User& who, std::string_view text, const json::object& extra = {}) {
    std::string id = post_status(who, text, extra);
    clock().advance_ms(1000);
    settle();
    return id;
  }
  // Returns once the server has handled every message sent before: messages are handled in
  // order, and this one is answered with an error.
  void barrier(WsClient& ws) {
    ASSERT_TRUE(ws.send(R"({"type":"barrier"})"));
    EXPECT_EQ(ws.next(), R"({"error":"Unknown message type","status":400})");
  }
  // The status id of the next update on `ws`.
  std::string next_update(WsClient& ws) {
    json::object m = next(ws);
    if (m.empty()) return "";
    EXPECT_EQ(m.at("event"), "update") << json::serialize(m);
    if (m.at("event") != "update") return "";
    json::object status = payload(m);
    EXPECT_TRUE(status.contains("id")) << json::serialize(status);
    return str(status.at("id"));
  }
};

TEST_F(StreamingApi, UserStreamGetsWhatTheHomeTimelineShows) {
  follow(ann_, bob_);
  User dan = register_user("dan");
  follow(ann_, dan);
  auto ws = open(ann_, "?stream=user");
  const std::string b1 = say(bob_, "bob's post");
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"user"}));
  EXPECT_EQ(m.at("event"), "update");
  json::object status = payload(m);
  EXPECT_EQ(str(status.at("id")), b1);
  EXPECT_EQ(str(status.at("account").at("id")), bob_.id);
  EXPECT_EQ(status.at("content"), "<p>bob&#39;s post</p>");

  // Own posts arrive too; a stranger's private post does not.
  const std::string a1 = say(ann_, "mine");
  EXPECT_EQ(next_update(*ws), a1);
  say(cat_, "for cat's followers", {{"visibility", "private"}});
  // A muted account's post does not arrive, nor one a filter with action hide hides.
  ASSERT_EQ(post("/api/v1/accounts/" + dan.id + "/mute", {}, ann_.token).status, 200);
  say(dan, "muted");
  auto filter = post("/api/v2/filters",
                     {{"title", "no spoilers"},
                      {"context", json::array{"home"}},
                      {"filter_action", "hide"},
                      {"keywords_attributes", json::array{json::object{{"keyword", "spoilers"}}}}},
                     ann_.token);
  ASSERT_EQ(filter.status, 200) << filter.body;
  settle();
  // The filter's creation was told, before the posts (no payload, as Mastodon).
  EXPECT_EQ(ws->next().value_or("none"), R"({"stream":["user"],"event":"filters_changed"})");
  say(bob_, "spoilers ahead");
  const std::string b2 = say(bob_, "the sentinel");
  EXPECT_EQ(next_update(*ws), b2);
  // Deleting the filter is told too.
  const std::string filter_id = str(filter.json().at("id"));
  ASSERT_EQ(del("/api/v2/filters/" + filter_id, ann_.token).status, 200);
  settle();
  EXPECT_EQ(ws->next().value_or("none"), R"({"stream":["user"],"event":"filters_changed"})");
}

TEST_F(StreamingApi, PublicStreamsGetPublicPostsOnlyAndNotFromBlockers) {
  auto ws = open(ann_, "?stream=public");
  say(bob_, "unlisted", {{"visibility", "unlisted"}});
  say(bob_, "private", {{"visibility", "private"}});
  const std::string b1 = say(bob_, "public");
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"public"}));
  EXPECT_EQ(str(payload(m).at("id")), b1);
  // Blocks count both ways.
  ASSERT_EQ(post("/api/v1/accounts/" + ann_.id + "/block", {}, cat_.token).status, 200);
  say(cat_, "cat blocks ann");
  User dan = register_user("dan");
  ASSERT_EQ(post("/api/v1/accounts/" + dan.id + "/block", {}, ann_.token).status, 200);
  say(dan, "ann blocks dan");
  const std::string b2 = say(bob_, "the sentinel");
  EXPECT_EQ(next_update(*ws), b2);
}

TEST_F(StreamingApi, AHeldCommentIsNotStreamed) {
  auto words = request("PUT", "/api/v1/kindred/hidden_words", R"({"words":["cruel"]})",
                       {{"Content-Type", "application/json"}}, ann_.token);
  ASSERT_EQ(words.status, 200) << words.body;
  const std::string a1 = say(ann_, "One year ago today.");
  auto ws = open(ann_, "?stream=public:local");
  // Held for ann's review: it shows to its writer only, so it reaches no stream.
  say(bob_, "You are cruel", {{"in_reply_to_id", a1}});
  const std::string c1 = say(cat_, "Thinking of you", {{"in_reply_to_id", a1}});
  EXPECT_EQ(next_update(*ws), c1);
}

TEST_F(StreamingApi, HashtagAndMediaStreamsAndDeletions) {
  auto ws = open(ann_, "?stream=hashtag&tag=Cats");
  say(bob_, "no tag");
  const std::string b1 = say(bob_, "look #cats");
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"hashtag", "cats"}));
  EXPECT_EQ(str(payload(m).at("id")), b1);
  ASSERT_EQ(del("/api/v1/statuses/" + b1, bob_.token).status, 200);
  settle();
  m = next(*ws);
  EXPECT_EQ(m.at("event"), "delete");
  EXPECT_EQ(str(m.at("payload")), b1);  // the id as a string
}

TEST_F(StreamingApi, AnEditSendsStatusUpdate) {
  auto ws = open(ann_, "?stream=public");
  const std::string b1 = say(bob_, "first words");
  EXPECT_EQ(next_update(*ws), b1);
  auto edited = request("PUT", "/api/v1/statuses/" + b1, R"({"status":"second thoughts"})",
                        {{"Content-Type", "application/json"}}, bob_.token);
  ASSERT_EQ(edited.status, 200) << edited.body;
  settle();
  json::object m = next(*ws);
  EXPECT_EQ(m.at("event"), "status.update");
  EXPECT_EQ(str(payload(m).at("id")), b1);
  EXPECT_EQ(payload(m).at("content"), "<p>second thoughts</p>");
  EXPECT_NE(payload(m).at("edited_at"), nullptr);
}

TEST_F(StreamingApi, DirectStreamGetsConversations) {
  auto ws = open(ann_, "?stream=direct");
  say(bob_, "public, not a conversation");
  say(bob_, "@cat not for ann", {{"visibility", "direct"}});
  const std::string b1 = say(bob_, "@ann just us", {{"visibility", "direct"}});
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"direct"}));
  EXPECT_EQ(m.at("event"), "conversation");
  json::object conversation = payload(m);
  EXPECT_EQ(str(conversation.at("last_status").at("id")), b1);
  EXPECT_EQ(conversation.at("unread"), true);
  EXPECT_EQ(str(conversation.at("accounts").at(0).at("id")), bob_.id);
  EXPECT_FALSE(ws->next(milliseconds(200)).has_value());
}

TEST_F(StreamingApi, ListStreamGetsWhatTheListTimelineShows) {
  follow(ann_, bob_);
  follow(ann_, cat_);
  auto list = post("/api/v1/lists", {{"title", "friends"}}, ann_.token);
  ASSERT_EQ(list.status, 200) << list.body;
  const std::string list_id = str(list.json().at("id"));
  ASSERT_EQ(post("/api/v1/lists/" + list_id + "/accounts", {{"account_ids", json::array{bob_.id}}},
                 ann_.token).status, 200);
  // Only its owner may stream it.
  WsClient other;
  EXPECT_FALSE(other.open(instance().port(), "/api/v1/streaming?stream=list&list=" + list_id,
                          {{"Authorization", "Bearer " + cat_.token}}));
  EXPECT_EQ(other.response().result_int(), 401);
  EXPECT_EQ(other.response().body(), R"({"error":"Not authorized to stream this list"})");

  auto ws = open(ann_, "?stream=list&list=" + list_id);
  say(cat_, "not a member");
  const std::string b1 = say(bob_, "a member");
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"list", json::string(list_id)}));
  EXPECT_EQ(m.at("event"), "update");
  EXPECT_EQ(str(payload(m).at("id")), b1);
  ASSERT_EQ(del("/api/v1/statuses/" + b1, bob_.token).status, 200);
  settle();
  m = next(*ws);
  EXPECT_EQ(m.at("event"), "delete");
  EXPECT_EQ(str(m.at("payload")), b1);
}

TEST_F(StreamingApi, ALikeSendsANotification) {
  auto ws = open(ann_, "?stream=user:notification");
  const std::string a1 = say(ann_, "like me");
  ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/favourite", {}, bob_.token).status, 200);
  settle();
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"user:notification"}));
  EXPECT_EQ(m.at("event"), "notification");
  json::object n = payload(m);
  EXPECT_EQ(n.at("type"), "favourite");
  EXPECT_EQ(str(n.at("account").at("id")), bob_.id);
  EXPECT_EQ(str(n.at("status").at("id")), a1);
  // Liking again sends nothing: the next event is the mention that follows it.
  ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/favourite", {}, bob_.token).status, 200);
  say(cat_, "@ann hello");
  settle();
  m = next(*ws);
  EXPECT_EQ(m.at("event"), "notification");
  EXPECT_EQ(payload(m).at("type"), "mention");
}

TEST_F(StreamingApi, AcceptingANotificationRequestSendsNotificationsMerged) {
  auto policy = http().patch_json("/api/v2/notifications/policy", R"({"for_not_following":"filter"})",
                                  ann_.token);
  ASSERT_EQ(policy.status, 200) << policy.body;
  auto ws = open(ann_, "?stream=user:notification");
  say(cat_, "@ann hello from a stranger");  // filtered into a request: no notification event
  say(cat_, "@ann and again");
  auto requests = get("/api/v1/notifications/requests", ann_.token).json().as_array();
  ASSERT_EQ(requests.size(), 1u);
  const std::string id = str(requests.at(0).at("id"));
  ASSERT_EQ(post("/api/v1/notifications/requests/" + id + "/accept", {}, ann_.token).status, 200);
  settle();
  EXPECT_EQ(ws->next().value_or("none"),
            R"({"stream":["user:notification"],"event":"notifications_merged","payload":"1"})");
  EXPECT_FALSE(ws->next(milliseconds(200)).has_value());
}

TEST_F(StreamingApi, SubscribeAndUnsubscribeMessages) {
  auto ws = open(ann_, "");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"hashtag","tag":"cats"})"));
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"public:local"})"));
  barrier(*ws);
  const std::string b1 = say(bob_, "#cats");
  json::object m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"hashtag", "cats"}));
  EXPECT_EQ(str(payload(m).at("id")), b1);
  m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"public:local"}));
  EXPECT_EQ(str(payload(m).at("id")), b1);

  ASSERT_TRUE(ws->send(R"({"type":"unsubscribe","stream":"hashtag","tag":"cats"})"));
  barrier(*ws);
  const std::string b2 = say(bob_, "#cats again");
  m = next(*ws);
  EXPECT_EQ(m.at("stream"), (json::array{"public:local"}));
  EXPECT_EQ(str(payload(m).at("id")), b2);
  EXPECT_FALSE(ws->next(milliseconds(200)).has_value());
}

TEST_F(StreamingApi, UnknownStreamsAndBadMessagesGetAnErrorOnTheSocket) {
  auto ws = open(ann_, "?stream=nope");
  EXPECT_EQ(*ws->next(), R"({"error":"Unknown stream type","status":400})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"lists"})"));
  EXPECT_EQ(*ws->next(), R"({"error":"Unknown stream type","status":400})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"hashtag"})"));
  EXPECT_EQ(*ws->next(), R"({"error":"Missing tag name parameter","status":400})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"list"})"));
  EXPECT_EQ(*ws->next(), R"({"error":"Missing list name parameter","status":400})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"list","list":"1"})"));
  EXPECT_EQ(*ws->next(), R"({"error":"Not authorized to stream this list","status":401})");
  ASSERT_TRUE(ws->send("not json"));
  EXPECT_EQ(*ws->next(), R"({"error":"Invalid JSON","status":400})");
  ASSERT_TRUE(ws->send(R"({"type":"dance"})"));
  EXPECT_EQ(*ws->next(), R"({"error":"Unknown message type","status":400})");
}

TEST_F(StreamingApi, ATokenIsNeeded) {
  WsClient none;
  EXPECT_FALSE(none.open(instance().port(), "/api/v1/streaming?stream=public"));
  EXPECT_EQ(none.response().result_int(), 401);
  EXPECT_EQ(none.response().body(), R"({"error":"Missing access token"})");
  WsClient bad;
  EXPECT_FALSE(bad.open(instance().port(), "/api/v1/streaming?stream=public&access_token=nope"));
  EXPECT_EQ(bad.response().result_int(), 401);
  // An app token may read public streams, not a user's.
  const std::string app = default_app_token();
  WsClient app_public;
  EXPECT_TRUE(app_public.open(instance().port(), "/api/v1/streaming?stream=public&access_token=" + app));
  WsClient app_user;
  EXPECT_FALSE(app_user.open(instance().port(), "/api/v1/streaming?stream=user&access_token=" + app));
  EXPECT_EQ(app_user.response().result_int(), 401);
  EXPECT_EQ(get("/api/v1/streaming/public").status, 401);
}

TEST_F(StreamingApi, TheTokenMayComeAsTheSubprotocol) {
  WsClient ws;
  ASSERT_TRUE(ws.open(instance().port(), "/api/v1/streaming?stream=public",
                      {{"Sec-WebSocket-Protocol", ann_.token}}));
  EXPECT_EQ(ws.response()["Sec-WebSocket-Protocol"], ann_.token);
  const std::string b1 = say(bob_, "hello");
  EXPECT_EQ(next_update(ws), b1);
}

TEST_F(StreamingApi, ServerSentEvents) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), instance().port()});
  const std::string request = "GET /api/v1/streaming/public/local HTTP/1.1\r\nHost: x\r\n"
                              "Origin: https://elsewhere.example\r\n"
                              "Authorization: Bearer " + ann_.token + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string got;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(got), "\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos) << got;
  settle();
  const std::string b1 = say(bob_, "over SSE");
  got.clear();
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(got), "\n\n\r\n");
  const size_t event = got.find("event: update\ndata: {");
  ASSERT_NE(event, std::string::npos) << got;
  const size_t data = event + std::string_view("event: update\ndata: ").size();
  json::object status = json::parse(got.substr(data, got.find("\n\n", data) - data)).as_object();
  EXPECT_EQ(str(status.at("id")), b1);
}

TEST_F(StreamingApi, SseErrors) {
  EXPECT_EQ(get("/api/v1/streaming/hashtag", ann_.token).status, 400);
  EXPECT_EQ(get("/api/v1/streaming/hashtag", ann_.token).body,
            R"({"error":"Missing tag name parameter"})");
  EXPECT_EQ(get("/api/v1/streaming/user", default_app_token()).status, 401);
  EXPECT_EQ(get("/api/v1/streaming/nope", ann_.token).status, 404);
}

TEST_F(StreamingApi, HealthAndInstanceUrls) {
  auto health = get("/api/v1/streaming/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "OK");
  EXPECT_EQ(health.header("content-type"), "text/plain");
  EXPECT_EQ(get("/api/v1/instance").json().at("urls").at("streaming_api"), "wss://kindred.test");
  EXPECT_EQ(get("/api/v2/instance").json().at("configuration").at("urls").at("streaming"),
            "wss://kindred.test");
}

// Kindred's kindred:status stream: an open post's counts as they move.
TEST_F(StreamingApi, ThePostCountsStreamSendsExactCountsAsTheyMove) {
  const std::string a1 = say(ann_, "One year since Iris.");
  auto ws = open(bob_, "?stream=kindred:status&id=" + a1);
  // Soon after subscribing: the counts now.
  EXPECT_EQ(ws->next().value_or("none"),
            R"({"stream":["kindred:status",")" + a1 + R"("],"event":"kindred.counts","payload":"{\"id\":\")" +
                a1 + R"(\",\"favourites_count\":0,\"reblogs_count\":0,\"replies_count\":0}"})");
  ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/favourite", {}, cat_.token).status, 200);
  ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/reblog", {}, cat_.token).status, 200);
  say(cat_, "Thinking of you", {{"in_reply_to_id", a1}});
  // They may come in one message or several; the last says all three.
  json::object counts;
  for (int i = 0; i < 4 && (counts.empty() || counts.at("replies_count") != 1); ++i) {
    json::object m = next(*ws);
    ASSERT_EQ(m.at("event"), "kindred.counts") << json::serialize(m);
    counts = payload(m);
  }
  EXPECT_EQ(counts, (json::object{{"id", a1}, {"favourites_count", 1}, {"reblogs_count", 1},
                                  {"replies_count", 1}}));
  EXPECT_FALSE(ws->next(milliseconds(3 * kCountsIntervalMs)).has_value()) << "no change, no message";
}

TEST_F(StreamingApi, ALikeStormIsOneCountsMessagePerInterval) {
  const std::string a1 = say(ann_, "For Iris");
  std::vector<User> fans;
  for (int i = 0; i < 30; ++i) fans.push_back(register_user("fan" + std::to_string(i)));
  auto ws = open(bob_, "?stream=kindred:status&id=" + a1);
  ASSERT_EQ(payload(next(*ws)).at("favourites_count"), 0);
  const auto start = std::chrono::steady_clock::now();
  for (const User& fan : fans)
    ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/favourite", {}, fan.token).status, 200);
  const auto took = std::chrono::steady_clock::now() - start;
  int messages = 0;
  int64_t last = -1;
  while (last != 30) {
    json::object m = next(*ws);
    ASSERT_FALSE(m.empty()) << "the final count never came; last " << last;
    last = payload(m).at("favourites_count").as_int64();
    ++messages;
  }
  // At most one a tick while they came, and one after: never one per like.
  EXPECT_LE(messages, took / milliseconds(kCountsIntervalMs) + 2) << messages << " for 30 likes";
  EXPECT_LT(messages, 30);
}

TEST_F(StreamingApi, ThePostCountsStreamShowsAHiddenLikeCountToTheAuthorOnly) {
  const std::string a1 = say(ann_, "No numbers, please", {{"kindred_hide_favourites_count", true}});
  auto author = open(ann_, "?stream=kindred:status&id=" + a1);
  auto reader = open(bob_, "?stream=kindred:status&id=" + a1);
  ASSERT_EQ(payload(next(*author)).at("favourites_count"), 0);
  ASSERT_EQ(payload(next(*reader)).at("favourites_count"), 0);
  ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/favourite", {}, cat_.token).status, 200);
  EXPECT_EQ(payload(next(*author)).at("favourites_count"), 1);
  EXPECT_FALSE(reader->next(milliseconds(3 * kCountsIntervalMs)).has_value())
      << "to others nothing changed: the count they see stays hidden";
}

TEST_F(StreamingApi, ThePostCountsStreamIsForPostsTheReaderMaySee) {
  const std::string secret = say(ann_, "followers only", {{"visibility", "private"}});
  const std::string open_post = say(ann_, "public");
  auto ws = open(cat_, "");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"kindred:status","id":")" + secret + R"("})"));
  EXPECT_EQ(ws->next().value_or("none"), R"({"error":"Record not found","status":404})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"kindred:status"})"));
  EXPECT_EQ(ws->next().value_or("none"), R"({"error":"Missing id parameter","status":400})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"kindred:status","id":"nope"})"));
  EXPECT_EQ(ws->next().value_or("none"), R"({"error":"Record not found","status":404})");
  // Blocked by the author: refused, and an open stream ends with a delete.
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"kindred:status","id":")" + open_post + R"("})"));
  EXPECT_EQ(str(payload(next(*ws)).at("id")), open_post);
  ASSERT_EQ(post("/api/v1/accounts/" + cat_.id + "/block", {}, ann_.token).status, 200);
  settle();
  EXPECT_EQ(ws->next().value_or("none"),
            R"({"stream":["kindred:status",")" + open_post + R"("],"event":"delete","payload":")" +
                open_post + R"("})");
  ASSERT_TRUE(ws->send(R"({"type":"subscribe","stream":"kindred:status","id":")" + open_post + R"("})"));
  EXPECT_EQ(ws->next().value_or("none"), R"({"error":"Record not found","status":404})");

  // Over HTTP (SSE) the same answers come as refusals.
  EXPECT_EQ(get("/api/v1/kindred/streaming/status", bob_.token).body, R"({"error":"Missing id parameter"})");
  auto hidden = get("/api/v1/kindred/streaming/status?id=" + secret, cat_.token);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body, R"({"error":"Record not found"})");
  WsClient refused;
  EXPECT_FALSE(refused.open(instance().port(), "/api/v1/streaming?stream=kindred:status&id=" + secret,
                            {{"Authorization", "Bearer " + cat_.token}}));
  EXPECT_EQ(refused.response().result_int(), 404);
}

TEST_F(StreamingApi, ThePostCountsStreamOverServerSentEvents) {
  const std::string a1 = say(ann_, "over SSE");
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), instance().port()});
  const std::string request = "GET /api/v1/kindred/streaming/status?id=" + a1 +
                              " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + bob_.token + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string got;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(got), "\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  ASSERT_EQ(post("/api/v1/statuses/" + a1 + "/favourite", {}, cat_.token).status, 200);
  const std::string want = "event: kindred.counts\ndata: {\"id\":\"" + a1 +
                           "\",\"favourites_count\":1,\"reblogs_count\":0,\"replies_count\":0}\n\n";
  // Reads until the event with the like's count has come (the first, with 0, may come before it;
  // read_until on "\n\n\r\n" would stop at a complete event already in the buffer), within a
  // receive timeout in case it never comes.
  struct timeval limit {10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  boost::system::error_code ec;
  char chunk[4096];
  while (got.find(want) == std::string::npos && !ec) {
    const size_t n = socket.read_some(boost::asio::buffer(chunk), ec);
    got.append(chunk, n);
  }
  EXPECT_NE(got.find(want), std::string::npos) << ec.message() << "\n" << got;
}

class StreamingCaps : public StreamingApi {
 protected:
  StreamingCaps() : StreamingApi({.streaming_per_account = 2, .streaming_per_address = 3}) {}
};

TEST_F(StreamingCaps, ConnectionsPerAccountAndPerAddressAreCapped) {
  // What a connection of `who` is answered when refused ("" if it opened).
  auto refusal = [&](const User& who) -> std::string {
    WsClient ws;
    if (ws.open(instance().port(), "/api/v1/streaming?stream=public",
                {{"Authorization", "Bearer " + who.token}}))
      return "";
    return std::to_string(ws.response().result_int()) + " " + ws.response().body();
  };
  auto first = open(ann_, "?stream=public");
  {
    auto second = open(ann_, "?stream=public");
    EXPECT_EQ(refusal(ann_), R"(429 {"error":"Too many streaming connections for this account"})");
    // Another account from the same address: one more, then the address is full.
    auto bobs = open(bob_, "?stream=public");
    EXPECT_EQ(refusal(cat_), R"(429 {"error":"Too many streaming connections from this address"})");
  }
  // Closed connections free their places.
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    WsClient again;
    admitted = again.open(instance().port(), "/api/v1/streaming?stream=public",
                          {{"Authorization", "Bearer " + ann_.token}});
    if (!admitted) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

}  // namespace
}  // namespace kindred::testing
