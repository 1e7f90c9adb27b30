// The store conformance suite: behaviour every Store backend must share. Backends instantiate it
// (see store_conformance.h); rocksdb_store_test.cpp does so for RocksDB.

#include "store/store_conformance.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using kindred::Id;
using kindred::Result;
using kindred::StatusCode;
using kindred::store::Assoc;
using kindred::store::AssocType;
using kindred::store::Batch;
using kindred::store::BatchOutcome;
using kindred::store::KeyspaceType;
using kindred::store::ObjectType;
using kindred::store::RangePage;
using kindred::store::RangeQuery;

// A like's lists, as far as counts go. A liker's likes and the notifications keep no count
// (store::is_counted), so counted lists of the same shapes stand in for them where a test counts.
constexpr AssocType kLikedBy = AssocType::kFavouritedBy;
constexpr AssocType kLikes = AssocType::kBookmarks;
constexpr AssocType kNotices = AssocType::kRequestNotifications;
constexpr AssocType kNoticesSent = AssocType::kHeldComments;

// "OK" or the error text, so a failed expectation says why.
template <class T>
std::string status_of(const Result<T>& r) {
  return r.status().to_string();
}

// The page as "(to@position)(to@position:data)", then " more" if more lies beyond.
std::string walk(const RangePage& page) {
  std::string out;
  for (const Assoc& a : page.items) {
    out += "(" + a.to.to_string() + "@" + a.position.to_string();
    if (!a.data.empty()) out += ":" + a.data;
    out += ")";
  }
  if (page.more) out += " more";
  return out;
}

Assoc edge(uint64_t from, AssocType type, uint64_t to, uint64_t position, std::string data = "") {
  return Assoc{Id(from), type, Id(to), Id(position), std::move(data)};
}

Batch adding(std::vector<Assoc> assocs) {
  Batch b;
  for (auto& a : assocs) b.add_assoc(std::move(a));
  return b;
}

RangeQuery newest(size_t limit, uint64_t max = 0, uint64_t min = 0) {
  RangeQuery q;
  q.limit = limit;
  q.max_position = Id(max);
  q.min_position = Id(min);
  return q;
}

RangeQuery oldest(size_t limit, uint64_t min = 0, uint64_t max = 0) {
  RangeQuery q = newest(limit, max, min);
  q.oldest_first = true;
  return q;
}

// ---- Objects ----

TEST_P(Store, PutObjectCanBeReadBack) {
  Batch b;
  b.put_object(ObjectType::kStatus, Id(7), "hello");
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  auto got = store().get_object(ObjectType::kStatus, Id(7));
  ASSERT_EQ(status_of(got), "OK");
  EXPECT_EQ(*got, "hello");
}

TEST_P(Store, PuttingAnObjectAgainReplacesItsBytes) {
  Batch first, second;
  first.put_object(ObjectType::kStatus, Id(7), "one");
  second.put_object(ObjectType::kStatus, Id(7), "two");
  ASSERT_EQ(status_of(store().apply(first)), "OK");
  ASSERT_EQ(status_of(store().apply(second)), "OK");
  EXPECT_EQ(*store().get_object(ObjectType::kStatus, Id(7)), "two");
}

TEST_P(Store, MissingObjectIsNotFound) {
  EXPECT_EQ(store().get_object(ObjectType::kStatus, Id(7)).status().code(), StatusCode::kNotFound);
}

TEST_P(Store, ObjectTypesAreSeparateIdSpaces) {
  Batch b;
  b.put_object(ObjectType::kStatus, Id(7), "status");
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  EXPECT_EQ(store().get_object(ObjectType::kAccount, Id(7)).status().code(), StatusCode::kNotFound);
}

TEST_P(Store, DeletedObjectIsNotFound) {
  Batch put, del;
  put.put_object(ObjectType::kAccount, Id(3), "alice");
  del.delete_object(ObjectType::kAccount, Id(3));
  ASSERT_EQ(status_of(store().apply(put)), "OK");
  ASSERT_EQ(status_of(store().apply(del)), "OK");
  EXPECT_EQ(store().get_object(ObjectType::kAccount, Id(3)).status().code(), StatusCode::kNotFound);
}

TEST_P(Store, DeletingAMissingObjectIsNotAnError) {
  Batch del;
  del.delete_object(ObjectType::kAccount, Id(3));
  EXPECT_EQ(status_of(store().apply(del)), "OK");
}

TEST_P(Store, PutThenDeleteInOneBatchLeavesTheObjectDeleted) {
  Batch b;
  b.put_object(ObjectType::kAccount, Id(3), "alice");
  b.delete_object(ObjectType::kAccount, Id(3));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  EXPECT_EQ(store().get_object(ObjectType::kAccount, Id(3)).status().code(), StatusCode::kNotFound);
}

TEST_P(Store, GetObjectsAnswersOneSlotPerIdInOrder) {
  Batch b;
  b.put_object(ObjectType::kStatus, Id(1), "one");
  b.put_object(ObjectType::kStatus, Id(3), "three");
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  auto got = store().get_objects(ObjectType::kStatus, {Id(3), Id(2), Id(1), Id(3)});
  ASSERT_EQ(status_of(got), "OK");
  using Slot = std::optional<std::string>;
  EXPECT_EQ(*got, (std::vector<Slot>{"three", std::nullopt, "one", "three"}));
  auto none = store().get_objects(ObjectType::kStatus, {});
  ASSERT_EQ(status_of(none), "OK");
  EXPECT_TRUE(none->empty());
}

TEST_P(Store, MaxObjectIdIsTheLargestIdOfThatTypeOrNone) {
  EXPECT_EQ(*store().max_object_id(ObjectType::kStatus), Id());
  Batch b;
  b.put_object(ObjectType::kStatus, Id(5), "");
  b.put_object(ObjectType::kStatus, Id(900), "");
  b.put_object(ObjectType::kStatus, Id(40), "");
  b.put_object(ObjectType::kToken, Id(~uint64_t{0}), "");
  b.put_object(ObjectType::kAccount, Id(1000), "");
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  EXPECT_EQ(*store().max_object_id(ObjectType::kStatus), Id(900));
  EXPECT_EQ(*store().max_object_id(ObjectType::kAccount), Id(1000));
  EXPECT_EQ(*store().max_object_id(ObjectType::kToken), Id(~uint64_t{0}));
  EXPECT_EQ(*store().max_object_id(ObjectType::kApp), Id());
}

TEST_P(Store, ZeroIdsAreRejectedAndNothingIsApplied) {
  Batch zero_object;
  zero_object.put_object(ObjectType::kStatus, Id(), "x");
  Batch zero_from = adding({edge(0, kLikedBy, 2, 10)});
  Batch zero_to = adding({edge(1, kLikedBy, 0, 10)});
  Batch zero_claim;
  zero_claim.claim_key(KeyspaceType::kUsername, "alice", Id());
  for (Batch* b : {&zero_object, &zero_from, &zero_to, &zero_claim}) {
    b->put_object(ObjectType::kAccount, Id(99), "must not appear");
    EXPECT_EQ(store().apply(*b).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(store().get_object(ObjectType::kAccount, Id(99)).status().code(),
            StatusCode::kNotFound);
}

TEST_P(Store, EmptyBatchChangesNothing) {
  auto outcome = store().apply(Batch{});
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_TRUE(outcome->assoc_added.empty());
  EXPECT_TRUE(outcome->assoc_removed.empty());
}

// ---- Keys ----

TEST_P(Store, ClaimedKeyLooksUpToItsId) {
  Batch b;
  b.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  auto got = store().lookup_key(KeyspaceType::kUsername, "alice");
  ASSERT_EQ(status_of(got), "OK");
  EXPECT_EQ(*got, Id(3));
}

TEST_P(Store, UnknownKeyIsNotFound) {
  EXPECT_EQ(store().lookup_key(KeyspaceType::kUsername, "nobody").status().code(),
            StatusCode::kNotFound);
}

TEST_P(Store, KeysInDifferentSpacesAreIndependent) {
  Batch b;
  b.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  b.claim_key(KeyspaceType::kEmail, "alice", Id(4));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(3));
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kEmail, "alice"), Id(4));
  EXPECT_EQ(store().lookup_key(KeyspaceType::kTokenHash, "alice").status().code(),
            StatusCode::kNotFound);
}

