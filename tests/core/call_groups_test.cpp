// CallGroups: concurrent calls of one kind answered together, each with its own answer.
#include "core/call_groups.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace kindred {
namespace {

struct Square : GroupedCall {
  int in = 0;
  int out = 0;
};

// Answers each group by squaring, and records the groups' sizes. Its first `hold` groups wait
// until release() (a slow statement), so that later calls pile up behind them.
class Answerer {
 public:
  explicit Answerer(int hold = 0) : hold_(hold) {}
  void operator()(std::vector<Square*>& calls) {
    bool wait = false;
    {
      std::unique_lock lock(mu_);
      sizes_.push_back(calls.size());
      if (held_ < hold_) {
        ++held_;
        wait = true;
      }
      changed_.notify_all();
      if (wait) changed_.wait(lock, [&] { return released_; });
    }
    for (Square* c : calls) c->out = c->in * c->in;
  }
  void release() {
    std::scoped_lock lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  void wait_for_groups(size_t n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return sizes_.size() >= n; });
  }
  std::vector<size_t> sizes() {
    std::scoped_lock lock(mu_);
    return sizes_;
  }

 private:
  const int hold_;
  std::mutex mu_;
  std::condition_variable changed_;
  int held_ = 0;
  bool released_ = false;
  std::vector<size_t> sizes_;
};

TEST(CallGroups, ACallAloneIsAnsweredAtOnceByItself) {
  CallGroups<Square> groups(2, 64);
  Answerer answer;
  Square call;
  call.in = 7;
  EXPECT_TRUE(groups.run(call, [&](auto& calls) { answer(calls); }).is_ok());
  EXPECT_EQ(call.out, 49);
  EXPECT_EQ(answer.sizes(), (std::vector<size_t>{1}));
}

// Waits until `n` calls are queued behind the leaders.
void wait_queued(const CallGroups<Square>& groups, size_t n) {
  while (groups.waiting() < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(CallGroups, CallsArrivingWhileTheLeadersAreOutGoTogetherEachWithItsOwnAnswer) {
  CallGroups<Square> groups(1, 64);
  Answerer answer(/*hold=*/1);
  std::vector<Square> calls(11);
  std::vector<std::thread> threads;
  calls[0].in = 1;
  threads.emplace_back(
      [&] { EXPECT_TRUE(groups.run(calls[0], [&](auto& g) { answer(g); }).is_ok()); });
  answer.wait_for_groups(1);  // the first call leads, and its statement hangs
  for (int i = 1; i < 11; ++i) {
    calls[i].in = i + 1;
    threads.emplace_back(
        [&, i] { EXPECT_TRUE(groups.run(calls[i], [&](auto& g) { answer(g); }).is_ok()); });
  }
  wait_queued(groups, 10);
  answer.release();
  for (auto& t : threads) t.join();
  for (int i = 0; i < 11; ++i) EXPECT_EQ(calls[i].out, (i + 1) * (i + 1)) << i;
  EXPECT_EQ(answer.sizes(), (std::vector<size_t>{1, 10}));
}

TEST(CallGroups, AGroupTakesAtMostMaxGroupAndNoMoreLeadersThanAllowedAreOut) {
  CallGroups<Square> groups(2, 3);
  std::atomic<int> out{0}, most{0};
  std::atomic<size_t> taken{0};  // calls in groups being answered
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  auto answer = [&](std::vector<Square*>& g) {
    taken += g.size();
    const int now = ++out;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return released; });
    }
    EXPECT_LE(g.size(), 3u);
    for (Square* c : g) c->out = c->in * c->in;
    --out;
  };
  std::vector<Square> calls(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    calls[i].in = i;
    threads.emplace_back([&, i] { EXPECT_TRUE(groups.run(calls[i], answer).is_ok()); });
  }
  // Every call either in one of the (two) groups out, or waiting behind them.
  while (groups.waiting() + taken.load() < 20)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::scoped_lock lock(mu);
    released = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(calls[i].out, i * i);
  EXPECT_LE(most.load(), 2);
}

TEST(CallGroups, AFailedGroupFailsEachOfItsCalls) {
  CallGroups<Square> groups(1, 64);
  Answerer slow(/*hold=*/1);
  Square first;
  std::thread leader([&] { EXPECT_TRUE(groups.run(first, [&](auto& g) { slow(g); }).is_ok()); });
  slow.wait_for_groups(1);
  auto fail = [](std::vector<Square*>& g) {
    for (Square* c : g) c->status = Status::unavailable("the database went away");
  };
  std::vector<Square> calls(4);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (auto& c : calls) {
    threads.emplace_back([&] {
      Status s = groups.run(c, fail);
      if (s.code() == StatusCode::kUnavailable) ++failed;
    });
  }
  wait_queued(groups, 4);
  slow.release();
  leader.join();
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 4);
}

}  // namespace
}  // namespace kindred
