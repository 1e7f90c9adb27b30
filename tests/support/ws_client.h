#pragma once

// A WebSocket client for tests (Boost.Beast), independent of the server's code: connects to
// 127.0.0.1, handshakes, and reads text messages on its own thread into a queue that the test
// waits on with a deadline.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kindred::testing {

class WsClient {
 public:
  WsClient() = default;
  ~WsClient() { stop(); }
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and handshakes on `target` with extra request headers. True once open; otherwise
  // response() holds what the server answered instead (status, body). With `read` false the
  // client never reads (a stuck reader).
  bool open(uint16_t port, const std::string& target,
            std::vector<std::pair<std::string, std::string>> headers = {}, bool read = true) {
    namespace beast = boost::beast;
    boost::asio::ip::tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto results = resolver.resolve("127.0.0.1", std::to_string(port), ec);
    if (ec) return false;
    beast::get_lowest_layer(ws_).connect(results, ec);
    if (ec) return false;
    ws_.set_option(beast::websocket::stream_base::decorator(
        [headers = std::move(headers)](beast::websocket::request_type& req) {
          for (const auto& [name, value] : headers) req.set(name, value);
        }));
    ws_.handshake(response_, "127.0.0.1:" + std::to_string(port), target, ec);
    if (ec) return false;
    if (read) {
      read_next();
      thread_ = std::thread([this] { ioc_.run(); });
    }
    return true;
  }

  const boost::beast::websocket::response_type& response() const { return response_; }

  // The next text message, or nullopt if none came within `limit` (or the connection closed).
  std::optional<std::string> next(std::chrono::milliseconds limit = std::chrono::milliseconds(5'000)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return !messages_.empty() || closed_; });
    if (messages_.empty()) return std::nullopt;
    std::string m = std::move(messages_.front());
    messages_.pop_front();
    return m;
  }

  // Waits until the server closed the connection; true then, with its close code.
  bool wait_closed(std::chrono::milliseconds limit = std::chrono::milliseconds(5'000)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return closed_; });
  }
  uint16_t close_code() {
    std::scoped_lock lock(mutex_);
    return close_code_;
  }

  // Sends one text message and waits for it to be written.
  bool send(std::string text) {
    auto done = std::make_shared<std::promise<bool>>();
    auto result = done->get_future();
    auto message = std::make_shared<std::string>(std::move(text));
    boost::asio::post(ws_.get_executor(), [this, done, message] {
      ws_.text(true);
      ws_.async_write(boost::asio::buffer(*message),
                      [done, message](boost::beast::error_code ec, std::size_t) {
                        done->set_value(!ec);
                      });
    });
    if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return false;
    return result.get();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    boost::asio::post(ioc_, [this] {
      boost::beast::error_code ignored;
      boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    });
    if (thread_.joinable()) {
      thread_.join();
    } else {
      ioc_.run_for(std::chrono::milliseconds(100));
    }
  }

 private:
  void read_next() {
    ws_.async_read(buffer_, [this](boost::beast::error_code ec, std::size_t) {
      std::scoped_lock lock(mutex_);
      if (ec) {
        closed_ = true;
        close_code_ = ws_.reason().code;
        cv_.notify_all();
        return;
      }
      messages_.push_back(boost::beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      cv_.notify_all();
      read_next();
    });
  }

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{ioc_};
  boost::beast::flat_buffer buffer_;
  boost::beast::websocket::response_type response_;
  std::thread thread_;
  bool stopped_ = false;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> messages_;
  bool closed_ = false;
  uint16_t close_code_ = 0;
};

}  // namespace kindred::testing