// The key and the object it names, read together: a token's hash to its record.
TEST_P(Store, KeyedObjectIsTheObjectItsKeyNamesOfThatTypeOnly) {
  Batch b;
  b.claim_key(KeyspaceType::kTokenHash, std::string("h\0sh", 4), Id(7));
  b.put_object(ObjectType::kToken, Id(7), std::string("tok\0en", 6));
  b.put_object(ObjectType::kAccount, Id(8), "account eight");
  b.claim_key(KeyspaceType::kSessionHash, "s", Id(8));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  auto got = store().get_keyed_object(KeyspaceType::kTokenHash, std::string("h\0sh", 4), ObjectType::kToken);
  ASSERT_EQ(status_of(got), "OK");
  EXPECT_EQ(got->id, Id(7));
  EXPECT_EQ(got->bytes, std::string("tok\0en", 6));
  // An unknown key, a key in another space, and a key whose id holds no object of the type.
  EXPECT_EQ(store().get_keyed_object(KeyspaceType::kTokenHash, "nope", ObjectType::kToken).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store().get_keyed_object(KeyspaceType::kSessionHash, std::string("h\0sh", 4), ObjectType::kToken)
                .status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store().get_keyed_object(KeyspaceType::kSessionHash, "s", ObjectType::kWebSession).status().code(),
            StatusCode::kNotFound);
  auto eight = store().get_keyed_object(KeyspaceType::kSessionHash, "s", ObjectType::kAccount);
  ASSERT_EQ(status_of(eight), "OK");
  EXPECT_EQ(eight->id, Id(8));
  EXPECT_EQ(eight->bytes, "account eight");
  // The object gone (the key still claimed): not found; the key released: not found.
  Batch gone;
  gone.delete_object(ObjectType::kToken, Id(7));
  ASSERT_EQ(status_of(store().apply(gone)), "OK");
  EXPECT_EQ(store().get_keyed_object(KeyspaceType::kTokenHash, std::string("h\0sh", 4), ObjectType::kToken)
                .status().code(),
            StatusCode::kNotFound);
  Batch released;
  released.release_key(KeyspaceType::kSessionHash, "s");
  ASSERT_EQ(status_of(store().apply(released)), "OK");
  EXPECT_EQ(store().get_keyed_object(KeyspaceType::kSessionHash, "s", ObjectType::kAccount).status().code(),
            StatusCode::kNotFound);
}

TEST_P(Store, ClaimingAKeyHeldByAnotherIdConflictsAndAppliesNothing) {
  Batch first;
  first.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  ASSERT_EQ(status_of(store().apply(first)), "OK");

  Batch second;
  second.put_object(ObjectType::kAccount, Id(4), "impostor");
  second.add_assoc(edge(4, kLikes, 50, 100));
  second.claim_key(KeyspaceType::kEmail, "bob@example.com", Id(4));
  second.claim_key(KeyspaceType::kUsername, "alice", Id(4));
  EXPECT_EQ(store().apply(second).status().code(), StatusCode::kConflict);

  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(3));
  EXPECT_EQ(store().lookup_key(KeyspaceType::kEmail, "bob@example.com").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store().get_object(ObjectType::kAccount, Id(4)).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*store().assoc_exists(Id(4), kLikes, Id(50)));
  EXPECT_EQ(*store().assoc_count(Id(4), kLikes), 0);
}

TEST_P(Store, ClaimingAKeyAgainWithTheSameIdSucceeds) {
  Batch b;
  b.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  EXPECT_EQ(status_of(store().apply(b)), "OK");
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(3));
}

TEST_P(Store, TwoClaimsOfOneKeyForDifferentIdsInOneBatchConflict) {
  Batch b;
  b.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  b.claim_key(KeyspaceType::kUsername, "alice", Id(4));
  EXPECT_EQ(store().apply(b).status().code(), StatusCode::kConflict);
  EXPECT_EQ(store().lookup_key(KeyspaceType::kUsername, "alice").status().code(),
            StatusCode::kNotFound);
}

TEST_P(Store, ReleasedKeyCanBeClaimedByAnotherId) {
  Batch claim, release, reclaim;
  claim.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  release.release_key(KeyspaceType::kUsername, "alice");
  reclaim.claim_key(KeyspaceType::kUsername, "alice", Id(4));
  ASSERT_EQ(status_of(store().apply(claim)), "OK");
  ASSERT_EQ(status_of(store().apply(release)), "OK");
  EXPECT_EQ(store().lookup_key(KeyspaceType::kUsername, "alice").status().code(),
            StatusCode::kNotFound);
  ASSERT_EQ(status_of(store().apply(reclaim)), "OK");
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(4));
}

TEST_P(Store, ReleasingAndClaimingAKeyInOneBatchHandsItOver) {
  Batch claim, handover;
  claim.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  handover.claim_key(KeyspaceType::kUsername, "alice", Id(4));
  handover.release_key(KeyspaceType::kUsername, "alice");
  ASSERT_EQ(status_of(store().apply(claim)), "OK");
  ASSERT_EQ(status_of(store().apply(handover)), "OK");
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(4));
}

TEST_P(Store, OnlyOneOfManyConcurrentClaimsOfAKeyWins) {
  constexpr int kThreads = 8;
  std::atomic<int> wins{0}, conflicts{0}, others{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Batch b;
      b.claim_key(KeyspaceType::kUsername, "popular", Id(100 + t));
      auto r = store().apply(b);
      if (r.has_value()) {
        ++wins;
      } else if (r.error().is_conflict()) {
        ++conflicts;
      } else {
        ++others;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(others.load(), 0);
}

// ---- Associations ----

TEST_P(Store, AddedEdgeCanBeReadBackWithPositionAndData) {
  auto outcome = store().apply(adding({edge(1, kLikedBy, 2, 10, "via web")}));
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_added, std::vector<bool>{true});
  auto got = store().get_assoc(Id(1), kLikedBy, Id(2));
  ASSERT_EQ(status_of(got), "OK");
  EXPECT_EQ(got->from, Id(1));
  EXPECT_EQ(got->type, kLikedBy);
  EXPECT_EQ(got->to, Id(2));
  EXPECT_EQ(got->position, Id(10));
  EXPECT_EQ(got->data, "via web");
  EXPECT_TRUE(*store().assoc_exists(Id(1), kLikedBy, Id(2)));
}

TEST_P(Store, MissingEdgeIsNotFoundAndDoesNotExist) {
  EXPECT_EQ(store().get_assoc(Id(1), kLikedBy, Id(2)).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*store().assoc_exists(Id(1), kLikedBy, Id(2)));
}

TEST_P(Store, CountOfAnUnusedListIsZero) {
  auto n = store().assoc_count(Id(1), kLikedBy);
  ASSERT_EQ(status_of(n), "OK");
  EXPECT_EQ(*n, 0);
}

TEST_P(Store, AddingTheSameEdgeTwiceCountsOnce) {
  auto first = store().apply(adding({edge(1, kLikedBy, 2, 10)}));
  auto second = store().apply(adding({edge(1, kLikedBy, 2, 10)}));
  ASSERT_EQ(status_of(first), "OK");
  ASSERT_EQ(status_of(second), "OK");
  EXPECT_EQ(first->assoc_added, std::vector<bool>{true});
  EXPECT_EQ(second->assoc_added, std::vector<bool>{false});
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
}

TEST_P(Store, AddingTheSameEdgeTwiceInOneBatchCountsOnce) {
  auto outcome = store().apply(adding({edge(1, kLikedBy, 2, 10), edge(1, kLikedBy, 2, 10)}));
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_added, (std::vector<bool>{true, false}));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
}

