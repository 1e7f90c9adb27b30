#pragma once

// Concurrent calls of one kind answered together, by one round trip.
//
// Over a network each call is a round trip: in the cluster's like storm every like read a token,
// an account and two sets of counts, each its own PostgreSQL statement through HAProxy, and
// PostgreSQL spent most of its CPU on the statements' fixed costs rather than the rows (the
// store's grouped reads); every like also published to Redis twice (cluster::RedisState, which
// pipelines a group's PUBLISH commands). A CallGroups lets up to `max_leaders` groups of one kind
// be in flight at once; a call arriving while they are all out waits, and the next leader takes
// every call waiting (up to `max_group`) into one round trip. A call that finds a leader slot free
// goes at once, so a quiet node pays nothing; the busier the node, the more each round trip
// carries.
//
// Each call waits on a wake-up of its own: the leader wakes exactly the calls it answered and
// the next leader, never every waiter (waking them all cost the pool's like storm half its CPU).
// Not a std::binary_semaphore: libstdc++'s acquire spins through a dozen sched_yield calls before
// it sleeps, and in the cluster's spread storm those yields were a sixth of a node's context
// switches (perf's sched_switch, at 5f8c5b0).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "core/status.h"

namespace kindred {

template <class Call>
class CallGroups;

// A call in a group: derive from it (the request and the place for the answer). The leader
// sets `status` (and the answer) of each call it took before the call is woken.
struct GroupedCall {
  Status status = Status::ok();

 private:
  template <class Call>
  friend class CallGroups;
  // Sleeps until release(): at most one release per call and waiter.
  class Wake {
   public:
    // Notifies under the lock: the waiter may return and destroy this call as soon as it can
    // take the mutex.
    void release() {
      std::scoped_lock lock(mu_);
      released_ = true;
      cv_.notify_one();
    }
    void acquire() {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return released_; });
      released_ = false;
    }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool released_ = false;  // GUARDED_BY(mu_)
  };
  Wake wake;
  bool lead = false;  // GUARDED_BY(the CallGroups' mutex)
};

template <class Call>
class CallGroups {
 public:
  CallGroups(int max_leaders, size_t max_group)
      : max_leaders_(max_leaders), max_group_(max_group) {}

  // Answers `call`, alone or with others: `answer(calls)` is run by one of the callers, on its
  // thread, with every call of its group (`call` among them if it leads) and must set each one's
  // status and answer. Returns `call`'s status.
  template <class F>
  Status run(Call& call, F&& answer) {
    {
      std::scoped_lock lock(mu_);
      waiting_.push_back(&call);
      promote_locked();
    }
    call.wake.acquire();
    if (!call.lead) return call.status;  // answered by another call's leader
    std::vector<Call*> group;
    try {
      group.push_back(&call);
      {
        std::scoped_lock lock(mu_);
        // A call is taken off the queue only once it is in the group: a push that throws leaves
        // it for the next leader.
        while (!waiting_.empty() && group.size() < max_group_) {
          group.push_back(waiting_.front());
          waiting_.pop_front();
        }
      }
      answer(group);
    } catch (...) {
      // Out of memory building the group or its round trip, most likely: the group fails, and
      // the slot and the calls are handed back as after any answer, or the kind would stop for
      // good.
      call.status = Status::internal("a grouped call failed");
      for (Call* c : group) c->status = Status::internal("a grouped call failed");
    }
    {
      std::scoped_lock lock(mu_);
      --leaders_;
      promote_locked();
    }
    for (Call* c : group)  // not touched after this
      if (c != &call) c->wake.release();
    return call.status;
  }

  // Calls waiting for a leader (for tests).
  size_t waiting() const {
    std::scoped_lock lock(mu_);
    return waiting_.size();
  }

 private:
  // Makes the oldest waiting calls leaders while slots are free, and wakes them.
  void promote_locked() {
    while (leaders_ < max_leaders_ && !waiting_.empty()) {
      Call* next = waiting_.front();
      waiting_.pop_front();
      next->lead = true;
      ++leaders_;
      next->wake.release();
    }
  }

  const int max_leaders_;
  const size_t max_group_;
  mutable std::mutex mu_;
  std::deque<Call*> waiting_;  // GUARDED_BY(mu_), oldest first
  int leaders_ = 0;            // GUARDED_BY(mu_)
};

}  // namespace kindred
