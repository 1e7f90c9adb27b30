// store::ObservedStore's per-request counts (remember_counts, used over PostgreSQL): inside a
// request a count is read once, unless the request's own write touches its list; outside a
// request, and without the option, every read reaches the store.
#include "store/observed_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "core/request_scope.h"
#include "store/forwarding_store.h"
#include "store/rocksdb/rocksdb_store.h"
#include "support/counting_store.h"
#include "support/temp_dir.h"

namespace kindred::store {
namespace {

using testing::CountingStore;
using testing::TempDir;

class RequestCounts : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_rocksdb_store(StoreOptions{dir_.sub("db"), Durability::kWal});
    ASSERT_TRUE(opened.has_value()) << opened.status().to_string();
    real_ = std::move(*opened);
    counting_.emplace(*real_);
  }
  void like(Id post, Id who) {
    Batch b;
    b.add_assoc({post, AssocType::kFavouritedBy, who, who, {}});
    ASSERT_TRUE(observed().apply(b).has_value());
  }
  ObservedStore& observed() {
    if (!observed_) observed_ = std::make_unique<ObservedStore>(*counting_, /*remember_counts=*/true);
    return *observed_;
  }
  int asked() const { return counting_->lists_counted.load(); }

  TempDir dir_;
  std::unique_ptr<Store> real_;
  std::optional<CountingStore> counting_;
  std::unique_ptr<ObservedStore> observed_;
};

const Id kPost(100), kAuthor(200);

TEST_F(RequestCounts, ARequestReadsEachCountOnce) {
  like(kPost, Id(1));
  const RequestScope request;
  const int before = asked();
  auto first = observed().assoc_counts({{kPost, AssocType::kFavouritedBy}, {kAuthor, AssocType::kBlocks}});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(asked(), before + 2);
  // Again, in another order and mixed with a list not read yet: only that one is asked for.
  auto second = observed().assoc_counts(
      {{kAuthor, AssocType::kBlocks}, {kAuthor, AssocType::kMutes}, {kPost, AssocType::kFavouritedBy}});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(asked(), before + 3);
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 1);
  EXPECT_EQ(asked(), before + 3);
}

TEST_F(RequestCounts, TheRequestsOwnWriteToAListIsSeenAtOnce) {
  const RequestScope request;
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
  EXPECT_EQ(*observed().assoc_count(kAuthor, AssocType::kBlocks), 0);
  like(kPost, Id(1));
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 1);
  // A removal too, and lists the write did not touch are still remembered.
  const int before = asked();
  Batch unlike;
  unlike.remove_assoc(kPost, AssocType::kFavouritedBy, Id(1));
  ASSERT_TRUE(observed().apply(unlike).has_value());
  EXPECT_EQ(*observed().assoc_counts({{kPost, AssocType::kFavouritedBy}, {kAuthor, AssocType::kBlocks}}),
            (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(asked(), before + 1);
}

// A backend that answers a write with its lists' counts after it (PostgreSQL) spares the request
// reading them again.
TEST_F(RequestCounts, CountsAWriteAnsweredAreNotAskedAgain) {
  // Answers every like as if the post then held 41 likes.
  class Answering final : public ForwardingStore {
   public:
    explicit Answering(Store& inner) : ForwardingStore(inner) {}
    Result<BatchOutcome> apply(const Batch& b) override {
      auto outcome = ForwardingStore::apply(b);
      if (outcome.has_value())
        outcome->counts_after.push_back({kPost, AssocType::kFavouritedBy, 41});
      return outcome;
    }
  };
  Answering answering(*counting_);
  ObservedStore observed(answering, /*remember_counts=*/true);
  const RequestScope request;
  Batch b;
  b.add_assoc({kPost, AssocType::kFavouritedBy, Id(1), Id(1), {}});
  ASSERT_TRUE(observed.apply(b).has_value());
  const int before = asked();
  EXPECT_EQ(*observed.assoc_count(kPost, AssocType::kFavouritedBy), 41);
  EXPECT_EQ(asked(), before);
  // Outside the request the store is asked, and says what it holds.
  const RequestScope next;
  EXPECT_EQ(*observed.assoc_count(kPost, AssocType::kFavouritedBy), 1);
  EXPECT_EQ(asked(), before + 1);
}

TEST_F(RequestCounts, AFailedWriteForgetsTheListsItNamed) {
  const RequestScope request;
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
  Batch bad;  // zero ids are refused: nothing is written
  bad.add_assoc({kPost, AssocType::kFavouritedBy, Id(0), Id(1), {}});
  ASSERT_FALSE(observed().apply(bad).has_value());
  const int before = asked();
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
  EXPECT_EQ(asked(), before + 1);
}

TEST_F(RequestCounts, AnotherWritersChangeIsSeenByTheNextRequest) {
  {
    const RequestScope request;
    EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
    // Another node's like, straight to the store.
    Batch b;
    b.add_assoc({kPost, AssocType::kFavouritedBy, Id(5), Id(5), {}});
    ASSERT_TRUE(real_->apply(b).has_value());
    EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0) << "read once per request";
  }
  const RequestScope next;
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 1);
}