TEST_P(Store, AddingAnExistingEdgeWithOtherPositionOrDataChangesNothing) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 2, 10, "old")}))), "OK");
  auto again = store().apply(adding({edge(1, kLikedBy, 2, 99, "new")}));
  ASSERT_EQ(status_of(again), "OK");
  EXPECT_EQ(again->assoc_added, std::vector<bool>{false});
  EXPECT_EQ(store().get_assoc(Id(1), kLikedBy, Id(2))->position, Id(10));
  EXPECT_EQ(store().get_assoc(Id(1), kLikedBy, Id(2))->data, "old");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "(2@10:old)");
}

TEST_P(Store, RemovingAnEdgeDeletesItAndDecrementsTheCount) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 2, 10), edge(1, kLikedBy, 3, 11)}))),
            "OK");
  Batch remove;
  remove.remove_assoc(Id(1), kLikedBy, Id(2));
  auto outcome = store().apply(remove);
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_removed, std::vector<bool>{true});
  EXPECT_FALSE(*store().assoc_exists(Id(1), kLikedBy, Id(2)));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "(3@11)");
}

TEST_P(Store, RemovingAMissingEdgeChangesNothing) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 3, 11)}))), "OK");
  Batch remove;
  remove.remove_assoc(Id(1), kLikedBy, Id(2));
  auto outcome = store().apply(remove);
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_removed, std::vector<bool>{false});
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
}

TEST_P(Store, AddingAndRemovingOneEdgeInOneBatchLeavesItAbsent) {
  Batch b = adding({edge(1, kLikedBy, 2, 10)});
  b.remove_assoc(Id(1), kLikedBy, Id(2));
  auto outcome = store().apply(b);
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_added, std::vector<bool>{true});
  EXPECT_EQ(outcome->assoc_removed, std::vector<bool>{true});
  EXPECT_FALSE(*store().assoc_exists(Id(1), kLikedBy, Id(2)));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 0);
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "");
}

TEST_P(Store, AddingAndRemovingAPresentEdgeInOneBatchRemovesItOnce) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 2, 10), edge(1, kLikedBy, 3, 11)}))),
            "OK");
  Batch b = adding({edge(1, kLikedBy, 2, 20), edge(1, kLikedBy, 2, 21)});
  b.remove_assoc(Id(1), kLikedBy, Id(2));
  b.remove_assoc(Id(1), kLikedBy, Id(2));
  auto outcome = store().apply(b);
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_added, (std::vector<bool>{false, false}));
  EXPECT_EQ(outcome->assoc_removed, (std::vector<bool>{true, false}));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "(3@11)");
}

TEST_P(Store, ReAddingARemovedEdgeCountsItAgain) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 2, 10)}))), "OK");
  Batch remove;
  remove.remove_assoc(Id(1), kLikedBy, Id(2));
  ASSERT_EQ(status_of(store().apply(remove)), "OK");
  auto again = store().apply(adding({edge(1, kLikedBy, 2, 20)}));
  ASSERT_EQ(status_of(again), "OK");
  EXPECT_EQ(again->assoc_added, std::vector<bool>{true});
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "(2@20)");
}

TEST_P(Store, ListsAreSeparatedByFromAndType) {
  ASSERT_EQ(status_of(store().apply(adding(
                {edge(1, kLikedBy, 2, 10), edge(1, kLikes, 3, 11), edge(2, kLikedBy, 4, 12)}))),
            "OK");
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
  EXPECT_EQ(*store().assoc_count(Id(1), kLikes), 1);
  EXPECT_EQ(*store().assoc_count(Id(2), kLikedBy), 1);
  EXPECT_EQ(*store().assoc_count(Id(2), kLikes), 0);
  EXPECT_FALSE(*store().assoc_exists(Id(1), kLikes, Id(2)));
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "(2@10)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10))), "(2@10)");
  EXPECT_EQ(walk(*store().assoc_range(Id(2), kLikedBy, newest(10))), "(4@12)");
}

TEST_P(Store, AssocsExistAnswersOneSlotPerInput) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 2, 10), edge(1, kLikedBy, 4, 11)}))),
            "OK");
  auto got = store().assocs_exist(Id(1), kLikedBy, {Id(4), Id(3), Id(2), Id(4)});
  ASSERT_EQ(status_of(got), "OK");
  EXPECT_EQ(*got, (std::vector<bool>{true, false, true, true}));
  EXPECT_TRUE(store().assocs_exist(Id(1), kLikedBy, {})->empty());
}

TEST_P(Store, AssocCountsAnswersOneSlotPerInputAndMatchesSingleCounts) {
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 2, 10), edge(1, kLikedBy, 4, 11),
                                            edge(2, kLikes, 1, 12)}))),
            "OK");
  Batch remove;
  remove.remove_assoc(Id(1), kLikedBy, Id(4));
  ASSERT_EQ(status_of(store().apply(remove)), "OK");
  auto got = store().assoc_counts({{Id(1), kLikedBy}, {Id(2), kLikes}, {Id(3), kLikedBy},
                                   {Id(1), kLikes}, {Id(1), kLikedBy}});
  ASSERT_EQ(status_of(got), "OK");
  EXPECT_EQ(*got, (std::vector<int64_t>{1, 1, 0, 0, 1}));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 1);
  EXPECT_TRUE(store().assoc_counts({})->empty());
  ASSERT_TRUE(store().close().is_ok());
  EXPECT_EQ(store().assoc_counts({{Id(1), kLikedBy}}).status().code(), StatusCode::kUnavailable);
}

// The favourite path: status -> account and account -> status, one batch.
TEST_P(Store, ABatchAddsBothDirectionsOfARelationAtomically) {
  auto outcome = store().apply(adding({edge(50, kLikedBy, 7, 100), edge(7, kLikes, 50, 100)}));
  ASSERT_EQ(status_of(outcome), "OK");
  EXPECT_EQ(outcome->assoc_added, (std::vector<bool>{true, true}));
  EXPECT_EQ(*store().assoc_count(Id(50), kLikedBy), 1);
  EXPECT_EQ(*store().assoc_count(Id(7), kLikes), 1);
}

// ---- Conditional edges (Batch::add_assoc_if_added) ----

