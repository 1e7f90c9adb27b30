#include "http/session.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdint>
#include <exception>
#include <iostream>

#include "core/request_scope.h"
#include "http/framing.h"
#include "http/internal.h"
#include "http/proxy_protocol.h"
#include "http/stream_session.h"
#include "http/wire.h"

namespace kindred::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// How much one read asks for while waiting for a request; the buffer keeps this capacity.
constexpr size_t kReadChunk = 8 * 1024;
// After an error response, how long and how much we read and discard so that closing does not
// reset the connection before the client has read the response.
constexpr std::chrono::milliseconds kMaxLingerTime{2'000};
constexpr uint64_t kMaxLingerBytes = 4 * 1024 * 1024;
// Responses larger than this are written with an abortive close armed (see write_response).
constexpr size_t kAbortiveWriteBytes = 64 * 1024;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Errors that just mean the peer went away or time ran out: close without answering. Everything
// else from the HTTP parser is a malformed request.
bool is_quiet_read_error(beast::error_code ec) {
  static const auto& parse_category = bhttp::make_error_code(bhttp::error::bad_method).category();
  if (ec.category() != parse_category) return true;  // socket errors, timeout, cancellation
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == bhttp::error::short_read;
}

}  // namespace

void ServerContext::done_busy() {
  // Only stop() waits, and only once draining is set; skip the lock on the hot path otherwise.
  if (busy_.fetch_sub(1) == 1 && draining.load()) {
    std::scoped_lock lock(idle_mutex_);
    idle_cv_.notify_all();
  }
}

bool ServerContext::wait_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(idle_mutex_);
  return idle_cv_.wait_until(lock, deadline, [&] { return busy_.load() <= 0; });
}

void ServerContext::log_access(const std::string& line) {
  if (options.access_log == nullptr) return;
  std::scoped_lock lock(log_mutex_);
  options.access_log->write(line.data(), static_cast<std::streamsize>(line.size()));
  // Flushed per line, so a crash loses no line of what was answered (benchmarks run with the
  // log off).
  options.access_log->flush();
}

ServerContext::Admission ServerContext::admit(const std::string& address_key) {
  std::scoped_lock lock(connections_mutex_);
  if (options.max_connections > 0 && connections_ >= options.max_connections)
    return Admission::kServerFull;
  if (!address_key.empty() && options.max_connections_per_address > 0) {
    size_t& n = per_address_[address_key];
    if (n >= options.max_connections_per_address) {
      if (n == 0) per_address_.erase(address_key);
      return Admission::kAddressFull;
    }
    ++n;
  }
  ++connections_;
  return Admission::kAdmitted;
}

void ServerContext::release(const std::string& address_key) {
  std::scoped_lock lock(connections_mutex_);
  --connections_;
  if (address_key.empty() || options.max_connections_per_address == 0) return;
  auto it = per_address_.find(address_key);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void ServerContext::log_refusal(std::string_view peer, Admission why) {
  const int64_t refused = refusals_.fetch_add(1) + 1;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  int64_t last = last_refusal_log_ms_.load();
  if (now_ms - last < 10'000 || !last_refusal_log_ms_.compare_exchange_strong(last, now_ms)) return;
  std::cerr << "kindred http: refused a connection from " << peer << ": "
            << (why == Admission::kServerFull
                    ? "the server has " + std::to_string(options.max_connections) +
                          " connections open (--max-connections)"
                    : "that address has " + std::to_string(options.max_connections_per_address) +
                          " connections open (--max-connections-per-address)")
            << "; " << refused << " refused since start" << std::endl;
}

Session::Session(tcp::socket&& socket, ServerContext& ctx, std::string remote_ip,
                 std::string address_key, bool may_have_proxy_header)
    : ctx_(ctx),
      stream_(std::move(socket)),
      remote_ip_(std::move(remote_ip)),
      address_key_(std::move(address_key)),
      may_have_proxy_header_(may_have_proxy_header) {}

Session::~Session() {
  if (!handed_over_) ctx_.release(address_key_);
  if (busy_) ctx_.done_busy();
  std::scoped_lock lock(ctx_.sessions_mutex);
  ctx_.sessions.erase(this);
}

void Session::start() {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  {
    std::scoped_lock lock(ctx_.sessions_mutex);
    ctx_.sessions.emplace(this, weak_from_this());
  }
  // The socket was accepted on the listener's thread; continue on our own.
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&Session::do_read, shared_from_this()));
}

void Session::drain() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_ && !self->closing_) self->close();
    self->ctx_.done_busy();
  });
}

void Session::close_for_stop() {
  if (!closing_) close();
}

