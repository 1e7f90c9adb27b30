// Polls below the API: Mastodon's PollValidator and VoteValidator rules, exact counts under racing
// votes of one person, and the end of a poll telling its voters and author.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "social/graph/notifications.h"
#include "social/posts/polls.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;

NewPoll poll_of(std::vector<std::string> options, std::optional<int64_t> expires_in = 600,
                bool multiple = false) {
  NewPoll p;
  p.options = std::move(options);
  p.expires_in_s = expires_in;
  p.multiple = multiple;
  return p;
}

std::string error_of(const Result<Poll>& r) { return r.has_value() ? "" : r.error().message(); }

TEST(PollRules, AsMastodonsPollValidator) {
  auto ok = make_poll(poll_of({" yes ", "no", "  "}), kStart);
  ASSERT_TRUE(ok.has_value()) << ok.error().to_string();
  EXPECT_EQ(ok->options, (std::vector<std::string>{"yes", "no"}));  // stripped, blank dropped
  EXPECT_EQ(ok->expires_at_ms, kStart + 600'000);
  EXPECT_EQ(error_of(make_poll(poll_of({"only", " "}), kStart)),
            "Validation failed: Poll options must have more than one item");
  EXPECT_EQ(error_of(make_poll(poll_of({"a", "b", "c", "d", "e"}), kStart)),
            "Validation failed: Poll options can't contain more than 4 items");
  EXPECT_TRUE(make_poll(poll_of({"a", "b", "c", "d"}), kStart).has_value());
  EXPECT_TRUE(make_poll(poll_of({std::string(50, 'x'), "b"}), kStart).has_value());
  // Characters, not bytes: fifty accented letters fit.
  std::string accented;
  for (int i = 0; i < 50; ++i) accented += "\xC3\xA9";
  EXPECT_TRUE(make_poll(poll_of({accented, "b"}), kStart).has_value());
  EXPECT_EQ(error_of(make_poll(poll_of({std::string(51, 'x'), "b"}), kStart)),
            "Validation failed: Poll options cannot be longer than 50 characters each");
  EXPECT_EQ(error_of(make_poll(poll_of({"a", "a "}), kStart)),
            "Validation failed: Poll options contain duplicate items");
  EXPECT_EQ(error_of(make_poll(poll_of({"a", "b"}, 299), kStart)), "Validation failed: Poll expires at is too soon");
  EXPECT_TRUE(make_poll(poll_of({"a", "b"}, 300), kStart).has_value());
  EXPECT_TRUE(make_poll(poll_of({"a", "b"}, kPollLimits.max_expiration_s), kStart).has_value());
  EXPECT_EQ(error_of(make_poll(poll_of({"a", "b"}, kPollLimits.max_expiration_s + 1), kStart)),
            "Validation failed: Poll expires at is too far into the future");
  EXPECT_EQ(error_of(make_poll(poll_of({"a", "b"}, std::nullopt), kStart)),
            "Validation failed: Poll expires at can't be blank");
  // Every problem at once, as Rails joins them.
  EXPECT_EQ(error_of(make_poll(poll_of({"a"}, 1), kStart)),
            "Validation failed: Poll options must have more than one item, Poll expires at is too soon");
}

class Polls : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), kStart);
    polls_.emplace(stack_->deps, stack_->posts);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
    cat_ = *stack_->accounts.create_account("cat", "Cat", false, false);
  }
  // A post by ann with a poll; returns the poll's id.
  Id poll_post(NewPoll p, bool hide_totals = false) {
    NewPost np;
    np.text = "which?";
    p.hide_totals = hide_totals;
    np.poll = std::move(p);
    auto v = stack_->posts.create(ann_, np);
    EXPECT_TRUE(v.has_value()) << v.error().to_string();
    if (!v.has_value() || !v->poll) return Id();
    return v->poll->poll.id;
  }
  std::string vote_error(const Account& who, Id poll, std::vector<int64_t> choices) {
    auto r = polls_->vote(Viewer{who.id}, poll, choices);
    return r.has_value() ? "" : r.error().message();
  }
  PollView view(const Account& who, Id poll) {
    auto v = polls_->get(Viewer{who.id}, poll);
    EXPECT_TRUE(v.has_value());
    return v.has_value() ? *v : PollView{};
  }
  int64_t poll_notifications(const Account& who) {
    store::RangeQuery q;
    q.limit = 100;
    auto r = store_->assoc_range(who.id, store::AssocType::kNotifications, q);
    EXPECT_TRUE(r.has_value());
    int64_t n = 0;
    for (const auto& a : r->items) {
      Notification note;
      if (record::decode_into(a.data, note) && note.type == NotificationType::kPoll) ++n;
    }
    return n;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<PollService> polls_;
  Account ann_, bob_, cat_;
};

