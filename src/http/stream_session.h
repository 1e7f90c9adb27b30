#pragma once

// Internal to src/http: one open WebSocket or Server-Sent Events connection, taken over from the
// HTTP Session that read its opening request. Not an API for layers above (they see Stream).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/stream.h"

namespace kindred::http::detail {

struct ServerContext;

// Kept alive by its own pending operations (a read is always pending while open), as Session.
// send(), close() and queued_messages() are thread-safe; the rest runs on the thread of the
// socket it adopted.
class StreamSession : public std::enable_shared_from_this<StreamSession> {
 public:
  StreamSession(ServerContext& ctx, bool websocket);
  ~StreamSession();
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;

  void set_callbacks(std::function<void(std::string_view)> on_message,
                     std::function<void()> on_close);
  // On the socket's thread: takes the connection over and opens it. A WebSocket completes its
  // handshake with `request` (the headers join the 101 response); SSE writes its 200 head.
  // `address_key`: what ServerContext::admit counted the connection under; released by the
  // destructor from then on.
  void start_websocket(boost::beast::tcp_stream&& socket,
                       boost::beast::http::request<boost::beast::http::string_body> request,
                       std::vector<std::pair<std::string, std::string>> headers,
                       std::string address_key);
  void start_sse(boost::beast::tcp_stream&& socket, bool chunked,
                 std::vector<std::pair<std::string, std::string>> headers,
                 std::string address_key);
  // Ends a stream whose opening was refused or failed before start_*.
  void abandon();

  bool send(std::string text);
  void close(uint16_t code, std::string reason);
  bool is_websocket() const { return websocket_; }
  bool is_open() const;
  size_t queued_messages() const;
  // The server is stopping: close with 1001 (a WebSocket gets a short while for the close
  // handshake), then one ctx.done_busy(). The caller add_busy'd it. Thread-safe.
  void drain();

 private:
  enum class State { kOpening, kOpen, kClosing, kClosed };
  void on_opened();
  void do_read();
  void do_write();
  void start_close(uint16_t code, std::string reason);
  // Closes with `code` once no write is in flight (at once when none is), cutting the socket
  // if the close handshake has not ended within kCloseHandshake. On its thread.
  void close_after_write(uint16_t code, std::string reason);
  void drop();  // over the bound: close at once, the queue already freed
  void arm_heartbeat();
  void finish();  // on its thread: the connection has ended
  void notify_closed();
  void close_socket();
  void adopt(std::string address_key);  // registers with the context; takes the admission

  ServerContext& ctx_;
  const bool websocket_;
  std::string address_key_;
  bool admitted_ = false;  // start_* took over the connection's admission
  bool chunked_ = false;
  std::optional<boost::beast::websocket::stream<boost::beast::tcp_stream>> ws_;
  std::optional<boost::beast::tcp_stream> tcp_;  // SSE
  std::optional<boost::asio::steady_timer> heartbeat_;
  std::optional<boost::asio::steady_timer> deadline_;
  boost::beast::flat_buffer read_buffer_;
  std::string current_;         // the message being written (its thread)
  bool drain_counted_ = false;  // its thread
  std::function<void(std::string_view)> on_message_;
  std::function<void()> on_close_;
  std::atomic<bool> close_notified_{false};

  mutable std::mutex mutex_;
  State state_ = State::kOpening;              // GUARDED_BY(mutex_)
  std::deque<std::string> queue_;              // GUARDED_BY(mutex_)
  size_t queued_bytes_ = 0;                    // GUARDED_BY(mutex_)
  bool opened_ = false;                        // GUARDED_BY(mutex_): on_opened ran
  bool writing_ = false;                       // GUARDED_BY(mutex_): do_write is scheduled
  std::optional<std::pair<uint16_t, std::string>> close_request_;  // GUARDED_BY(mutex_)
  std::optional<boost::asio::any_io_executor> executor_;          // GUARDED_BY(mutex_)
};

}  // namespace kindred::http::detail