void Session::do_read() {
  if (closing_) return;
  if (ctx_.draining.load()) return close();
  parser_.emplace();
  req_.remote_ip.clear();  // set again once this request's headers are read
  parser_->header_limit(
      static_cast<std::uint32_t>(std::min<size_t>(ctx_.options.max_header_bytes, UINT32_MAX)));
  // Until the header names the route, admit the largest body any route accepts; once it does,
  // apply_route_body_limit() narrows this to the route's own limit.
  parser_->body_limit(static_cast<std::uint64_t>(
      std::max(ctx_.options.max_body_bytes, ctx_.router.largest_body_limit())));
  route_limit_applied_ = false;
  if (buffer_.size() > 0) return start_request();  // a pipelined request is already here
  stream_.expires_after(served_a_request_ ? ctx_.options.idle_timeout
                                          : ctx_.options.first_request_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t n) {
  if (closing_) return;
  if (ec) return close();  // idle timeout, peer closed, reset
  buffer_.commit(n);
  if (may_have_proxy_header_ && !take_proxy_header()) return;
  start_request();
}

bool Session::take_proxy_header() {
  const auto* bytes = static_cast<const char*>(buffer_.data().data());
  const ProxyHeader h = parse_proxy_header(std::string_view(bytes, buffer_.size()));
  switch (h.kind) {
    case ProxyHeader::Kind::kIncomplete:
      // The line's start came alone: read on, within the first request's deadline.
      stream_.async_read_some(
          buffer_.prepare(kReadChunk),
          beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
      return false;
    case ProxyHeader::Kind::kInvalid:
      // As HAProxy does with a broken PROXY line: no answer, since the bytes after it cannot
      // be trusted to be HTTP at all.
      close();
      return false;
    case ProxyHeader::Kind::kParsed:
      buffer_.consume(h.length);
      // The client the proxy names; X-Forwarded-For is then read from its point of view (a
      // client that is no trusted proxy is not believed). Per-address connection caps stay the
      // proxy's (uncapped): the proxy bounds its own connections.
      if (!h.source.empty()) remote_ip_ = h.source;
      break;
    case ProxyHeader::Kind::kAbsent:
      break;
  }
  may_have_proxy_header_ = false;
  return true;
}

void Session::start_request() {
  started_ = std::chrono::steady_clock::now();
  // One deadline for the whole request, however it trickles in.
  stream_.expires_after(ctx_.options.read_timeout);
  parse_buffered();
}

void Session::parse_buffered() {
  // Most requests arrive whole in the first read: parse what is buffered without another
  // asynchronous round trip.
  // The parser is not eager: put() returns once the header is done, so the route's body limit
  // is in place before any body byte is parsed.
  beast::error_code ec;
  while (buffer_.size() > 0 && !parser_->is_done()) {
    std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) return on_read_error(ec);
    if (parser_->is_header_done() && !apply_route_body_limit()) return;
    if (used == 0) break;
  }
  if (parser_->is_done()) return on_request();
  if (!parser_->is_header_done()) {
    return bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }
  read_body();
}

void Session::on_header(beast::error_code ec, std::size_t) {
  if (closing_) return;
  if (ec) return on_read_error(ec);
  if (!apply_route_body_limit()) return;
  if (parser_->is_done()) return on_request();
  read_body();
}

bool Session::apply_route_body_limit() {
  if (route_limit_applied_) return true;
  route_limit_applied_ = true;
  if (!framing_ok()) return false;
  // Now, before a chunked body's trailer fields join the header's in Beast's list.
  read_headers(parser_->get(), req_.headers);
  const auto& msg = parser_->get();
  auto content_length = parser_->content_length();
  // Requests without a body (most GETs) skip the route lookup.
  if (!parser_->chunked() && (!content_length || *content_length == 0)) return true;
  // req_ is free while reading (one request in flight); on_request() fills it again.
  req_.method = to_method(msg.method());
  req_.set_target(std::string(msg.target()));
  size_t limit = ctx_.router.max_body_bytes(req_).value_or(ctx_.options.max_body_bytes);
  if (content_length && *content_length > limit) {
    // Answered before any body byte is read, and without 100 Continue.
    send_error(413, "Request body too large");
    return false;
  }
  // Chunked bodies count against this as they stream in (Beast reports body_limit).
  parser_->body_limit(static_cast<std::uint64_t>(limit));
  return true;
}

bool Session::framing_ok() {
  switch (check_framing(parser_->get())) {
    case Framing::kOk:
      return true;
    case Framing::kBadHost:
      send_error(400, "Bad request: a request needs exactly one Host header");
      return false;
    case Framing::kBadTransferEncoding:
      send_error(400, "Bad request: Transfer-Encoding must be chunked");
      return false;
  }
  return true;
}

void Session::read_body() {
  const auto& msg = parser_->get();
  auto expect = msg[bhttp::field::expect];
  if (msg.version() >= 11 && beast::iequals(expect, "100-continue")) {
    // Clients such as curl hold large bodies back until told to go on. Bodies over the route's
    // limit never get here: apply_route_body_limit() (or the parser, for the largest limit)
    // rejects their Content-Length with the header.
    return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this()](beast::error_code wec, std::size_t) {
                               if (self->closing_) return;
                               if (wec) return self->close();
                               bhttp::async_read(
                                   self->stream_, self->buffer_, *self->parser_,
                                   beast::bind_front_handler(&Session::on_body, self));
                             });
  }
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

