// ScheduledPostService below the API: publishing what is due, and dropping what can no longer be
// posted.
#include <gtest/gtest.h>

#include <optional>

#include "social/posts/scheduled.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kMinute = 60'000;

class ScheduledPosts : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), kStart);
    scheduled_.emplace(stack_->deps, stack_->posts, stack_->accounts, stack_->media);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }
  int64_t posts_of(const Account& a) {
    return *store_->assoc_count(a.id, store::AssocType::kAuthored);
  }
  static NewPost text(std::string t) {
    NewPost np;
    np.text = std::move(t);
    return np;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<ScheduledPostService> scheduled_;
  Account ann_, bob_;
};

TEST_F(ScheduledPosts, OnlyWhatIsDueIsPublishedInTimeOrder) {
  ASSERT_TRUE(scheduled_->schedule(ann_, text("second"), kStart + 20 * kMinute).has_value());
  ASSERT_TRUE(scheduled_->schedule(ann_, text("first"), kStart + 10 * kMinute).has_value());
  ASSERT_TRUE(scheduled_->schedule(bob_, text("same time"), kStart + 10 * kMinute).has_value());
  EXPECT_EQ(*scheduled_->publish_due(), 0u);
  stack_->clock.advance_ms(10 * kMinute);
  EXPECT_EQ(*scheduled_->publish_due(), 2u);
  EXPECT_EQ(posts_of(ann_), 1);
  EXPECT_EQ(posts_of(bob_), 1);
  EXPECT_EQ(*scheduled_->publish_due(), 0u);  // once only
  stack_->clock.advance_ms(10 * kMinute);
  EXPECT_EQ(*scheduled_->publish_due(), 1u);
  EXPECT_EQ(posts_of(ann_), 2);
  auto left = scheduled_->list(Viewer{ann_.id}, ListQuery{});
  ASSERT_TRUE(left.has_value());
  EXPECT_TRUE(left->items.empty());
}

TEST_F(ScheduledPosts, AReplyWhoseParentWentIsDropped) {
  auto parent = stack_->posts.create(bob_, text("parent"));
  ASSERT_TRUE(parent.has_value());
  NewPost reply = text("reply");
  reply.in_reply_to_id = parent->post.id;
  auto s = scheduled_->schedule(ann_, reply, kStart + 10 * kMinute);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  ASSERT_TRUE(stack_->posts.remove(Viewer{bob_.id}, parent->post.id).has_value());
  stack_->clock.advance_ms(10 * kMinute);
  EXPECT_EQ(*scheduled_->publish_due(), 1u);
  EXPECT_EQ(posts_of(ann_), 0);
  EXPECT_TRUE(scheduled_->get(Viewer{ann_.id}, s->scheduled.id).error().is_not_found());
}

TEST_F(ScheduledPosts, OnlyTheAuthorSeesMovesOrCancelsIt) {
  auto s = scheduled_->schedule(ann_, text("mine"), kStart + 10 * kMinute);
  ASSERT_TRUE(s.has_value());
  const Id id = s->scheduled.id;
  EXPECT_TRUE(scheduled_->get(Viewer{bob_.id}, id).error().is_not_found());
  EXPECT_TRUE(scheduled_->reschedule(Viewer{bob_.id}, id, kStart + 30 * kMinute).error().is_not_found());
  EXPECT_TRUE(scheduled_->cancel(Viewer{bob_.id}, id).is_not_found());
  EXPECT_EQ(scheduled_->reschedule(Viewer{ann_.id}, id, kStart + kMinute).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(scheduled_->get(Viewer{ann_.id}, id)->scheduled.scheduled_at_ms, kStart + 10 * kMinute);
  EXPECT_TRUE(scheduled_->cancel(Viewer{ann_.id}, id).is_ok());
  stack_->clock.advance_ms(60 * kMinute);
  EXPECT_EQ(*scheduled_->publish_due(), 0u);
  EXPECT_EQ(posts_of(ann_), 0);
}

}  // namespace
}  // namespace kindred::social
