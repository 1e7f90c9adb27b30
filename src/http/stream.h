#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace kindred::http {

namespace detail {
class StreamSession;

// Lets handles reach their connections only while the server can still destroy them safely. A
// handle holds the gate shared while it holds its connection; the server closes it (exclusively)
// before tearing its network down, so a connection's last owner is never a thread outside the
// server once its I/O context and context are gone.
struct StreamGate {
  std::shared_mutex mutex;
  bool open = true;  // GUARDED_BY(mutex)
};
}  // namespace detail

// WebSocket close codes (RFC 6455 §7.4.1) the server and stream handlers use.
inline constexpr uint16_t kCloseGoingAway = 1001;       // the server is stopping
inline constexpr uint16_t kClosePolicyViolation = 1008;  // over a limit
inline constexpr uint16_t kCloseTryAgainLater = 1013;    // too slow a reader: messages dropped

// One open long-lived connection as handlers see it: a WebSocket (text frames both ways) or a
// Server-Sent Events response (text chunks from the server only). Sending never blocks: a
// message joins the connection's bounded queue and is written on the connection's thread. A
// client that lets the queue pass ServerOptions::max_stream_queue_messages or _bytes is dropped
// (WebSocket close 1013 "Too slow", or the socket shut for SSE); its queue is freed then.
// Copyable handle; it does not keep the connection alive. Thread-safe.
class Stream {
 public:
  Stream() = default;
  Stream(std::weak_ptr<detail::StreamSession> session, std::shared_ptr<detail::StreamGate> gate)
      : session_(std::move(session)), gate_(std::move(gate)) {}
  // Queues one text message (for SSE, the caller's whole "event: ...\ndata: ...\n\n" block).
  // False when the connection is gone, closing, or was just dropped for passing the bound.
  bool send(std::string text) const;
  // Closes the connection (a WebSocket with `code` and `reason`) once what is queued before it
  // is written. No-op when already closing.
  void close(uint16_t code, std::string reason) const;
  bool is_websocket() const;
  bool is_open() const;
  // Messages queued and not yet written (tests, limits).
  size_t queued_messages() const;

 private:
  // Calls `use` with the connection while the gate is open and the connection alive; else
  // returns `otherwise`.
  template <typename T, typename F>
  T with_session(T otherwise, F use) const;

  std::weak_ptr<detail::StreamSession> session_;
  std::shared_ptr<detail::StreamGate> gate_;
};

// What a stream route answers to an opening request.
struct StreamAnswer {
  // Set: the request is refused with this plain HTTP response (401, 429...) and no stream opens.
  std::optional<Response> refusal;
  // Extra headers of the 101 (WebSocket) or 200 (SSE) response, e.g. Sec-WebSocket-Protocol.
  std::vector<std::pair<std::string, std::string>> headers;
  // A WebSocket text message from the client; on the connection's thread, one at a time.
  std::function<void(std::string_view)> on_message;
  // Once, when the connection has ended (either side, the server stopping, a drop). The
  // callbacks are released after it, so they may hold what the connection's life needs.
  std::function<void()> on_close;
};

// Opens a stream: authenticates from the request (path parameters and query filled as for any
// route) and returns the answer. `stream` is the connection to be (not yet open: messages sent
// before the handler returns are queued and go out first). Runs as route handlers do (may block
// on the store). Must not throw.
using StreamHandler = std::function<StreamAnswer(Request&, const Stream& stream)>;

}  // namespace kindred::http
