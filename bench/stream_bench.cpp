// stream_bench: holds many streaming WebSocket connections open against a running Kindred and
// measures what issue 17 asks of them: the server's resident memory per idle connection, and how
// long a new public post takes to reach every subscriber. One thread, one io_context: the client
// side of 10,000 connections is cheap next to the server's.
//
//   stream_bench --port 8080 --tokens tokens.txt --connections 10000 --server-pid PID
//                --poster-token TOKEN --posts 5 [--stream public] [--subscribe JSON]... [--hold 30]
//
// Connection i uses line i of --tokens (a user token each). --subscribe sends a message on every
// socket once it is open (e.g. '{"type":"subscribe","stream":"user"}'). --hold keeps the sockets
// open that many seconds after the posts (a like storm can run against the server meanwhile);
// every message then received is counted; SIGTERM or SIGINT ends the hold early. Prints one
// "key value" line per figure; "ready_unix_ms" (flushed) says every connection has been tried and
// the subscriptions had 2 s to land.
//
// Kindred's counts stream (subscribe '{"type":"subscribe","stream":"kindred:status","id":"ID"}'):
// for each connection, the favourites_count of its last kindred.counts message, that message's
// arrival (system clock, Unix ms, to compare with a script's `date +%s%3N`), and the most counts
// messages it got within any one second (the server promises at most one a second). Printed as
// counts_* lines at the end; bench/stream_storm.sh compares them with the post's exact count.
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string tokens;
  size_t connections = 1000;
  std::string stream = "public";
  std::vector<std::string> subscribe;
  long server_pid = 0;
  std::string poster_token;
  int posts = 5;
  int hold_seconds = 0;
  size_t in_flight = 200;  // handshakes at once
};

long rss_kb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

int64_t unix_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One connection's kindred.counts messages.
struct CountsSeen {
  long last_favourites = -1;
  int64_t last_at_ms = 0;  // Unix ms
  size_t messages = 0;
  size_t max_per_second = 0;
  int64_t min_gap_ms = INT64_MAX;
  std::vector<int64_t> recent;  // arrivals within the last second

  void add(long favourites, int64_t at_ms) {
    if (messages > 0) min_gap_ms = std::min(min_gap_ms, at_ms - last_at_ms);
    ++messages;
    last_favourites = favourites;
    last_at_ms = at_ms;
    std::erase_if(recent, [&](int64_t t) { return at_ms - t >= 1000; });
    recent.push_back(at_ms);
    max_per_second = std::max(max_per_second, recent.size());
  }
};

// The ids of the posts sent, and when each was sent; receivers look their payloads up here.
struct Shared {
  std::map<std::string, Clock::time_point> sent;  // post id -> when POST returned its id
  std::vector<double> latencies_ms;
  // Updates that arrived before their post's id was known (the POST's answer can come after the
  // first deliveries): matched once it is.
  std::vector<std::pair<std::string, Clock::time_point>> early;
  size_t messages = 0;
  size_t open = 0;
  size_t failed = 0;
  size_t closed_by_server = 0;
  std::string first_error;
  std::vector<CountsSeen> counts;  // by connection
  size_t counts_unparsed = 0;      // kindred.counts messages without a favourites_count
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(asio::io_context& io, const Options& o, Shared& shared, size_t index, std::string token,
       std::function<void()> done)
      : ws_(io), o_(o), shared_(shared), index_(index), token_(std::move(token)), done_(std::move(done)) {}