TEST_F(Polls, ASingleChoicePollTakesOneVoteAPerson) {
  const Id poll = poll_post(poll_of({"a", "b", "c"}));
  EXPECT_EQ(vote_error(bob_, poll, {1, 2}), "Validation failed: You have already voted on this poll");
  EXPECT_FALSE(view(bob_, poll).voted) << "all or nothing";
  EXPECT_EQ(vote_error(bob_, poll, {1}), "");
  EXPECT_EQ(vote_error(bob_, poll, {2}), "Validation failed: You have already voted on this poll");
  EXPECT_EQ(vote_error(cat_, poll, {3}), "Validation failed: The chosen vote option does not exist");
  EXPECT_EQ(vote_error(cat_, poll, {-1}), "Validation failed: The chosen vote option does not exist");
  EXPECT_EQ(vote_error(ann_, poll, {0}), "Validation failed: You cannot vote in your own polls");
  PollView v = view(bob_, poll);
  EXPECT_EQ(v.option_votes, (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(v.votes_count, 1);
  EXPECT_EQ(v.voters_count, 1);
  EXPECT_TRUE(v.voted);
  EXPECT_EQ(v.own_votes, (std::vector<int>{1}));
  EXPECT_FALSE(view(cat_, poll).voted);
  EXPECT_TRUE(view(ann_, poll).voted);  // the author counts as having voted, as in Mastodon
}

TEST_F(Polls, AMultipleChoicePollTakesEachOptionOnce) {
  const Id poll = poll_post(poll_of({"a", "b", "c"}, 600, true));
  EXPECT_EQ(vote_error(bob_, poll, {0, 2}), "");
  EXPECT_EQ(vote_error(bob_, poll, {1}), "");  // more later, as Mastodon allows
  EXPECT_EQ(vote_error(bob_, poll, {0}), "Validation failed: You have already voted on this poll");
  EXPECT_EQ(vote_error(cat_, poll, {1, 1}), "Validation failed: You have already voted on this poll");
  EXPECT_EQ(vote_error(cat_, poll, {1}), "");
  PollView v = view(bob_, poll);
  EXPECT_EQ(v.option_votes, (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(v.votes_count, 4);
  EXPECT_EQ(v.voters_count, 2);
  EXPECT_EQ(v.own_votes, (std::vector<int>{0, 1, 2}));
}

TEST_F(Polls, RacingVotesOfOnePersonCountOnce) {
  const Id poll = poll_post(poll_of({"a", "b", "c", "d"}));
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      if (polls_->vote(Viewer{bob_.id}, poll, {i % 4}).has_value()) ++accepted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  PollView v = view(bob_, poll);
  EXPECT_EQ(v.votes_count, 1);
  EXPECT_EQ(v.voters_count, 1);
  EXPECT_EQ(v.own_votes.size(), 1u);
}

TEST_F(Polls, HiddenTotalsShowOnceItEndsAndThenNoVoteIsTaken) {
  const Id poll = poll_post(poll_of({"a", "b"}), true);
  ASSERT_EQ(vote_error(bob_, poll, {0}), "");
  PollView running = view(ann_, poll);
  EXPECT_TRUE(running.option_votes.empty()) << "hidden, from its author too";
  EXPECT_EQ(running.votes_count, 1);
  stack_->clock.advance_ms(600'000);
  PollView ended = view(ann_, poll);
  EXPECT_TRUE(ended.expired);
  EXPECT_EQ(ended.option_votes, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(vote_error(cat_, poll, {1}), "Validation failed: The poll has already ended");
}

TEST_F(Polls, AnEndedPollTellsItsVotersAndAuthorOnce) {
  const Id poll = poll_post(poll_of({"a", "b"}));
  ASSERT_EQ(vote_error(bob_, poll, {0}), "");
  const Id other = poll_post(poll_of({"x", "y"}, 1200));
  EXPECT_EQ(*polls_->end_due(), 0u);
  stack_->clock.advance_ms(600'000);
  EXPECT_EQ(*polls_->end_due(), 1u);
  EXPECT_EQ(*polls_->end_due(), 0u);  // once only
  EXPECT_EQ(poll_notifications(ann_), 1);
  EXPECT_EQ(poll_notifications(bob_), 1);
  EXPECT_EQ(poll_notifications(cat_), 0);
  // A poll whose post was deleted ends without telling anyone.
  auto post_of_other = stack_->posts.get_visible_post(Viewer{ann_.id}, polls_->get(Viewer{ann_.id}, other)->poll.status_id);
  ASSERT_TRUE(post_of_other.has_value());
  ASSERT_TRUE(stack_->posts.remove(Viewer{ann_.id}, post_of_other->id).has_value());
  EXPECT_TRUE(polls_->get(Viewer{ann_.id}, other).error().is_not_found());
  stack_->clock.advance_ms(600'000);
  EXPECT_EQ(*polls_->end_due(), 0u) << "its due entry went with the post";
  EXPECT_EQ(poll_notifications(ann_), 1);
}

TEST_F(Polls, APostWithAPollHasNoPhotos) {
  NewPost np;
  np.text = "which?";
  np.poll = poll_of({"a", "b"});
  np.media_ids = {Id(12345)};
  auto r = stack_->posts.create(ann_, np);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "Cannot attach more than 4 files");
  EXPECT_EQ(*store_->assoc_count(ann_.id, store::AssocType::kAuthored), 0);
}

}  // namespace
}  // namespace kindred::social
