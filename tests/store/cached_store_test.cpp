// store::CachedStore: what a node remembers of a store that other nodes write. Two "nodes" here
// are two CachedStores over one real RocksDB store, each with its own Invalidation over one
// LocalSharedState (the process's own publish/subscribe, delivered at once): what one writes, the
// other hears before apply returns, as a node over Redis hears it a moment later.
#include "store/cached_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "core/clock.h"
#include "core/shared_state.h"
#include "store/forwarding_store.h"
#include "store/fresh_reads.h"
#include "store/rocksdb/rocksdb_store.h"
#include "store/store_conformance.h"
#include "support/counting_store.h"
#include "support/temp_dir.h"

namespace kindred::store {
namespace {

using namespace std::chrono_literals;
using testing::CountingStore;
using testing::TempDir;

// A store that runs `during_read` after reading an object and before answering: a write landing
// while a read is on its way back.
class RacingStore final : public ForwardingStore {
 public:
  explicit RacingStore(Store& inner) : ForwardingStore(inner) {}
  std::function<void()> during_read;
  Result<std::string> get_object(ObjectType t, Id id) const override {
    auto got = target().get_object(t, id);
    if (during_read) std::exchange(const_cast<RacingStore*>(this)->during_read, nullptr)();
    return got;
  }
};

// One node: its invalidation (heartbeats on the shared state) and its cache over the store.
struct Node {
  Node(SharedState& shared, Store& store, int expected_nodes, CachedStore::Options options = {})
      : invalidation(&shared), cached(store, invalidation, options) {
    // A generous timeout: a loaded machine (sanitizers, a parallel ctest) must not make a node
    // look quiet where a test counts reads.
    invalidation.start_heartbeats({.expected_nodes = expected_nodes, .period = 10ms, .timeout = 500ms,
                                   .forget = 2000ms});
  }
  Invalidation invalidation;
  CachedStore cached;
};

bool eventually(const std::function<bool()>& holds, std::chrono::milliseconds within = 6000ms) {
  const auto end = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < end) {
    if (holds()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return holds();
}

class CachedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_rocksdb_store(StoreOptions{dir_.sub("db"), Durability::kWal});
    ASSERT_TRUE(opened.has_value()) << opened.status().to_string();
    real_ = std::move(*opened);
    counting_.emplace(*real_);
  }
  // Two nodes that trust their caches once each has heard both.
  void start_two_nodes() {
    a_ = std::make_unique<Node>(shared_, *counting_, 2);
    b_ = std::make_unique<Node>(shared_, *counting_, 2);
    ASSERT_TRUE(eventually([&] { return trusted(*a_) && trusted(*b_); }));
  }
  static bool trusted(const Node& n) { return n.invalidation.trust().trusted; }
  // One node alone, with `options`, trusting its cache.
  std::unique_ptr<Node> start_one_node(CachedStore::Options options) {
    auto one = std::make_unique<Node>(shared_, *counting_, 1, options);
    EXPECT_TRUE(eventually([&] { return trusted(*one); }));
    return one;
  }
  int reads() const { return counting_->reads.load() + counting_->count_reads.load(); }
  void apply(Store& through, const Batch& b) { ASSERT_TRUE(through.apply(b).has_value()); }

