#include "http/server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <ostream>
#include <regex>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/temp_dir.h"

namespace kindred::http {
namespace {

using kindred::testing::HttpClient;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Long enough for a loaded CI machine, short enough that a failure does not stall the suite.
constexpr milliseconds kPatience{10'000};

// A one-shot event a test can wait on with a deadline (no sleeps).
class Gate {
 public:
  void open() {
    std::scoped_lock lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(milliseconds limit = kPatience) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

// A thread-safe stream buffer collecting what the access log writes, so the test can wait for
// lines while the server's threads write them.
class LineSink : public std::streambuf {
 public:
  // Waits until `n` complete lines were written or `limit` passes; returns the lines so far.
  std::vector<std::string> wait_lines(size_t n, milliseconds limit = kPatience) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return count_lines() >= n; });
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = data_.find('\n', start)) != std::string::npos; start = nl + 1) {
      lines.push_back(data_.substr(start, nl + 1 - start));
    }
    return lines;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (ch != traits_type::eof()) {
      std::scoped_lock lock(mutex_);
      data_.push_back(static_cast<char>(ch));
      cv_.notify_all();
    }
    return ch;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::scoped_lock lock(mutex_);
    data_.append(s, static_cast<size_t>(n));
    cv_.notify_all();
    return n;
  }

 private:
  size_t count_lines() const {
    return static_cast<size_t>(std::count(data_.begin(), data_.end(), '\n'));
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::string data_;
};

Response text(std::string body) {
  Response res;
  res.content_type = "text/plain";
  res.body = std::move(body);
  return res;
}

class ServerTest : public ::testing::Test {
 protected:
  static constexpr size_t kUploadLimit = 64 * 1024;

  ServerTest() {
    router_.add(Method::kGet, "/hello", [](Request&) { return text("hello world"); });
    router_.add(Method::kPost, "/echo", [this](Request& req) {
      handled_.fetch_add(1);
      return text(req.body);
    });
    router_.add(Method::kGet, "/inspect/:id", [](Request& req) {
      return text(std::string(req.param("id")) + "|" + req.path + "|" + req.query + "|" +
                  std::string(req.header("x-custom").value_or("none")) + "|" + req.remote_ip + "|" +
                  std::string(method_name(req.method)));
    });
    router_.add(Method::kGet, "/throw",
                [](Request&) -> Response { throw std::runtime_error("boom"); });
    router_.add(Method::kPost, "/upload",
                [this](Request& req) {
                  handled_.fetch_add(1);
                  return text(std::to_string(req.body.size()));
                },
                {.max_body_bytes = kUploadLimit});
    router_.add(Method::kPost, "/tiny",
                [this](Request& req) {
                  handled_.fetch_add(1);
                  return text(req.body);
                },
                {.max_body_bytes = 16});
    router_.add(Method::kGet, "/slow", [this](Request&) {
      slow_entered_.open();
      slow_release_.wait();
      return text("finally");
    });
  }

  void start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options, router_);
    Status s = server_->start();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    client_->set_timeout(kPatience);
  }

  std::unique_ptr<HttpClient> new_client() {
    auto c = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    c->set_timeout(kPatience);
    return c;
  }

  // On a fresh connection: sends the request `head` (which asks for 100-continue and a close),
  // reads the first response head, sends `body` only if that was 100 Continue, then reads until
  // the server closes. Returns {first response head, everything after it}. Set a short
  // read_timeout: it bounds the blocking reads should the server wait for a body.
  std::pair<std::string, std::string> expect_continue(std::string_view head,
                                                      std::string_view body) {
    namespace asio = boost::asio;
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(socket, asio::buffer(head));
    boost::system::error_code ec;
    std::string got;
    size_t n = asio::read_until(socket, asio::dynamic_buffer(got), "\r\n\r\n", ec);
    std::string interim = got.substr(0, n);
    got.erase(0, n);
    if (interim == "HTTP/1.1 100 Continue\r\n\r\n") asio::write(socket, asio::buffer(body));
    asio::read(socket, asio::dynamic_buffer(got), ec);
    EXPECT_EQ(ec, asio::error::eof);
    return {interim, got};
  }

  Router router_;
  std::atomic<int> handled_{0};
  Gate slow_entered_;
  Gate slow_release_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ServerTest, ServesRequestsAndKeepsTheConnectionAlive) {
  start();
  auto a = client_->get("/hello");
  auto b = client_->get("/hello");
  EXPECT_EQ(a.status, 200) << a.error;
  EXPECT_EQ(a.body, "hello world");
  EXPECT_EQ(a.header("content-type"), "text/plain");
  EXPECT_EQ(a.header("content-length"), "11");
  EXPECT_TRUE(a.has_header("date"));
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(client_->connections_opened(), 1);
  EXPECT_TRUE(client_->connected());
}