// A like with its notification: the notification's edges are written only if the like is new.
Batch like_with_notice(uint64_t post, uint64_t liker, uint64_t notice, uint64_t recipient) {
  Batch b;
  b.add_assoc(edge(post, kLikedBy, liker, notice));
  b.add_assoc(edge(liker, kLikes, post, notice));
  b.add_assoc_if_added(edge(recipient, kNotices, notice, notice, "n"), 0);
  b.add_assoc_if_added(edge(liker, kNoticesSent, notice, notice), 0);
  return b;
}

TEST_P(Store, AConditionalEdgeIsWrittenOnlyIfItsConditionAddedItsEdge) {
  auto first = store().apply(like_with_notice(50, 7, 1001, 9));
  ASSERT_EQ(status_of(first), "OK");
  EXPECT_EQ(first->assoc_added, (std::vector<bool>{true, true, true, true}));
  // Liking again: the like changes nothing, so neither does its notification.
  auto again = store().apply(like_with_notice(50, 7, 1002, 9));
  ASSERT_EQ(status_of(again), "OK");
  EXPECT_EQ(again->assoc_added, (std::vector<bool>{false, false, false, false}));
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 1);
  EXPECT_EQ(*store().assoc_count(Id(7), kNoticesSent), 1);
  EXPECT_FALSE(*store().assoc_exists(Id(9), kNotices, Id(1002)));
  EXPECT_EQ(walk(*store().assoc_range(Id(9), kNotices, newest(10))), "(1001@1001:n)");
  // Unliked and liked again: a new like, a new notification.
  Batch unlike;
  unlike.remove_assoc(Id(50), kLikedBy, Id(7));
  unlike.remove_assoc(Id(7), kLikes, Id(50));
  ASSERT_EQ(status_of(store().apply(unlike)), "OK");
  auto third = store().apply(like_with_notice(50, 7, 1003, 9));
  ASSERT_EQ(status_of(third), "OK");
  EXPECT_EQ(third->assoc_added, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 2);
  // A conditional edge that exists already is not added twice, nor counted.
  Batch b;
  b.add_assoc(edge(51, kLikedBy, 7, 1004));
  b.add_assoc_if_added(edge(9, kNotices, 1001, 1004), 0);
  auto present = store().apply(b);
  ASSERT_EQ(status_of(present), "OK");
  EXPECT_EQ(present->assoc_added, (std::vector<bool>{true, false}));
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 2);
  // After a reopen, the same.
  reopen();
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 2);
  EXPECT_EQ(walk(*store().assoc_range(Id(9), kNotices, newest(10))), "(1003@1003:n)(1001@1001:n)");
}

// The same, with a line: the notification is written only while the post had fewer likes.
Batch like_under_line(uint64_t post, uint64_t liker, uint64_t notice, uint64_t recipient,
                      int64_t line) {
  Batch b;
  b.add_assoc(edge(post, kLikedBy, liker, notice));
  b.add_assoc(edge(liker, kLikes, post, notice));
  b.add_assoc_if_added(edge(recipient, kNotices, notice, notice, "n"), 0, line);
  b.add_assoc_if_added(edge(liker, kNoticesSent, notice, notice), 0, line);
  return b;
}

TEST_P(Store, ACountConditionWritesAnEdgeOnlyWhileItsListIsUnderTheLine) {
  const std::vector<bool> all{true, true, true, true}, like_only{true, true, false, false},
      nothing{false, false, false, false};
  for (uint64_t liker = 1; liker <= 4; ++liker) {
    auto r = store().apply(like_under_line(50, liker, 1000 + liker, 9, 3));
    ASSERT_EQ(status_of(r), "OK");
    // Held 0, 1 and 2 likes before: notified; held 3: not.
    EXPECT_EQ(r->assoc_added, liker <= 3 ? all : like_only) << "liker " << liker;
  }
  EXPECT_EQ(*store().assoc_count(Id(50), kLikedBy), 4);
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 3);
  EXPECT_FALSE(*store().assoc_exists(Id(4), kNoticesSent, Id(1004)));
  // Liking again changes nothing, under the line or not.
  auto again = store().apply(like_under_line(50, 1, 1005, 9, 100));
  ASSERT_EQ(status_of(again), "OK");
  EXPECT_EQ(again->assoc_added, nothing);
  // Two unlikes take the post back under the line: the next new like notifies again.
  for (uint64_t liker : {2, 3}) {
    Batch unlike;
    unlike.remove_assoc(Id(50), kLikedBy, Id(liker));
    unlike.remove_assoc(Id(liker), kLikes, Id(50));
    ASSERT_EQ(status_of(store().apply(unlike)), "OK");
  }
  // What the like of `post` by `liker` (notice and line as named) added.
  const auto outcome = [&](uint64_t post, uint64_t liker, uint64_t notice, int64_t line) {
    auto r = store().apply(like_under_line(post, liker, notice, 9, line));
    return r.has_value() ? r->assoc_added : std::vector<bool>{};
  };
  EXPECT_EQ(outcome(50, 5, 1006, 3), all);
  EXPECT_EQ(outcome(50, 6, 1007, 3), like_only);
  // A line of 0 lets nothing through; another post's list is counted on its own.
  EXPECT_EQ(outcome(51, 1, 1008, 0), like_only);
  EXPECT_EQ(outcome(52, 1, 1009, 1), all);
  reopen();
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 5);
  EXPECT_EQ(walk(*store().assoc_range(Id(9), kNotices, newest(10))),
            "(1009@1009:n)(1006@1006:n)(1003@1003:n)(1002@1002:n)(1001@1001:n)");
}

