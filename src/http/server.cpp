#include "http/server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <future>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/session.h"
#include "http/stream_session.h"

namespace kindred::http {

namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace {

// After a failed accept (out of file descriptors, say), wait this long before trying again so
// the listener does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

std::string host_port(const std::string& host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// Answers a connection over a cap without reading from it, and closes it. The few bytes fit in
// an empty socket buffer, so the write neither blocks nor waits.
void refuse(tcp::socket& socket, detail::ServerContext::Admission why) {
  const bool full = why == detail::ServerContext::Admission::kServerFull;
  const std::string body = full ? R"({"error":"The server is too busy; please try again shortly"})"
                                : R"({"error":"Too many connections from your address"})";
  const std::string response = std::string(full ? "HTTP/1.1 503 Service Unavailable\r\n"
                                                : "HTTP/1.1 429 Too Many Requests\r\n") +
                               "Content-Type: application/json; charset=utf-8\r\n"
                               "Retry-After: 5\r\nConnection: close\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(response), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r) : options(std::move(o)), router(r) {}

  void do_accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  void run_io(asio::io_context& ioc);
  void wake();
  std::vector<std::shared_ptr<detail::Session>> live_sessions();
  // Destroys what start() built, in dependency order. REQUIRES: no io thread is running.
  void teardown();

  // Constant after construction.
  const ServerOptions options;
  const Router& router;

  // Serialises start(), stop() and the signal setup of wait_for_signal().
  std::mutex lifecycle_mutex;
  enum class State { kIdle, kRunning, kStopped };
  State state = State::kIdle;  // GUARDED_BY(lifecycle_mutex)
  uint16_t bound_port = 0;     // set by start()

  // Set when a signal arrives or stop() begins; wait_for_signal() returns then.
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool woken = false;  // GUARDED_BY(wake_mutex)

  // Built by start() and torn down by stop(). Declaration order is destruction order reversed:
  // sessions (owned by pending handlers in the io_context) use ctx and workers, so the
  // io_context goes first.
  std::optional<asio::thread_pool> workers;
  std::unique_ptr<detail::ServerContext> ctx;
  // One io_context per network thread, each run by that thread alone: a connection lives on one
  // of them (taken in turn), so its handlers never run at once and need no strand, and the
  // threads share no scheduler queue (docs/PERFORMANCE.md, "Issue 20, fifth slice").
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  // The listener, its retry timer and the signals have an io_context and a thread of their own,
  // which serve no connection: a handler stuck on a network thread stops neither accepting nor
  // stop() nor SIGTERM.
  std::unique_ptr<asio::io_context> control;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;          // on control
  std::optional<asio::steady_timer> retry_timer;  // on control
  std::optional<asio::signal_set> signals;        // on control
  std::vector<std::thread> threads;               // the network threads, then control's
  size_t next_ioc = 0;  // the io_context the next connection goes to; on control
};

void Server::Impl::do_accept() {
  // Connections go to the network threads in turn; each thread alone runs its connections'
  // handlers, so their state needs no lock.
  asio::io_context& home = *iocs[next_ioc];
  next_ioc = (next_ioc + 1) % iocs.size();
  acceptor->async_accept(
      home, [this](boost::system::error_code ec, tcp::socket s) { on_accept(ec, std::move(s)); });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor->is_open() || ec == asio::error::operation_aborted) return;  // stopping
  if (ec) {
    retry_timer->expires_after(kAcceptRetryDelay);
    retry_timer->async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor->is_open()) do_accept();
    });
    return;
  }
  boost::system::error_code peer_ec;
  auto peer = socket.remote_endpoint(peer_ec).address();
  if (peer_ec) {  // already gone
    do_accept();
    return;
  }
  if (peer.is_v6() && peer.to_v6().is_v4_mapped())
    peer = asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6());
  std::string ip = peer.to_string();
  // A trusted proxy carries many people's connections: only the total cap applies to it.
  const bool trusted = in_cidrs(peer, options.trusted_proxies);
  std::string key = trusted ? std::string() : rate_limit_key(ip);
  auto admission = ctx->admit(key);
  if (admission != detail::ServerContext::Admission::kAdmitted) {
    refuse(socket, admission);
    ctx->log_refusal(ip, admission);
  } else {
    std::make_shared<detail::Session>(std::move(socket), *ctx, std::move(ip), std::move(key),
                                      trusted && options.proxy_protocol)
        ->start();
  }
  do_accept();
}

