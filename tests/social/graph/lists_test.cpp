// social::ListService below the API: the stored record, and the two reads other services make of
// lists (a follow ending, a home feed's exclusive members).
#include "social/graph/lists.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "social/graph/feeds.h"
#include "social/graph/relationships.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

TEST(ListRecord, EncodesAndDecodesEveryField) {
  List l;
  l.id = Id{7};
  l.account_id = Id{9};
  l.title = "Close friends";
  l.replies_policy = RepliesPolicy::kNone;
  l.exclusive = true;
  auto back = List::decode(l.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, l);
  EXPECT_FALSE(List::decode("garbage").has_value());
}

TEST(RepliesPolicyNames, RoundTripAndRefuseOthers) {
  for (RepliesPolicy p : {RepliesPolicy::kList, RepliesPolicy::kFollowed, RepliesPolicy::kNone}) {
    auto back = parse_replies_policy(replies_policy_name(p));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, p);
  }
  auto bad = parse_replies_policy("List");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
}

class Lists : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_rocksdb_store(store::StoreOptions{dir_.sub("store")});
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    relationships_.emplace(stack_->deps, stack_->accounts);
    feeds_.emplace(stack_->deps, stack_->posts, *relationships_, FeedConfig{});
    lists_.emplace(stack_->deps, stack_->accounts, *feeds_);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
    cat_ = *stack_->accounts.create_account("cat", "Cat", false, false);
    ASSERT_TRUE(relationships_->follow(Viewer{ann_.id}, bob_.id).has_value());
    ASSERT_TRUE(relationships_->follow(Viewer{ann_.id}, cat_.id).has_value());
  }
  Id make(std::string title, bool exclusive, std::vector<Id> members) {
    ListEdit e;
    e.title = std::move(title);
    e.exclusive = exclusive;
    auto l = lists_->create(ann_.id, e);
    EXPECT_TRUE(l.has_value());
    EXPECT_TRUE(lists_->add_members(ann_.id, l->id, members).is_ok());
    return l->id;
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<RelationshipService> relationships_;
  std::optional<FeedService> feeds_;
  std::optional<ListService> lists_;
  Account ann_, bob_, cat_;
};

TEST_F(Lists, ExclusiveMembersAreThoseOfExclusiveListsOnly) {
  auto none = exclusive_list_members(*store_, ann_.id);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  make("plain", false, {bob_.id});
  EXPECT_TRUE(exclusive_list_members(*store_, ann_.id)->empty());
  const Id quiet = make("quiet", true, {cat_.id, bob_.id});
  make("also quiet", true, {cat_.id});
  std::vector<Id> both{bob_.id, cat_.id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(*exclusive_list_members(*store_, ann_.id), both);
  ListEdit off;
  off.exclusive = false;
  ASSERT_TRUE(lists_->update(ann_.id, quiet, off).has_value());
  EXPECT_EQ(*exclusive_list_members(*store_, ann_.id), std::vector<Id>{cat_.id});
  EXPECT_TRUE(exclusive_list_members(*store_, bob_.id)->empty());
}

TEST_F(Lists, AFollowEndingLeavesEveryListOfTheFollower) {
  const Id a = make("a", false, {bob_.id, cat_.id});
  const Id b = make("b", true, {bob_.id});
  store::Batch batch;
  ASSERT_TRUE(add_list_removals(*store_, batch, ann_.id, bob_.id).is_ok());
  EXPECT_EQ(batch.assoc_removes.size(), 2u);
  ASSERT_TRUE(store_->apply(batch).has_value());
  ListQuery q;
  EXPECT_EQ(lists_->members(ann_.id, a, q, false)->items.size(), 1u);
  EXPECT_TRUE(lists_->members(ann_.id, b, q, false)->items.empty());
  EXPECT_EQ(*exclusive_list_members(*store_, ann_.id), std::vector<Id>{});
  // Someone without lists: nothing to remove.
  store::Batch none;
  ASSERT_TRUE(add_list_removals(*store_, none, bob_.id, ann_.id).is_ok());
  EXPECT_TRUE(none.empty());
}

TEST_F(Lists, FailedAddWritesNothing) {
  const Id a = make("a", false, {});
  // bob is followed, ann's own account may be added, but an unknown id refuses the whole call.
  auto s = lists_->add_members(ann_.id, a, {bob_.id, Id{12345}});
  EXPECT_TRUE(s.is_not_found());
  ListQuery q;
  EXPECT_TRUE(lists_->members(ann_.id, a, q, false)->items.empty());
  // Another person's list does not exist for them.
  EXPECT_TRUE(lists_->add_members(bob_.id, a, {ann_.id}).is_not_found());
  EXPECT_TRUE(lists_->get(bob_.id, a).error().is_not_found());
}

}  // namespace
}  // namespace kindred::social
