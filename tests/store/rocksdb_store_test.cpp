// The RocksDB backend: the conformance suite, plus what only this backend has (a directory,
// an exclusive lock on it, bytes on disk that can rot).

#include "store/rocksdb/rocksdb_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/store_conformance.h"
#include "support/temp_dir.h"

namespace {

using kindred::Id;
using kindred::StatusCode;
using kindred::store::AssocType;
using kindred::store::Batch;
using kindred::store::Durability;
using kindred::store::KeyspaceType;
using kindred::store::ObjectType;
using kindred::store::open_rocksdb_store;
using kindred::store::StoreOptions;
using kindred::testing::StoreBackend;
using kindred::testing::StoreHarness;
using kindred::testing::TempDir;

class RocksDbHarness final : public StoreHarness {
 public:
  explicit RocksDbHarness(Durability durability) : durability_(durability) {}
  kindred::Result<std::unique_ptr<kindred::store::Store>> open() override {
    return open_rocksdb_store(StoreOptions{dir_.sub("db"), durability_});
  }

 private:
  TempDir dir_;
  Durability durability_;
};

INSTANTIATE_TEST_SUITE_P(
    RocksDb, Store,
    ::testing::Values(
        StoreBackend{"RocksDbWal",
                     [] { return std::make_unique<RocksDbHarness>(Durability::kWal); }},
        StoreBackend{"RocksDbFsync",
                     [] { return std::make_unique<RocksDbHarness>(Durability::kFsync); }}),
    kindred::testing::backend_name);

// Writes raw rows into a store's column families, as a disk fault or a bad migration might.
void write_raw(const std::string& path, const std::string& cf_name, const std::string& key,
               const std::string& value) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : {"default", "objects", "assoc_edges", "assoc_ranges", "counts", "keys"}) {
    cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, cfs, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* target = nullptr;
  for (auto* h : handles) {
    if (h->GetName() == cf_name) target = h;
  }
  ASSERT_NE(target, nullptr) << cf_name;
  EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), target, key, value).ok());
  for (auto* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  EXPECT_TRUE(db->Close().ok());
}

std::string be64(uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  return out;
}

// (from 1, kFavouritedBy)
const std::string kListPrefix = be64(1) + std::string("\x00\x01", 2);

TEST(RocksDbStore, OpeningCreatesTheDirectoryAndItsParents) {
  TempDir dir;
  auto store = open_rocksdb_store(StoreOptions{dir.sub("a/b/c"), Durability::kWal});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "a/b/c"));
}

TEST(RocksDbStore, OpeningWithAnEmptyPathIsInvalid) {
  auto store = open_rocksdb_store(StoreOptions{"", Durability::kWal});
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
}

TEST(RocksDbStore, OpeningADirectoryAnotherStoreHoldsFails) {
  TempDir dir;
  auto first = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  auto second = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  EXPECT_FALSE(second.has_value());
  ASSERT_TRUE((*first)->close().is_ok());
  auto third = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  EXPECT_TRUE(third.has_value()) << third.error().to_string();
}

TEST(RocksDbStore, OpeningAPathThatIsAFileFails) {
  TempDir dir;
  { std::ofstream(dir.path() / "file") << "not a directory"; }
  auto store = open_rocksdb_store(StoreOptions{dir.sub("file"), Durability::kWal});
  EXPECT_FALSE(store.has_value());
}

TEST(RocksDbStore, MalformedKeyValueIsCorruption) {
  TempDir dir;
  write_raw(dir.sub("db"), "keys", std::string("\x01") + "alice", "abc");
  auto store = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  EXPECT_EQ((*store)->lookup_key(KeyspaceType::kUsername, "alice").status().code(),
            StatusCode::kCorruption);
  // A claim must not overwrite what it cannot read.
  Batch claim;
  claim.claim_key(KeyspaceType::kUsername, "alice", Id(3));
  EXPECT_EQ((*store)->apply(claim).status().code(), StatusCode::kCorruption);
}

TEST(RocksDbStore, MalformedEdgeValueIsCorruption) {
  TempDir dir;
  write_raw(dir.sub("db"), "assoc_edges", kListPrefix + be64(2), "short");
  auto store = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  EXPECT_EQ((*store)->get_assoc(Id(1), AssocType::kFavouritedBy, Id(2)).status().code(),
            StatusCode::kCorruption);
  Batch remove;
  remove.remove_assoc(Id(1), AssocType::kFavouritedBy, Id(2));
  EXPECT_EQ((*store)->apply(remove).status().code(), StatusCode::kCorruption);
}

TEST(RocksDbStore, MalformedCountIsCorruption) {
  TempDir dir;
  write_raw(dir.sub("db"), "counts", kListPrefix, "xyz");
  auto store = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  EXPECT_EQ((*store)->assoc_count(Id(1), AssocType::kFavouritedBy).status().code(),
            StatusCode::kCorruption);
  // A count merged onto a malformed base fails the merge: still Corruption, never a guess.
  Batch add;
  add.add_assoc({Id(1), AssocType::kFavouritedBy, Id(2), Id(10), ""});
  ASSERT_TRUE((*store)->apply(add).has_value());
  EXPECT_EQ((*store)->assoc_count(Id(1), AssocType::kFavouritedBy).status().code(),
            StatusCode::kCorruption);
}

TEST(RocksDbStore, MalformedRangeKeyIsCorruption) {
  TempDir dir;
  write_raw(dir.sub("db"), "assoc_ranges", kListPrefix + "short", "");
  auto store = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  kindred::store::RangeQuery q;
  EXPECT_EQ((*store)->assoc_range(Id(1), AssocType::kFavouritedBy, q).status().code(),
            StatusCode::kCorruption);
}

TEST(RocksDbStore, DestroyingAnOpenStoreClosesItSoItCanBeReopened) {
  TempDir dir;
  {
    auto store = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    Batch b;
    b.put_object(ObjectType::kAccount, Id(1), "alice");
    ASSERT_TRUE((*store)->apply(b).has_value());
  }
  auto again = open_rocksdb_store(StoreOptions{dir.sub("db"), Durability::kWal});
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  EXPECT_EQ(*(*again)->get_object(ObjectType::kAccount, Id(1)), "alice");
}

}  // namespace