void Server::Impl::run_io(asio::io_context& ioc) {
  // Handlers should not throw; if one does anyway, keep the thread serving.
  while (true) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      std::cerr << "kindred http: exception escaped an io handler: " << e.what() << '\n';
    } catch (...) {
      std::cerr << "kindred http: non-exception escaped an io handler\n";
    }
  }
}

void Server::Impl::wake() {
  std::scoped_lock lock(wake_mutex);
  woken = true;
  wake_cv.notify_all();
}

std::vector<std::shared_ptr<detail::Session>> Server::Impl::live_sessions() {
  std::vector<std::shared_ptr<detail::Session>> live;
  std::scoped_lock lock(ctx->sessions_mutex);
  live.reserve(ctx->sessions.size());
  for (auto& [ptr, weak] : ctx->sessions) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  return live;
}

void Server::Impl::teardown() {
  signals.reset();
  retry_timer.reset();
  acceptor.reset();
  work.clear();
  // Handlers still running post their responses to the (stopped) io_context when done: wait for
  // them before it goes away.
  if (workers) workers->join();
  if (ctx) {
    // Handles held elsewhere (the stream hub's thread) may hold a connection right now: wait for
    // them, and let none reach one again, so the last owners of connections are destroyed below.
    std::scoped_lock gate(ctx->stream_gate->mutex);
    ctx->stream_gate->open = false;
  }
  // Destroys pending handlers, hence sessions, hence their sockets. control first: an accept
  // still queued there holds a socket of one of iocs.
  control.reset();
  iocs.clear();
  workers.reset();
  ctx.reset();
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { stop(); }

Status Server::start() {
  Impl& d = *impl_;
  std::scoped_lock lifecycle(d.lifecycle_mutex);
  if (d.state != Impl::State::kIdle)
    return Status::unavailable("server already started or stopped");
  const std::string where = host_port(d.options.host, d.options.port);

  d.workers.emplace(static_cast<std::size_t>(std::max(1, d.options.worker_threads)));
  d.ctx = std::make_unique<detail::ServerContext>(d.options, d.router, *d.workers);
  // A concurrency hint of 1: each io_context is run by one thread.
  for (int i = 0; i < std::max(1, d.options.io_threads); ++i)
    d.iocs.push_back(std::make_unique<asio::io_context>(1));
  d.control = std::make_unique<asio::io_context>(1);

  boost::system::error_code ec;
  tcp::endpoint endpoint;
  if (d.options.host == "localhost") {
    endpoint = tcp::endpoint(asio::ip::address_v4::loopback(), d.options.port);
  } else if (auto address = asio::ip::make_address(d.options.host, ec); !ec) {
    endpoint = tcp::endpoint(address, d.options.port);
  } else {
    tcp::resolver resolver(*d.control);
    auto results = resolver.resolve(d.options.host, std::to_string(d.options.port), ec);
    if (!ec && results.empty()) ec = asio::error::host_not_found;
    if (!ec) endpoint = results.begin()->endpoint();
  }

  if (!ec) d.acceptor.emplace(*d.control);
  if (!ec) d.acceptor->open(endpoint.protocol(), ec);
  if (!ec) d.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor->bind(endpoint, ec);
  if (!ec) d.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) d.bound_port = d.acceptor->local_endpoint(ec).port();
  if (ec) {
    d.teardown();
    return Status::unavailable("cannot listen on " + where + ": " + ec.message());
  }

  if (d.options.on_bound) d.options.on_bound(d.bound_port);
  d.retry_timer.emplace(d.acceptor->get_executor());
  for (auto& ioc : d.iocs) d.work.push_back(asio::make_work_guard(*ioc));
  d.work.push_back(asio::make_work_guard(*d.control));
  asio::post(d.acceptor->get_executor(), [&d] { d.do_accept(); });
  for (auto& ioc : d.iocs) {
    d.threads.emplace_back([&d, &ioc = *ioc] { d.run_io(ioc); });
  }
  d.threads.emplace_back([&d] { d.run_io(*d.control); });
  d.state = Impl::State::kRunning;
  return Status::ok();
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::wait_for_signal() {
  Impl& d = *impl_;
  {
    std::scoped_lock lifecycle(d.lifecycle_mutex);
    if (d.state != Impl::State::kRunning) return;
    if (!d.signals) {
      d.signals.emplace(*d.control, SIGINT, SIGTERM);
      d.signals->async_wait([&d](boost::system::error_code ec, int) {
        if (!ec) d.wake();
      });
    }
  }
  std::unique_lock lock(d.wake_mutex);
  d.wake_cv.wait(lock, [&] { return d.woken; });
}

void Server::stop(std::chrono::milliseconds drain_timeout) {
  Impl& d = *impl_;
  std::scoped_lock lifecycle(d.lifecycle_mutex);
  if (d.state != Impl::State::kRunning) return;
  d.state = Impl::State::kStopped;
  d.wake();
  const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  d.ctx->draining.store(true);

  // 1. Stop accepting. The acceptor is only touched on its thread.
  std::promise<void> closed;
  asio::post(d.acceptor->get_executor(), [&d, &closed] {
    boost::system::error_code ignored;
    d.acceptor->close(ignored);
    d.retry_timer->cancel();
    closed.set_value();
  });
  closed.get_future().wait();

  // 2. Every session accepted so far is registered now. Idle ones close at once, busy ones after
  // their response; each notice counts as busy work until its session has handled it, so that
  // no request can start after the wait below ends.
  std::vector<std::shared_ptr<detail::Session>> live = d.live_sessions();
  d.ctx->add_busy(static_cast<int64_t>(live.size()));
  for (auto& s : live) s->drain();
  live.clear();
  // Open streams close with 1001 "going away"; each counts as busy work until it has ended (a
  // client that does not answer the close handshake is cut off after 2 s).
  std::vector<std::shared_ptr<detail::StreamSession>> streams;
  {
    std::scoped_lock lock(d.ctx->sessions_mutex);
    for (auto& [ptr, weak] : d.ctx->streams)
      if (auto s = weak.lock()) streams.push_back(std::move(s));
  }
  d.ctx->add_busy(static_cast<int64_t>(streams.size()));
  for (auto& s : streams) s->drain();
  streams.clear();

  // 3. Let in-flight handlers finish and their responses be written.
  d.ctx->wait_idle(deadline);

  // 4. Stop the network, then close what is still open: a handler stuck past the deadline must
  // not keep its client waiting while we wait for it below.
  d.work.clear();
  for (auto& ioc : d.iocs) ioc->stop();
  d.control->stop();
  // A stuck handler holds its network thread, so joining waits for it; its client (and every
  // other still open) is told first, by shutting the sockets down from here.
  live = d.live_sessions();
  for (auto& s : live) s->shut_down_from_outside();
  live.clear();
  for (auto& t : d.threads) t.join();
  d.threads.clear();
  live = d.live_sessions();
  for (auto& s : live) s->close_for_stop();
  live.clear();

  // 5. Handlers still running past the deadline may be using the store the caller closes next:
  // wait for them (teardown joins the pool), then destroy sessions and the pool.
  d.teardown();
}

}  // namespace kindred::http
