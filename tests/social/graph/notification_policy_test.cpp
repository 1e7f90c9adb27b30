// NotificationPolicyService: where a policy puts a new notification, and what accepting and
// dismissing a request do, below the API.
#include "social/graph/notification_policy.h"

#include <gtest/gtest.h>

#include "social/graph/relationships.h"
#include "social/posts/likes.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/list_size.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class NotificationPolicies : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    policies_.emplace(stack_->deps, stack_->accounts, stack_->posts);
    relationships_.emplace(stack_->deps, stack_->accounts);
    stack_->posts.set_notification_gate(&*policies_);
    relationships_->set_notification_gate(&*policies_);
    likes_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }
  void set(PolicyChange c) {
    ASSERT_TRUE(policies_->update_policy(Viewer{ann_.id}, c).has_value());
  }
  Delivery mention_from(const Account& sender, Visibility vis = Visibility::kPublic) {
    Post p;
    p.id = stack_->ids.next();
    p.account_id = sender.id;
    p.visibility = vis;
    auto d = policies_->decide(ann_.id, NotificationType::kMention, sender.id, &p);
    EXPECT_TRUE(d.has_value());
    return d.has_value() ? *d : Delivery::kAccept;
  }
  int64_t count(Id from, store::AssocType type) { return *testing::list_size(*store_, from, type); }
  Id mention(const Account& from) {
    NewPost np;
    np.text = "@ann hello";
    auto p = stack_->posts.create(from, np);
    EXPECT_TRUE(p.has_value());
    return p->post.id;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<NotificationPolicyService> policies_;
  std::optional<RelationshipService> relationships_;
  std::optional<LikeService> likes_;
  Account ann_, bob_;
};

TEST_F(NotificationPolicies, TheDefaultsAcceptAllButStrangersPrivateMentions) {
  EXPECT_EQ(mention_from(bob_), Delivery::kAccept);
  EXPECT_EQ(mention_from(bob_, Visibility::kDirect), Delivery::kFilter);
  ASSERT_TRUE(relationships_->follow(Viewer{ann_.id}, bob_.id).has_value());
  EXPECT_EQ(mention_from(bob_, Visibility::kDirect), Delivery::kAccept);
}

TEST_F(NotificationPolicies, AReplyToTheRecipientIsNoPrivateMentionToFilter) {
  Post p;
  p.id = stack_->ids.next();
  p.account_id = bob_.id;
  p.visibility = Visibility::kDirect;
  p.in_reply_to_id = stack_->ids.next();
  p.in_reply_to_account_id = ann_.id;
  EXPECT_EQ(*policies_->decide(ann_.id, NotificationType::kMention, bob_.id, &p),
            Delivery::kAccept);
}

TEST_F(NotificationPolicies, DropWinsOverFilter) {
  set({.for_not_following = PolicyValue::kFilter, .for_new_accounts = PolicyValue::kDrop});
  EXPECT_EQ(mention_from(bob_), Delivery::kDrop);
  stack_->clock.advance_ms(31 * kDayMs);
  EXPECT_EQ(mention_from(bob_), Delivery::kFilter) << "no longer new, still not followed";
}

TEST_F(NotificationPolicies, AFollowerCountsAfterThreeDays) {
  set({.for_not_followers = PolicyValue::kFilter});
  EXPECT_EQ(mention_from(bob_), Delivery::kFilter);
  ASSERT_TRUE(relationships_->follow(Viewer{bob_.id}, ann_.id).has_value());
  EXPECT_EQ(mention_from(bob_), Delivery::kFilter);
  stack_->clock.advance_ms(3 * kDayMs + 1000);
  EXPECT_EQ(mention_from(bob_), Delivery::kAccept);
}

TEST_F(NotificationPolicies, FilteredNotificationsWaitInOneRequestPerSender) {
  set({.for_not_following = PolicyValue::kFilter});
  mention(bob_);
  stack_->clock.advance_ms(1000);
  mention(bob_);
  ASSERT_TRUE(relationships_->follow(Viewer{bob_.id}, ann_.id).has_value());
  EXPECT_EQ(count(ann_.id, store::AssocType::kNotifications), 0);
  EXPECT_EQ(count(ann_.id, store::AssocType::kNotificationRequests), 1);
  EXPECT_EQ(count(request_node(ann_.id, bob_.id), store::AssocType::kRequestNotifications), 3);
  auto page = policies_->requests(Viewer{ann_.id}, ListQuery{});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].notifications_count, 3);
  EXPECT_EQ(page->items[0].account.account.id, bob_.id);
  auto summary = policies_->policy(Viewer{ann_.id});
  EXPECT_EQ(summary->pending_requests_count, 1);
  EXPECT_EQ(summary->pending_notifications_count, 3);
}

TEST_F(NotificationPolicies, AcceptingMovesThemAndPermitsTheSender) {
  set({.for_not_following = PolicyValue::kFilter});
  mention(bob_);
  const Id request = policies_->requests(Viewer{ann_.id}, ListQuery{})->items.at(0).id;
  EXPECT_TRUE(policies_->request(Viewer{bob_.id}, request).error().is_not_found());
  ASSERT_TRUE(policies_->accept(Viewer{ann_.id}, request).is_ok());
  EXPECT_EQ(count(ann_.id, store::AssocType::kNotifications), 1);
  EXPECT_EQ(count(ann_.id, store::AssocType::kNotificationRequests), 0);
  EXPECT_EQ(count(request_node(ann_.id, bob_.id), store::AssocType::kRequestNotifications), 0);
  EXPECT_EQ(mention_from(bob_, Visibility::kDirect), Delivery::kAccept);
  EXPECT_TRUE(policies_->accept(Viewer{ann_.id}, request).is_not_found());
}

TEST_F(NotificationPolicies, DismissingDeletesThemAndPermitsNothing) {
  set({.for_not_following = PolicyValue::kFilter});
  mention(bob_);
  const Id request = policies_->requests(Viewer{ann_.id}, ListQuery{})->items.at(0).id;
  EXPECT_TRUE(policies_->dismiss(Viewer{bob_.id}, request).is_not_found()) << "not his";
  ASSERT_TRUE(policies_->dismiss(Viewer{ann_.id}, request).is_ok());
  EXPECT_EQ(count(ann_.id, store::AssocType::kNotifications), 0);
  EXPECT_EQ(count(request_node(ann_.id, bob_.id), store::AssocType::kRequestNotifications), 0);
  EXPECT_EQ(mention_from(bob_), Delivery::kFilter);
}

TEST_F(NotificationPolicies, AFilteredLikeNeitherNotifiesNorMovesTheNotice) {
  set({.for_not_following = PolicyValue::kFilter});
  NewPost np;
  np.text = "sea";
  const Id photo = stack_->posts.create(ann_, np)->post.id;
  ASSERT_TRUE(likes_->favourite(Viewer{bob_.id}, photo).has_value());
  EXPECT_EQ(count(ann_.id, store::AssocType::kNotifications), 0);
  EXPECT_EQ(count(ann_.id, store::AssocType::kLikeNotices), 0);
  EXPECT_EQ(count(request_node(ann_.id, bob_.id), store::AssocType::kRequestNotifications), 1);
  EXPECT_EQ(count(photo, store::AssocType::kFavouritedBy), 1) << "the like itself stands";
}

}  // namespace
}  // namespace kindred::social
