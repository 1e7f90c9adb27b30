#include "http/stream_session.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdio>

#include "http/session.h"
#include "http/wire.h"

namespace kindred::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

template <typename T, typename F>
T Stream::with_session(T otherwise, F use) const {
  if (!gate_) return otherwise;
  std::shared_lock gate(gate_->mutex);
  if (!gate_->open) return otherwise;
  // Released before the gate: a last reference dropped here destroys the connection while the
  // server still has what its destructor needs.
  auto s = session_.lock();
  return s ? use(*s) : otherwise;
}

bool Stream::send(std::string text) const {
  return with_session(false, [&](detail::StreamSession& s) { return s.send(std::move(text)); });
}

void Stream::close(uint16_t code, std::string reason) const {
  with_session(false, [&](detail::StreamSession& s) {
    s.close(code, std::move(reason));
    return true;
  });
}

bool Stream::is_websocket() const {
  return with_session(false, [](detail::StreamSession& s) { return s.is_websocket(); });
}

bool Stream::is_open() const {
  return with_session(false, [](detail::StreamSession& s) { return s.is_open(); });
}

size_t Stream::queued_messages() const {
  return with_session(size_t{0}, [](detail::StreamSession& s) { return s.queued_messages(); });
}

namespace detail {

namespace {

// How long a closing handshake may take before the socket is closed anyway.
constexpr std::chrono::milliseconds kCloseHandshake{2'000};
// The largest message a client may send (subscribe messages are tens of bytes).
constexpr size_t kMaxIncomingMessage = 64 * 1024;

}  // namespace

StreamSession::StreamSession(ServerContext& ctx, bool websocket)
    : ctx_(ctx), websocket_(websocket) {}

StreamSession::~StreamSession() {
  notify_closed();
  if (drain_counted_) ctx_.done_busy();
  if (!admitted_) return;
  ctx_.release(address_key_);
  std::scoped_lock lock(ctx_.sessions_mutex);
  ctx_.streams.erase(this);
}

void StreamSession::adopt(std::string address_key) {
  address_key_ = std::move(address_key);
  admitted_ = true;
  std::scoped_lock lock(ctx_.sessions_mutex);
  ctx_.streams.emplace(this, weak_from_this());
}

void StreamSession::set_callbacks(std::function<void(std::string_view)> on_message,
                                  std::function<void()> on_close) {
  on_message_ = std::move(on_message);
  on_close_ = std::move(on_close);
}

void StreamSession::start_websocket(beast::tcp_stream&& socket,
                                    beast::http::request<beast::http::string_body> request,
                                    std::vector<std::pair<std::string, std::string>> headers,
                                    std::string address_key) {
  adopt(std::move(address_key));
  socket.expires_never();  // the websocket's own timeouts apply from here
  ws_.emplace(std::move(socket));
  deadline_.emplace(ws_->get_executor());
  {
    std::scoped_lock lock(mutex_);
    executor_ = ws_->get_executor();
  }
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = kCloseHandshake;
  timeouts.idle_timeout = ctx_.options.stream_idle_timeout;
  ws_->set_option(timeouts);
  ws_->set_option(websocket::stream_base::decorator(
      [headers = std::move(headers)](websocket::response_type& res) {
        res.set(beast::http::field::server, "Kindred");
        for (const auto& [name, value] : headers) res.set(name, value);
      }));
  ws_->read_message_max(kMaxIncomingMessage);
  ws_->async_accept(request, [self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->finish();
    self->on_opened();
  });
}

void StreamSession::start_sse(beast::tcp_stream&& socket, bool chunked,
                              std::vector<std::pair<std::string, std::string>> headers,
                              std::string address_key) {
  adopt(std::move(address_key));
  chunked_ = chunked;
  tcp_.emplace(std::move(socket));
  heartbeat_.emplace(tcp_->get_executor());
  deadline_.emplace(tcp_->get_executor());
  {
    std::scoped_lock lock(mutex_);
    executor_ = tcp_->get_executor();
  }
  Response head;
  head.content_type = "text/event-stream";
  head.set_header("Cache-Control", "no-store");
  head.set_header("X-Accel-Buffering", "no");  // proxies pass events on at once
  for (auto& h : headers) head.headers.push_back(std::move(h));
  std::string bytes;
  append_response_head(bytes, head, /*keep_alive=*/false, /*http10=*/false);
  // The head says Content-Length: 0 (the body is empty); an event stream has no length.
  const std::string length = "Content-Length: 0\r\n";
  if (auto at = bytes.find(length); at != std::string::npos)
    bytes.replace(at, length.size(), chunked ? "Transfer-Encoding: chunked\r\n" : "");
  current_ = std::move(bytes);
  tcp_->expires_after(ctx_.options.read_timeout);
  asio::async_write(*tcp_, asio::buffer(current_),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->finish();
                      self->tcp_->expires_never();
                      self->on_opened();
                    });
}

void StreamSession::abandon() {
  {
    std::scoped_lock lock(mutex_);
    state_ = State::kClosed;
    queue_.clear();
    queued_bytes_ = 0;
  }
  notify_closed();
}

void StreamSession::on_opened() {
  bool write = false;
  {
    std::scoped_lock lock(mutex_);
    if (state_ == State::kOpening) state_ = State::kOpen;
    opened_ = true;
    if (!writing_ && (!queue_.empty() || close_request_)) write = writing_ = true;
  }
  do_read();
  if (tcp_) arm_heartbeat();
  if (write) do_write();
}

void StreamSession::do_read() {
  if (ws_) {
    ws_->async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish();
      if (self->ws_->got_text() && self->on_message_) {
        const auto data = self->read_buffer_.cdata();
        self->on_message_(std::string_view(static_cast<const char*>(data.data()), data.size()));
      }
      self->read_buffer_.consume(self->read_buffer_.size());
      self->do_read();
    });
    return;
  }
  // An event stream carries nothing from the client: a read ends when the client goes away.
  tcp_->async_read_some(read_buffer_.prepare(4096),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->finish();
                          self->read_buffer_.consume(self->read_buffer_.size());
                          self->do_read();
                        });
}