TEST_F(RequestCounts, OutsideARequestOrWithoutTheOptionEveryReadReachesTheStore) {
  like(kPost, Id(1));
  int before = asked();
  (void)observed().assoc_count(kPost, AssocType::kFavouritedBy);
  (void)observed().assoc_count(kPost, AssocType::kFavouritedBy);
  EXPECT_EQ(asked(), before + 2);
  ObservedStore plain(*counting_);
  const RequestScope request;
  before = asked();
  (void)plain.assoc_counts({{kPost, AssocType::kFavouritedBy}});
  (void)plain.assoc_counts({{kPost, AssocType::kFavouritedBy}});
  EXPECT_EQ(asked(), before + 2);
}

TEST_F(RequestCounts, EachThreadsRequestIsItsOwn) {
  const RequestScope request;
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
  std::thread other([&] {
    const RequestScope theirs;
    EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
    like(kPost, Id(9));
    EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 1);
  });
  other.join();
  // This request read the count before the other thread's like, and keeps that reading.
  EXPECT_EQ(*observed().assoc_count(kPost, AssocType::kFavouritedBy), 0);
}

// A like's answer says "favourited" without asking: the request's own batch just wrote the edge.
TEST_F(RequestCounts, EdgesTheRequestsOwnBatchWroteAreKnownWithoutAsking) {
  const RequestScope request;
  like(kPost, Id(1));
  const int before = counting_->reads.load();
  EXPECT_TRUE(*observed().assoc_exists(kPost, AssocType::kFavouritedBy, Id(1)));
  // Mixed with edges it did not write: only those are asked about.
  EXPECT_EQ(*observed().assocs_exist(kPost, AssocType::kFavouritedBy, {Id(2), Id(1)}),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(counting_->reads.load(), before + 1);
  // A removal is known too, and so is the last of a batch that adds and removes one edge.
  Batch both;
  both.add_assoc({kPost, AssocType::kFavouritedBy, Id(3), Id(3), {}});
  both.remove_assoc(kPost, AssocType::kFavouritedBy, Id(3));
  both.remove_assoc(kPost, AssocType::kFavouritedBy, Id(1));
  ASSERT_TRUE(observed().apply(both).has_value());
  EXPECT_EQ(*observed().assocs_exist(kPost, AssocType::kFavouritedBy, {Id(1), Id(3)}),
            (std::vector<bool>{false, false}));
  EXPECT_EQ(counting_->reads.load(), before + 1);
}

TEST_F(RequestCounts, EdgesOfAFailedBatchOrAnotherRequestAreAsked) {
  {
    const RequestScope request;
    like(kPost, Id(1));
    // A failed batch naming the edge: it may have landed or not, so it is asked again.
    Batch bad;
    bad.remove_assoc(kPost, AssocType::kFavouritedBy, Id(1));
    bad.add_assoc({kPost, AssocType::kFavouritedBy, Id(0), Id(1), {}});
    ASSERT_FALSE(observed().apply(bad).has_value());
    const int before = counting_->reads.load();
    EXPECT_TRUE(*observed().assoc_exists(kPost, AssocType::kFavouritedBy, Id(1)));
    EXPECT_EQ(counting_->reads.load(), before + 1);
  }
  // The next request asks: another writer may have removed it since.
  Batch theirs;
  theirs.remove_assoc(kPost, AssocType::kFavouritedBy, Id(1));
  ASSERT_TRUE(real_->apply(theirs).has_value());
  const RequestScope next;
  EXPECT_FALSE(*observed().assoc_exists(kPost, AssocType::kFavouritedBy, Id(1)));
}

}  // namespace
}  // namespace kindred::store
