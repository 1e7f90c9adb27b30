// Live counts (social/posts/live_counts.h): a watched post's likes, unlikes, reblogs and replies
// move its version, read() gives exact counts, and posts nobody watches have no version.
#include "social/posts/live_counts.h"

#include <gtest/gtest.h>

#include <map>

#include "social/posts/likes.h"
#include "social/posts/reblogs.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class LiveCountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    live_.emplace(stack_->deps);
    stack_->posts.add_listener(&*live_);
    likes_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    likes_->set_live_counts(&*live_);
    reblogs_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
    cat_ = *stack_->accounts.create_account("cat", "Cat", false, false);
    NewPost np;
    np.text = "One year since Iris.";
    post_ = stack_->posts.create(ann_, np)->post.id;
    np.text = "Another day";
    other_ = stack_->posts.create(ann_, np)->post.id;
  }

  // The watched posts whose version moved since the last take (or since their watch began), with
  // their counts now: what the streaming hub does for one reader.
  std::vector<ChangedCounts> take() {
    std::vector<Id> moved;
    for (Id id : {post_, other_}) {
      const uint64_t v = live_->version(id);
      if (v == 0) {
        seen_.erase(id);
        continue;
      }
      auto it = seen_.emplace(id, 1).first;  // a watch begins at version 1
      if (it->second != v) moved.push_back(id);
      it->second = v;
    }
    auto changed = live_->read(moved);
    EXPECT_TRUE(changed.has_value()) << changed.error().to_string();
    if (!changed.has_value()) return {};
    return std::move(*changed);
  }
  std::map<Id, uint64_t> seen_;

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<LiveCounts> live_;
  std::optional<LikeService> likes_;
  std::optional<ReblogService> reblogs_;
  Account ann_, bob_, cat_;
  Id post_, other_;
};

TEST_F(LiveCountsTest, NothingWatchedNothingTaken) {
  ASSERT_TRUE(likes_->favourite({bob_.id}, post_).has_value());
  EXPECT_EQ(live_->version(post_), 0u) << "not watched: no version";
  EXPECT_TRUE(take().empty());
  live_->watch(post_);
  EXPECT_TRUE(take().empty()) << "a like before the watch is not a change since";
}

TEST_F(LiveCountsTest, ManyLikesAreOneChangeWithTheExactCount) {
  live_->watch(post_);
  ASSERT_TRUE(likes_->favourite({bob_.id}, post_).has_value());
  ASSERT_TRUE(likes_->favourite({cat_.id}, post_).has_value());
  ASSERT_TRUE(likes_->favourite({cat_.id}, post_).has_value());  // again: still two likes
  ASSERT_TRUE(likes_->favourite({bob_.id}, other_).has_value());  // not watched
  auto changed = take();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].post_id, post_);
  EXPECT_EQ(changed[0].favourites, 2);
  EXPECT_TRUE(take().empty()) << "taken once";

  ASSERT_TRUE(likes_->unfavourite({bob_.id}, post_).has_value());
  changed = take();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].favourites, 1);
}

TEST_F(LiveCountsTest, RepliesAndReblogsCountAndUndoing) {
  live_->watch(post_);
  NewPost reply;
  reply.text = "Thinking of you both.";
  reply.in_reply_to_id = post_;
  auto r = stack_->posts.create(bob_, reply);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_TRUE(reblogs_->reblog({cat_.id}, post_, std::nullopt).has_value());
  auto changed = take();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].replies, 1);
  EXPECT_EQ(changed[0].reblogs, 1);

  ASSERT_TRUE(reblogs_->unreblog({cat_.id}, post_).has_value());
  ASSERT_TRUE(stack_->posts.remove({bob_.id}, r->post.id).has_value());
  changed = take();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].replies, 0);
  EXPECT_EQ(changed[0].reblogs, 0);
}

TEST_F(LiveCountsTest, WatchesAreCountedAndADeletedPostIsLeftOut) {
  live_->watch(post_);
  live_->watch(post_);
  live_->unwatch(post_);
  EXPECT_EQ(live_->watched(), 1u) << "one reader still has it open";
  live_->unwatch(post_);
  EXPECT_EQ(live_->watched(), 0u);
  live_->unwatch(post_);  // one too many: harmless

  live_->watch(other_);
  take();
  ASSERT_TRUE(likes_->favourite({bob_.id}, other_).has_value());
  ASSERT_TRUE(stack_->posts.remove({ann_.id}, other_).has_value());
  EXPECT_TRUE(take().empty()) << "a deleted post has no counts to send";
}

}  // namespace
}  // namespace kindred::social