bool StreamSession::send(std::string text) {
  std::optional<asio::any_io_executor> post_to;
  bool dropped = false;
  {
    std::scoped_lock lock(mutex_);
    if (state_ == State::kClosing || state_ == State::kClosed) return false;
    if (queue_.size() >= ctx_.options.max_stream_queue_messages ||
        queued_bytes_ + text.size() > ctx_.options.max_stream_queue_bytes) {
      // A reader this slow is dropped; what it has not read is freed now.
      state_ = State::kClosing;
      queue_.clear();
      queued_bytes_ = 0;
      dropped = true;
      post_to = executor_;
    } else {
      queued_bytes_ += text.size();
      queue_.push_back(std::move(text));
      if (state_ == State::kOpen && !writing_) {
        writing_ = true;
        post_to = executor_;
      }
    }
  }
  if (post_to) {
    if (dropped) {
      asio::post(*post_to, [self = shared_from_this()] { self->drop(); });
    } else {
      asio::post(*post_to, [self = shared_from_this()] { self->do_write(); });
    }
  }
  return !dropped;
}

void StreamSession::close(uint16_t code, std::string reason) {
  std::optional<asio::any_io_executor> post_to;
  {
    std::scoped_lock lock(mutex_);
    if (state_ == State::kClosing || state_ == State::kClosed) return;
    const bool open = state_ == State::kOpen;
    state_ = State::kClosing;
    close_request_.emplace(code, std::move(reason));
    if (open && !writing_) {
      writing_ = true;
      post_to = executor_;
    }
  }
  if (post_to) asio::post(*post_to, [self = shared_from_this()] { self->do_write(); });
}

bool StreamSession::is_open() const {
  std::scoped_lock lock(mutex_);
  return state_ == State::kOpen;
}

size_t StreamSession::queued_messages() const {
  std::scoped_lock lock(mutex_);
  return queue_.size();
}