TEST_F(ServerTest, HandlersSeeSplitTargetLowerCasedHeadersAndRemoteIp) {
  start();
  auto r = client_->get("/inspect/a%20b?x=1&y=2", {{"X-Custom", "yes"}});
  EXPECT_EQ(r.body, "a b|/inspect/a%20b|x=1&y=2|yes|127.0.0.1|GET");
}

TEST_F(ServerTest, UnknownPathsGetTheRoutersJson404) {
  start();
  auto r = client_->get("/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"Not found"})");
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
}

TEST_F(ServerTest, PostBodiesReachTheHandler) {
  start();
  std::string body(100'000, 'x');
  auto r = client_->post_json("/echo", body);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), body.size());
}

TEST_F(ServerTest, OversizedBodyGets413WithoutReachingTheHandler) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  auto r = client_->post_json("/echo", std::string(64 * 1024, 'x'));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.body, R"({"error":"Request body too large"})");
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_EQ(handled_.load(), 0);
  // A body exactly at the limit is fine.
  auto ok = client_->post_json("/echo", std::string(1024, 'y'));
  EXPECT_EQ(ok.status, 200);
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  std::string chunk(2048, 'z');
  std::string raw = client_->raw_exchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + chunk +
      "\r\n0\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 413 ", 0), 0u) << raw;
  EXPECT_EQ(handled_.load(), 0);
}

// Per-route limits: the tests below run with a 1 KiB default, /upload at 64 KiB, /tiny at 16 B.
class RouteBodyLimitTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.max_body_bytes = 1024;
    // Bounds the raw exchanges below: a server waiting for a body it should have refused closes
    // after this without answering, and the test fails instead of hanging.
    options.read_timeout = milliseconds(3'000);
    start(options);
  }
};

TEST_F(RouteBodyLimitTest, RouteWithItsOwnLimitAcceptsABodyAboveTheDefault) {
  auto r = client_->post_json("/upload", std::string(32 * 1024, 'u'));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "32768");
  auto at_limit = client_->post_json("/upload", std::string(kUploadLimit, 'u'));
  EXPECT_EQ(at_limit.status, 200) << at_limit.error;
  EXPECT_EQ(at_limit.body, std::to_string(kUploadLimit));
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(RouteBodyLimitTest, RouteWithItsOwnLimitRefusesABodyAboveIt) {
  auto r = client_->post_json("/upload", std::string(kUploadLimit + 1, 'u'));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.body, R"({"error":"Request body too large"})");
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(RouteBodyLimitTest, RouteWithoutALimitKeepsTheDefault) {
  // 2 KiB is under the largest route limit but over the default that /echo has.
  auto r = client_->post_json("/echo", std::string(2048, 'x'));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(client_->post_json("/echo", std::string(1024, 'y')).status, 200);
}

TEST_F(RouteBodyLimitTest, RouteMayHaveALimitBelowTheDefault) {
  EXPECT_EQ(client_->post_json("/tiny", std::string(16, 't')).status, 200);
  EXPECT_EQ(client_->post_json("/tiny", std::string(17, 't')).status, 413);
}

