#include "core/invalidation.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <random>

namespace kindred {

struct Invalidation::Target {
  std::mutex mutex;
  Invalidation* self = nullptr;  // GUARDED_BY(mutex); null once destroyed
};

Invalidation::Invalidation(SharedState* shared) : shared_(shared) {
  if (shared_ == nullptr) return;
  std::random_device rd;
  origin_ = (static_cast<uint64_t>(rd()) << 32) | rd();
  target_ = std::make_shared<Target>();
  target_->self = this;
  Status s = shared_->subscribe(std::string(kInvalidateChannel), [target = target_](std::string_view bytes) {
    std::scoped_lock lock(target->mutex);
    if (target->self != nullptr) target->self->on_message(bytes);
  });
  if (!s.is_ok())
    std::cerr << "kindred: not yet subscribed to other nodes' invalidations (" << s.to_string()
              << "); subscribing when Redis answers\n";
}

namespace {
// The kind of a heartbeat: heard from every node, this one's own included.
constexpr std::string_view kHeartbeat = "heartbeat";
}  // namespace

Invalidation::~Invalidation() {
  stop_heartbeats();
  if (!target_) return;
  std::scoped_lock lock(target_->mutex);
  target_->self = nullptr;
}

void Invalidation::on(std::string kind, Handler handler) {
  std::scoped_lock lock(mutex_);
  handlers_[std::move(kind)].push_back(std::move(handler));
}

void Invalidation::run(std::string_view kind, std::string_view key) {
  std::vector<Handler> handlers;
  {
    std::scoped_lock lock(mutex_);
    auto it = handlers_.find(kind);
    if (it == handlers_.end()) return;
    handlers = it->second;
  }
  for (const Handler& h : handlers) h(key);
}

Status Invalidation::publish(std::string_view kind, std::string_view key) {
  run(kind, key);
  if (shared_ == nullptr) return Status::ok();
  // "<origin>\n<kind>\n<key>": the key may hold anything, the kind and origin no '\n'.
  std::string message = std::to_string(origin_);
  message += '\n';
  message += kind;
  message += '\n';
  message += key;
  Status s = shared_->publish(kInvalidateChannel, message);
  if (!s.is_ok()) {
    // The others may not have heard: go quiet long enough that they stop trusting their caches
    // before this node's next heartbeat could reassure them.
    quiet_until_ms_.store(now_ms() + 4 * timeout_ms_.load(std::memory_order_acquire),
                          std::memory_order_release);
    lose_trust();
  }
  return s;
}

void Invalidation::start_heartbeats(HeartbeatOptions options) {
  if (shared_ == nullptr) return;
  heartbeat_ = options;  // before the thread: only it reads the rest of the options
  timeout_ms_.store(options.timeout.count(), std::memory_order_release);
  last_generation_ = shared_->subscription_generation();
  heartbeats_ = std::thread([this] { heartbeat_loop(); });
}

void Invalidation::stop_heartbeats() {
  {
    std::scoped_lock lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (heartbeats_.joinable()) heartbeats_.join();
  lose_trust();
}

void Invalidation::heartbeat_loop() {
  const std::string head = std::to_string(origin_) + "\n" + std::string(kHeartbeat) + "\n";
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    lock.unlock();
    const int64_t now = now_ms();
    if (now >= quiet_until_ms_.load(std::memory_order_acquire)) {
      // Stamped with when it was sent: this node's own heartbeat, heard back late, shows its
      // subscription lagging behind what was published.
      (void)shared_->publish(kInvalidateChannel, head + std::to_string(now));  // a lost one is noticed
    }
    check_trust();
    lock.lock();
    stop_cv_.wait_for(lock, heartbeat_.period, [this] { return stopping_; });
  }
}

void Invalidation::heard(uint64_t origin, std::string_view stamp) {
  int64_t at = now_ms();
  if (origin == origin_) {
    // Our own heartbeat: counted from when it was sent (same clock), so a backlog on the
    // subscription makes this node stop trusting.
    int64_t sent = 0;
    auto [end, ec] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), sent);
    if (ec != std::errc() || end != stamp.data() + stamp.size()) return;
    at = std::min(at, sent);
  }
  std::scoped_lock lock(heard_mutex_);
  auto [it, first] = last_heard_ms_.try_emplace(origin, at);
  // A node heard for the first time, or again after a silence, may have written meanwhile
  // without being heard: nothing cached before now is answered from again.
  if (first || at - it->second > timeout_ms_.load(std::memory_order_acquire)) {
    epoch_.fetch_add(1, std::memory_order_acq_rel);
  }
  it->second = std::max(it->second, at);
}

void Invalidation::check_trust() {
  const int64_t now = now_ms();
  const int64_t timeout = heartbeat_.timeout.count();
  bool ok = now >= quiet_until_ms_.load(std::memory_order_acquire);
  // The subscription was lost or made again since the last check: what was published meanwhile
  // never arrived.
  const uint64_t generation = shared_->subscription_generation();
  if (generation != last_generation_) {
    last_generation_ = generation;
    ok = false;
  }
  int64_t oldest = now;  // the least recently heard of the nodes that count
  {
    std::scoped_lock lock(heard_mutex_);
    int fresh = 0;
    bool self = false;
    for (auto it = last_heard_ms_.begin(); it != last_heard_ms_.end();) {
      const int64_t age = now - it->second;
      if (age > heartbeat_.forget.count()) {
        it = last_heard_ms_.erase(it);
        continue;
      }
      if (age <= timeout) {
        ++fresh;
        self = self || it->first == origin_;
        oldest = std::min(oldest, it->second);
      } else {
        ok = false;  // a node went quiet: it may be writing unheard
      }
      ++it;
    }
    ok = ok && self && fresh >= heartbeat_.expected_nodes;
  }
  if (!ok) {
    lose_trust();
    return;
  }
  const int64_t until = trusted_until_ms_.load(std::memory_order_acquire);
  // Trusted again after a loss, or lapsed since the last check (this thread stalled): what was
  // missed meanwhile is unknown, so nothing kept before counts.
  if (until == 0 || until <= now) epoch_.fetch_add(1, std::memory_order_acq_rel);
  // Trusted until the least recently heard node would count as quiet.
  trusted_until_ms_.store(oldest + timeout, std::memory_order_release);
}

void Invalidation::lose_trust() {
  trusted_until_ms_.store(0, std::memory_order_release);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
}

void Invalidation::on_message(std::string_view bytes) {
  const auto first = bytes.find('\n');
  if (first == std::string_view::npos) return;
  const auto second = bytes.find('\n', first + 1);
  if (second == std::string_view::npos) return;
  uint64_t origin = 0;
  auto [end, ec] = std::from_chars(bytes.data(), bytes.data() + first, origin);
  if (ec != std::errc() || end != bytes.data() + first) return;
  const std::string_view kind = bytes.substr(first + 1, second - first - 1);
  if (kind == kHeartbeat) {
    heard(origin, bytes.substr(second + 1));
    return;
  }
  if (origin == origin_) return;  // ran when published
  run(kind, bytes.substr(second + 1));
}

}  // namespace kindred