void StreamSession::do_write() {
  std::optional<std::pair<uint16_t, std::string>> closing;
  {
    std::scoped_lock lock(mutex_);
    if (state_ == State::kClosed) {
      writing_ = false;
      return;
    }
    if (queue_.empty()) {
      if (!close_request_) {
        writing_ = false;
        return;
      }
      // writing_ stays set: the close frame is the write in flight now, and there is only one.
      closing = std::move(close_request_);
      close_request_.reset();
    } else {
      current_ = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= current_.size();
    }
  }
  if (closing) return start_close(closing->first, std::move(closing->second));
  auto on_write = [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->finish();
    if (self->tcp_) self->tcp_->expires_never();
    self->do_write();
  };
  if (ws_) {
    ws_->text(true);
    ws_->async_write(asio::buffer(current_), std::move(on_write));
    return;
  }
  if (chunked_) {
    char size[20];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", current_.size());
    current_.insert(0, size, static_cast<size_t>(n));
    current_.append("\r\n");
  }
  // A write that the client does not take within the read timeout ends the stream.
  tcp_->expires_after(ctx_.options.read_timeout);
  asio::async_write(*tcp_, asio::buffer(current_), std::move(on_write));
}

void StreamSession::start_close(uint16_t code, std::string reason) {
  if (!ws_) return finish();
  deadline_->expires_after(kCloseHandshake);
  deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->close_socket();
  });
  websocket::close_reason why(static_cast<websocket::close_code>(code), reason);
  ws_->async_close(why, [self = shared_from_this()](beast::error_code) {
    // The pending read completes once the peer answers (or the socket closes): finish there.
    self->deadline_->cancel();
    self->close_socket();
  });
}

void StreamSession::drop() { close_after_write(kCloseTryAgainLater, "Too slow: messages were dropped"); }

void StreamSession::close_after_write(uint16_t code, std::string reason) {
  if (!ws_) return finish();
  bool write_in_flight = false;
  {
    std::scoped_lock lock(mutex_);
    if (state_ == State::kClosed) return;
    // Until the handshake's own write has ended (on_opened), that write is the one in flight.
    write_in_flight = writing_ || !opened_;
    if (write_in_flight) {
      close_request_.emplace(code, std::move(reason));
    } else {
      writing_ = true;  // the close frame is this stream's write now
    }
  }
  if (!write_in_flight) return start_close(code, std::move(reason));
  // A close is a write, and Beast allows one write at a time: the close frame goes when the
  // write in flight ends (do_write, or on_opened for the handshake's). A reader stuck behind
  // that write never lets it end, so the socket is cut once the close handshake's time is up.
  deadline_->expires_after(kCloseHandshake);
  deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->close_socket();
  });
}

void StreamSession::drain() {
  std::optional<asio::any_io_executor> ex;
  {
    std::scoped_lock lock(mutex_);
    ex = executor_;
  }
  if (!ex) {  // not started: nothing to close
    ctx_.done_busy();
    return;
  }
  asio::post(*ex, [self = shared_from_this()] {
    bool was_closed = false;
    {
      std::scoped_lock lock(self->mutex_);
      was_closed = self->state_ == State::kClosed;
      if (!was_closed) {
        self->state_ = State::kClosing;
        self->queue_.clear();
        self->queued_bytes_ = 0;
        self->close_request_.reset();
      }
    }
    if (was_closed || self->drain_counted_) return self->ctx_.done_busy();
    self->drain_counted_ = true;  // done_busy once the connection has ended
    self->close_after_write(kCloseGoingAway, "Server shutting down");
  });
}

void StreamSession::arm_heartbeat() {
  heartbeat_->expires_after(ctx_.options.stream_heartbeat);
  heartbeat_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    // A comment line keeps proxies from closing an idle stream, and finds a vanished client.
    if (self->send(":thump\n\n")) self->arm_heartbeat();
  });
}

void StreamSession::close_socket() {
  beast::error_code ignored;
  auto& socket = ws_ ? beast::get_lowest_layer(*ws_).socket() : tcp_->socket();
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void StreamSession::finish() {
  {
    std::scoped_lock lock(mutex_);
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    queue_.clear();
    queued_bytes_ = 0;
  }
  if (heartbeat_) heartbeat_->cancel();
  if (deadline_) deadline_->cancel();
  close_socket();
  notify_closed();
  if (drain_counted_) {
    drain_counted_ = false;
    ctx_.done_busy();
  }
}

void StreamSession::notify_closed() {
  if (close_notified_.exchange(true)) return;
  auto on_close = std::move(on_close_);
  on_message_ = nullptr;
  on_close_ = nullptr;
  if (on_close) on_close();
}

}  // namespace detail
}  // namespace kindred::http