void Session::on_body(beast::error_code ec, std::size_t) {
  if (closing_) return;
  if (ec) return on_read_error(ec);
  on_request();
}

void Session::on_read_error(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) return send_error(413, "Request body too large");
  if (ec == bhttp::error::header_limit) return send_error(431, "Request header fields too large");
  if (is_quiet_read_error(ec)) return close();
  send_error(400, "Bad request");
}

void Session::on_request() {
  auto& msg = parser_->get();
  keep_alive_ = msg.keep_alive();
  http10_ = msg.version() < 11;
  head_request_ = msg.method() == bhttp::verb::head;

  to_request(msg, req_);  // method, target, body; path_params cleared (headers: read_headers)
  if (ctx_.options.trusted_proxies.empty()) {
    req_.remote_ip = remote_ip_;
  } else {
    std::vector<std::string_view> forwarded_for;
    for (const auto& [name, value] : req_.headers)
      if (name == "x-forwarded-for") forwarded_for.push_back(value);
    req_.remote_ip = client_address(remote_ip_, forwarded_for, ctx_.options.trusted_proxies);
  }

  served_a_request_ = true;
  busy_ = true;
  ctx_.add_busy(1);
  // No read is pending while the handler runs; the write sets its own deadline.
  stream_.expires_never();
  if (const StreamHandler* stream = ctx_.router.stream_handler(req_)) {
    websocket_upgrade_ = boost::beast::websocket::is_upgrade(msg);
    asio::post(ctx_.workers,
               [self = shared_from_this(), stream] { self->run_stream_handler(*stream); });
    return;
  }
  if ((ctx_.options.inline_handlers || (ctx_.options.run_inline && ctx_.options.run_inline(req_))) &&
      !ctx_.router.is_blocking(req_)) {
    // Inline: the handler runs on this io thread, saving two thread hand-offs per request.
    run_handler();
    return;
  }
  asio::post(ctx_.workers, [self = shared_from_this()] { self->run_handler(); });
}

void Session::run_handler() {
  try {
    const RequestScope scope;
    res_ = ctx_.router.handle(req_);
  } catch (const std::exception& e) {
    std::cerr << "kindred http: handler for " << method_name(req_.method) << ' ' << req_.path
              << " threw: " << e.what() << '\n';
    res_ = json_error(500, "Internal server error");
  } catch (...) {
    std::cerr << "kindred http: handler for " << method_name(req_.method) << ' ' << req_.path
              << " threw a non-exception\n";
    res_ = json_error(500, "Internal server error");
  }
  // Inline, this is the connection's thread, and the response is written at once; from a
  // worker it is posted there.
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&Session::write_response, shared_from_this()));
}

void Session::run_stream_handler(const StreamHandler& handler) {
  auto stream = std::make_shared<StreamSession>(ctx_, websocket_upgrade_);
  StreamAnswer answer;
  try {
    answer = handler(req_, Stream(stream, ctx_.stream_gate));
  } catch (const std::exception& e) {
    std::cerr << "kindred http: stream handler for " << req_.path << " threw: " << e.what() << '\n';
    answer = StreamAnswer{};
    answer.refusal = json_error(500, "Internal server error");
  }
  asio::post(stream_.get_executor(),
             [self = shared_from_this(), stream = std::move(stream),
              answer = std::move(answer)]() mutable {
               self->hand_over(std::move(stream), std::move(answer));
             });
}

void Session::hand_over(std::shared_ptr<StreamSession> stream, StreamAnswer answer) {
  stream->set_callbacks(std::move(answer.on_message), std::move(answer.on_close));
  if (answer.refusal || closing_) {
    stream->abandon();
    if (closing_) {
      busy_ = false;
      ctx_.done_busy();
      return;
    }
    res_ = std::move(*answer.refusal);
    return write_response();
  }
  // Pages on other sites may read event streams as they may call the API (router.set_cors).
  if (req_.header("origin") && ctx_.router.cors_for(req_.path) != nullptr)
    answer.headers.emplace_back("Access-Control-Allow-Origin", "*");
  res_ = Response{};
  res_.status = websocket_upgrade_ ? 101 : 200;
  body_bytes_ = 0;
  log_access();
  // From here the StreamSession owns the socket and the connection's admission.
  handed_over_ = true;
  busy_ = false;
  ctx_.done_busy();
  closing_ = true;
  {
    std::scoped_lock lock(descriptor_mutex_);
    descriptor_closed_ = true;
  }
  if (websocket_upgrade_) {
    stream->start_websocket(std::move(stream_), parser_->release(), std::move(answer.headers),
                            std::move(address_key_));
  } else {
    stream->start_sse(std::move(stream_), !http10_, std::move(answer.headers),
                      std::move(address_key_));
  }
}