// Many likes of one post at once, under a line: the notifications written are the outcomes
// said, at least the line's worth, and past it by no more than the writers racing at the line.
TEST_P(Store, ConcurrentLikesUnderALineNotifyAboutTheLine) {
  constexpr int kThreads = 8;
  constexpr uint64_t kLikesPerThread = 40;
  constexpr int64_t kLine = 100;
  std::atomic<int64_t> told{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < kLikesPerThread; ++i) {
        const uint64_t liker = 1000 + static_cast<uint64_t>(t) * kLikesPerThread + i;
        auto r = store().apply(like_under_line(70, liker, 100'000 + liker, 9, kLine));
        if (!r.has_value() || !r->assoc_added[0] || r->assoc_added[2] != r->assoc_added[3]) {
          ADD_FAILURE() << (r.has_value() ? "a new like's outcome is inconsistent"
                                          : r.status().to_string());
          ++failures;
          continue;
        }
        if (r->assoc_added[2]) ++told;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(*store().assoc_count(Id(70), kLikedBy), kThreads * int64_t{kLikesPerThread});
  const int64_t notified = *store().assoc_count(Id(9), kNotices);
  EXPECT_EQ(notified, told.load());
  EXPECT_GE(notified, kLine);
  EXPECT_LT(notified, kLine + kThreads);
}

TEST_P(Store, ConditionsOutsideTheRulesAreRejectedAndNothingIsApplied) {
  const auto rejected = [&](const Batch& b, const std::string& why) {
    auto r = store().apply(b);
    ASSERT_FALSE(r.has_value()) << why;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << why;
  };
  Batch later;  // the condition comes after the edge
  later.add_assoc_if_added(edge(9, kNotices, 1, 1), 1);
  later.add_assoc(edge(50, kLikedBy, 7, 1));
  rejected(later, "a later condition");
  Batch itself;
  itself.add_assoc(edge(50, kLikedBy, 7, 1));
  itself.add_assoc_if_added(edge(9, kNotices, 1, 1), 1);
  rejected(itself, "its own condition");
  Batch chained;
  chained.add_assoc(edge(50, kLikedBy, 7, 1));
  chained.add_assoc_if_added(edge(9, kNotices, 1, 1), 0);
  chained.add_assoc_if_added(edge(9, kNotices, 2, 2), 1);
  rejected(chained, "a conditional condition");
  Batch removed = like_with_notice(50, 7, 1, 9);
  removed.remove_assoc(Id(50), kLikedBy, Id(7));
  rejected(removed, "the condition also removed");
  Batch removed_too = like_with_notice(50, 7, 1, 9);
  removed_too.remove_assoc(Id(9), kNotices, Id(1));
  rejected(removed_too, "the conditional edge also removed");
  Batch twice = like_with_notice(50, 7, 1, 9);
  twice.add_assoc(edge(9, kNotices, 1, 1));
  rejected(twice, "the conditional edge added twice");
  Batch cond_twice = like_with_notice(50, 7, 1, 9);
  cond_twice.add_assoc(edge(50, kLikedBy, 7, 2));
  rejected(cond_twice, "the condition added twice");
  Batch with_object = like_with_notice(50, 7, 1, 9);
  with_object.put_object(ObjectType::kStatus, Id(50), "post");
  with_object.assoc_adds[2].only_if_added = 5;
  rejected(with_object, "a condition past the end");
  rejected(like_under_line(50, 7, 1, 9, -1), "a negative line");
  Batch line_alone;
  line_alone.add_assoc(edge(50, kLikedBy, 7, 1));
  line_alone.assoc_adds[0].only_if_fewer_than = 10;
  rejected(line_alone, "a line without a condition");
  Batch uncounted_line;  // a line on a list that keeps no count
  uncounted_line.add_assoc(edge(7, AssocType::kFavourites, 50, 1));
  uncounted_line.add_assoc_if_added(edge(9, kNotices, 1, 1), 0, 10);
  rejected(uncounted_line, "a line on a list that keeps no count");
  EXPECT_EQ(*store().assoc_count(Id(50), kLikedBy), 0);
  EXPECT_EQ(*store().assoc_count(Id(9), kNotices), 0);
  EXPECT_EQ(status_of(store().get_object(ObjectType::kStatus, Id(50))).find("OK"),
            std::string::npos);
}

// The lists that keep no count (a liker's likes, notifications, notifications caused) hold
// edges like any other: added, found, walked, removed, and a condition on them works. Asking their
// count is refused, alone or among counted lists; the counted lists of the same batch count.
TEST_P(Store, ListsThatKeepNoCountHoldEdgesAndRefuseToCount) {
  Batch like;
  like.add_assoc(edge(50, kLikedBy, 7, 100));
  like.add_assoc(edge(7, AssocType::kFavourites, 50, 100));
  like.add_assoc_if_added(edge(9, AssocType::kNotifications, 1001, 1001, "n"), 1);
  like.add_assoc_if_added(edge(7, AssocType::kNotificationsSent, 1001, 1001), 1);
  auto outcome = store().apply(like);
  ASSERT_TRUE(outcome.has_value()) << status_of(outcome);
  EXPECT_EQ(outcome->assoc_added, (std::vector<bool>{true, true, true, true}));
  EXPECT_TRUE(*store().assoc_exists(Id(7), AssocType::kFavourites, Id(50)));
  EXPECT_EQ(walk(*store().assoc_range(Id(9), AssocType::kNotifications, newest(10))),
            "(1001@1001:n)");
  EXPECT_EQ(*store().assoc_count(Id(50), kLikedBy), 1);
  for (AssocType t : kindred::store::kUncountedAssocTypes) {
    auto one = store().assoc_count(Id(7), t);
    ASSERT_FALSE(one.has_value()) << static_cast<int>(t);
    EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument);
    auto many = store().assoc_counts({{Id(50), kLikedBy}, {Id(9), t}});
    ASSERT_FALSE(many.has_value()) << static_cast<int>(t);
    EXPECT_EQ(many.status().code(), StatusCode::kInvalidArgument);
  }
  for (const auto& c : outcome->counts_after)
    EXPECT_TRUE(kindred::store::is_counted(c.type)) << static_cast<int>(c.type);

  Batch unlike;
  unlike.remove_assoc(Id(50), kLikedBy, Id(7));
  unlike.remove_assoc(Id(7), AssocType::kFavourites, Id(50));
  unlike.remove_assoc(Id(9), AssocType::kNotifications, Id(1001));
  auto undone = store().apply(unlike);
  ASSERT_TRUE(undone.has_value()) << status_of(undone);
  EXPECT_EQ(undone->assoc_removed, (std::vector<bool>{true, true, true}));
  EXPECT_FALSE(*store().assoc_exists(Id(7), AssocType::kFavourites, Id(50)));
  EXPECT_EQ(walk(*store().assoc_range(Id(9), AssocType::kNotifications, newest(10))), "");
  EXPECT_EQ(*store().assoc_count(Id(50), kLikedBy), 0);
}

// 8 threads like and unlike a few posts as a few people, each like with its notification: every
// like that was new wrote exactly one notification, whatever the interleaving (and, on a backend
// that writes concurrent batches together, whatever the grouping).
TEST_P(Store, ConcurrentLikesWriteOneNotificationPerNewLike) {
  constexpr int kThreads = 8;
  constexpr int kOpsPerThread = 150;
  constexpr uint64_t kPosts = 3, kLikers = 5;
  std::atomic<uint64_t> next_notice{100'000};
  std::array<std::atomic<int64_t>, kPosts> new_likes{};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) + 11);
      for (int i = 0; i < kOpsPerThread; ++i) {
        const uint64_t p = rng() % kPosts, post = 10 + p, liker = 20 + rng() % kLikers;
        const bool like = rng() % 3 != 0;
        Batch b;
        if (like) {
          b = like_with_notice(post, liker, next_notice.fetch_add(1), 30 + p);
        } else {
          b.remove_assoc(Id(post), kLikedBy, Id(liker));
          b.remove_assoc(Id(liker), kLikes, Id(post));
        }
        auto r = store().apply(b);
        if (!r.has_value()) {
          ADD_FAILURE() << r.status().to_string();
          ++failures;
          continue;
        }
        if (!like) continue;
        const auto& added = r->assoc_added;
        if (added[0] != added[2] || added[0] != added[3]) {
          ADD_FAILURE() << "a notification moved apart from its like: " << added[0] << added[2]
                        << added[3];
          ++failures;
        }
        if (added[0]) ++new_likes[p];
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  for (uint64_t p = 0; p < kPosts; ++p) {
    auto count = store().assoc_count(Id(30 + p), kNotices);
    ASSERT_EQ(status_of(count), "OK");
    EXPECT_EQ(*count, new_likes[p].load()) << "post " << p;
    auto page = store().assoc_range(Id(30 + p), kNotices, newest(100000));
    ASSERT_EQ(status_of(page), "OK");
    EXPECT_EQ(static_cast<int64_t>(page->items.size()), *count);
  }
}

// 8 threads add and remove a small shared set of edges (contended) and edges of their own
// (uncontended) on one list. Whatever the interleaving, the count must equal the edges present,
// and the sum of what each thread was told it changed.
TEST_P(Store, CountsStayExactUnderEightThreadsAddingAndRemoving) {
  constexpr int kThreads = 8;
  constexpr int kOpsPerThread = 250;
  constexpr uint64_t kShared = 12;
  const Id hot(1000);
  std::atomic<int64_t> net{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) + 1);
      int64_t mine = 0;
      for (int i = 0; i < kOpsPerThread; ++i) {
        const uint64_t to = rng() % 3 == 0 ? 100 + t * 1000 + rng() % 8 : 1 + rng() % kShared;
        const uint64_t position = 1 + rng() % 1'000'000;
        Batch b;
        const bool add = rng() % 2 == 0;
        if (add) {
          b.add_assoc(edge(hot.value, kLikedBy, to, position));
          b.add_assoc(edge(to, kLikes, hot.value, position));
        } else {
          b.remove_assoc(hot, kLikedBy, Id(to));
          b.remove_assoc(Id(to), kLikes, hot);
        }
        auto r = store().apply(b);
        if (!r.has_value()) {
          ADD_FAILURE() << r.status().to_string();
          ++failures;
          continue;
        }
        const auto& flags = add ? r->assoc_added : r->assoc_removed;
        if (flags[0] != flags[1]) {  // the two directions must move together
          ADD_FAILURE() << "directions moved apart: " << flags[0] << " " << flags[1] << " add " << add;
          ++failures;
        }
        mine += flags[0] ? (add ? 1 : -1) : 0;
      }
      net += mine;
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  auto count = store().assoc_count(hot, kLikedBy);
  ASSERT_EQ(status_of(count), "OK");
  auto page = store().assoc_range(hot, kLikedBy, newest(100000));
  ASSERT_EQ(status_of(page), "OK");
  EXPECT_EQ(*count, net.load());
  EXPECT_EQ(*count, static_cast<int64_t>(page->items.size()));
  EXPECT_FALSE(page->more);
  // Every candidate: present in both directions, or in neither, with matching counts.
  std::vector<Id> candidates;
  for (uint64_t to = 1; to <= kShared; ++to) candidates.push_back(Id(to));
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t k = 0; k < 8; ++k) candidates.push_back(Id(100 + t * 1000 + k));
  }
  int64_t present = 0;
  for (Id to : candidates) {
    const bool forward = *store().assoc_exists(hot, kLikedBy, to);
    EXPECT_EQ(*store().assoc_exists(to, kLikes, hot), forward) << to.to_string();
    EXPECT_EQ(*store().assoc_count(to, kLikes), forward ? 1 : 0) << to.to_string();
    present += forward ? 1 : 0;
  }
  EXPECT_EQ(*count, present);
}