TEST_F(RouteBodyLimitTest, OverLimitContentLengthGets413BeforeTheBodyIsSent) {
  // Only the header goes out: the answer must come without the server waiting for the body.
  for (std::string_view target : {"/echo", "/tiny", "/nowhere"}) {
    auto started = steady_clock::now();
    std::string raw = client_->raw_exchange("POST " + std::string(target) +
                                            " HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n");
    EXPECT_EQ(raw.rfind("HTTP/1.1 413 ", 0), 0u) << target << ": " << raw;
    EXPECT_NE(raw.find(R"({"error":"Request body too large"})"), std::string::npos) << raw;
    EXPECT_LT(steady_clock::now() - started, milliseconds(3'000)) << target;
  }
  // Over even the largest route limit: the header parser refuses it, as before.
  std::string raw = client_->raw_exchange(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 413 ", 0), 0u) << raw;
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(RouteBodyLimitTest, ChunkedBodyIsHeldToTheRoutesLimit) {
  auto chunked = [&](std::string_view target, size_t size) {
    std::ostringstream hex;
    hex << std::hex << size;
    return client_->raw_exchange("POST " + std::string(target) +
                                 " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                 "Connection: close\r\n\r\n" +
                                 hex.str() + "\r\n" + std::string(size, 'c') + "\r\n0\r\n\r\n");
  };
  std::string over_default = chunked("/echo", 2048);
  EXPECT_EQ(over_default.rfind("HTTP/1.1 413 ", 0), 0u) << over_default;
  EXPECT_EQ(handled_.load(), 0);
  std::string over_route = chunked("/upload", kUploadLimit + 1);
  EXPECT_EQ(over_route.rfind("HTTP/1.1 413 ", 0), 0u) << over_route;
  EXPECT_EQ(handled_.load(), 0);
  std::string under_route = chunked("/upload", 2048);
  EXPECT_EQ(under_route.rfind("HTTP/1.1 200 ", 0), 0u) << under_route;
  EXPECT_NE(under_route.find("\r\n\r\n2048"), std::string::npos) << under_route;
}

TEST_F(RouteBodyLimitTest, ExpectContinueFollowsTheRoutesLimit) {
  // Over /echo's limit but under the largest: 413 at once, never 100 Continue.
  std::string refused = client_->raw_exchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2048\r\n\r\n");
  EXPECT_EQ(refused.rfind("HTTP/1.1 413 ", 0), 0u) << refused;
  EXPECT_EQ(refused.find("100 Continue"), std::string::npos) << refused;

  // The same size on /upload is invited in.
  auto [interim, got] = expect_continue(
      "POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 2048\r\nConnection: close\r\n\r\n",
      std::string(2048, 'e'));
  ASSERT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_EQ(got.substr(got.size() - 4), "2048");
}

TEST_F(ServerTest, GarbageGets400AndTheConnectionCloses) {
  start();
  auto started = steady_clock::now();
  std::string raw = client_->raw_exchange("GARBAGE\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << raw;
  EXPECT_NE(raw.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(raw.find(R"({"error":"Bad request"})"), std::string::npos);
  // raw_exchange returned because the server closed, not because the client gave up.
  EXPECT_LT(steady_clock::now() - started, kPatience);
}

// RFC 9112 §6.3: a Transfer-Encoding other than a final chunked leaves the body's length
// unknowable. Each is refused with 400 and a closed connection, and the bytes behind it are never
// parsed as a second request (the TE.0 smuggling shape).
TEST_F(ServerTest, TransferEncodingOtherThanChunkedGets400AndCloses) {
  start();
  for (const char* te : {"gzip", "xchunked", "chunked, gzip", "gzip, chunked", "identity"}) {
    auto client = new_client();
    std::string raw = client->raw_exchange(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n") +
                                           "Transfer-Encoding: " + te + "\r\n\r\n" +
                                           "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << te << ": " << raw;
    EXPECT_NE(raw.find("Connection: close\r\n"), std::string::npos) << te;
    EXPECT_NE(raw.find(R"({"error":"Bad request: Transfer-Encoding must be chunked"})"),
              std::string::npos)
        << te << ": " << raw;
    EXPECT_EQ(raw.find("hello world"), std::string::npos) << te << ": the smuggled GET was served";
  }
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(ServerTest, TwoTransferEncodingHeadersGet400) {
  start();
  std::string raw = client_->raw_exchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << raw;
}

TEST_F(ServerTest, ChunkedInAnyCaseIsStillAccepted) {
  start();
  std::string raw = client_->raw_exchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  Chunked \r\nConnection: close\r\n"
      "\r\n2\r\nhi\r\n0\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw;
}

// RFC 9112 §3.2: an HTTP/1.1 request without Host, or any request with two, is 400.
TEST_F(ServerTest, RequestWithoutHostOrWithTwoGets400AndCloses) {
  start();
  for (std::string head : {"GET /hello HTTP/1.1\r\n\r\n",
                           "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                           "GET /hello HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    auto client = new_client();
    std::string raw = client->raw_exchange(head);
    EXPECT_EQ(raw.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << head << raw;
    EXPECT_NE(raw.find(R"({"error":"Bad request: a request needs exactly one Host header"})"),
              std::string::npos)
        << raw;
    EXPECT_EQ(raw.find("hello world"), std::string::npos) << head;
  }
  // HTTP/1.0 did not require Host.
  auto client = new_client();
  std::string ok = client->raw_exchange("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_NE(ok.find("hello world"), std::string::npos) << ok;
}

TEST_F(ServerTest, OversizedHeadersGet431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  start(options);
  auto r = client_->get("/hello", {{"X-Big", std::string(4096, 'h')}});
  EXPECT_EQ(r.status, 431);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = milliseconds(200);
  start(options);
  ASSERT_EQ(client_->get("/hello").status, 200);
  auto started = steady_clock::now();
  EXPECT_TRUE(client_->wait_until_closed(kPatience));
  EXPECT_GE(steady_clock::now() - started, milliseconds(150));
  // The client notices and reconnects.
  EXPECT_EQ(client_->get("/hello").status, 200);
  EXPECT_EQ(client_->connections_opened(), 2);
}

// A connection opened raw, to hold a descriptor or read what the server says unasked.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  // Everything the server sends until it closes (or `limit` passes: then what came so far).
  std::string read_until_closed(milliseconds limit = kPatience) {
    std::string got;
    auto deadline = steady_clock::now() + limit;
    socket_.non_blocking(true);
    while (steady_clock::now() < deadline) {
      char buf[1024];
      boost::system::error_code ec;
      size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec == boost::asio::error::would_block) {
        std::this_thread::sleep_for(milliseconds(5));
        continue;
      }
      if (ec) {
        closed_ = true;
        break;
      }
      got.append(buf, n);
    }
    return got;
  }
  bool closed() const { return closed_; }
  void close() { socket_.close(); }
  void send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  bool closed_ = false;
};

// RFC 9110 §6.5.2: trailer fields are not header fields. A trailer must not add a second Host
// nor a X-Forwarded-For hop (found by tests/fuzz/http_request_fuzz.cpp).
TEST_F(ServerTest, TrailersOfAChunkedBodyNeverReachHandlersAsHeaders) {
  router_.add(Method::kPost, "/headers", [](Request& req) {
    std::string all;
    for (const auto& [name, value] : req.headers) all += name + "=" + value + ";";
    return text(all);
  });
  start();
  std::string raw = client_->raw_exchange(
      "POST /headers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "X-Forwarded-For: 198.51.100.1\r\nConnection: close\r\n\r\n"
      "2\r\nhi\r\n0\r\nHost: evil\r\nX-Forwarded-For: 203.0.113.66\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 ", 0), 0u) << raw;
  EXPECT_EQ(raw.find("evil"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("203.0.113.66"), std::string::npos) << raw;
  EXPECT_NE(raw.find("x-forwarded-for=198.51.100.1;"), std::string::npos) << raw;
}

// A client that stops reading a large response is cut off when the write's deadline passes, with
// a reset: a graceful close would keep the unsent megabytes in the kernel for as long as the
// client lingers (found by bench/soak.sh's slow readers).
TEST_F(ServerTest, AClientThatStopsReadingIsResetWhenTheWriteDeadlinePasses) {
  router_.add(Method::kGet, "/big", [](Request&) { return text(std::string(32 << 20, 'x')); });
  ServerOptions options;
  options.read_timeout = milliseconds(300);  // also bounds writing one response
  start(options);
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  socket.set_option(asio::socket_base::receive_buffer_size(4096));
  asio::write(socket, asio::buffer(std::string_view("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::this_thread::sleep_for(milliseconds(1500));  // not reading; the deadline passes
  boost::system::error_code ec;
  std::string got;
  auto deadline = steady_clock::now() + kPatience;
  while (!ec && steady_clock::now() < deadline) {
    char buf[65536];
    got.append(buf, socket.read_some(asio::buffer(buf), ec));
  }
  EXPECT_EQ(ec, asio::error::connection_reset) << ec.message() << " after " << got.size() << " bytes";
  EXPECT_LT(got.size(), size_t{32 << 20});
}

TEST_F(ServerTest, ASilentNewConnectionIsClosedAfterTheFirstRequestTimeout) {
  ServerOptions options;
  options.first_request_timeout = milliseconds(200);
  options.idle_timeout = milliseconds(60'000);
  start(options);
  auto started = steady_clock::now();
  RawConnection silent(server_->port());
  EXPECT_EQ(silent.read_until_closed(), "");
  EXPECT_TRUE(silent.closed()) << "a connection that never sent a byte was kept for 10 s";
  EXPECT_GE(steady_clock::now() - started, milliseconds(150));
}

TEST_F(ServerTest, AfterItsFirstRequestAConnectionWaitsTheIdleTimeout) {
  ServerOptions options;
  options.first_request_timeout = milliseconds(200);
  options.idle_timeout = milliseconds(60'000);
  start(options);
  ASSERT_EQ(client_->get("/hello").status, 200);
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_EQ(client_->get("/hello").status, 200);
  EXPECT_EQ(client_->connections_opened(), 1) << "a kept-alive connection was cut at 200 ms";
}

// Polls with fresh connections until one is served (a closed connection is released once the
// server notices the close).
bool served_again(uint16_t port) {
  auto deadline = steady_clock::now() + kPatience;
  while (steady_clock::now() < deadline) {
    HttpClient c("127.0.0.1", port);
    c.set_timeout(kPatience);
    if (c.get("/hello").status == 200) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST_F(ServerTest, ConnectionsBeyondTheCapGet503AndAClose) {
  ServerOptions options;
  options.max_connections = 3;
  start(options);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConnection>(server_->port()));
  RawConnection fourth(server_->port());
  std::string answer = fourth.read_until_closed();
  EXPECT_EQ(answer.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Retry-After: 5\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"({"error":"The server is too busy; please try again shortly"})"),
            std::string::npos)
      << answer;
  EXPECT_TRUE(fourth.closed());
  // Once one of the three goes, there is room again.
  held[0]->close();
  EXPECT_TRUE(served_again(server_->port()));
}

TEST_F(ServerTest, OneAddressBeyondItsCapGets429WhileOthersAreServed) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  start(options);
  RawConnection a(server_->port()), b(server_->port());
  RawConnection c(server_->port());
  std::string answer = c.read_until_closed();
  EXPECT_EQ(answer.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find(R"({"error":"Too many connections from your address"})"),
            std::string::npos);
  a.close();
  EXPECT_TRUE(served_again(server_->port()));
}

TEST_F(ServerTest, ATrustedProxyIsNotCappedPerAddress) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  options.trusted_proxies = *parse_cidrs("127.0.0.1");
  start(options);
  RawConnection a(server_->port()), b(server_->port());
  EXPECT_EQ(client_->get("/hello").status, 200);
}

TEST_F(ServerTest, StalledRequestIsClosedAfterReadTimeout) {
  ServerOptions options;
  options.read_timeout = milliseconds(200);
  start(options);
  auto started = steady_clock::now();
  std::string raw = client_->raw_exchange("GET /hello HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(raw, "");
  EXPECT_LT(steady_clock::now() - started, kPatience);
  EXPECT_GE(steady_clock::now() - started, milliseconds(150));
}

TEST_F(ServerTest, HeadGetsGetHeadersAndNoBody) {
  start();
  auto r = client_->head("/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("content-length"), "11");
  // The connection stays usable: no stray body bytes were sent.
  EXPECT_EQ(client_->get("/hello").body, "hello world");
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(ServerTest, ThrowingHandlerGets500AndTheConnectionSurvives) {
  start();
  auto r = client_->get("/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":"Internal server error"})");
  EXPECT_EQ(client_->get("/hello").status, 200);
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(ServerTest, ConnectionCloseRequestIsHonoured) {
  start();
  auto r = client_->get("/hello", {{"Connection", "close"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_FALSE(client_->connected());
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  std::string raw = client_->raw_exchange(
      "GET /inspect/1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /inspect/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  size_t first = raw.find("1|/inspect/1");
  size_t second = raw.find("2|/inspect/2");
  ASSERT_NE(first, std::string::npos) << raw;
  ASSERT_NE(second, std::string::npos) << raw;
  EXPECT_LT(first, second);
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponseBeforeTheBodyIsSent) {
  ServerOptions options;
  options.read_timeout = milliseconds(3'000);  // bounds the blocking reads below if it fails
  start(options);
  auto [interim, got] = expect_continue(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 2\r\nConnection: close\r\n\r\n",
      "hi");
  ASSERT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_EQ(got.substr(got.size() - 2), "hi");
}

TEST_F(ServerTest, ManyClientsInParallel) {
  ServerOptions options;
  options.io_threads = 2;
  options.worker_threads = 3;
  start(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto c = new_client();
      for (int i = 0; i < 50; ++i) {
        if (c->get("/hello").status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST_F(ServerTest, AccessLogHasOneJsonLinePerRequestWithoutTheQuery) {
  LineSink sink;
  std::ostream log(&sink);
  ServerOptions options;
  options.access_log = &log;
  start(options);
  ASSERT_EQ(client_->get("/hello?access_token=secret").status, 200);
  // The line is written once the response is on the wire, so the client can
  // see its answer first: wait for it before the next request to keep order.
  ASSERT_EQ(sink.wait_lines(1).size(), 1u);
  ASSERT_EQ(client_->raw_exchange("BAD\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  auto lines = sink.wait_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  std::regex want(
      R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","remote":"127\.0\.0\.1","method":"GET",)"
      R"("path":"/hello","status":200,"bytes":11,"duration_us":\d+\}\n)");
  EXPECT_TRUE(std::regex_match(lines[0], want)) << lines[0];
  EXPECT_EQ(lines[0].find("secret"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("method":"-","path":"","status":400)"), std::string::npos) << lines[1];
}

// A process killed with SIGKILL loses what its stream buffers hold: each line is flushed to the
// file as it is written, so the log on disk always ends with the last request answered.
TEST_F(ServerTest, AccessLogReachesItsFileLineByLine) {
  kindred::testing::TempDir dir;
  const std::string path = dir.sub("access.log");
  std::ofstream log(path);  // an 8 KiB buffer: without a flush, short lines stay in it
  ServerOptions options;
  options.access_log = &log;
  start(options);
  auto lines_on_disk = [&] {
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return std::count(all.begin(), all.end(), '\n');
  };
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(client_->get("/hello").status, 200);
    const auto deadline = steady_clock::now() + milliseconds(3000);
    while (lines_on_disk() < i && steady_clock::now() < deadline) std::this_thread::yield();
    EXPECT_EQ(lines_on_disk(), i) << "request " << i << "'s line is not in the file";
  }
}

TEST_F(ServerTest, StopLetsAnInFlightRequestFinishAndClosesIdleConnections) {
  start();
  auto idle = new_client();
  ASSERT_EQ(idle->get("/hello").status, 200);

  std::promise<HttpClient::Reply> slow_reply;
  std::thread requester([&] { slow_reply.set_value(new_client()->get("/slow")); });
  ASSERT_TRUE(slow_entered_.wait());

  std::thread stopper([&] { server_->stop(kPatience); });
  // The idle connection is closed while the slow request is still running...
  EXPECT_TRUE(idle->wait_until_closed(kPatience));
  // ...and the slow one still gets its answer once the handler returns.
  slow_release_.open();
  auto reply = slow_reply.get_future().get();
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_EQ(reply.body, "finally");
  EXPECT_EQ(reply.header("connection"), "close");
  stopper.join();
  requester.join();
  // Nothing listens any more.
  EXPECT_EQ(new_client()->get("/hello").status, 0);
}

TEST_F(ServerTest, StopAfterDrainTimeoutDropsTheConnectionButWaitsForTheHandler) {
  start();
  std::promise<HttpClient::Reply> slow_reply;
  std::thread requester([&] { slow_reply.set_value(new_client()->get("/slow")); });
  ASSERT_TRUE(slow_entered_.wait());

  std::atomic<bool> stopped{false};
  const auto stop_began = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    server_->stop(milliseconds(50));
    stopped.store(true);
  });
  // The drain timeout passes and the connection is dropped while the handler is still stuck:
  // by the server, soon after the 50 ms, not by the client giving up after its 10 s.
  auto reply = slow_reply.get_future().get();
  EXPECT_EQ(reply.status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_began, milliseconds(5'000)) << reply.error;
  // stop() cannot return while a handler may still use what the app closes next.
  EXPECT_FALSE(stopped.load());
  slow_release_.open();
  stopper.join();
  requester.join();
  EXPECT_TRUE(stopped.load());
}

TEST_F(ServerTest, StopIsIdempotentAndWakesWaitForSignal) {
  start();
  std::thread waiter([&] { server_->wait_for_signal(); });
  server_->stop();
  waiter.join();  // returned because stop() began
  server_->stop();
  server_->wait_for_signal();  // not running: returns at once
  EXPECT_FALSE(server_->start().is_ok());
}

TEST_F(ServerTest, StartFailsWhenThePortIsTaken) {
  start();
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = server_->port();
  Server second(options, router_);
  Status s = second.start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(
      s.message().rfind("cannot listen on 127.0.0.1:" + std::to_string(server_->port()) + ": ", 0),
      0u)
      << s.to_string();
}

TEST_F(ServerTest, ListensOnLocalhostAndIpv6Loopback) {
  ServerOptions options;
  options.host = "localhost";
  options.port = 0;
  Server v4(options, router_);
  ASSERT_TRUE(v4.start().is_ok());
  EXPECT_EQ(HttpClient("127.0.0.1", v4.port()).get("/hello").status, 200);

  options.host = "::1";
  Server v6(options, router_);
  Status s = v6.start();
  if (!s.is_ok()) GTEST_SKIP() << "no IPv6 loopback here: " << s.to_string();
  auto r = HttpClient("::1", v6.port()).get("/inspect/6");
  EXPECT_EQ(r.body, "6|/inspect/6||none|::1|GET") << r.status << r.error;
}

// --proxy-protocol: a trusted proxy (HAProxy in TCP mode, send-proxy) names the client in a PROXY
// line before the request; that client is then the request's address.
class ProxyProtocolTest : public ServerTest {
 protected:
  void start_with(bool proxy_protocol) {
    ServerOptions options;
    options.trusted_proxies = *parse_cidrs("127.0.0.1");
    options.proxy_protocol = proxy_protocol;
    start(options);
  }
  static constexpr std::string_view kInspect =
      "GET /inspect/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  // The remote_ip field of /inspect's answer, or the whole answer if it is not a 200.
  static std::string remote_ip_in(const std::string& answer) {
    if (answer.rfind("HTTP/1.1 200", 0) != 0) return answer;
    const std::string body = answer.substr(answer.find("\r\n\r\n") + 4);
    size_t at = 0;
    for (int field = 0; field < 4; ++field) at = body.find('|', at) + 1;
    return body.substr(at, body.find('|', at) - at);
  }
};

TEST_F(ProxyProtocolTest, TheClientTheProxyNamesIsTheRequestsAddress) {
  start_with(true);
  EXPECT_EQ(remote_ip_in(client_->raw_exchange("PROXY TCP4 203.0.113.7 127.0.0.1 56324 80\r\n" +
                                               std::string(kInspect))),
            "203.0.113.7");
  EXPECT_EQ(remote_ip_in(client_->raw_exchange("PROXY TCP6 2001:db8::7 2001:db8::1 56324 80\r\n" +
                                               std::string(kInspect))),
            "2001:db8::7");
  // The proxy's own connection (a health check): the peer stays the client.
  EXPECT_EQ(remote_ip_in(client_->raw_exchange("PROXY UNKNOWN\r\n" + std::string(kInspect))),
            "127.0.0.1");
  // No line at all: plain HTTP from the proxy's address.
  EXPECT_EQ(remote_ip_in(client_->raw_exchange(std::string(kInspect))), "127.0.0.1");
  // The named client is no trusted proxy: what it writes in X-Forwarded-For is not believed.
  EXPECT_EQ(remote_ip_in(client_->raw_exchange(
                "PROXY TCP4 203.0.113.7 127.0.0.1 56324 80\r\n"
                "GET /inspect/7 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1\r\n"
                "Connection: close\r\n\r\n")),
            "203.0.113.7");
}

TEST_F(ProxyProtocolTest, ALineArrivingInPiecesIsReadWhole) {
  start_with(true);
  RawConnection c(server_->port());
  c.send("PROXY TCP4 203.0");
  std::this_thread::sleep_for(milliseconds(50));
  c.send(".113.9 127.0.0.1 4");
  std::this_thread::sleep_for(milliseconds(50));
  c.send("0000 80\r\n" + std::string(kInspect));
  EXPECT_EQ(remote_ip_in(c.read_until_closed()), "203.0.113.9");
}

TEST_F(ProxyProtocolTest, ABrokenLineClosesTheConnectionUnanswered) {
  start_with(true);
  for (std::string_view bad : {"PROXY TCP4 203.0.113.7 127.0.0.1 56324\r\n",    // a port missing
                               "PROXY TCP4 2001:db8::7 127.0.0.1 1 2\r\n",      // not IPv4
                               "PROXY TCP5 203.0.113.7 127.0.0.1 1 2\r\n",      // no such family
                               "PROXY TCP4 203.0.113.7 127.0.0.1 1 65536\r\n",  // no such port
                               "PROXY  TCP4 203.0.113.7 127.0.0.1 1 2\r\n"}) {  // two spaces
    EXPECT_EQ(client_->raw_exchange(std::string(bad) + std::string(kInspect)), "") << bad;
  }
  // Longer than the protocol's 107 bytes without ending.
  EXPECT_EQ(client_->raw_exchange("PROXY TCP4 " + std::string(120, '1')), "");
  EXPECT_EQ(client_->get("/hello").status, 200);  // the server serves on
}

// Only a trusted proxy's line is read: anyone else writing one is not believed.
TEST_F(ProxyProtocolTest, AnUntrustedPeersLineIsABadRequest) {
  ServerOptions options;
  options.trusted_proxies = *parse_cidrs("10.0.0.0/8");
  options.proxy_protocol = true;
  start(options);
  const std::string answer = client_->raw_exchange("PROXY TCP4 203.0.113.7 127.0.0.1 56324 80\r\n" +
                                                   std::string(kInspect));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_EQ(remote_ip_in(client_->raw_exchange(std::string(kInspect))), "127.0.0.1");
}

TEST_F(ProxyProtocolTest, WithoutTheOptionAPROXYLineIsABadRequest) {
  start_with(false);
  const std::string answer = client_->raw_exchange("PROXY TCP4 203.0.113.7 127.0.0.1 56324 80\r\n" +
                                                   std::string(kInspect));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
}

}  // namespace
}  // namespace kindred::http
