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

Invalidation::~Invalidation() {
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
  return shared_->publish(kInvalidateChannel, message);
}

void Invalidation::on_message(std::string_view bytes) {
  const auto first = bytes.find('\n');
  if (first == std::string_view::npos) return;
  const auto second = bytes.find('\n', first + 1);
  if (second == std::string_view::npos) return;
  uint64_t origin = 0;
  auto [end, ec] = std::from_chars(bytes.data(), bytes.data() + first, origin);
  if (ec != std::errc() || end != bytes.data() + first) return;
  if (origin == origin_) return;  // ran when published
  run(bytes.substr(first + 1, second - first - 1), bytes.substr(second + 1));
}

}  // namespace kindred
