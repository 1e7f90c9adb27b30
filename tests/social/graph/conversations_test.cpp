// social::ConversationService below the API: the stored record, and that adding a post again
// (a fan-out resumed after a crash) changes nothing.
#include "social/graph/conversations.h"

#include <gtest/gtest.h>

#include <optional>

#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

TEST(ConversationRecord, EncodesAndDecodesEveryField) {
  Conversation c;
  c.id = Id{7};
  c.account_id = Id{9};
  c.thread_id = Id{11};
  c.participant_ids = {Id{3}, Id{5}};
  c.status_ids = {Id{11}, Id{12}};
  c.last_status_id = Id{12};
  c.unread = true;
  auto back = Conversation::decode(c.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, c);
  EXPECT_FALSE(Conversation::decode("garbage").has_value());
}

class Conversations : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_rocksdb_store(store::StoreOptions{dir_.sub("store")});
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    conversations_.emplace(stack_->deps, stack_->accounts, stack_->posts);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }
  Post direct(const Account& author, std::string text, Id reply_to = Id()) {
    NewPost p;
    p.text = std::move(text);
    p.visibility = Visibility::kDirect;
    p.in_reply_to_id = reply_to;
    auto v = stack_->posts.create(author, p);
    EXPECT_TRUE(v.has_value()) << v.error().to_string();
    stack_->clock.advance_ms(1000);
    return v->post;
  }
  size_t count(const Account& who) {
    auto page = conversations_->list(Viewer{who.id}, ListQuery{});
    EXPECT_TRUE(page.has_value());
    return page->items.size();
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<ConversationService> conversations_;
  Account ann_, bob_;
};

TEST_F(Conversations, AddingAPostAgainChangesNothing) {
  const Post first = direct(ann_, "@bob hi");
  ASSERT_TRUE(conversations_->add_status(first).is_ok());
  auto read = conversations_->list(Viewer{bob_.id}, ListQuery{});
  ASSERT_EQ(read->items.size(), 1u);
  ASSERT_TRUE(conversations_->mark_read(Viewer{bob_.id}, read->items[0].id).has_value());
  ASSERT_TRUE(conversations_->add_status(first).is_ok());  // a resumed fan-out
  auto again = conversations_->list(Viewer{bob_.id}, ListQuery{});
  ASSERT_EQ(again->items.size(), 1u);
  EXPECT_FALSE(again->items[0].unread);
  EXPECT_EQ(count(ann_), 1u);
}

TEST_F(Conversations, ARepliesThreadIsFoundThroughItsAncestors) {
  const Post first = direct(ann_, "@bob hi");
  const Post second = direct(bob_, "@ann yes", first.id);
  const Post third = direct(ann_, "@bob good", second.id);
  for (const Post* p : {&first, &second, &third})
    ASSERT_TRUE(conversations_->add_status(*p).is_ok());
  auto page = conversations_->list(Viewer{bob_.id}, ListQuery{});
  ASSERT_EQ(page->items.size(), 1u);
  ASSERT_TRUE(page->items[0].last_status.has_value());
  EXPECT_EQ(page->items[0].last_status->post.id, third.id);
  EXPECT_TRUE(page->items[0].unread);
  EXPECT_EQ(page->positions, std::vector<Id>{third.id});
}

}  // namespace
}  // namespace kindred::social
