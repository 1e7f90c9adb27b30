// TrendService: decayed scores kept in memory within their bounds, the rules of what may trend,
// and the rebuild from the store at start-up.
#include "social/posts/trends.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "social/posts/likes.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

constexpr int64_t kHourMs = 60LL * 60 * 1000;

class Trends : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    likes_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    for (int i = 0; i < 4; ++i)
      fans_.push_back(*stack_->accounts.create_account("fan" + std::to_string(i), "Fan", false, false));
  }
  // A TrendService told of posts and likes, as main wires it.
  TrendService& start(TrendConfig config = {}) {
    trends_.emplace(stack_->deps, stack_->posts, config);
    EXPECT_TRUE(trends_->load().is_ok());
    stack_->posts.set_listener(&*trends_);
    likes_->set_trends(&*trends_);
    return *trends_;
  }
  Id say(const Account& who, std::string text) {
    NewPost np;
    np.text = std::move(text);
    auto v = stack_->posts.create(who, np);
    EXPECT_TRUE(v.has_value());
    return v->post.id;
  }
  void like(size_t fans, Id post) {
    for (size_t i = 0; i < fans; ++i)
      ASSERT_TRUE(likes_->favourite(Viewer{fans_[i].id}, post).has_value());
  }
  std::vector<Id> trending(const Viewer& viewer = {}) {
    auto r = trends_->statuses(viewer, 0, 40);
    EXPECT_TRUE(r.has_value());
    std::vector<Id> out;
    for (const auto& v : *r) out.push_back(v.post.id);
    return out;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<LikeService> likes_;
  std::optional<TrendService> trends_;
  Account ann_;
  std::vector<Account> fans_;
};

TEST_F(Trends, KeepsOnlyTheBestScoresWithinItsBound) {
  TrendService& trends = start({.max_statuses = 10});
  std::vector<Id> posts;
  for (int i = 0; i < 30; ++i) {
    posts.push_back(say(ann_, "post " + std::to_string(i)));
    // Later posts get more (simulated) likes, so the best always arrive last.
    for (int j = 0; j < i + 2; ++j) trends.liked(*stack_->posts.stored_posts({posts.back()})->begin(), Id(1000 + j));
  }
  auto top = trending();
  ASSERT_GE(top.size(), 9u);
  ASSERT_LE(top.size(), 10u);
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(top[i], posts[29 - i]) << i;
}

TEST_F(Trends, RecentInteractionsOutweighOlderOnes) {
  start();
  const Id old_post = say(ann_, "earlier");
  like(4, old_post);
  stack_->clock.advance_ms(24 * kHourMs);  // two half-lives: four likes are worth one now
  const Id new_post = say(fans_[0], "later");
  NewPost reply;
  reply.text = "a comment";
  reply.in_reply_to_id = new_post;
  ASSERT_TRUE(stack_->posts.create(ann_, reply).has_value());  // worth two likes
  EXPECT_EQ(trending(), (std::vector<Id>{new_post}));
  like(3, old_post);  // already liked: no change
  EXPECT_EQ(trending(), (std::vector<Id>{new_post}));
}

TEST_F(Trends, MemorialAccountsPostsAreNotPromoted) {
  start();
  const Id post = say(ann_, "loved");
  like(3, post);
  EXPECT_EQ(trending(), (std::vector<Id>{post}));
  ASSERT_TRUE(stack_->accounts.set_memorial("ann", true).has_value());
  EXPECT_EQ(trending(), (std::vector<Id>{}));
}

TEST_F(Trends, HashtagHistoryCountsUsesAndDistinctAccountsPerDay) {
  TrendService& trends = start();
  say(ann_, "#Bread");
  say(ann_, "#bread again");
  say(fans_[0], "#bread");
  stack_->clock.advance_ms(24 * kHourMs);
  say(fans_[1], "#bread");
  auto h = trends.history("bread");
  ASSERT_EQ(h.size(), 7u);
  EXPECT_EQ(h[0].uses, 1);
  EXPECT_EQ(h[0].accounts, 1);
  EXPECT_EQ(h[1].uses, 3);
  EXPECT_EQ(h[1].accounts, 2);
  EXPECT_EQ(h[0].day_ms - h[1].day_ms, 24 * kHourMs);
  EXPECT_EQ(trends.tags(0, 10), (std::vector<std::string>{"bread"}));
  EXPECT_EQ(trends.tags(1, 10), (std::vector<std::string>{}));
}

TEST_F(Trends, LoadRebuildsScoresAndHistoriesFromTheStore) {
  start();
  const Id a = say(ann_, "two likes #rebuilt");
  const Id b = say(fans_[3], "three likes #rebuilt");
  like(2, a);
  like(3, b);
  const auto before = trending();
  ASSERT_EQ(before, (std::vector<Id>{b, a}));
  stack_->posts.set_listener(nullptr);
  likes_->set_trends(nullptr);
  start();  // a fresh service over the same store
  EXPECT_EQ(trending(), before);
  EXPECT_EQ(trends_->history("rebuilt")[0].uses, 2);
  EXPECT_EQ(trends_->tags(0, 10), (std::vector<std::string>{"rebuilt"}));
}

}  // namespace
}  // namespace kindred::social
