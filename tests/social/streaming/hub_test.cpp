// social::StreamHub below the API: who is told what, through the real services and store.
#include "social/streaming/hub.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "social/graph/conversations.h"
#include "social/graph/feeds.h"
#include "social/graph/lists.h"
#include "social/graph/relationships.h"
#include "store/observed_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

// Records what it is given, as "update:<id>", "delete:<id>", "notification:<type>".
class Recorder : public StreamSubscriber {
 public:
  void deliver(const StreamKey& key, const StreamItem& item) override {
    std::string what = std::string(stream_name(key.name)) + " ";
    switch (item.event) {
      case StreamItem::Event::kUpdate:
        what += "update:" + item.post->post.id.to_string();
        break;
      case StreamItem::Event::kDelete:
        what += "delete:" + item.deleted.to_string();
        break;
      case StreamItem::Event::kStatusUpdate:
        what += "status.update:" + item.post->post.id.to_string() + ":" + item.post->post.text;
        break;
      case StreamItem::Event::kNotificationsMerged:
        what += "notifications_merged";
        break;
      case StreamItem::Event::kFiltersChanged:
        what += "filters_changed";
        break;
      case StreamItem::Event::kConversation:
        what += "conversation:" + item.conversation->last_status->post.id.to_string();
        break;
      case StreamItem::Event::kNotification:
        what += "notification:" + std::string(notification_type_name(item.notification->notification.type));
        break;
    }
    got.push_back(what);
  }
  std::vector<std::string> got;
};

class Hub : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_rocksdb_store(store::StoreOptions{dir_.sub("store")});
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    observed_.emplace(*store_);
    stack_.emplace(*observed_, dir_.sub("media"), 1'700'000'000'000);
    relationships_.emplace(stack_->deps, stack_->accounts);
    feeds_.emplace(stack_->deps, stack_->posts, *relationships_, FeedConfig{});
    notifications_.emplace(stack_->deps, stack_->accounts, stack_->posts, *relationships_);
    conversations_.emplace(stack_->deps, stack_->accounts, stack_->posts);
    feeds_->set_conversations(&*conversations_);
    lists_.emplace(stack_->deps, stack_->accounts, *feeds_);
    hub_.emplace(*observed_, stack_->posts, *notifications_, *conversations_, *lists_);
    stack_->posts.set_listener(&*feeds_);
    stack_->posts.add_listener(&*hub_);
    observed_->set_observer(&*hub_);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }
  void TearDown() override {
    if (observed_) observed_->set_observer(nullptr);
    if (stack_) stack_->posts.set_listener(nullptr);
    hub_.reset();
    lists_.reset();
    feeds_.reset();
  }
  std::string say(const Account& author, std::string text,
                  Visibility visibility = Visibility::kPublic) {
    NewPost p;
    p.text = std::move(text);
    p.visibility = visibility;
    auto v = stack_->posts.create(author, p);
    EXPECT_TRUE(v.has_value()) << v.error().to_string();
    stack_->clock.advance_ms(1000);
    settle();
    return v->post.id.to_string();
  }
  void settle() {
    feeds_->wait_idle();
    hub_->wait_idle();
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<store::ObservedStore> observed_;
  std::optional<kindred::testing::SocialStack> stack_;
  std::optional<RelationshipService> relationships_;
  std::optional<FeedService> feeds_;
  std::optional<NotificationService> notifications_;
  std::optional<ConversationService> conversations_;
  std::optional<ListService> lists_;
  std::optional<StreamHub> hub_;
  Account ann_, bob_;
};

TEST_F(Hub, StreamNamesRoundTrip) {
  for (auto name : {"user", "user:notification", "public", "public:media", "public:local",
                    "public:local:media", "public:remote", "public:remote:media", "hashtag",
                    "hashtag:local", "direct", "list"}) {
    auto parsed = parse_stream_name(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(stream_name(*parsed), name);
  }
  EXPECT_FALSE(parse_stream_name("lists").has_value());
  EXPECT_FALSE(parse_stream_name("").has_value());
  EXPECT_TRUE(stream_needs_tag(StreamName::kHashtagLocal));
  EXPECT_TRUE(stream_is_personal(StreamName::kUserNotification));
  EXPECT_FALSE(stream_is_personal(StreamName::kPublic));
}

TEST_F(Hub, HomeUpdatesFollowTheFanOutAndMutes) {
  ASSERT_TRUE(relationships_->follow(Viewer{ann_.id}, bob_.id).has_value());
  auto ann = std::make_shared<Recorder>();
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kUser, ""});
  const std::string b1 = say(bob_, "hello");
  const std::string a1 = say(ann_, "mine");
  EXPECT_EQ(ann->got, (std::vector<std::string>{"user update:" + b1, "user update:" + a1}));
  ASSERT_TRUE(relationships_->mute(Viewer{ann_.id}, bob_.id, true, 0).has_value());
  say(bob_, "muted");
  EXPECT_EQ(ann->got.size(), 2u);
}

