// What the social layer caches (decoded posts, accounts, token grants) never outlives the change
// that invalidates it: deletes, unfavourites and revocations are seen at once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "social/identity/accounts.h"
#include "social/identity/oauth.h"
#include "social/model/record_cache.h"
#include "social/photos/media.h"
#include "social/posts/likes.h"
#include "social/posts/posts.h"
#include "store/fresh_reads.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/social_stack.h"
#include "support/temp_dir.h"

namespace kindred::social {
namespace {

class Caching : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.sub("store");
    auto s = store::open_rocksdb_store(o);
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    store_ = std::move(*s);
    stack_.emplace(*store_, dir_.sub("media"), 1'700'000'000'000);
    posts_ = &stack_->posts;
    likes_.emplace(stack_->deps, *posts_, stack_->accounts);
    oauth_.emplace(stack_->deps);
    ann_ = *stack_->accounts.create_account("ann", "Ann", false, false);
    bob_ = *stack_->accounts.create_account("bob", "Bob", false, false);
  }

  kindred::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<kindred::testing::SocialStack> stack_;
  PostService* posts_ = nullptr;  // stack_'s
  std::optional<LikeService> likes_;
  std::optional<OAuthService> oauth_;
  Account ann_, bob_;
};

TEST_F(Caching, ADeletedPostIsGoneAtOnceThoughItWasCached) {
  NewPost np;
  np.text = "hello";
  auto post = posts_->create(ann_, np);
  ASSERT_TRUE(post.has_value());
  const Id id = post->post.id;
  ASSERT_TRUE(posts_->get(Viewer{bob_.id}, id).has_value());  // now cached
  ASSERT_TRUE(posts_->get_many(Viewer{bob_.id}, {id}).has_value());
  ASSERT_TRUE(posts_->remove(Viewer{ann_.id}, id).has_value());
  EXPECT_TRUE(posts_->get(Viewer{bob_.id}, id).error().is_not_found());
  EXPECT_TRUE(posts_->get_many(Viewer{bob_.id}, {id})->empty());
  EXPECT_TRUE(likes_->favourite(Viewer{bob_.id}, id).error().is_not_found());
}

TEST_F(Caching, UnfavouriteShowsAtOnceInCountsAndFlags) {
  NewPost np;
  np.text = "hello";
  const Id id = posts_->create(ann_, np)->post.id;
  auto liked = likes_->favourite(Viewer{bob_.id}, id);
  ASSERT_TRUE(liked.has_value());
  EXPECT_EQ(liked->favourites_count, 1);
  EXPECT_TRUE(posts_->get(Viewer{bob_.id}, id)->favourited);
  auto unliked = likes_->unfavourite(Viewer{bob_.id}, id);
  ASSERT_TRUE(unliked.has_value());
  EXPECT_EQ(unliked->favourites_count, 0);
  EXPECT_FALSE(unliked->favourited);
  auto seen = posts_->get(Viewer{bob_.id}, id);
  EXPECT_EQ(seen->favourites_count, 0);
  EXPECT_FALSE(seen->favourited);
}

TEST_F(Caching, ARevokedTokenStopsWorkingThoughItWasCached) {
  auto app = oauth_->create_app({"app", "", {"urn:ietf:wg:oauth:2.0:oob"}, "read write"});
  ASSERT_TRUE(app.has_value());
  auto issued = oauth_->issue_token(*app, ann_.id, "read");
  ASSERT_TRUE(issued.has_value());
  ASSERT_TRUE(oauth_->authenticate_token(issued->access_token).has_value());  // now cached
  ASSERT_TRUE(oauth_->revoke(*app, issued->access_token).is_ok());
  EXPECT_EQ(oauth_->authenticate_token(issued->access_token).error().code(),
            StatusCode::kUnauthenticated);
}

TEST(RecordCache, AStaleLoadCannotResurrectATombstone) {
  RecordCache<Id, int> cache(64);
  auto loaded_before_delete = std::make_shared<const int>(1);
  cache.tombstone(Id(7));
  cache.insert_if_absent(Id(7), loaded_before_delete);
  auto found = cache.find(Id(7));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, nullptr);
}

