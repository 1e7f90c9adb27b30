#include "cluster/redis_state.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "core/call_groups.h"

namespace kindred::cluster {
namespace {

// INCR and PEXPIRE in one step: the first hit of a window sets its expiry; a counter found with
// none (written by something else) is given one rather than living forever.
constexpr std::string_view kIncrScript =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
    "local t = redis.call('PTTL', KEYS[1]) "
    "if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end "
    "return {n, t}";
// Frees a lock only for the holder whose token it still has.
constexpr std::string_view kUnlockScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";

struct Endpoint {
  std::string host;  // empty with a socket path
  int port = 6379;
  std::string socket_path;
  std::string password;
  int db = 0;
};

Result<Endpoint> parse_url(const std::string& url) {
  Endpoint e;
  constexpr std::string_view kUnix = "unix://";
  constexpr std::string_view kRedis = "redis://";
  std::string_view u = url;
  if (u.starts_with(kUnix)) {
    e.socket_path = std::string(u.substr(kUnix.size()));
    if (e.socket_path.empty() || e.socket_path[0] != '/')
      return Status::invalid_argument("--redis-url: unix:// needs an absolute socket path, got '" + url + "'");
    return e;
  }
  if (!u.starts_with(kRedis))
    return Status::invalid_argument("--redis-url must be redis://HOST[:PORT][/DB] or unix:///PATH, got '" + url + "'");
  u.remove_prefix(kRedis.size());
  if (auto at = u.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = u.substr(0, at);
    if (auto colon = auth.find(':'); colon != std::string_view::npos) auth.remove_prefix(colon + 1);
    e.password = std::string(auth);
    u.remove_prefix(at + 1);
  }
  std::string_view hostport = u;
  if (auto slash = u.find('/'); slash != std::string_view::npos) {
    hostport = u.substr(0, slash);
    std::string_view db = u.substr(slash + 1);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
      if (ec != std::errc() || p != db.data() + db.size() || e.db < 0)
        return Status::invalid_argument("--redis-url: the database must be a number, got '" + url + "'");
    }
  }
  std::string_view host = hostport;
  if (!hostport.empty() && hostport[0] == '[') {  // [::1]:6379
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return Status::invalid_argument("--redis-url: bad host in '" + url + "'");
    host = hostport.substr(1, close - 1);
    hostport.remove_prefix(close + 1);
    if (!hostport.empty() && hostport[0] != ':') return Status::invalid_argument("--redis-url: bad host in '" + url + "'");
    if (!hostport.empty()) hostport.remove_prefix(1);
    else hostport = {};
  } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    hostport.remove_prefix(colon + 1);
  } else {
    hostport = {};
  }
  if (!hostport.empty()) {
    auto [p, ec] = std::from_chars(hostport.data(), hostport.data() + hostport.size(), e.port);
    if (ec != std::errc() || p != hostport.data() + hostport.size() || e.port <= 0 || e.port > 65535)
      return Status::invalid_argument("--redis-url: bad port in '" + url + "'");
  }
  if (host.empty()) return Status::invalid_argument("--redis-url: no host in '" + url + "'");
  e.host = std::string(host);
  return e;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

// Runs one command; null when the connection failed (the context is then useless).
Reply command(redisContext* c, const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (auto a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* r = redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (r == nullptr || c->err != 0) {
    if (r != nullptr) freeReplyObject(r);
    return nullptr;
  }
  return Reply(static_cast<redisReply*>(r));
}

// A connected, authenticated context with `select`ed database, or null.
Context connect(const Endpoint& e, const RedisOptions& o) {
  const timeval tv = to_timeval(o.connect_timeout);
  Context c(e.socket_path.empty() ? redisConnectWithTimeout(e.host.c_str(), e.port, tv)
                                  : redisConnectUnixWithTimeout(e.socket_path.c_str(), tv));
  if (!c || c->err != 0) return nullptr;
  if (redisSetTimeout(c.get(), to_timeval(o.command_timeout)) != REDIS_OK) return nullptr;
  if (!e.password.empty()) {
    Reply r = command(c.get(), {"AUTH", e.password});
    if (!r || r->type == REDIS_REPLY_ERROR) return nullptr;
  }
  if (e.db != 0) {
    const std::string db = std::to_string(e.db);
    Reply r = command(c.get(), {"SELECT", db});
    if (!r || r->type == REDIS_REPLY_ERROR) return nullptr;
  }
  return c;
}

Status unavailable() { return Status::unavailable("Redis is unreachable"); }

// OK, or Internal with the text of an error reply.
Status reply_status(const redisReply& r) {
  if (r.type == REDIS_REPLY_ERROR) return Status::internal("Redis: " + std::string(r.str, r.len));
  return Status::ok();
}

class RedisState final : public SharedState {
 public:
  RedisState(Endpoint endpoint, RedisOptions options)
      : endpoint_(std::move(endpoint)), options_(std::move(options)), conns_(std::max<size_t>(1, options_.connections)) {
    std::random_device rd;
    token_prefix_ = std::to_string(rd()) + std::to_string(rd()) + ":";
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    for (Conn& c : conns_) c.ctx = connect(endpoint_, options_);
    up_ = std::all_of(conns_.begin(), conns_.end(), [](const Conn& c) { return c.ctx != nullptr; });
    if (!up_) std::cerr << "kindred redis: " << describe() << " is unreachable; retrying in the background\n";
    reconnector_ = std::thread([this] { reconnect_loop(); });
    subscriber_ = std::thread([this] { subscribe_loop(); });
  }

  ~RedisState() override {
    {
      std::scoped_lock lock(state_mutex_);
      stopping_ = true;
    }
    state_cv_.notify_all();
    wake();
    reconnector_.join();
    subscriber_.join();
    if (wake_fd_ >= 0) close(wake_fd_);
  }

  bool is_shared() const override { return true; }
  bool connected() const { return up_.load(); }

  Result<Count> incr_with_expiry(std::string_view key, int64_t window_ms) override {
    const std::string window = std::to_string(window_ms);
    Reply r;
    KINDRED_RETURN_IF_ERROR(run({"EVAL", kIncrScript, "1", key, window}, r));
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_INTEGER ||
        r->element[1]->type != REDIS_REPLY_INTEGER)
      return Status::internal("Redis: unexpected reply to the counter script");
    return Count{r->element[0]->integer, r->element[1]->integer};
  }

  Result<std::optional<std::string>> try_lock(std::string_view name, int64_t ttl_ms) override {
    const std::string token = token_prefix_ + std::to_string(next_token_.fetch_add(1));
    const std::string ttl = std::to_string(ttl_ms);
    Reply r;
    KINDRED_RETURN_IF_ERROR(run({"SET", name, token, "NX", "PX", ttl}, r));
    if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
    if (r->type != REDIS_REPLY_STATUS) return Status::internal("Redis: unexpected reply to SET NX");
    return std::optional<std::string>(token);
  }

  Status unlock(std::string_view name, std::string_view token) override {
    Reply r;
    return run({"EVAL", kUnlockScript, "1", name, token}, r);
  }

  // Concurrent publishes go together (CallGroups): a group's PUBLISH commands are written at
  // once and their replies read after, one round trip. Each returns when Redis has answered its
  // own, as alone: what this node publishes after a publish returned reaches the other nodes
  // after it (Invalidation's heartbeats rely on that).
  Status publish(std::string_view channel, std::string_view bytes) override {
    PublishCall call;
    call.channel = channel;
    call.bytes = bytes;
    return publishes_.run(call,
                          [&](const std::vector<PublishCall*>& group) { publish_group(group); });
  }

  uint64_t subscription_generation() const override {
    return subscription_generation_.load(std::memory_order_acquire);
  }

  Status subscribe(std::string channel, Handler handler) override {
    std::unique_lock lock(state_mutex_);
    auto& list = handlers_[channel];
    list.push_back(std::move(handler));
    if (list.size() > 1 && subscribed_.contains(channel)) return Status::ok();
    lock.unlock();
    wake();
    lock.lock();
    // Wait (briefly) until the subscriber thread has Redis confirm it, so that what is published
    // after this returns is heard.
    const bool confirmed = state_cv_.wait_for(lock, options_.connect_timeout + options_.command_timeout, [&] {
      return subscribed_.contains(channel) || stopping_;
    });
    return confirmed && subscribed_.contains(channel) ? Status::ok() : unavailable();
  }

 private:
  struct Conn {
    std::mutex mu;
    Context ctx;  // GUARDED_BY(mu); null while broken
  };

  std::string describe() const {
    return endpoint_.socket_path.empty() ? "redis://" + endpoint_.host + ":" + std::to_string(endpoint_.port)
                                         : "unix://" + endpoint_.socket_path;
  }

  void wake() {
    if (wake_fd_ < 0) return;
    const uint64_t one = 1;
    [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
  }

  struct PublishCall : GroupedCall {
    std::string_view channel;
    std::string_view bytes;
  };

  void publish_group(const std::vector<PublishCall*>& group) {
    std::vector<Reply> replies(group.size());
    const Status sent = on_connection([&](redisContext* c) {
      for (const PublishCall* p : group) {
        const char* argv[3] = {"PUBLISH", p->channel.data(), p->bytes.data()};
        const size_t lens[3] = {7, p->channel.size(), p->bytes.size()};
        if (redisAppendCommandArgv(c, 3, argv, lens) != REDIS_OK) return false;
      }
      for (Reply& r : replies) {
        void* reply = nullptr;
        if (redisGetReply(c, &reply) != REDIS_OK || reply == nullptr || c->err != 0) {
          if (reply != nullptr) freeReplyObject(reply);
          return false;
        }
        r.reset(static_cast<redisReply*>(reply));
      }
      return true;
    });
    for (size_t i = 0; i < group.size(); ++i) {
      group[i]->status = sent.is_ok() ? reply_status(*replies[i]) : sent;
    }
  }

  // Runs a command on a free connection. Unavailable (at once) while Redis is down; a connection
  // that fails is dropped, and the reconnect thread is told.
  Status run(const std::vector<std::string_view>& args, Reply& out) {
    KINDRED_RETURN_IF_ERROR(on_connection([&](redisContext* c) {
      out = command(c, args);
      return out != nullptr;
    }));
    return reply_status(*out);
  }

  // Runs `use(context)` on a free connection; `use` returns false when the connection failed.
  // Unavailable (at once) while Redis is down; a connection that fails is dropped, and the
  // reconnect thread is told.
  template <class F>
  Status on_connection(F&& use) {
    if (!up_.load(std::memory_order_relaxed)) return unavailable();
    const size_t n = conns_.size();
    const size_t start = next_conn_.fetch_add(1, std::memory_order_relaxed) % n;
    std::unique_lock<std::mutex> lock;
    Conn* conn = nullptr;
    for (size_t i = 0; i < n && conn == nullptr; ++i) {
      Conn& c = conns_[(start + i) % n];
      std::unique_lock l(c.mu, std::try_to_lock);
      if (l.owns_lock()) {
        lock = std::move(l);
        conn = &c;
      }
    }
    if (conn == nullptr) {
      conn = &conns_[start];
      lock = std::unique_lock(conn->mu);
    }
    if (!conn->ctx) return unavailable();
    if (!use(conn->ctx.get())) {
      conn->ctx.reset();
      lock.unlock();
      if (up_.exchange(false)) std::cerr << "kindred redis: lost " << describe() << "; retrying in the background\n";
      { std::scoped_lock l(state_mutex_); }  // the reconnect thread is waiting, or sees up_ false
      state_cv_.notify_all();
      return unavailable();
    }
    return Status::ok();
  }

  void reconnect_loop() {
    std::unique_lock lock(state_mutex_);
    while (!stopping_) {
      state_cv_.wait(lock, [&] { return stopping_ || !up_.load(); });
      if (stopping_) break;
      lock.unlock();
      // One connection failed: the others, idle meanwhile, are likely gone too (Redis restarted)
      // and would each fail one more call. They are all made afresh.
      for (Conn& c : conns_) {
        std::scoped_lock cl(c.mu);
        c.ctx.reset();
      }
      for (;;) {
        bool all = true;
        for (Conn& c : conns_) {
          std::scoped_lock cl(c.mu);
          if (!c.ctx) c.ctx = connect(endpoint_, options_);
          if (!c.ctx) all = false;
        }
        lock.lock();
        if (all) {
          up_ = true;
          std::cerr << "kindred redis: connected to " << describe() << '\n';
          break;
        }
        if (state_cv_.wait_for(lock, options_.retry_interval, [&] { return stopping_; })) break;
        lock.unlock();
      }
    }
  }

  // Sends SUBSCRIBE for every channel wanted and not yet asked for. False if the connection failed.
  bool send_subscribes(redisContext* c, std::set<std::string>& asked) {
    std::vector<std::string> channels;
    {
      std::scoped_lock lock(state_mutex_);
      for (const auto& [channel, list] : handlers_)
        if (!asked.contains(channel)) channels.push_back(channel);
    }
    if (channels.empty()) return true;
    std::vector<const char*> argv{"SUBSCRIBE"};
    std::vector<size_t> lens{9};
    for (const auto& ch : channels) {
      argv.push_back(ch.data());
      lens.push_back(ch.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) return false;
    int done = 0;
    while (!done)
      if (redisBufferWrite(c, &done) != REDIS_OK) return false;
    asked.insert(channels.begin(), channels.end());
    return true;
  }

  // Handles one reply on the subscription connection.
  void on_push(const redisReply& r) {
    if (r.type != REDIS_REPLY_ARRAY || r.elements < 3 || r.element[0]->type != REDIS_REPLY_STRING) return;
    const std::string_view kind(r.element[0]->str, r.element[0]->len);
    const redisReply& ch = *r.element[1];
    if (ch.type != REDIS_REPLY_STRING) return;
    std::string channel(ch.str, ch.len);
    if (kind == "subscribe") {
      {
        std::scoped_lock lock(state_mutex_);
        subscribed_.insert(std::move(channel));
      }
      subscription_generation_.fetch_add(1, std::memory_order_acq_rel);
      state_cv_.notify_all();
      return;
    }
    if (kind != "message" || r.element[2]->type != REDIS_REPLY_STRING) return;
    std::vector<Handler> handlers;
    {
      std::scoped_lock lock(state_mutex_);
      auto it = handlers_.find(channel);
      if (it == handlers_.end()) return;
      handlers = it->second;
    }
    const std::string_view bytes(r.element[2]->str, r.element[2]->len);
    for (const Handler& h : handlers) h(bytes);
  }

  void subscribe_loop() {
    Context c;
    std::set<std::string> asked;
    const auto stopping = [&] {
      std::scoped_lock lock(state_mutex_);
      return stopping_;
    };
    const auto drop = [&] {
      subscription_generation_.fetch_add(1, std::memory_order_acq_rel);
      c.reset();
      asked.clear();
      std::scoped_lock lock(state_mutex_);
      subscribed_.clear();
    };
    while (!stopping()) {
      if (!c) {
        bool any;
        {
          std::scoped_lock lock(state_mutex_);
          any = !handlers_.empty();
        }
        if (any) c = connect(endpoint_, options_);
        if (!c) {
          pollfd w{wake_fd_, POLLIN, 0};
          poll(&w, 1, any ? static_cast<int>(options_.retry_interval.count()) : -1);
          uint64_t drained;
          [[maybe_unused]] auto n = read(wake_fd_, &drained, sizeof drained);
          continue;
        }
      }
      if (!send_subscribes(c.get(), asked)) {
        drop();
        continue;
      }
      // Replies already read into the buffer first, then wait for the socket or a wake-up.
      bool failed = false;
      for (;;) {
        void* reply = nullptr;
        if (redisGetReplyFromReader(c.get(), &reply) != REDIS_OK) {
          failed = true;
          break;
        }
        if (reply == nullptr) break;
        Reply r(static_cast<redisReply*>(reply));
        on_push(*r);
      }
      if (failed) {
        drop();
        continue;
      }
      pollfd fds[2] = {{c->fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents & POLLIN) {
        uint64_t drained;
        [[maybe_unused]] auto n = read(wake_fd_, &drained, sizeof drained);
      }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        if (redisBufferRead(c.get()) != REDIS_OK) drop();
      }
    }
  }

  const Endpoint endpoint_;
  const RedisOptions options_;
  std::vector<Conn> conns_;
  std::atomic<bool> up_{false};
  std::atomic<size_t> next_conn_{0};
  // Publishes in flight at once: at most half the connections, so other calls find one free.
  CallGroups<PublishCall> publishes_{static_cast<int>(std::max<size_t>(1, conns_.size() / 2)), 256};
  std::atomic<uint64_t> next_token_{1};
  std::string token_prefix_;
  int wake_fd_ = -1;

  std::mutex state_mutex_;
  std::condition_variable state_cv_;
  bool stopping_ = false;                                       // GUARDED_BY(state_mutex_)
  std::map<std::string, std::vector<Handler>> handlers_;        // GUARDED_BY(state_mutex_)
  std::set<std::string> subscribed_;                            // GUARDED_BY(state_mutex_): confirmed
  std::thread reconnector_;
  std::thread subscriber_;
  std::atomic<uint64_t> subscription_generation_{0};
};

}  // namespace

Result<std::unique_ptr<SharedState>> open_redis_state(const RedisOptions& options) {
  KINDRED_ASSIGN_OR_RETURN(Endpoint endpoint, parse_url(options.url));
  // hiredis writes with write(2): a connection Redis closed would raise SIGPIPE and end the
  // process. Ignored (unless someone installed a handler), the write fails with EPIPE instead.
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) signal(SIGPIPE, SIG_IGN);
  return std::unique_ptr<SharedState>(std::make_unique<RedisState>(std::move(endpoint), options));
}

bool redis_state_connected(const SharedState& state) {
  const auto* r = dynamic_cast<const RedisState*>(&state);
  return r != nullptr && r->connected();
}

}  // namespace kindred::cluster