void Session::write_response() {
  if (closing_) {
    busy_ = false;
    ctx_.done_busy();
    return;
  }
  if (res_.status < 100 || res_.status > 999) res_ = json_error(500, "Internal server error");
  // A keep-alive connection ends with this response when the server is draining.
  keep_alive_ = keep_alive_ && !ctx_.draining.load();
  head_.clear();
  append_response_head(head_, res_, keep_alive_, http10_);
  bool send_body = !head_request_ && status_has_body(res_.status);
  body_bytes_ = send_body ? res_.body.size() : 0;
  stream_.expires_after(ctx_.options.read_timeout);
  // A client that stops reading a large response leaves its unsent rest in the kernel's send
  // buffer, which a graceful close would keep (FIN-WAIT-1, megabytes) for as long as the client
  // lingers. While such a write is under way the socket closes abortively (RST, the rest
  // dropped), which is what the write deadline's close then does; a completed write restores
  // the graceful close. Small responses fit the send buffer and skip the two system calls.
  if (body_bytes_ > kAbortiveWriteBytes) {
    beast::error_code ignored;
    stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    abortive_close_armed_ = true;
  }
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                            asio::buffer(res_.body.data(), body_bytes_)};
  asio::async_write(stream_, buffers,
                    beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(beast::error_code ec, std::size_t) {
  log_access();
  busy_ = false;
  ctx_.done_busy();
  if (closing_) return;
  if (ec) return close();
  if (abortive_close_armed_) {
    beast::error_code ignored;
    stream_.socket().set_option(asio::socket_base::linger(false, 0), ignored);
    abortive_close_armed_ = false;
  }
  if (!keep_alive_) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return close();
  }
  do_read();
}

void Session::send_error(int status, std::string_view message) {
  res_ = json_error(status, message);
  keep_alive_ = false;
  head_.clear();
  append_response_head(head_, res_, /*keep_alive=*/false, /*http10=*/false);
  body_bytes_ = res_.body.size();
  stream_.expires_after(ctx_.options.read_timeout);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(res_.body)};
  asio::async_write(stream_, buffers,
                    beast::bind_front_handler(&Session::on_error_written, shared_from_this()));
}

void Session::on_error_written(beast::error_code ec, std::size_t) {
  log_access();
  if (closing_) return;
  if (ec) return close();
  // Lingering close: stop sending, then read and drop what the client is still sending (the
  // rest of an oversized body), so our close does not reset the connection before the client
  // read the error. Bounded in time and bytes; the body is never kept.
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(
      std::min<std::chrono::milliseconds>(ctx_.options.read_timeout, kMaxLingerTime));
  linger_bytes_ = 0;
  linger_read();
}

void Session::linger_read() {
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (self->closing_) return;
                            self->linger_bytes_ += n;
                            if (ec || self->linger_bytes_ > kMaxLingerBytes) return self->close();
                            self->linger_read();
                          });
}

void Session::log_access() {
  if (ctx_.options.access_log == nullptr) return;
  std::string_view method = "-";
  std::string_view path;
  if (parser_ && parser_->is_header_done()) {
    const auto& msg = parser_->get();
    method = msg.method_string();
    path = msg.target();
    path = path.substr(0, path.find('?'));
  }
  AccessLogEntry entry;
  entry.time = std::chrono::system_clock::now();
  // The client the request names through a trusted proxy, once its headers were read whole.
  entry.remote = req_.remote_ip.empty() ? std::string_view(remote_ip_) : req_.remote_ip;
  entry.method = method;
  entry.path = path;
  entry.status = res_.status;
  entry.bytes = body_bytes_;
  entry.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started_)
                          .count();
  std::string line;
  line.reserve(160 + path.size());
  append_access_log_line(line, entry);
  ctx_.log_access(line);
}

void Session::close() {
  closing_ = true;
  beast::error_code ignored;
  std::scoped_lock lock(descriptor_mutex_);
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  descriptor_closed_ = true;
}

void Session::shut_down_from_outside() {
  std::scoped_lock lock(descriptor_mutex_);
  if (descriptor_closed_) return;
  // The raw call, not asio's: asio's socket object belongs to the session's thread.
  ::shutdown(stream_.socket().native_handle(), SHUT_RDWR);
}

}  // namespace kindred::http::detail