TEST(RecordCache, StaysBoundedAndKeepsTombstonesWhenFull) {
  RecordCache<Id, int> cache(16 * 16);  // 16 per shard
  cache.tombstone(Id(1));
  for (uint64_t i = 2; i < 10'000; ++i) cache.insert_if_absent(Id(i), std::make_shared<const int>(0));
  EXPECT_LE(cache.size_for_test(), 16u * 16u);
  EXPECT_EQ(*cache.find(Id(1)), nullptr);
}

// Under store::FreshReads every cached entry reads as stale, but a tombstone must still neither
// be dropped to make room nor be replaced by a load: a grant loaded before its token was revoked
// would authenticate again.
TEST(RecordCache, ATombstoneSurvivesFreshReadsAndAFullShard) {
  RecordCache<Id, int> cache(16 * 16);
  {
    const store::FreshReads fresh;
    cache.tombstone(Id(1));
    cache.insert_if_absent(Id(1), std::make_shared<const int>(1));
    for (uint64_t i = 2; i < 2'000; ++i)
      cache.insert_if_absent(Id(i), std::make_shared<const int>(0));
    EXPECT_LE(cache.size_for_test(), 16u * 16u);
    EXPECT_FALSE(cache.find(Id(1)).has_value());  // under FreshReads the caller reads the store
  }
  auto found = cache.find(Id(1));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, nullptr);
}

// A working set somewhat larger than the cache, read in turn (100,000 viewers through a cache of
// 65,536 in the read storm), keeps most of its hits: a full shard drops an eighth of itself, not
// everything. Dropping everything answered this pattern with almost no hits.
TEST(RecordCache, AWorkingSetLargerThanTheCacheKeepsMostOfItsHits) {
  RecordCache<Id, int> cache(16 * 64);  // 64 per shard
  constexpr uint64_t kKeys = 1400;      // about 1.4 times the capacity
  int hits = 0;
  for (int round = 0; round < 5; ++round) {
    // Rounds apart in time, as a read storm's viewers come back (a record asked for again within
    // the same moment stays on probation).
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    for (uint64_t i = 1; i <= kKeys; ++i) {
      if (cache.find(Id(i))) {
        if (round == 4) ++hits;
      } else {
        cache.insert_if_absent(Id(i), std::make_shared<const int>(0));
      }
    }
  }
  EXPECT_LE(cache.size_for_test(), 16u * 64u);
  EXPECT_GT(hits, static_cast<int>(kKeys) * 4 / 10) << "hits in the last round: " << hits;
}

// A like storm's new likers are each read once; a read storm's viewers again and again. Records
// read once wait in a small probation part, so however many of them pass, the records asked for
// a second time stay.
TEST(RecordCache, RecordsAskedForOnceDoNotPushOutOnesAskedForAgain) {
  RecordCache<Id, int> cache(16 * 64);  // 64 a shard: 16 on probation, 48 in the main part
  for (uint64_t i = 1; i <= 200; ++i) cache.insert_if_absent(Id(i), std::make_shared<const int>(1));
  for (uint64_t i = 1; i <= 200; ++i) ASSERT_TRUE(cache.find(Id(i)).has_value());  // still waiting
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  // Asked for again later (as by another request): each moves to the main part.
  for (uint64_t i = 1; i <= 200; ++i) ASSERT_TRUE(cache.find(Id(i)).has_value());
  for (uint64_t i = 1'000; i < 101'000; ++i)
    cache.insert_if_absent(Id(i), std::make_shared<const int>(0));
  EXPECT_LE(cache.size_for_test(), 16u * 64u);
  int kept = 0;
  for (uint64_t i = 1; i <= 200; ++i) kept += cache.find(Id(i)).has_value() ? 1 : 0;
  EXPECT_EQ(kept, 200);
  // A record loaded once is found while it waits (and then kept).
  cache.insert_if_absent(Id(200'000), std::make_shared<const int>(7));
  auto found = cache.find(Id(200'000));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(**found, 7);
}

}  // namespace
}  // namespace kindred::social