  void start(const tcp::resolver::results_type& endpoints) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(
        endpoints, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) { self->on_connect(ec); });
  }

 private:
  void fail(const char* what, beast::error_code ec) {
    if (shared_.first_error.empty()) shared_.first_error = std::string(what) + ": " + ec.message();
    ++shared_.failed;
    finish();
  }
  void finish() {
    if (done_) {
      auto d = std::move(done_);
      done_ = nullptr;
      d();
    }
  }
  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect", ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string target = "/api/v1/streaming?stream=" + o_.stream + "&access_token=" + token_;
    ws_.async_handshake(o_.host + ":" + o_.port, target,
                        [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }
  void on_handshake(beast::error_code ec) {
    if (ec) return fail("handshake", ec);
    ++shared_.open;
    finish();
    send_next(0);
    read();
  }
  void send_next(size_t i) {
    if (i >= o_.subscribe.size()) return;
    ws_.async_write(asio::buffer(o_.subscribe[i]), [self = shared_from_this(), i](beast::error_code ec, size_t) {
      if (!ec) self->send_next(i + 1);
    });
  }
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }
  void on_read(beast::error_code ec) {
    if (ec) {
      --shared_.open;
      ++shared_.closed_by_server;
      if (shared_.first_error.empty()) shared_.first_error = "read: " + ec.message();
      return;
    }
    const auto now = Clock::now();
    ++shared_.messages;
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (text.find("\"update\"") != std::string::npos) {
      bool matched = false;
      for (const auto& [id, at] : shared_.sent) {
        if (text.find("\\\"id\\\":\\\"" + id + "\\\"") != std::string::npos) {
          shared_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - at).count());
          matched = true;
          break;
        }
      }
      if (!matched) shared_.early.emplace_back(text, now);
    } else if (text.find("\"event\":\"kindred.counts\"") != std::string::npos) {
      // The payload is a JSON string: its quotes arrive escaped.
      static const std::string key = "\\\"favourites_count\\\":";
      const auto at = text.find(key);
      if (at == std::string::npos) {
        ++shared_.counts_unparsed;
      } else {
        shared_.counts[index_].add(std::strtol(text.c_str() + at + key.size(), nullptr, 10), unix_ms());
      }
    }
    read();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  const Options& o_;
  Shared& shared_;
  size_t index_;
  std::string token_;
  std::function<void()> done_;
};

