#include "core/shared_state.h"

#include <charconv>
#include <thread>

namespace kindred {

void LocalSharedState::sweep(int64_t now) {
  if (now - last_sweep_ms_ < 1000 && now >= last_sweep_ms_) return;
  std::erase_if(entries_, [&](const auto& kv) { return now >= kv.second.expires_ms; });
  last_sweep_ms_ = now;
}

Result<SharedState::Count> LocalSharedState::incr_with_expiry(std::string_view key, int64_t window_ms) {
  const int64_t now = clock_.now_ms();
  std::scoped_lock lock(mutex_);
  sweep(now);
  Entry& e = entries_[std::string(key)];
  int64_t count = 0;
  if (now < e.expires_ms) {
    std::from_chars(e.value.data(), e.value.data() + e.value.size(), count);
  } else {
    e.expires_ms = now + window_ms;
  }
  ++count;
  e.value = std::to_string(count);
  return Count{count, e.expires_ms - now};
}

Result<std::optional<std::string>> LocalSharedState::try_lock(std::string_view name, int64_t ttl_ms) {
  const int64_t now = clock_.now_ms();
  std::scoped_lock lock(mutex_);
  sweep(now);
  Entry& e = entries_[std::string(name)];
  if (now < e.expires_ms) return std::optional<std::string>();
  e.value = "local:" + std::to_string(next_token_++);
  e.expires_ms = now + ttl_ms;
  return std::optional<std::string>(e.value);
}

Status LocalSharedState::unlock(std::string_view name, std::string_view token) {
  std::scoped_lock lock(mutex_);
  auto it = entries_.find(std::string(name));
  if (it != entries_.end() && it->second.value == token) entries_.erase(it);
  return Status::ok();
}

Status LocalSharedState::publish(std::string_view channel, std::string_view bytes) {
  std::vector<Handler> handlers;
  {
    std::scoped_lock lock(handlers_mutex_);
    auto it = handlers_.find(channel);
    if (it == handlers_.end()) return Status::ok();
    handlers = it->second;
  }
  for (const Handler& h : handlers) h(bytes);
  return Status::ok();
}

Status LocalSharedState::subscribe(std::string channel, Handler handler) {
  std::scoped_lock lock(handlers_mutex_);
  handlers_[std::move(channel)].push_back(std::move(handler));
  return Status::ok();
}

NodeLock& NodeLock::operator=(NodeLock&& other) noexcept {
  if (this == &other) return *this;
  release();
  local_ = std::move(other.local_);
  state_ = other.state_;
  name_ = std::move(other.name_);
  token_ = std::move(other.token_);
  other.token_.clear();
  return *this;
}

void NodeLock::release() {
  if (!token_.empty()) {
    (void)state_->unlock(name_, token_);  // unreachable: it frees itself when its TTL ends
    token_.clear();
  }
  if (local_.owns_lock()) local_.unlock();
}

Result<NodeLock> NodeLock::acquire(std::mutex* local, SharedState* shared, std::string name,
                                   int64_t ttl_ms, std::chrono::milliseconds wait) {
  NodeLock lock;
  if (local != nullptr) lock.local_ = std::unique_lock(*local);
  if (shared == nullptr) return lock;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    auto token = shared->try_lock(name, ttl_ms);
    if (!token.has_value()) return lock;  // unavailable: this node's lock alone
    if (token->has_value()) {
      lock.state_ = shared;
      lock.name_ = std::move(name);
      lock.token_ = std::move(**token);
      return lock;
    }
    if (std::chrono::steady_clock::now() + pause > deadline)
      return Status::unavailable("Busy: another server holds " + name + "; try again");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace kindred
