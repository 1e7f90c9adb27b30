#include "core/invalidation.h"

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
  {
    std::scoped_lock lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (heartbeats_.joinable()) heartbeats_.join();
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
    quiet_until_ms_.store(now_ms() + 4 * heartbeat_.timeout.count(), std::memory_order_release);
    lose_trust();
  }
  return s;
}

void Invalidation::start_heartbeats(HeartbeatOptions options) {
  if (shared_ == nullptr) return;
  heartbeat_ = options;
  heartbeats_ = std::thread([this] { heartbeat_loop(); });
}

void Invalidation::heartbeat_loop() {
  const std::string beat = std::to_string(origin_) + "\n" + std::string(kHeartbeat) + "\n";
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    lock.unlock();
    if (now_ms() >= quiet_until_ms_.load(std::memory_order_acquire)) {
      (void)shared_->publish(kInvalidateChannel, beat);  // a lost heartbeat is what others notice
    }
    check_trust();
    lock.lock();
    stop_cv_.wait_for(lock, heartbeat_.period, [this] { return stopping_; });
  }
}

void Invalidation::heard(uint64_t origin) {
  const int64_t now = now_ms();
  std::scoped_lock lock(heard_mutex_);
  auto [it, first] = last_heard_ms_.try_emplace(origin, now);
  // A node heard for the first time, or again after a silence, may have written meanwhile
  // without being heard: nothing cached before now is answered from again.
  if (first || now - it->second > heartbeat_.timeout.count()) {
    epoch_.fetch_add(1, std::memory_order_acq_rel);
  }
  it->second = now;
}

void Invalidation::check_trust() {
  const int64_t now = now_ms();
  bool ok = now >= quiet_until_ms_.load(std::memory_order_acquire);
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
      if (age <= heartbeat_.timeout.count()) {
        ++fresh;
        self = self || it->first == origin_;
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
  // Lapsed since the last check (this thread stalled): readers stopped trusting meanwhile, and
  // what they missed is unknown.
  if (until != 0 && until <= now) epoch_.fetch_add(1, std::memory_order_acq_rel);
  trusted_until_ms_.store(now + heartbeat_.timeout.count(), std::memory_order_release);
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
    heard(origin);
    return;
  }
  if (origin == origin_) return;  // ran when published
  run(kind, bytes.substr(second + 1));
}

}  // namespace kindred
