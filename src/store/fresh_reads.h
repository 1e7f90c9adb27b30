#pragma once

namespace kindred::store {

// Marks reads that must see the store as it is now, not what a cache in front of it remembers: a
// check made under a lock just before a write that depends on it (a media file's users, a list's
// size, a post's pinned comments). While one lives on a thread, store::CachedStore and
// store::ObservedStore pass that thread's reads straight to the store they wrap. Nests.
class FreshReads {
 public:
  FreshReads() { ++depth_; }
  ~FreshReads() { --depth_; }
  FreshReads(const FreshReads&) = delete;
  FreshReads& operator=(const FreshReads&) = delete;

  static bool active() { return depth_ > 0; }

 private:
  static inline thread_local int depth_ = 0;
};

}  // namespace kindred::store
