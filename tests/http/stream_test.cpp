// Long-lived streams (Router::add_stream): WebSocket and Server-Sent Events over the real server.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "http/server.h"
#include "support/ws_client.h"

namespace kindred::http {
namespace {

using kindred::testing::WsClient;
using std::chrono::milliseconds;

class StreamTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.port = 0;
    router_.add_stream("/ws", [this](Request& req, const Stream& stream) {
      StreamAnswer answer;
      if (req.query == "refuse=1") {
        Response no;
        no.status = 401;
        no.body = R"({"error":"No"})";
        answer.refusal = no;
        return answer;
      }
      stream.send("hello " + std::string(stream.is_websocket() ? "ws" : "sse"));
      answer.headers.emplace_back("X-Stream", "yes");
      answer.on_message = [stream](std::string_view text) { stream.send("echo " + std::string(text)); };
      answer.on_close = [this] {
        std::scoped_lock lock(mutex_);
        ++closed_;
      };
      std::scoped_lock lock(mutex_);
      streams_.push_back(stream);
      return answer;
    });
    server_ = std::make_unique<Server>(options, router_);
    ASSERT_TRUE(server_->start().is_ok());
  }
  Stream stream(size_t i) {
    for (int tries = 0; tries < 500; ++tries) {
      {
        std::scoped_lock lock(mutex_);
        if (streams_.size() > i) return streams_[i];
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    ADD_FAILURE() << "no stream " << i;
    return Stream();
  }
  int closed() {
    std::scoped_lock lock(mutex_);
    return closed_;
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::mutex mutex_;
  std::vector<Stream> streams_;
  int closed_ = 0;
};

TEST_F(StreamTest, WebSocketCarriesMessagesBothWays) {
  start();
  WsClient ws;
  ASSERT_TRUE(ws.open(server_->port(), "/ws"));
  EXPECT_EQ(ws.response().result_int(), 101);
  EXPECT_EQ(ws.response()["X-Stream"], "yes");
  EXPECT_EQ(ws.next(), "hello ws");
  ASSERT_TRUE(ws.send("marco"));
  EXPECT_EQ(ws.next(), "echo marco");
  EXPECT_TRUE(stream(0).send("from the server"));
  EXPECT_EQ(ws.next(), "from the server");
}

TEST_F(StreamTest, ARefusalIsAPlainHttpResponse) {
  start();
  WsClient ws;
  EXPECT_FALSE(ws.open(server_->port(), "/ws?refuse=1"));
  EXPECT_EQ(ws.response().result_int(), 401);
  EXPECT_EQ(ws.response().body(), R"({"error":"No"})");
}

TEST_F(StreamTest, CloseByTheServerReachesTheClientWithItsCode) {
  start();
  WsClient ws;
  ASSERT_TRUE(ws.open(server_->port(), "/ws"));
  EXPECT_EQ(ws.next(), "hello ws");
  stream(0).close(kClosePolicyViolation, "Too many connections");
  ASSERT_TRUE(ws.wait_closed());
  EXPECT_EQ(ws.close_code(), kClosePolicyViolation);
  for (int i = 0; i < 500 && closed() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(closed(), 1);
  EXPECT_FALSE(stream(0).send("late"));
}

TEST_F(StreamTest, TheClientGoingAwayIsTold) {
  start();
  {
    WsClient ws;
    ASSERT_TRUE(ws.open(server_->port(), "/ws"));
    EXPECT_EQ(ws.next(), "hello ws");
  }
  for (int i = 0; i < 500 && closed() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(closed(), 1);
}

TEST_F(StreamTest, StoppingTheServerClosesWebSocketsWith1001) {
  start();
  WsClient ws;
  ASSERT_TRUE(ws.open(server_->port(), "/ws"));
  EXPECT_EQ(ws.next(), "hello ws");
  const auto began = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, milliseconds(5'000));
  ASSERT_TRUE(ws.wait_closed());
  EXPECT_EQ(ws.close_code(), kCloseGoingAway);
  EXPECT_EQ(closed(), 1);
}

// The stream hub sends from a thread of its own; its handle may hold a connection at the very
// moment the server tears down (ASan caught the last reference dropped after the server's
// context was freed). Handles used throughout a stop must stay safe, and fail once it is done.
TEST_F(StreamTest, HandlesUsedFromAnotherThreadDuringStopStaySafe) {
  for (int round = 0; round < 5; ++round) {
    {
      std::scoped_lock lock(mutex_);
      streams_.clear();
    }
    start();
    std::vector<std::unique_ptr<WsClient>> clients;
    for (size_t i = 0; i < 4; ++i) {
      clients.push_back(std::make_unique<WsClient>());
      ASSERT_TRUE(clients.back()->open(server_->port(), "/ws"));
      EXPECT_EQ(clients.back()->next(), "hello ws");
    }
    std::vector<Stream> handles;
    for (size_t i = 0; i < clients.size(); ++i) handles.push_back(stream(i));
    std::atomic<bool> done{false};
    std::thread sender([&] {
      while (!done.load()) {
        for (const Stream& h : handles) {
          h.send("tick");
          (void)h.is_open();
        }
      }
    });
    server_->stop();
    server_.reset();
    done.store(true);
    sender.join();
    for (const Stream& h : handles) {
      EXPECT_FALSE(h.send("after the stop"));
      EXPECT_FALSE(h.is_open());
      EXPECT_EQ(h.queued_messages(), 0U);
    }
  }
}

TEST_F(StreamTest, ServerSentEventsAreAChunkedTextEventStream) {
  start();
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  const std::string request = "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string got;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(got), "hello sse\r\n");
  EXPECT_NE(got.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("Content-Length"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\n\r\n9\r\nhello sse\r\n"), std::string::npos) << got;
  EXPECT_TRUE(stream(0).send("event: update\ndata: 1\n\n"));
  got.clear();
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(got), "data: 1\n\n\r\n");
  EXPECT_EQ(got, "17\r\nevent: update\ndata: 1\n\n\r\n");
}

TEST_F(StreamTest, AReaderThatDoesNotReadIsDroppedAndItsQueueStaysBounded) {
  ServerOptions options;
  options.max_stream_queue_messages = 4;
  start(options);
  WsClient ws;
  ASSERT_TRUE(ws.open(server_->port(), "/ws", {}, /*read=*/false));
  Stream s = stream(0);
  const std::string big(64 * 1024, 'x');
  int sent = 0;
  bool dropped = false;
  // The kernel's socket buffers take some megabytes first; then the queue fills.
  for (; sent < 20'000 && !dropped; ++sent) {
    dropped = !s.send(big);
    EXPECT_LE(s.queued_messages(), 4u);
    if (sent % 16 == 15) std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_TRUE(dropped) << "still accepted after " << sent << " messages";
  EXPECT_EQ(s.queued_messages(), 0u);
  EXPECT_FALSE(s.send("more"));
  // Cut off once the close handshake cannot happen (at most 2 s).
  for (int i = 0; i < 500 && closed() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(closed(), 1);
  EXPECT_FALSE(s.is_open());
}

TEST_F(StreamTest, AnEventStreamReaderThatDoesNotReadIsDroppedToo) {
  ServerOptions options;
  options.max_stream_queue_messages = 4;
  start(options);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  const std::string request = "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));  // and never reads
  Stream s = stream(0);
  const std::string big(64 * 1024, 'x');
  bool dropped = false;
  for (int sent = 0; sent < 20'000 && !dropped; ++sent) {
    dropped = !s.send(big);
    EXPECT_LE(s.queued_messages(), 4u);
    if (sent % 16 == 15) std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_TRUE(dropped);
  EXPECT_EQ(s.queued_messages(), 0u);
  for (int i = 0; i < 500 && closed() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(closed(), 1);
}

TEST_F(StreamTest, HeadAndNonStreamingRequestsGetAnError) {
  start();
  Request req;
  req.method = Method::kPost;
  req.set_target("/ws");
  EXPECT_EQ(router_.handle(req).status, 405);
  req.method = Method::kHead;
  EXPECT_EQ(router_.stream_handler(req), nullptr);
  EXPECT_EQ(router_.handle(req).status, 400);
}

}  // namespace
}  // namespace kindred::http
