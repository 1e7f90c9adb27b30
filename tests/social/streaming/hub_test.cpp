// social::StreamHub below the API: who is told what, through the real services and store.
#include "social/streaming/hub.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include "social/graph/conversations.h"
#include "social/graph/feeds.h"
#include "social/graph/lists.h"
#include "social/graph/relationships.h"
#include "social/posts/likes.h"
#include "social/posts/live_counts.h"
#include "store/observed_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

// Records what it is given, as "update:<id>", "delete:<id>", "notification:<type>",
// "counts:<favourites>/<reblogs>/<replies>" (and " hidden").
class Recorder : public StreamSubscriber {
 public:
  void deliver(const StreamKey& key, const StreamItem& item) override {
    std::scoped_lock lock(mu);
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
      case StreamItem::Event::kCounts:
        what += "counts:" + std::to_string(item.counts->favourites) + "/" +
                std::to_string(item.counts->reblogs) + "/" + std::to_string(item.counts->replies);
        if (item.favourites_hidden) what += " hidden";
        break;
    }
    got.push_back(what);
    when.push_back(std::chrono::steady_clock::now());
  }
  // What it got so far (counts arrive on the hub's ticks, while a test reads).
  std::vector<std::string> seen() {
    std::scoped_lock lock(mu);
    return got;
  }
  // Waits until the last thing it got is `last` (true), or `timeout` passes (false).
  bool wait_last(const std::string& last, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      {
        std::scoped_lock lock(mu);
        if (!got.empty() && got.back() == last) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  // The shortest time between two messages it got (a day when fewer than two).
  std::chrono::steady_clock::duration shortest_gap() {
    std::scoped_lock lock(mu);
    std::chrono::steady_clock::duration gap = std::chrono::hours(24);
    for (size_t i = 1; i < when.size(); ++i) gap = std::min(gap, when[i] - when[i - 1]);
    return gap;
  }
  std::mutex mu;
  std::vector<std::string> got;
  std::vector<std::chrono::steady_clock::time_point> when;
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
    feeds_.emplace(stack_->deps, stack_->posts, *relationships_, feed_config_);
    notifications_.emplace(stack_->deps, stack_->accounts, stack_->posts, *relationships_);
    conversations_.emplace(stack_->deps, stack_->accounts, stack_->posts);
    feeds_->set_conversations(&*conversations_);
    lists_.emplace(stack_->deps, stack_->accounts, *feeds_);
    hub_.emplace(*observed_, stack_->posts, *notifications_, *conversations_, *lists_);
    hub_->set_large_account_followers(feed_config_.large_account_followers);
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
  FeedConfig feed_config_;
  Account ann_, bob_;
};

TEST_F(Hub, StreamNamesRoundTrip) {
  for (auto name : {"user", "user:notification", "public", "public:media", "public:local",
                    "public:local:media", "public:remote", "public:remote:media", "hashtag",
                    "hashtag:local", "direct", "list", "kindred:status"}) {
    auto parsed = parse_stream_name(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(stream_name(*parsed), name);
  }
  EXPECT_FALSE(parse_stream_name("lists").has_value());
  EXPECT_FALSE(parse_stream_name("").has_value());
  EXPECT_TRUE(stream_needs_tag(StreamName::kHashtagLocal));
  EXPECT_TRUE(stream_is_personal(StreamName::kUserNotification));
  EXPECT_FALSE(stream_is_personal(StreamName::kPublic));
  EXPECT_TRUE(stream_needs_post(StreamName::kKindredStatus));
  EXPECT_FALSE(stream_is_personal(StreamName::kKindredStatus));
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

// A large account's posts are not fanned out: the hub gives them to its followers' user streams.
class HubLarge : public Hub {
 protected:
  HubLarge() { feed_config_.large_account_followers = 0; }  // one follower makes an account large
};

TEST_F(HubLarge, ALargeAccountsPostsReachTheirFollowersUserStreamsOnce) {
  const Account cat = *stack_->accounts.create_account("cat", "Cat", false, false);
  ASSERT_TRUE(relationships_->follow(Viewer{bob_.id}, ann_.id).has_value());
  auto bob = std::make_shared<Recorder>();
  auto catr = std::make_shared<Recorder>();
  hub_->subscribe(bob, Viewer{bob_.id}, StreamKey{StreamName::kUser, ""});
  hub_->subscribe(catr, Viewer{cat.id}, StreamKey{StreamName::kUser, ""});
  const std::string a1 = say(ann_, "to everyone who follows me");
  EXPECT_EQ(bob->got, (std::vector<std::string>{"user update:" + a1}));
  EXPECT_TRUE(catr->got.empty()) << "cat does not follow ann";

  // A reply to someone bob does not follow is not in bob's home timeline.
  NewPost reply;
  reply.text = "@cat thank you";
  reply.in_reply_to_id = *Id::parse(say(cat, "thinking of you"));
  ASSERT_TRUE(stack_->posts.create(ann_, reply).has_value());
  settle();
  EXPECT_EQ(bob->got.size(), 1u);
  auto home = feeds_->home(Viewer{bob_.id}, ListQuery{});
  ASSERT_TRUE(home.has_value());
  ASSERT_EQ(home->items.size(), 1u) << "the stream agrees with the home timeline";
  EXPECT_EQ(home->items[0].post.id.to_string(), a1);
}

// kindred:status: an open post's counts, coalesced to one message per interval.
class HubCounts : public Hub {
 protected:
  void SetUp() override {
    Hub::SetUp();
    live_.emplace(stack_->deps);
    stack_->posts.add_listener(&*live_);
    likes_.emplace(stack_->deps, stack_->posts, stack_->accounts);
    likes_->set_live_counts(&*live_);
    hub_->set_live_counts(&*live_, kInterval);
    for (int i = 0; i < 40; ++i)
      fans_.push_back(*stack_->accounts.create_account("fan" + std::to_string(i), "Fan", false, false));
  }
  void TearDown() override {
    Hub::TearDown();  // the hub first: it reads the live counts
    likes_.reset();
    live_.reset();
  }
  StreamKey counts_of(const std::string& post) {
    return StreamKey{StreamName::kKindredStatus, "", Id(), *Id::parse(post)};
  }
  void like(const Account& who, const std::string& post) {
    auto liked = likes_->favourite(Viewer{who.id}, *Id::parse(post));
    ASSERT_TRUE(liked.has_value()) << liked.error().to_string();
  }
  static constexpr std::chrono::milliseconds kInterval{100};
  std::optional<LiveCounts> live_;
  std::optional<LikeService> likes_;
  std::vector<Account> fans_;
};

TEST_F(HubCounts, ManyLikesAreFewMessagesEndingWithTheExactCount) {
  const std::string post = say(ann_, "One year since Iris.");
  auto bob = std::make_shared<Recorder>();
  hub_->subscribe(bob, Viewer{bob_.id}, counts_of(post));
  ASSERT_TRUE(bob->wait_last("kindred:status counts:0/0/0")) << "the counts soon after subscribing";
  const auto start = std::chrono::steady_clock::now();
  for (const Account& fan : fans_) like(fan, post);
  like(fans_[0], post);  // again: still one like each
  ASSERT_TRUE(bob->wait_last("kindred:status counts:40/0/0"));
  const auto took = std::chrono::steady_clock::now() - start;
  // One message per interval at most (the first may come at once), not one per like.
  const size_t intervals = static_cast<size_t>(took / kInterval) + 2;
  EXPECT_LE(bob->seen().size() - 1, intervals) << "40 likes in " << took / std::chrono::milliseconds(1) << " ms";
  EXPECT_LT(bob->seen().size(), 41u);
  std::this_thread::sleep_for(3 * kInterval);
  EXPECT_EQ(bob->seen().back(), "kindred:status counts:40/0/0") << "nothing more once they stop";
  const size_t before = bob->seen().size();
  std::this_thread::sleep_for(3 * kInterval);
  EXPECT_EQ(bob->seen().size(), before) << "unchanged counts are not sent again";
}

TEST_F(HubCounts, EachReaderGetsAtMostOneMessageAnInterval) {
  const std::string post = say(ann_, "For Iris, a year on");
  std::vector<std::shared_ptr<Recorder>> readers;
  for (int i = 0; i < 12; ++i) {
    readers.push_back(std::make_shared<Recorder>());
    hub_->subscribe(readers.back(), Viewer{fans_[i].id}, counts_of(post));
  }
  for (const Account& fan : fans_) {  // likes for about 0.6 s
    like(fan, post);
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
  }
  for (auto& r : readers) {
    ASSERT_TRUE(r->wait_last("kindred:status counts:40/0/0"));
    EXPECT_GE(r->seen().size(), 3u) << "the counts moved while the likes came";
    // A tick's timer may run a little early or late; never two in one slice's round.
    EXPECT_GE(r->shortest_gap(), kInterval * 8 / 10);
  }
}

TEST_F(HubCounts, RepliesCountAndUnsubscribingStopsThem) {
  const std::string post = say(ann_, "Thank you all");
  auto bob = std::make_shared<Recorder>();
  hub_->subscribe(bob, Viewer{bob_.id}, counts_of(post));
  ASSERT_TRUE(bob->wait_last("kindred:status counts:0/0/0"));
  NewPost reply;
  reply.text = "Holding you close.";
  reply.in_reply_to_id = *Id::parse(post);
  ASSERT_TRUE(stack_->posts.create(bob_, reply).has_value());
  ASSERT_TRUE(bob->wait_last("kindred:status counts:0/0/1"));
  EXPECT_EQ(hub_->subscriptions(bob.get()), 1u);
  EXPECT_EQ(live_->watched(), 1u);
  hub_->unsubscribe(bob.get(), counts_of(post));
  EXPECT_EQ(hub_->subscriptions(bob.get()), 0u);
  EXPECT_EQ(live_->watched(), 0u) << "nobody has it open: likes of it are not even marked";
  const size_t before = bob->seen().size();
  like(fans_[0], post);
  std::this_thread::sleep_for(3 * kInterval);
  EXPECT_EQ(bob->seen().size(), before);
}

TEST_F(HubCounts, AHiddenLikeCountIsTheAuthorsAlone) {
  NewPost p;
  p.text = "Please, no numbers";
  p.hide_favourites_count = true;
  const std::string post = stack_->posts.create(ann_, p)->post.id.to_string();
  auto ann = std::make_shared<Recorder>();
  auto bob = std::make_shared<Recorder>();
  hub_->subscribe(ann, Viewer{ann_.id}, counts_of(post));
  hub_->subscribe(bob, Viewer{bob_.id}, counts_of(post));
  like(fans_[0], post);
  like(fans_[1], post);
  EXPECT_TRUE(ann->wait_last("kindred:status counts:2/0/0"));
  EXPECT_TRUE(bob->wait_last("kindred:status counts:0/0/0 hidden"));
}

TEST_F(HubCounts, ABlockOrADeletionEndsTheStreamWithADelete) {
  const std::string post = say(ann_, "For Iris");
  const std::string other = say(ann_, "And the sea");
  auto bob = std::make_shared<Recorder>();
  auto fan = std::make_shared<Recorder>();
  hub_->subscribe(bob, Viewer{bob_.id}, counts_of(post));
  hub_->subscribe(fan, Viewer{fans_[0].id}, counts_of(post));
  hub_->subscribe(fan, Viewer{fans_[0].id}, counts_of(other));
  ASSERT_TRUE(bob->wait_last("kindred:status counts:0/0/0"));
  ASSERT_TRUE(relationships_->block(Viewer{ann_.id}, bob_.id).has_value());
  ASSERT_TRUE(bob->wait_last("kindred:status delete:" + post));
  EXPECT_EQ(hub_->subscriptions(bob.get()), 0u);
  like(fans_[1], post);
  ASSERT_TRUE(fan->wait_last("kindred:status counts:1/0/0"));
  EXPECT_EQ(bob->seen().back(), "kindred:status delete:" + post) << "nothing after the block";

  ASSERT_TRUE(stack_->posts.remove(Viewer{ann_.id}, *Id::parse(post)).has_value());
  settle();
  ASSERT_TRUE(fan->wait_last("kindred:status delete:" + post));
  EXPECT_EQ(hub_->subscriptions(fan.get()), 1u) << "the other post's stream goes on";
}

}  // namespace
}  // namespace kindred::social