// POST /api/v1/statuses on a blocking socket (its own thread); returns the new post's id.
std::string post_status(const Options& o, const std::string& text) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve(o.host, o.port));
  beast::http::request<beast::http::string_body> req{beast::http::verb::post, "/api/v1/statuses", 11};
  req.set(beast::http::field::host, o.host);
  req.set(beast::http::field::authorization, "Bearer " + o.poster_token);
  req.set(beast::http::field::content_type, "application/x-www-form-urlencoded");
  req.body() = "visibility=public&status=" + text;
  req.prepare_payload();
  beast::http::write(stream, req);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buf, res);
  const std::string& body = res.body();
  const auto at = body.find("\"id\":\"");
  if (res.result_int() != 200 || at == std::string::npos) {
    std::cerr << "posting failed: HTTP " << res.result_int() << " " << body.substr(0, 200) << "\n";
    return "";
  }
  return body.substr(at + 6, body.find('"', at + 6) - (at + 6));
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = v;
    else if (k == "--tokens") o.tokens = v;
    else if (k == "--connections") o.connections = std::stoul(v);
    else if (k == "--stream") o.stream = v;
    else if (k == "--subscribe") o.subscribe.push_back(v);
    else if (k == "--server-pid") o.server_pid = std::stol(v);
    else if (k == "--poster-token") o.poster_token = v;
    else if (k == "--posts") o.posts = std::stoi(v);
    else if (k == "--hold") o.hold_seconds = std::stoi(v);
    else if (k == "--in-flight") o.in_flight = std::stoul(v);
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (o.port.empty() || o.tokens.empty()) {
    std::cerr << "usage: stream_bench --port P --tokens FILE [--connections N] [--server-pid PID] "
                 "[--poster-token T --posts K] [--stream S] [--subscribe JSON]... [--hold SECONDS]\n";
    return 2;
  }
  std::vector<std::string> tokens;
  {
    std::ifstream in(o.tokens);
    std::string line;
    while (tokens.size() < o.connections && std::getline(in, line))
      if (!line.empty()) tokens.push_back(line);
  }
  if (tokens.size() < o.connections) {
    std::cerr << "only " << tokens.size() << " tokens in " << o.tokens << "\n";
    return 2;
  }

  asio::io_context io;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(o.host, o.port);
  Shared shared;
  shared.counts.resize(tokens.size());
  // SIGTERM or SIGINT ends --hold early (the output still follows).
  bool stop_holding = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code ec, int) {
    if (!ec) stop_holding = true;
  });
  const long rss_before = o.server_pid ? rss_kb(o.server_pid) : -1;

  // Open every connection, at most in_flight handshakes at a time.
  size_t next = 0, pending = 0;
  const auto t0 = Clock::now();
  std::function<void()> launch = [&] {
    while (pending < o.in_flight && next < tokens.size()) {
      ++pending;
      const size_t i = next++;
      auto c = std::make_shared<Conn>(io, o, shared, i, tokens[i], [&] {
        --pending;
        launch();
      });
      c->start(endpoints);
    }
  };
  launch();
  while (pending > 0 || next < tokens.size()) io.run_one();
  const double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
  // Let the server settle (subscriptions sent, buffers shrunk) before reading its memory.
  io.run_for(std::chrono::seconds(2));
  const long rss_after = o.server_pid ? rss_kb(o.server_pid) : -1;
  std::printf("connections_open %zu\nconnections_failed %zu\nopen_seconds %.2f\n", shared.open, shared.failed, open_s);
  if (!shared.first_error.empty()) std::printf("first_error %s\n", shared.first_error.c_str());
  if (o.server_pid && shared.open > 0) {
    std::printf("server_rss_before_kb %ld\nserver_rss_after_kb %ld\nrss_per_connection_kb %.2f\n", rss_before,
                rss_after, static_cast<double>(rss_after - rss_before) / static_cast<double>(shared.open));
  }
  std::printf("ready_unix_ms %lld\n", static_cast<long long>(unix_ms()));
  std::fflush(stdout);

  // Posts, one at a time: each must reach every open subscriber of a stream that shows it.
  for (int i = 0; i < o.posts && !o.poster_token.empty(); ++i) {
    std::string id;
    std::thread poster([&] { id = post_status(o, "stream_bench+post+" + std::to_string(i)); });
    // The reply may race the first deliveries: record the send time before the POST goes out.
    const auto sent_at = Clock::now();
    while (poster.joinable()) {
      io.run_for(std::chrono::milliseconds(1));
      if (!id.empty() || std::chrono::duration<double>(Clock::now() - sent_at).count() > 10) {
        poster.join();
        break;
      }
    }
    if (id.empty()) return 1;
    shared.sent[id] = sent_at;
    const std::string needle = "\\\"id\\\":\\\"" + id + "\\\"";
    std::erase_if(shared.early, [&](const auto& e) {
      if (e.first.find(needle) == std::string::npos) return false;
      shared.latencies_ms.push_back(std::chrono::duration<double, std::milli>(e.second - sent_at).count());
      return true;
    });
    io.run_for(std::chrono::seconds(3));
  }
  if (o.posts > 0) {
    const auto expected = static_cast<size_t>(o.posts) * shared.open;
    std::printf("deliveries %zu\ndeliveries_expected %zu\n", shared.latencies_ms.size(), expected);
    std::printf("delivery_p50_ms %.1f\ndelivery_p99_ms %.1f\ndelivery_max_ms %.1f\n",
                percentile(shared.latencies_ms, 0.5), percentile(shared.latencies_ms, 0.99),
                percentile(shared.latencies_ms, 1.0));
  }
  if (o.hold_seconds > 0) {
    const size_t before = shared.messages;
    const auto from = Clock::now();
    const auto until = from + std::chrono::seconds(o.hold_seconds);
    while (!stop_holding && Clock::now() < until) io.run_for(milliseconds(100));
    std::printf("held_seconds %.1f\nmessages_while_held %zu\nconnections_open_after_hold %zu\n",
                std::chrono::duration<double>(Clock::now() - from).count(), shared.messages - before, shared.open);
  }
  size_t with_counts = 0, counts_messages = 0, max_per_second = 0;
  long fav_min = LONG_MAX, fav_max = -1;
  int64_t latest_ms = 0, min_gap_ms = INT64_MAX;
  for (const CountsSeen& c : shared.counts) {
    counts_messages += c.messages;
    if (c.messages == 0) continue;
    ++with_counts;
    max_per_second = std::max(max_per_second, c.max_per_second);
    fav_min = std::min(fav_min, c.last_favourites);
    fav_max = std::max(fav_max, c.last_favourites);
    latest_ms = std::max(latest_ms, c.last_at_ms);
    min_gap_ms = std::min(min_gap_ms, c.min_gap_ms);
  }
  std::printf("counts_connections %zu\ncounts_messages %zu\ncounts_unparsed %zu\n", with_counts, counts_messages,
              shared.counts_unparsed);
  if (with_counts > 0) {
    std::printf("counts_max_per_connection_per_second %zu\n", max_per_second);
    if (min_gap_ms != INT64_MAX) std::printf("counts_min_gap_ms %lld\n", static_cast<long long>(min_gap_ms));
    std::printf("counts_last_favourites_min %ld\ncounts_last_favourites_max %ld\ncounts_latest_last_unix_ms %lld\n",
                fav_min, fav_max, static_cast<long long>(latest_ms));
  }
  std::printf("closed_by_server %zu\n", shared.closed_by_server);
  std::fflush(stdout);
  std::_Exit(0);  // 10,000 sockets: the OS closes them faster than orderly closes would
}