TEST_F(Hub, PublicStreamsSkipPrivatePostsAndUnsubscribedOnes) {
  auto ann = std::make_shared<Recorder>();
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kPublic, ""});
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kPublic, ""});  // idempotent
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kHashtag, "cats"});
  EXPECT_EQ(hub_->subscriptions(ann.get()), 2u);
  say(bob_, "private", Visibility::kPrivate);
  const std::string b1 = say(bob_, "about #Cats");
  EXPECT_EQ(ann->got, (std::vector<std::string>{"public update:" + b1, "hashtag update:" + b1}));
  hub_->unsubscribe(ann.get(), {StreamName::kHashtag, "cats"});
  const std::string b2 = say(bob_, "more #cats");
  EXPECT_EQ(ann->got.back(), "public update:" + b2);
  EXPECT_EQ(ann->got.size(), 3u);
  ASSERT_TRUE(stack_->posts.remove(Viewer{bob_.id}, Id::parse(b2).value()).has_value());
  settle();
  EXPECT_EQ(ann->got.back(), "public delete:" + b2);
  hub_->remove(ann.get());
  EXPECT_EQ(hub_->subscriptions(ann.get()), 0u);
  say(bob_, "nobody listens");
  EXPECT_EQ(ann->got.size(), 4u);
}

TEST_F(Hub, AnEditReachesThoseWhoseTimelineHasThePost) {
  ASSERT_TRUE(relationships_->follow(Viewer{ann_.id}, bob_.id).has_value());
  Account cat = *stack_->accounts.create_account("cat", "Cat", false, false);
  auto ann = std::make_shared<Recorder>();
  auto cat_home = std::make_shared<Recorder>();
  auto cat_public = std::make_shared<Recorder>();
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kUser, ""});
  hub_->subscribe(cat_home, Viewer{cat.id}, {StreamName::kUser, ""});
  hub_->subscribe(cat_public, Viewer{cat.id}, {StreamName::kPublic, ""});
  const std::string b1 = say(bob_, "before");
  PostEdit edit;
  edit.text = "after";
  ASSERT_TRUE(stack_->posts.edit(Viewer{bob_.id}, Id::parse(b1).value(), edit).has_value());
  settle();
  EXPECT_EQ(ann->got.back(), "user status.update:" + b1 + ":after");
  EXPECT_EQ(cat_public->got.back(), "public status.update:" + b1 + ":after");
  EXPECT_TRUE(cat_home->got.empty());  // cat does not follow bob
}

TEST_F(Hub, DirectPostsReachTheConversationsOfThoseInThem) {
  Account cat = *stack_->accounts.create_account("cat", "Cat", false, false);
  auto ann = std::make_shared<Recorder>();
  auto cat_direct = std::make_shared<Recorder>();
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kDirect, ""});
  hub_->subscribe(cat_direct, Viewer{cat.id}, {StreamName::kDirect, ""});
  const std::string b1 = say(bob_, "@ann just between us", Visibility::kDirect);
  EXPECT_EQ(ann->got, (std::vector<std::string>{"direct conversation:" + b1}));
  EXPECT_TRUE(cat_direct->got.empty());
}

TEST_F(Hub, NotificationsReachTheirRecipientOnly) {
  auto ann = std::make_shared<Recorder>();
  auto bob = std::make_shared<Recorder>();
  hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kUserNotification, ""});
  hub_->subscribe(bob, Viewer{bob_.id}, {StreamName::kUserNotification, ""});
  ASSERT_TRUE(relationships_->follow(Viewer{bob_.id}, ann_.id).has_value());
  settle();
  EXPECT_EQ(ann->got, (std::vector<std::string>{"user:notification notification:follow"}));
  EXPECT_TRUE(bob->got.empty());
}

TEST_F(Hub, AGoneSubscriberIsSkipped) {
  auto bob = std::make_shared<Recorder>();
  {
    auto ann = std::make_shared<Recorder>();
    hub_->subscribe(ann, Viewer{ann_.id}, {StreamName::kPublic, ""});
    hub_->subscribe(bob, Viewer{bob_.id}, {StreamName::kPublic, ""});
  }
  const std::string b1 = say(bob_, "to bob only");  // ann's subscriber is gone
  EXPECT_EQ(bob->got, (std::vector<std::string>{"public update:" + b1}));
}

}  // namespace
}  // namespace kindred::social