// Counts read while they change (a backend may cache them): no read ever goes backwards while
// edges are only added, no change is lost or counted twice, and what is read at the end is
// what the store holds after a reopen.
TEST_P(Store, CountsReadWhileWritingStayExactAndMonotonic) {
  constexpr int kWriters = 4;
  constexpr int kReaders = 3;
  constexpr int kAddsPerWriter = 300;
  const Id hot(2000);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&] {
      int64_t last_single = 0;
      int64_t last_batched = 0;
      while (!done.load()) {
        auto one = store().assoc_count(hot, kLikedBy);
        auto many = store().assoc_counts({{hot, kLikedBy}, {Id(1), kLikes}, {hot, kLikes}});
        if (!one.has_value() || !many.has_value()) {
          ++failures;
          continue;
        }
        if (*one < last_single || (*many)[0] < last_batched) ++failures;
        last_single = *one;
        last_batched = (*many)[0];
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAddsPerWriter; ++i) {
        const uint64_t to = 10'000 + static_cast<uint64_t>(t) * kAddsPerWriter + static_cast<uint64_t>(i);
        Batch b;
        b.add_assoc(edge(hot.value, kLikedBy, to, to));
        b.add_assoc(edge(hot.value, kLikedBy, to, to));  // once only, however often it is added
        if (!store().apply(b).has_value()) ++failures;
      }
    });
  }
  for (size_t i = kReaders; i < threads.size(); ++i) threads[i].join();
  done = true;
  for (int i = 0; i < kReaders; ++i) threads[static_cast<size_t>(i)].join();
  ASSERT_EQ(failures.load(), 0);
  constexpr int64_t kTotal = int64_t{kWriters} * kAddsPerWriter;
  EXPECT_EQ(*store().assoc_count(hot, kLikedBy), kTotal);
  EXPECT_EQ((*store().assoc_counts({{hot, kLikedBy}}))[0], kTotal);
  Batch remove;
  remove.remove_assoc(hot, kLikedBy, Id(10'000));
  remove.remove_assoc(hot, kLikedBy, Id(10'000));
  remove.remove_assoc(hot, kLikedBy, Id(1));  // not there: no change
  ASSERT_EQ(status_of(store().apply(remove)), "OK");
  EXPECT_EQ(*store().assoc_count(hot, kLikedBy), kTotal - 1);
  ASSERT_NO_FATAL_FAILURE(reopen());
  EXPECT_EQ(*store().assoc_count(hot, kLikedBy), kTotal - 1);
}

// Edges asked about while they change (a backend may cache the answers): an edge once seen
// never disappears while edges are only added, removals show at once, and the answers at the
// end are what the store holds after a reopen.
TEST_P(Store, EdgesAskedAboutWhileWritingStayExact) {
  constexpr int kWriters = 4;
  constexpr uint64_t kPerWriter = 200;
  const Id hot(3000);
  std::vector<Id> all;
  for (uint64_t i = 0; i < kWriters * kPerWriter; ++i) all.push_back(Id(50'000 + i));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    std::vector<bool> seen(all.size(), false);
    while (!done.load()) {
      auto now = store().assocs_exist(hot, kLikedBy, all);
      auto one = store().assoc_exists(hot, kLikedBy, all[all.size() / 2]);
      if (!now.has_value() || !one.has_value()) {
        ++failures;
        continue;
      }
      for (size_t i = 0; i < all.size(); ++i) {
        if (seen[i] && !(*now)[i]) ++failures;
        seen[i] = seen[i] || (*now)[i];
      }
    }
  });
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < kPerWriter; ++i) {
        const Id to = all[static_cast<size_t>(t) * kPerWriter + i];
        if (!store().apply(adding({edge(hot.value, kLikedBy, to.value, to.value)})).has_value()) ++failures;
      }
    });
  }
  for (size_t i = 1; i < threads.size(); ++i) threads[i].join();
  done = true;
  threads[0].join();
  ASSERT_EQ(failures.load(), 0);
  auto now = store().assocs_exist(hot, kLikedBy, all);
  ASSERT_EQ(status_of(now), "OK");
  for (size_t i = 0; i < all.size(); ++i) ASSERT_TRUE((*now)[i]) << i;
  Batch remove;
  for (size_t i = 0; i < all.size(); i += 2) remove.remove_assoc(hot, kLikedBy, all[i]);
  ASSERT_EQ(status_of(store().apply(remove)), "OK");
  auto after = *store().assocs_exist(hot, kLikedBy, all);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(after[i], i % 2 == 1) << i;
  EXPECT_FALSE(*store().assoc_exists(hot, kLikedBy, all[0]));
  EXPECT_TRUE(*store().assoc_exists(hot, kLikedBy, all[1]));
  ASSERT_NO_FATAL_FAILURE(reopen());
  auto reopened = *store().assocs_exist(hot, kLikedBy, all);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(reopened[i], i % 2 == 1) << i;
}

