#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"
#include "http/client_address.h"
#include "http/router.h"

namespace kindred::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int io_threads = 2;    // threads running the io_context (network, parsing)
  // Handlers run inline on the io thread that read the request (no thread hand-off), except
  // routes added as blocking, which run on a pool of `worker_threads`. With `inline_handlers`
  // false, every handler runs on the pool.
  bool inline_handlers = true;
  // With `inline_handlers` false: a request for which this answers true still runs inline (a
  // read the store can answer from memory, over a database where most handlers wait on it).
  // Called on the io thread; must be quick. Empty: never.
  std::function<bool(const Request&)> run_inline;
  int worker_threads = 4;
  size_t max_header_bytes = 16 * 1024;  // larger request line + headers get 431 and a close
  // Larger bodies get 413 without being buffered. The default for routes that set no
  // RouteOptions::max_body_bytes of their own.
  size_t max_body_bytes = 1024 * 1024;
  // To read one whole request once its first byte arrived; also bounds writing one response.
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{75'000};  // keep-alive wait for the next request
  // A new connection's wait for the first byte of its first request: a socket opened and left
  // silent holds a descriptor for this long at most.
  std::chrono::milliseconds first_request_timeout{10'000};
  // Connections open at once. Beyond `max_connections` in all, or `max_connections_per_address`
  // from one client address (an IPv6 client by its /64; trusted proxies are not capped per
  // address), a new connection is answered 503 (429 for one address) and closed at once, so one
  // client cannot take every file descriptor. 0: no cap.
  size_t max_connections = 0;
  size_t max_connections_per_address = 0;
  // Reverse proxies whose X-Forwarded-For is believed (see client_address()); Request::remote_ip
  // is then the client they name. Empty: the socket's peer is the client.
  std::vector<Cidr> trusted_proxies;
  // A connection from a trusted proxy may begin with a PROXY protocol v1 line (HAProxy's
  // `send-proxy`, http/proxy_protocol.h) naming the client, which is then the connection's peer:
  // a proxy in TCP mode passes requests through without parsing them, and clients keep their
  // own addresses (rate limits). Connections from anyone else are plain HTTP.
  bool proxy_protocol = false;
  // Long-lived streams (Router::add_stream): what one connection may have queued and not yet
  // taken before it is dropped (http/stream.h), how long a WebSocket may stay silent (a ping
  // goes out halfway; no answer closes it), and how often an event stream gets a comment line.
  size_t max_stream_queue_messages = 1024;
  size_t max_stream_queue_bytes = 4 * 1024 * 1024;
  std::chrono::milliseconds stream_idle_timeout{60'000};
  std::chrono::milliseconds stream_heartbeat{15'000};
  // One JSON line per request when set (see http/wire.h for the format; the path never has the
  // query string). Not owned; must outlive the server. Lines are written whole, never
  // interleaved, and flushed one by one (a crash loses none already answered).
  std::ostream* access_log = nullptr;
  // Called once from start() with the bound port, after binding and before the first accept, so
  // a caller listening on port 0 can finish configuring itself before any request is served.
  std::function<void(uint16_t)> on_bound;
};

// An HTTP/1.1 server (Boost.Beast over Asio): keep-alive, one request in flight per connection,
// header and body limits, read and idle timeouts. Handlers run on a worker pool.
// On the wire: header names reach handlers lower-cased; a malformed request gets 400
// {"error":"Bad request"} (so does an HTTP/1.1 request without exactly one Host header, and any
// with a Transfer-Encoding other than a single "chunked": RFC 9112 §3.2, §6.3), a body over its route's limit (RouteOptions::max_body_bytes, else
// ServerOptions::max_body_bytes) 413 {"error":"Request body too large"} (sent as soon as the
// headers show it, or for a chunked body as soon as it passes the limit; the rest is read and
// discarded, never kept), oversized headers 431; each of these closes the connection. A handler
// that throws gets 500 {"error":"Internal server error"} (logged to stderr). HEAD gets the GET
// headers, including its Content-Length, and no body. "Expect: 100-continue" is honoured (no
// 100 Continue for a Content-Length over the route's limit: 413 comes instead).
// Lifecycle: start() binds and begins serving on background threads; stop() stops accepting,
// closes open streams (WebSocket close 1001, waiting at most 2 s for each handshake), lets
// in-flight requests finish (bounded by `drain_timeout`), closes connections and joins
// every thread. The destructor calls stop().
// Thread-safety: start, stop, port and wait_for_signal may be called from any thread except the
// server's own (handlers must not call stop: it waits for them).
class Server {
 public:
  // `router` is borrowed and must outlive the server; it must not change once start() is called.
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Resolves `host` (an IPv4 or IPv6 literal, "localhost" = 127.0.0.1, or a name: its first
  // address), binds with SO_REUSEADDR, listens, and starts the io and worker threads.
  // Errors: Unavailable("cannot listen on host:port: reason") if the address cannot be resolved
  // or bound (nothing keeps running then and start() may be retried); Unavailable if already
  // started or stopped (a Server serves once).
  Status start();
  // The bound port (useful with port 0). REQUIRES: start() succeeded.
  uint16_t port() const;
  // Blocks until SIGINT or SIGTERM arrives or stop() begins (from another thread), whichever
  // comes first; returns at once if the server is not running. It does not stop the server: the
  // caller does, e.g. `server.wait_for_signal(); server.stop(); store->close();`. The signal
  // handlers are installed by the first call and stay until stop() (until then the signals
  // keep their default action); once woken, later calls return at once.
  void wait_for_signal();
  // Stops serving, in order: closes the listening socket; closes idle keep-alive connections;
  // lets requests already read run to completion and writes their responses (with
  // "Connection: close") until `drain_timeout` has passed; then closes every connection, stops
  // and joins the io threads, and waits for handlers still running (which may outlast the
  // timeout: their responses are dropped), so no handler runs once stop() returns.
  // Idempotent; a no-op if start() never succeeded. Concurrent callers block until it is done.
  void stop(std::chrono::milliseconds drain_timeout = std::chrono::milliseconds(10'000));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kindred::http
