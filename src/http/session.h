#pragma once

// Internal to src/http: the per-connection state machine behind Server and the state it shares
// with the listener and Server::stop(). Not an API for layers above.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/message.h"
#include "http/router.h"
#include "http/server.h"

namespace kindred::http::detail {

class Session;
class StreamSession;

// What the listener, every session and Server::stop() share. Owned by Server::Impl and
// destroyed only after the io_context (and with it every session) is gone.
struct ServerContext {
  ServerContext(const ServerOptions& server_options, const Router& server_router,
                boost::asio::thread_pool& worker_pool)
      : options(server_options), router(server_router), workers(worker_pool) {}

  // Constant after construction.
  const ServerOptions& options;
  const Router& router;
  boost::asio::thread_pool& workers;

  // Set once by stop(): sessions stop keeping connections alive.
  std::atomic<bool> draining{false};

  // Work stop() waits for: requests read but not yet answered, plus drain notices not yet
  // handled by their session. add_busy/done_busy are thread-safe.
  void add_busy(int64_t n) { busy_.fetch_add(n); }
  void done_busy();
  // Blocks until no work is left or `deadline`; true if none is left. Thread-safe.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);

  // Writes one whole access-log line; lines never interleave. No-op without a log. Thread-safe.
  void log_access(const std::string& line);

  // Counts a new connection from `address_key` (its rate_limit_key; "" for a trusted proxy,
  // which is not capped per address) against the caps, and says whether it may stay. Every
  // admitted connection is released exactly once (by its session's destructor). Thread-safe.
  enum class Admission { kAdmitted, kServerFull, kAddressFull };
  Admission admit(const std::string& address_key);
  void release(const std::string& address_key);
  // Writes at most one line per 10 s about refused connections to stderr. Thread-safe.
  void log_refusal(std::string_view peer, Admission why);

  // Live sessions, so stop() can reach idle keep-alive connections. Each session adds itself in
  // start() and removes itself in its destructor.
  std::mutex sessions_mutex;
  std::unordered_map<const Session*, std::weak_ptr<Session>>
      sessions;  // GUARDED_BY(sessions_mutex)
  // Open streams (WebSocket, SSE), which stop() closes with 1001. Each adds itself when it
  // starts and removes itself in its destructor.
  std::unordered_map<const StreamSession*, std::weak_ptr<StreamSession>>
      streams;  // GUARDED_BY(sessions_mutex)
  // Closed by the server's teardown before its network goes (see StreamGate).
  std::shared_ptr<StreamGate> stream_gate = std::make_shared<StreamGate>();

 private:
  std::mutex connections_mutex_;
  size_t connections_ = 0;                                    // GUARDED_BY(connections_mutex_)
  std::unordered_map<std::string, size_t> per_address_;       // GUARDED_BY(connections_mutex_)
  std::atomic<int64_t> refusals_{0};
  std::atomic<int64_t> last_refusal_log_ms_{0};
  std::atomic<int64_t> busy_{0};
  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::mutex log_mutex_;
};

// One connection: reads requests within limits on its thread, runs each on the worker pool
// and writes the response back, one request at a time. Kept alive by its own chain of
// completion handlers (shared_from_this), as in Beast's advanced_server.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: `socket` uses one of the server's io_contexts (each run by one thread) as executor,
  // and was admitted (ServerContext::admit) under `address_key`; `remote_ip` is its peer's address.
  // With `may_have_proxy_header` (a trusted proxy's connection, ServerOptions::proxy_protocol), a
  // PROXY line at the start names the client instead.
  Session(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx, std::string remote_ip,
          std::string address_key, bool may_have_proxy_header = false);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers with the context and starts reading. Call once, right after construction.
  void start();
  // Asks the session to finish: an idle or reading connection closes now, one with a request
  // in flight closes after writing its response. Handled on the session's thread; counts as one
  // unit of busy work until then (the caller has add_busy'd it). Thread-safe.
  void drain();
  // Closes the connection from the calling thread. REQUIRES: no thread runs the io_context (the
  // server is stopping and has joined its io threads), so nothing else touches the socket.
  void close_for_stop();
  // From any thread, while a handler may still run on this session's thread: shuts the socket
  // down (not closed: the descriptor stays this session's) so its client learns at once that no
  // response is coming.
  void shut_down_from_outside();

 private:
  void do_read();
  void on_first_bytes(boost::beast::error_code ec, std::size_t n);
  // Takes a PROXY line from the start of the buffer (may_have_proxy_header): true when the
  // request can be read, false when more bytes are being read or the line was broken (closed).
  bool take_proxy_header();
  void start_request();
  void parse_buffered();
  void on_header(boost::beast::error_code ec, std::size_t n);
  // Once the header is parsed: answers 413 and returns false when its Content-Length exceeds
  // the route's body limit; otherwise sets that limit on the parser (for chunked bodies) and
  // returns true. Does the work once per request.
  bool apply_route_body_limit();
  // Refuses (400, then close) a request whose Host or Transfer-Encoding headers make its framing
  // ambiguous. Called once its header is parsed, before any body byte.
  bool framing_ok();
  void read_body();
  void on_body(boost::beast::error_code ec, std::size_t n);
  void on_read_error(boost::beast::error_code ec);
  void on_request();
  void run_handler();  // on a worker thread
  // For a stream route: runs its handler on a worker, then hands the connection over to a
  // StreamSession (or answers the handler's refusal as a normal response).
  void run_stream_handler(const StreamHandler& handler);  // on a worker thread
  void hand_over(std::shared_ptr<StreamSession> stream, StreamAnswer answer);
  void write_response();
  void on_write(boost::beast::error_code ec, std::size_t n);
  void send_error(int status, std::string_view message);
  void on_error_written(boost::beast::error_code ec, std::size_t n);
  void linger_read();
  void log_access();
  void close();

  ServerContext& ctx_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // reused across requests; may hold a pipelined next one
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::string remote_ip_;
  std::string address_key_;  // what ctx_.admit() counted this connection under
  bool served_a_request_ = false;
  bool may_have_proxy_header_ = false;  // until the connection's first bytes are read
  bool abortive_close_armed_ = false;  // SO_LINGER 0 while a large response is being written  // after the first, the idle timeout replaces the first deadline

  // The request being served and its answer. While a handler runs on a worker only that worker
  // touches them; posting to and from the pool orders the accesses.
  Request req_;
  Response res_;
  std::string head_;  // serialized status line and headers of res_, kept alive during the write

  std::chrono::steady_clock::time_point started_;
  uint64_t body_bytes_ = 0;    // body bytes of the response being written
  uint64_t linger_bytes_ = 0;  // discarded after an error response
  bool keep_alive_ = false;
  bool http10_ = false;
  bool head_request_ = false;         // the response gets headers only
  bool route_limit_applied_ = false;  // apply_route_body_limit() ran for this request
  bool busy_ = false;                 // a request is in flight (counted in ctx_.busy)
  bool handed_over_ = false;          // the socket went to a StreamSession, which releases it
  bool websocket_upgrade_ = false;    // the stream request asks for a WebSocket
  bool closing_ = false;  // the socket is closed or closing; completion handlers just return
  // Guards closing the descriptor against shut_down_from_outside() on another thread.
  std::mutex descriptor_mutex_;
  bool descriptor_closed_ = false;  // GUARDED_BY(descriptor_mutex_)
};

}  // namespace kindred::http::detail