  TempDir dir_;
  SystemClock clock_;
  LocalSharedState shared_{clock_};
  std::unique_ptr<Store> real_;
  std::optional<CountingStore> counting_;
  std::unique_ptr<Node> a_, b_;
};

const Id kPost(100), kAlice(200), kBob(300), kToken(400);

Batch seed() {
  Batch b;
  b.put_object(ObjectType::kStatus, kPost, "post v1");
  b.claim_key(KeyspaceType::kTokenHash, "hash", kToken);
  b.put_object(ObjectType::kToken, kToken, "token v1");
  b.add_assoc({kPost, AssocType::kFavouritedBy, kAlice, kAlice, {}});
  return b;
}

TEST_F(CachedStoreTest, ARepeatedReadIsAnsweredFromMemory) {
  start_two_nodes();
  apply(a_->cached, seed());
  CachedStore& b = b_->cached;
  const auto read_all = [&] {
    EXPECT_EQ(b.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
    auto many = b.get_objects(ObjectType::kStatus, {kPost, Id(999)});
    ASSERT_TRUE(many.has_value());
    EXPECT_EQ((*many)[0].value_or(""), "post v1");
    EXPECT_FALSE((*many)[1].has_value());
    EXPECT_EQ(b.lookup_key(KeyspaceType::kTokenHash, "hash").value_or(Id()), kToken);
    EXPECT_EQ(b.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
    EXPECT_EQ(b.assocs_exist(kPost, AssocType::kFavouritedBy, {kAlice, kBob}).value_or(std::vector<bool>{}),
              (std::vector<bool>{true, false}));
    auto keyed = b.get_keyed_object(KeyspaceType::kTokenHash, "hash", ObjectType::kToken);
    ASSERT_TRUE(keyed.has_value());
    EXPECT_EQ(keyed->id, kToken);
    EXPECT_EQ(keyed->bytes, "token v1");
  };
  const int before = reads();
  read_all();
  EXPECT_EQ(reads() - before, 6);
  // Again and again: nothing reaches the store, the absent object included.
  read_all();
  read_all();
  EXPECT_EQ(reads() - before, 6);
  EXPECT_GT(b.stats().hits, 0u);
}

TEST_F(CachedStoreTest, AWriteOnOneNodeIsSeenOnTheOtherAtOnce) {
  start_two_nodes();
  apply(a_->cached, seed());
  CachedStore& b = b_->cached;
  ASSERT_EQ(b.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  ASSERT_EQ(b.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
  ASSERT_EQ(b.assoc_exists(kPost, AssocType::kFavouritedBy, kBob).value_or(true), false);
  ASSERT_EQ(b.lookup_key(KeyspaceType::kTokenHash, "hash").value_or(Id()), kToken);

  Batch change;
  change.put_object(ObjectType::kStatus, kPost, "post v2");
  change.add_assoc({kPost, AssocType::kFavouritedBy, kBob, kBob, {}});
  change.release_key(KeyspaceType::kTokenHash, "hash");
  apply(a_->cached, change);

  EXPECT_EQ(b.get_object(ObjectType::kStatus, kPost).value_or(""), "post v2");
  EXPECT_EQ(b.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 2);
  EXPECT_EQ(b.assoc_exists(kPost, AssocType::kFavouritedBy, kBob).value_or(false), true);
  EXPECT_TRUE(b.lookup_key(KeyspaceType::kTokenHash, "hash").status().is_not_found());

  // And a delete, which leaves nothing to answer from.
  Batch gone;
  gone.delete_object(ObjectType::kStatus, kPost);
  gone.remove_assoc(kPost, AssocType::kFavouritedBy, kAlice);
  apply(a_->cached, gone);
  EXPECT_TRUE(b.get_object(ObjectType::kStatus, kPost).status().is_not_found());
  EXPECT_EQ(b.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
}

TEST_F(CachedStoreTest, AnAbsentObjectIsRememberedUntilSomeNodeCreatesIt) {
  start_two_nodes();
  CachedStore& b = b_->cached;
  const int before = reads();
  EXPECT_TRUE(b.get_object(ObjectType::kNotificationPolicy, kAlice).status().is_not_found());
  EXPECT_TRUE(b.get_object(ObjectType::kNotificationPolicy, kAlice).status().is_not_found());
  auto many = b.get_objects(ObjectType::kNotificationPolicy, {kAlice, kBob});
  ASSERT_TRUE(many.has_value());
  EXPECT_FALSE((*many)[0].has_value());
  EXPECT_FALSE((*many)[1].has_value());
  // Kept by get_objects too: Bob's absence costs nothing the second time.
  EXPECT_TRUE(b.get_object(ObjectType::kNotificationPolicy, kBob).status().is_not_found());
  EXPECT_EQ(reads() - before, 2);

  Batch create;
  create.put_object(ObjectType::kNotificationPolicy, kAlice, "alice's policy");
  create.put_object(ObjectType::kNotificationPolicy, kBob, "bob's policy");
  apply(a_->cached, create);
  EXPECT_EQ(b.get_object(ObjectType::kNotificationPolicy, kAlice).value_or(""), "alice's policy");
  many = b.get_objects(ObjectType::kNotificationPolicy, {kAlice, kBob});
  ASSERT_TRUE(many.has_value());
  EXPECT_EQ((*many)[1].value_or(""), "bob's policy");

  // And absent again once deleted, on the node that deleted it and on the other.
  Batch gone;
  gone.delete_object(ObjectType::kNotificationPolicy, kAlice);
  apply(b, gone);
  EXPECT_TRUE(
      a_->cached.get_object(ObjectType::kNotificationPolicy, kAlice).status().is_not_found());
  EXPECT_TRUE(b.get_object(ObjectType::kNotificationPolicy, kAlice).status().is_not_found());
  // An absent key is not remembered (guessed tokens must not crowd out real ones).
  const int keys_before = reads();
  EXPECT_TRUE(b.lookup_key(KeyspaceType::kTokenHash, "guess").status().is_not_found());
  EXPECT_TRUE(b.lookup_key(KeyspaceType::kTokenHash, "guess").status().is_not_found());
  EXPECT_EQ(reads() - keys_before, 2);
}

TEST_F(CachedStoreTest, AListsNewestEdgeIsRememberedUntilTheListChanges) {
  start_two_nodes();
  Batch posts;
  posts.add_assoc({kAlice, AssocType::kAuthored, Id(1001), Id(1001), {}});
  posts.add_assoc({kAlice, AssocType::kAuthored, Id(1002), Id(1002), {}});
  apply(a_->cached, posts);
  CachedStore& b = b_->cached;
  RangeQuery newest;
  newest.limit = 1;
  const auto newest_of = [&](Id from) {
    auto page = b.assoc_range(from, AssocType::kAuthored, newest);
    EXPECT_TRUE(page.has_value());
    if (!page.has_value() || page->items.empty()) return std::pair<Id, bool>{Id(), false};
    return std::pair<Id, bool>{page->items[0].to, page->more};
  };
  const int before = reads();
  EXPECT_EQ(newest_of(kAlice), (std::pair<Id, bool>{Id(1002), true}));
  EXPECT_EQ(newest_of(kAlice), (std::pair<Id, bool>{Id(1002), true}));
  EXPECT_EQ(newest_of(kBob), (std::pair<Id, bool>{Id(), false}));  // an empty list, remembered too
  EXPECT_EQ(newest_of(kBob), (std::pair<Id, bool>{Id(), false}));
  EXPECT_EQ(reads() - before, 2);
  // Other ranges always go to the store.
  RangeQuery two;
  two.limit = 2;
  RangeQuery older;
  older.limit = 1;
  older.max_position = Id(1002);
  RangeQuery oldest;
  oldest.limit = 1;
  oldest.oldest_first = true;
  for (const RangeQuery& q : {two, older, oldest}) {
    ASSERT_TRUE(b.assoc_range(kAlice, AssocType::kAuthored, q).has_value());
    ASSERT_TRUE(b.assoc_range(kAlice, AssocType::kAuthored, q).has_value());
  }
  EXPECT_EQ(reads() - before, 8);

  // A new post on the other node, then its deletion: seen at once.
  Batch post;
  post.add_assoc({kAlice, AssocType::kAuthored, Id(1003), Id(1003), {}});
  apply(a_->cached, post);
  EXPECT_EQ(newest_of(kAlice).first, Id(1003));
  Batch removed;
  removed.remove_assoc(kAlice, AssocType::kAuthored, Id(1003));
  apply(a_->cached, removed);
  EXPECT_EQ(newest_of(kAlice).first, Id(1002));
  Batch first;
  first.add_assoc({kBob, AssocType::kAuthored, Id(1004), Id(1004), {}});
  apply(a_->cached, first);
  EXPECT_EQ(newest_of(kBob), (std::pair<Id, bool>{Id(1004), false}));
  // A count read does not lose the newest edge, nor the other way round.
  const int counted = reads();
  EXPECT_EQ(b.assoc_count(kAlice, AssocType::kAuthored).value_or(-1), 2);
  EXPECT_EQ(newest_of(kAlice).first, Id(1002));
  EXPECT_EQ(b.assoc_count(kAlice, AssocType::kAuthored).value_or(-1), 2);
  EXPECT_EQ(reads() - counted, 1);
}

TEST_F(CachedStoreTest, AReadThatRacedAWriteKeepsNothing) {
  RacingStore racing(*counting_);
  Node a(shared_, *counting_, 2);
  Node b(shared_, racing, 2);
  ASSERT_TRUE(eventually([&] { return trusted(a) && trusted(b); }));
  apply(a.cached, seed());
  // B reads v1; before its answer comes back, A writes v2 and B hears of it.
  racing.during_read = [&] {
    Batch v2;
    v2.put_object(ObjectType::kStatus, kPost, "post v2");
    apply(a.cached, v2);
  };
  EXPECT_EQ(b.cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  // What it read was not kept: the next read sees v2 (and keeps it).
  EXPECT_EQ(b.cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v2");
  EXPECT_EQ(b.cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v2");
}

TEST_F(CachedStoreTest, UntilEveryNodeIsHeardEveryReadGoesToTheStore) {
  // Expecting two nodes, hearing one: never trusted.
  Node alone(shared_, *counting_, 2);
  apply(alone.cached, seed());
  std::this_thread::sleep_for(600ms);  // more than the timeout: it would have trusted by now
  EXPECT_FALSE(trusted(alone));
  const int before = reads();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(alone.cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
    ASSERT_EQ(alone.cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
  }
  EXPECT_EQ(reads() - before, 6);
  EXPECT_EQ(alone.cached.stats().hits, 0u);
}

TEST_F(CachedStoreTest, ANodeGoingQuietStopsTheOtherTrustingAndWhatItKeptIsDropped) {
  start_two_nodes();
  apply(a_->cached, seed());
  ASSERT_EQ(a_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
  // B stops (its heartbeats end). A write made meanwhile without telling anyone (as a node cut
  // off from Redis would) must not be hidden by what A kept.
  b_.reset();
  Batch unheard;
  unheard.add_assoc({kPost, AssocType::kFavouritedBy, kBob, kBob, {}});
  ASSERT_TRUE(real_->apply(unheard).has_value());
  ASSERT_TRUE(eventually([&] { return !trusted(*a_); }, 3000ms));
  EXPECT_EQ(a_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 2);
  // A node comes back (a new one): trust returns, and nothing from before is answered from.
  Batch unheard_again;
  unheard_again.add_assoc({kPost, AssocType::kFavouritedBy, Id(500), Id(500), {}});
  b_ = std::make_unique<Node>(shared_, *counting_, 2);
  ASSERT_TRUE(eventually([&] { return trusted(*a_); }));
  ASSERT_TRUE(real_->apply(unheard_again).has_value());
  EXPECT_EQ(a_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 3);
}

TEST_F(CachedStoreTest, FreshReadsAlwaysReachTheStore) {
  start_two_nodes();
  apply(a_->cached, seed());
  ASSERT_EQ(b_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
  const int before = reads();
  {
    const FreshReads fresh;
    ASSERT_EQ(b_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
    ASSERT_EQ(b_->cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
    ASSERT_EQ(b_->cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  }
  EXPECT_EQ(reads() - before, 3);
  // Nothing read fresh was kept either: the object is read once more, then remembered.
  ASSERT_EQ(b_->cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  ASSERT_EQ(b_->cached.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  EXPECT_EQ(reads() - before, 4);
}

TEST_F(CachedStoreTest, EntriesAgeOutWhateverHappens) {
  // An admin command writing the database directly tells no node: the age bound limits that.
  Invalidation inv(&shared_);
  inv.start_heartbeats({.expected_nodes = 1, .period = 10ms, .timeout = 500ms, .forget = 2000ms});
  CachedStore::Options o;
  o.max_age_ms = 200;
  CachedStore node(*counting_, inv, o);
  ASSERT_TRUE(eventually([&] { return inv.trust().trusted; }));
  apply(node, seed());
  ASSERT_EQ(node.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
  Batch direct;
  direct.add_assoc({kPost, AssocType::kFavouritedBy, kBob, kBob, {}});
  ASSERT_TRUE(real_->apply(direct).has_value());
  EXPECT_EQ(node.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1) << "remembered";
  EXPECT_TRUE(eventually([&] { return node.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1) == 2; },
                         1000ms));
}

TEST_F(CachedStoreTest, BoundedMemory) {
  CachedStore::Options o;
  o.max_lists = 1024;  // 4 per shard
  auto one = start_one_node(o);
  CachedStore& node = one->cached;
  for (uint64_t i = 1; i <= 5000; ++i) ASSERT_TRUE(node.assoc_count(Id(i), AssocType::kFavouritedBy).has_value());
  const int before = reads();
  for (uint64_t i = 1; i <= 5000; ++i) ASSERT_TRUE(node.assoc_count(Id(i), AssocType::kFavouritedBy).has_value());
  EXPECT_GT(reads() - before, 5000 - 1024) << "at most 1,024 lists are remembered";
}

TEST_F(CachedStoreTest, GuessedIdsDoNotCrowdOutObjectsRead) {
  CachedStore::Options o;
  o.max_absent_objects = 1024;  // 4 per shard
  auto one = start_one_node(o);
  CachedStore& node = one->cached;
  apply(node, seed());
  ASSERT_EQ(node.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  for (uint64_t i = 1; i <= 5000; ++i) {
    ASSERT_TRUE(node.get_object(ObjectType::kStatus, Id(1'000'000 + i)).status().is_not_found());
  }
  const int before = reads();
  EXPECT_EQ(node.get_object(ObjectType::kStatus, kPost).value_or(""), "post v1");
  EXPECT_EQ(reads() - before, 0) << "the object read is still remembered";
  for (uint64_t i = 1; i <= 5000; ++i) {
    ASSERT_TRUE(node.get_object(ObjectType::kStatus, Id(1'000'000 + i)).status().is_not_found());
  }
  EXPECT_GT(reads() - before, 5000 - 1024) << "at most 1,024 absences are remembered";
}

// Whether a read may be risked on a thread that must not wait long (the server's network
// threads): not within a second of a read that was slow or failed. Not found is an answer.
TEST_F(CachedStoreTest, ASlowOrFailedReadIsRememberedForASecond) {
  RacingStore racing(*counting_);
  Node node(shared_, racing, 1);
  EXPECT_TRUE(node.cached.answering_quickly());
  EXPECT_TRUE(node.cached.get_object(ObjectType::kStatus, Id(12345)).status().is_not_found());
  EXPECT_TRUE(node.cached.assoc_range(kPost, AssocType::kFavouritedBy, {}).has_value());
  EXPECT_TRUE(node.cached.answering_quickly());
  racing.during_read = [] { std::this_thread::sleep_for(60ms); };
  (void)node.cached.get_object(ObjectType::kStatus, Id(12345));
  EXPECT_FALSE(node.cached.answering_quickly());
  EXPECT_TRUE(eventually([&] { return node.cached.answering_quickly(); }, 2000ms));
  // A store that fails: closed under the cache.
  ASSERT_TRUE(real_->close().is_ok());
  EXPECT_EQ(node.cached.assoc_range(kPost, AssocType::kFavouritedBy, {}).status().code(),
            StatusCode::kUnavailable);
  EXPECT_FALSE(node.cached.answering_quickly());
}

TEST(CachedStoreMessage, NamesWhatABatchTouchedOnceEach) {
  Batch b;
  b.put_object(ObjectType::kStatus, Id(1), "x");
  b.delete_object(ObjectType::kStatus, Id(1));
  b.add_assoc({Id(7), AssocType::kFavouritedBy, Id(8), Id(8), {}});
  b.add_assoc({Id(7), AssocType::kFavouritedBy, Id(9), Id(9), {}});
  b.remove_assoc(Id(8), AssocType::kFavourites, Id(7));
  b.claim_key(KeyspaceType::kTokenHash, std::string("k\0\n", 3), Id(5));
  auto touched = CachedStore::touched_by(b);
  auto decoded = CachedStore::decode(CachedStore::encode(touched));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->objects, (std::vector<std::pair<ObjectType, Id>>{{ObjectType::kStatus, Id(1)}}));
  EXPECT_EQ(decoded->lists, (std::vector<std::pair<Id, AssocType>>{{Id(7), AssocType::kFavouritedBy},
                                                                  {Id(8), AssocType::kFavourites}}));
  EXPECT_EQ(decoded->keys,
            (std::vector<std::pair<KeyspaceType, std::string>>{{KeyspaceType::kTokenHash, std::string("k\0\n", 3)}}));
  for (std::string_view bad : {std::string_view("x"), std::string_view("o\x01"), std::string_view("k\x03\xff\xff\xff\x7f")}) {
    EXPECT_EQ(CachedStore::decode(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(CachedStoreTest, AnUnreadableMessageDropsEverything) {
  start_two_nodes();
  apply(a_->cached, seed());
  ASSERT_EQ(b_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 1);
  Batch direct;
  direct.add_assoc({kPost, AssocType::kFavouritedBy, kBob, kBob, {}});
  ASSERT_TRUE(real_->apply(direct).has_value());
  ASSERT_TRUE(a_->invalidation.publish(CachedStore::kInvalidationKind, "garbage").is_ok());
  EXPECT_EQ(b_->cached.assoc_count(kPost, AssocType::kFavouritedBy).value_or(-1), 2);
}

}  // namespace
}  // namespace kindred::store

// The conformance suite through a cache that trusts itself (one node, heard): every answer the
// suite checks comes through CachedStore's memory wherever it has one.
namespace {

using namespace std::chrono_literals;
using kindred::Id;
using kindred::Result;
using kindred::Status;
namespace ks = kindred::store;

class CachedOverRocksDb final : public ks::ForwardingStore {
 public:
  explicit CachedOverRocksDb(std::unique_ptr<ks::Store> inner)
      : ForwardingStore(cached_), inner_(std::move(inner)), invalidation_(&shared_), cached_(*inner_, invalidation_) {
    invalidation_.start_heartbeats({.expected_nodes = 1, .period = 10ms, .timeout = 1000ms});
  }
  bool wait_trusted() {
    for (int i = 0; i < 300 && !invalidation_.trust().trusted; ++i) std::this_thread::sleep_for(10ms);
    return invalidation_.trust().trusted;
  }

 private:
  std::unique_ptr<ks::Store> inner_;
  kindred::SystemClock clock_;
  kindred::LocalSharedState shared_{clock_};
  kindred::Invalidation invalidation_;
  ks::CachedStore cached_;
};

class CachedRocksDbHarness final : public kindred::testing::StoreHarness {
 public:
  Result<std::unique_ptr<ks::Store>> open() override {
    KINDRED_ASSIGN_OR_RETURN(auto inner,
                             ks::open_rocksdb_store(ks::StoreOptions{dir_.sub("db"), ks::Durability::kWal}));
    auto cached = std::make_unique<CachedOverRocksDb>(std::move(inner));
    if (!cached->wait_trusted()) return Status::internal("the cache never trusted itself");
    return std::unique_ptr<ks::Store>(std::move(cached));
  }

 private:
  kindred::testing::TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Cached, Store,
                         ::testing::Values(kindred::testing::StoreBackend{
                             "CachedRocksDb", [] { return std::make_unique<CachedRocksDbHarness>(); }}),
                         kindred::testing::backend_name);

}  // namespace