// ---- Ranges ----

// Five edges on list (1, kLikedBy): to = position / 10.
void add_five(kindred::store::Store& s) {
  auto r =
      s.apply(adding({edge(1, kLikedBy, 3, 30), edge(1, kLikedBy, 1, 10), edge(1, kLikedBy, 5, 50),
                      edge(1, kLikedBy, 2, 20), edge(1, kLikedBy, 4, 40)}));
  ASSERT_EQ(status_of(r), "OK");
}

TEST_P(Store, RangeWalksNewestFirstByPosition) {
  add_five(store());
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))),
            "(5@50)(4@40)(3@30)(2@20)(1@10)");
}

TEST_P(Store, RangeWalksOldestFirstWhenAsked) {
  add_five(store());
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10))),
            "(1@10)(2@20)(3@30)(4@40)(5@50)");
}

TEST_P(Store, RangeSaysMoreOnlyWhenAnItemLiesBeyondTheLimit) {
  add_five(store());
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2))), "(5@50)(4@40) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(5))),
            "(5@50)(4@40)(3@30)(2@20)(1@10)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(2))), "(1@10)(2@20) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(0))), " more");
}

TEST_P(Store, RangeMaxPositionIsAnExclusiveCursorForPagingBack) {
  add_five(store());
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2, 40))), "(3@30)(2@20) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2, 20))), "(1@10)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2, 10))), "");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2, 35))), "(3@30)(2@20) more");
}

TEST_P(Store, RangeMinPositionIsAnExclusiveCursorForPagingForward) {
  add_five(store());
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(2, 20))), "(3@30)(4@40) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(2, 40))), "(5@50)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(2, 50))), "");
  // Newest-first with only a min: the newest items above it (Mastodon's since_id).
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2, 0, 20))), "(5@50)(4@40) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(5, 0, 20))), "(5@50)(4@40)(3@30)");
}

TEST_P(Store, RangeWithBothBoundsReturnsOnlyWhatLiesStrictlyBetween) {
  add_five(store());
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10, 50, 10))), "(4@40)(3@30)(2@20)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10, 10, 50))), "(2@20)(3@30)(4@40)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(1, 50, 10))), "(4@40) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(1, 10, 50))), "(2@20) more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10, 31, 30))), "");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10, 30, 40))), "");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10, 30, 30))), "");
}

TEST_P(Store, RangeOfAnEmptyListIsEmpty) {
  auto page = store().assoc_range(Id(1), kLikedBy, newest(10));
  ASSERT_EQ(status_of(page), "OK");
  EXPECT_EQ(walk(*page), "");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10))), "");
}

TEST_P(Store, RangeStaysInsideItsOwnList) {
  // Neighbours on both sides in key order: from +-1 and type +-1.
  ASSERT_EQ(status_of(store().apply(
                adding({edge(0xffff'ffff'ffff'fffe, kLikedBy, 9, 90), edge(1, kLikes, 9, 91),
                        edge(1, AssocType::kReplies, 9, 92), edge(2, kLikedBy, 9, 93),
                        edge(0xffff'ffff'ffff'ffff, kLikedBy, 9, 94)}))),
            "OK");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikes, newest(10))), "(9@91)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikes, oldest(10))), "(9@91)");
  EXPECT_EQ(walk(*store().assoc_range(Id(0xffff'ffff'ffff'ffff), kLikedBy, newest(10))), "(9@94)");
  EXPECT_EQ(walk(*store().assoc_range(Id(0xffff'ffff'ffff'ffff), kLikedBy, oldest(10))), "(9@94)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10))), "");
}

TEST_P(Store, RangeOrdersEdgesAtOnePositionAndCarriesTheirData) {
  ASSERT_EQ(
      status_of(store().apply(adding({edge(1, kLikedBy, 8, 10, "b"), edge(1, kLikedBy, 7, 10, "a"),
                                      edge(1, kLikedBy, 9, 11)}))),
      "OK");
  const std::string newest_first = walk(*store().assoc_range(Id(1), kLikedBy, newest(10)));
  const std::string oldest_first = walk(*store().assoc_range(Id(1), kLikedBy, oldest(10)));
  EXPECT_TRUE(newest_first == "(9@11)(7@10:a)(8@10:b)" || newest_first == "(9@11)(8@10:b)(7@10:a)")
      << newest_first;
  EXPECT_TRUE(oldest_first == "(7@10:a)(8@10:b)(9@11)" || oldest_first == "(8@10:b)(7@10:a)(9@11)")
      << oldest_first;
}

// A thread's first page of replies, oldest first, as the thread gathers newer replies (they
// must not show), an older one (it must), and loses some (a backend may keep the oldest entries
// in memory: a status's context reads them on every view).
TEST_P(Store, OldestFirstPagesStayExactAsAListGrowsAtBothEndsAndShrinks) {
  std::vector<Assoc> first;
  for (uint64_t i = 1; i <= 100; ++i) first.push_back(edge(1, kLikedBy, i, 100 + i));
  ASSERT_EQ(status_of(store().apply(adding(first))), "OK");
  // "(to@position)" for each `to` in order; positions follow from the setup above.
  const auto rows = [](std::initializer_list<uint64_t> tos, uint64_t from, uint64_t to_last) {
    std::string out;
    for (uint64_t t : tos)
      out += "(" + std::to_string(t) + "@" +
             std::to_string(t >= 500 ? (t == 500 ? 1000 : 50) : 100 + t) + ")";
    for (uint64_t t = from; t <= to_last; ++t)
      out += "(" + std::to_string(t) + "@" + std::to_string(100 + t) + ")";
    return out;
  };
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(60))), rows({}, 1, 60) + " more");

  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 500, 1000)}))), "OK");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(60))), rows({}, 1, 60) + " more");

  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 501, 50)}))), "OK");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(60))), rows({501}, 1, 59) + " more");

  Batch remove;
  remove.remove_assoc(Id(1), kLikedBy, Id(1));
  remove.remove_assoc(Id(1), kLikedBy, Id(2));
  ASSERT_EQ(status_of(store().apply(remove)), "OK");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(60))), rows({501}, 3, 61) + " more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(10, 105))),
            rows({}, 6, 15) + " more");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(5, 0, 104))), rows({501}, 3, 3));
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(80, 150))),
            rows({}, 51, 100) + "(500@1000)");

  Batch all;
  for (uint64_t i = 3; i <= 100; ++i) all.remove_assoc(Id(1), kLikedBy, Id(i));
  ASSERT_EQ(status_of(store().apply(all)), "OK");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, oldest(60))), "(501@50)(500@1000)");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(60))), "(500@1000)(501@50)");
}

// ---- Lifecycle ----

