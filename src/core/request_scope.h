#pragma once

#include <cstdint>

namespace kindred {

// Marks the span of one request on the thread answering it (http's Session, around the handler),
// so that what the request reads more than once can be kept for it and no longer:
// store::ObservedStore reads each count once per request unless the request changes it. A
// handler runs on one thread from its start to its end.
class RequestScope {
 public:
  RequestScope() : previous_(current_) { current_ = ++last_; }
  ~RequestScope() { current_ = previous_; }
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

  // The request this thread is answering: distinct for every request the thread answers; 0
  // outside one (start-up, background work).
  static uint64_t current() { return current_; }

 private:
  uint64_t previous_;
  static inline thread_local uint64_t current_ = 0;
  static inline thread_local uint64_t last_ = 0;
};

}  // namespace kindred
