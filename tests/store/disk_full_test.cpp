// A full disk under the RocksDB store: writes are refused with Unavailable (503 above), reads go
// on, nothing aborts (Debian's librocksdb is built with assertions, and its own info log asserted
// on the first line after a failed one), and writes work again once space is freed.
//
// Needs a small file system of its own: a tmpfs, mounted by the test (as root, as CI runs); the
// test is skipped, saying why, where mounting is not allowed.
#include <sys/mount.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "store/rocksdb/rocksdb_store.h"
#include "support/temp_dir.h"

namespace kindred::store {
namespace {

using kindred::testing::TempDir;

constexpr size_t kFsBytes = 100 << 20;
// RocksDB recovers by itself once as much is free as one memtable takes (64 MiB); the ballast,
// removed to "free space", must be larger.
constexpr size_t kBallastBytes = 72 << 20;

class Tmpfs {
 public:
  explicit Tmpfs(const std::filesystem::path& at) : at_(at) {
    const std::string options = "size=" + std::to_string(kFsBytes);
    mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path at_;
  bool mounted_ = false;
};

Batch put(Id id, size_t bytes) {
  Batch b;
  b.put_object(ObjectType::kStatus, id, std::string(bytes, static_cast<char>('a' + id.value % 26)));
  return b;
}

TEST(DiskFull, WritesAreRefusedReadsGoOnAndWritesComeBackWhenSpaceIsFreed) {
  TempDir dir;
  const auto mount_point = dir.path() / "fs";
  std::filesystem::create_directories(mount_point);
  Tmpfs fs(mount_point);
  if (!fs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  {
    std::ofstream ballast(mount_point / "ballast", std::ios::binary);
    const std::string mib(1 << 20, 'b');
    for (size_t i = 0; i < kBallastBytes / mib.size(); ++i) ballast << mib;
  }
  auto opened = open_rocksdb_store(StoreOptions{(mount_point / "db").string(), Durability::kWal});
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  auto& store = **opened;

  // Fill the rest with 256 KiB objects until a write is refused.
  ASSERT_TRUE(store.apply(put(Id(1), 1000)).has_value());
  Status refused = Status::ok();
  uint64_t next = 2;
  for (; next < 1000 && refused.is_ok(); ++next) {
    auto r = store.apply(put(Id(next), 256 << 10));
    if (!r.has_value()) refused = r.error();
  }
  ASSERT_FALSE(refused.is_ok()) << "the disk never filled";
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused.to_string();
  EXPECT_EQ(refused.message(),
            "The store cannot save anything now (its disk is full or failing); nothing was changed");

  // Still full: more writes are refused, and the process lives; reads go on.
  for (int i = 0; i < 20; ++i) {
    auto r = store.apply(put(Id(5000 + i), 100));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
    auto first = store.get_object(ObjectType::kStatus, Id(1));
    ASSERT_TRUE(first.has_value()) << first.error().to_string();
    EXPECT_EQ(first->size(), 1000u);
  }

  // Space returns: writes work again within a minute, and what was refused was not written.
  std::filesystem::remove(mount_point / "ballast");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool written = false;
  while (!written && std::chrono::steady_clock::now() < deadline) {
    written = store.apply(put(Id(9000), 100)).has_value();
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(written) << "writes did not come back after space was freed";
  EXPECT_TRUE(store.get_object(ObjectType::kStatus, Id(9000)).has_value());
  EXPECT_FALSE(store.get_object(ObjectType::kStatus, Id(5000)).has_value());
  EXPECT_TRUE(store.get_object(ObjectType::kStatus, Id(next - 2)).has_value());
  EXPECT_TRUE(store.close().is_ok());
}

}  // namespace
}  // namespace kindred::store