// Ranges against a model, through random adds, removes and queries of every shape (a backend may
// answer the heads of lists, at either end, from memory and must keep that answer exact): positions
// collide, lists grow past and shrink below any window, cursors fall inside and outside it.
TEST_P(Store, RangesMatchAModelThroughRandomChanges) {
  std::mt19937_64 rng(7);
  const Id list(4000);
  std::map<std::pair<uint64_t, uint64_t>, std::string> model;  // (position, to) -> data
  std::map<uint64_t, uint64_t> position_of;                  // to -> position
  for (int step = 0; step < 3000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 4) {
      Batch b;
      const int n = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) {
        const uint64_t to = 1 + rng() % 150;
        const uint64_t position = 1 + rng() % 400;
        b.add_assoc(edge(list.value, kLikedBy, to, position, "d" + std::to_string(to)));
        if (!position_of.count(to)) {
          position_of[to] = position;
          model[{position, to}] = "d" + std::to_string(to);
        }
      }
      ASSERT_EQ(status_of(store().apply(b)), "OK");
    } else if (op < 6) {
      Batch b;
      const uint64_t to = 1 + rng() % 150;
      b.remove_assoc(list, kLikedBy, Id(to));
      if (auto it = position_of.find(to); it != position_of.end()) {
        model.erase({it->second, to});
        position_of.erase(it);
      }
      ASSERT_EQ(status_of(store().apply(b)), "OK");
    } else {
      RangeQuery q;
      q.limit = 1 + rng() % 80;
      if (rng() % 2) q.max_position = Id(1 + rng() % 420);
      if (rng() % 3 == 0) q.min_position = Id(rng() % 420);
      q.oldest_first = rng() % 2 == 0;
      auto got = store().assoc_range(list, kLikedBy, q);
      ASSERT_EQ(status_of(got), "OK");
      // The model's answer: rows strictly between the bounds, in walking order.
      std::vector<std::pair<uint64_t, uint64_t>> rows;
      for (const auto& [key, data] : model) {
        const uint64_t pos = key.first;
        if ((q.max_position.is_none() || pos < q.max_position.value) &&
            (q.min_position.is_none() || pos > q.min_position.value))
          rows.push_back(key);
      }
      // Newest first: position descending, then `to` ascending; oldest first is the reverse.
      std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      if (q.oldest_first) std::reverse(rows.begin(), rows.end());
      std::string want;
      for (size_t i = 0; i < rows.size() && i < q.limit; ++i) {
        want += "(" + std::to_string(rows[i].second) + "@" + std::to_string(rows[i].first) + ":" +
                model[rows[i]] + ")";
      }
      if (rows.size() > q.limit) want += " more";
      ASSERT_EQ(walk(*got), want) << "step " << step << " limit " << q.limit << " max "
                                  << q.max_position.value << " min " << q.min_position.value
                                  << (q.oldest_first ? " oldest first" : "");
      ASSERT_EQ(got->more, rows.size() > q.limit) << "step " << step;
    }
  }
  ASSERT_NO_FATAL_FAILURE(reopen());
  auto all = store().assoc_range(list, kLikedBy, newest(1000));
  ASSERT_EQ(status_of(all), "OK");
  EXPECT_EQ(all->items.size(), model.size());
}

TEST_P(Store, ReopeningKeepsObjectsEdgesCountsAndKeys) {
  Batch b =
      adding({edge(1, kLikedBy, 2, 10, "d"), edge(1, kLikedBy, 3, 20), edge(1, kLikedBy, 4, 30)});
  b.put_object(ObjectType::kStatus, Id(1), "post");
  b.claim_key(KeyspaceType::kUsername, "alice", Id(2));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  Batch remove;
  remove.remove_assoc(Id(1), kLikedBy, Id(4));
  ASSERT_EQ(status_of(store().apply(remove)), "OK");

  ASSERT_NO_FATAL_FAILURE(reopen());

  EXPECT_EQ(*store().get_object(ObjectType::kStatus, Id(1)), "post");
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(2));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 2);
  EXPECT_EQ(store().get_assoc(Id(1), kLikedBy, Id(2))->data, "d");
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(10))), "(3@20)(2@10:d)");
  EXPECT_EQ(*store().max_object_id(ObjectType::kStatus), Id(1));
  // Counting continues from the stored value.
  ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, 5, 40)}))), "OK");
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 3);
}

TEST_P(Store, CompactingKeepsObjectsEdgesCountsAndKeys) {
  Batch b = adding({edge(1, kLikedBy, 2, 10, "d"), edge(1, kLikedBy, 3, 20)});
  b.put_object(ObjectType::kStatus, Id(1), "post");
  b.claim_key(KeyspaceType::kUsername, "alice", Id(2));
  ASSERT_EQ(status_of(store().apply(b)), "OK");
  for (uint64_t i = 100; i < 300; ++i)
    ASSERT_EQ(status_of(store().apply(adding({edge(1, kLikedBy, i, i * 10)}))), "OK");
  ASSERT_TRUE(store().compact().is_ok());
  EXPECT_EQ(*store().get_object(ObjectType::kStatus, Id(1)), "post");
  EXPECT_EQ(*store().lookup_key(KeyspaceType::kUsername, "alice"), Id(2));
  EXPECT_EQ(*store().assoc_count(Id(1), kLikedBy), 202);
  EXPECT_EQ(walk(*store().assoc_range(Id(1), kLikedBy, newest(2))), "(299@2990)(298@2980) more");
  ASSERT_TRUE(store().close().is_ok());
  EXPECT_EQ(store().compact().code(), StatusCode::kUnavailable);
}

TEST_P(Store, CallsAfterCloseAreUnavailable) {
  ASSERT_TRUE(store().close().is_ok());
  constexpr auto kUnavailable = StatusCode::kUnavailable;
  Batch b;
  b.put_object(ObjectType::kStatus, Id(1), "x");
  EXPECT_EQ(store().apply(b).status().code(), kUnavailable);
  EXPECT_EQ(store().apply(Batch{}).status().code(), kUnavailable);
  EXPECT_EQ(store().get_object(ObjectType::kStatus, Id(1)).status().code(), kUnavailable);
  EXPECT_EQ(store().get_objects(ObjectType::kStatus, {Id(1)}).status().code(), kUnavailable);
  EXPECT_EQ(store().lookup_key(KeyspaceType::kUsername, "a").status().code(), kUnavailable);
  EXPECT_EQ(store().get_assoc(Id(1), kLikedBy, Id(2)).status().code(), kUnavailable);
  EXPECT_EQ(store().assoc_exists(Id(1), kLikedBy, Id(2)).status().code(), kUnavailable);
  EXPECT_EQ(store().assocs_exist(Id(1), kLikedBy, {Id(2)}).status().code(), kUnavailable);
  EXPECT_EQ(store().assoc_count(Id(1), kLikedBy).status().code(), kUnavailable);
  EXPECT_EQ(store().assoc_range(Id(1), kLikedBy, newest(1)).status().code(), kUnavailable);
  EXPECT_EQ(store().max_object_id(ObjectType::kStatus).status().code(), kUnavailable);
}

// Calls racing close() either complete normally or answer Unavailable; none sees a half-closed
// store (under ASan this also checks nothing touches freed memory).
TEST_P(Store, CallsRacingCloseSucceedOrAreUnavailable) {
  constexpr int kThreads = 4;
  std::atomic<int> started_ops{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 1;; ++i) {
        const auto r = t % 2 == 0 ? store().apply(adding({edge(1, kLikedBy, i, i)})).status()
                                  : store().assoc_count(Id(1), kLikedBy).status();
        if (r.code() == StatusCode::kUnavailable) return;
        if (!r.is_ok()) ++unexpected;
        ++started_ops;
      }
    });
  }
  while (started_ops.load() < 200) std::this_thread::yield();
  EXPECT_TRUE(store().close().is_ok());
  for (auto& th : threads) th.join();
  EXPECT_EQ(unexpected.load(), 0);
}

TEST_P(Store, CloseIsIdempotent) {
  EXPECT_TRUE(store().close().is_ok());
  EXPECT_TRUE(store().close().is_ok());
}

}  // namespace
