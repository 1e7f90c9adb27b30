#include "media/blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace kindred::media {
namespace {

namespace fs = std::filesystem;

// sha256("abc"), FIPS 180-2 appendix B.1.
constexpr std::string_view kAbcSha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// Every regular file under `root`, as paths relative to it.
std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(fs::relative(it->path(), root).string());
  }
  return out;
}

TEST(BlobStore, NameIsSha256AndPathFansOut) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.sub("media"));
  Result<std::string> name = store.put("abc", "jpg");
  ASSERT_TRUE(name.has_value()) << name.status().to_string();
  EXPECT_EQ(*name, std::string(kAbcSha256) + ".jpg");
  EXPECT_TRUE(BlobStore::valid_name(*name));
  EXPECT_EQ(store.path_of(*name), dir.sub("media") + "/ba/78/" + *name);
  EXPECT_EQ(files_under(dir.path()), std::vector<std::string>{"media/ba/78/" + *name});
}

TEST(BlobStore, SameBytesGiveSameNameAndOneFile) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.path().string());
  Result<std::string> first = store.put("same bytes", "png");
  Result<std::string> second = store.put("same bytes", "png");
  ASSERT_TRUE(first.has_value()) << first.status().to_string();
  ASSERT_TRUE(second.has_value()) << second.status().to_string();
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(files_under(dir.path()).size(), 1u);

  // The extension is part of the name: the same bytes as a jpg are a second blob.
  Result<std::string> as_jpg = store.put("same bytes", "jpg");
  ASSERT_TRUE(as_jpg.has_value());
  EXPECT_NE(*as_jpg, *first);
  EXPECT_EQ(files_under(dir.path()).size(), 2u);
}

TEST(BlobStore, ReadReturnsWhatWasPut) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.path().string());
  std::string bytes(300'000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + i / 251);
  Result<std::string> name = store.put(bytes, "jpg");
  ASSERT_TRUE(name.has_value()) << name.status().to_string();
  EXPECT_TRUE(store.exists(*name));
  Result<std::string> back = store.read(*name);
  ASSERT_TRUE(back.has_value()) << back.status().to_string();
  EXPECT_EQ(*back, bytes);

  Result<std::string> empty = store.put("", "png");
  ASSERT_TRUE(empty.has_value()) << empty.status().to_string();
  EXPECT_EQ(store.read(*empty).value(), "");
}

TEST(BlobStore, MissingBlobIsNotFound) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.sub("never-created"));
  const std::string name = std::string(kAbcSha256) + ".png";
  EXPECT_FALSE(store.exists(name));
  Result<std::string> read = store.read(name);
  ASSERT_FALSE(read.has_value());
  EXPECT_TRUE(read.error().is_not_found()) << read.error().to_string();
}

TEST(BlobStore, RemoveDeletesAndMissingIsOk) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.path().string());
  Result<std::string> name = store.put("to be removed", "jpg");
  ASSERT_TRUE(name.has_value());
  EXPECT_TRUE(store.remove(*name).is_ok());
  EXPECT_FALSE(store.exists(*name));
  EXPECT_TRUE(store.read(*name).error().is_not_found());
  EXPECT_TRUE(store.remove(*name).is_ok());
  EXPECT_TRUE(files_under(dir.path()).empty());
}

TEST(BlobStore, InvalidNamesAreRejected) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.path().string());
  const std::string hex(kAbcSha256);
  std::string upper = hex;
  upper[0] = 'B';
  for (const std::string& name : {
           std::string(""),
           std::string("../../etc/passwd"),
           "../" + hex.substr(3) + ".jpg",
           hex.substr(0, 62) + "/." + ".jpg",
           hex.substr(1) + ".jpg",  // 63 digits
           hex + "0.jpg",           // 65 digits
           upper + ".jpg",          // upper case
           hex + ".gif",
           hex + ".jpeg",
           hex + ".JPG",
           hex + ".jpg/",
           hex + "/jpg",
           hex + std::string(".j\0g", 4),  // an embedded NUL
           ".tmp-" + hex + ".jpg",
           hex.substr(0, 60) + "xyz0.png",
       }) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(BlobStore::valid_name(name));
    EXPECT_FALSE(store.exists(name));
    EXPECT_EQ(store.path_of(name), "");
    Result<std::string> read = store.read(name);
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store.remove(name).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(BlobStore::valid_name(hex + ".jpg"));
  EXPECT_TRUE(BlobStore::valid_name(hex + ".png"));
}

TEST(BlobStore, PutRefusesOtherExtensions) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.path().string());
  for (const char* ext : {"", "gif", "JPG", ".jpg", "jpg/../..", "jpeg"}) {
    SCOPED_TRACE(ext);
    Result<std::string> name = store.put("abc", ext);
    ASSERT_FALSE(name.has_value());
    EXPECT_EQ(name.error().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(files_under(dir.path()).empty());
}

TEST(BlobStore, LeftoverTempFileIsNeverABlobAndIsRemovedAtStartup) {
  kindred::testing::TempDir dir;
  const std::string name = std::string(kAbcSha256) + ".jpg";
  std::string tmp;
  {
    BlobStore crashed(dir.path().string());
    Result<std::string> written = crashed.write_temp_only_for_test("abc", "jpg");
    ASSERT_TRUE(written.has_value()) << written.status().to_string();
    tmp = *written;
  }
  // Restart.
  BlobStore store(dir.path().string());
  ASSERT_TRUE(fs::exists(tmp));
  EXPECT_EQ(fs::path(tmp).parent_path(), fs::path(store.path_of(name)).parent_path());
  EXPECT_FALSE(BlobStore::valid_name(fs::path(tmp).filename().string()));
  EXPECT_FALSE(store.exists(name));
  EXPECT_TRUE(store.read(name).error().is_not_found());

  // A kept blob in the same directory survives the clean-up.
  Result<std::string> kept = store.put("abc", "png");
  ASSERT_TRUE(kept.has_value());
  ASSERT_TRUE(store.remove_temp_files().is_ok());
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_EQ(files_under(dir.path()), std::vector<std::string>{"ba/78/" + *kept});

  // The interrupted put can be done again.
  Result<std::string> again = store.put("abc", "jpg");
  ASSERT_TRUE(again.has_value()) << again.status().to_string();
  EXPECT_EQ(*again, name);
  EXPECT_EQ(store.read(name).value(), "abc");
}

TEST(BlobStore, RemoveTempFilesOnMissingRootIsOk) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.sub("not-there-yet"));
  EXPECT_TRUE(store.remove_temp_files().is_ok());
}

TEST(BlobStore, ConcurrentPutsOfSameBytesLeaveOneFile) {
  kindred::testing::TempDir dir;
  BlobStore store(dir.sub("media"));
  const std::string bytes(1 << 20, 'x');
  constexpr int kThreads = 8;
  std::vector<Result<std::string>> results(kThreads, Status::internal("not run"));
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = store.put(bytes, "png");
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Result<std::string>& r : results) {
    ASSERT_TRUE(r.has_value()) << r.status().to_string();
    EXPECT_EQ(*r, *results[0]);
  }
  const std::vector<std::string> files = files_under(dir.path());
  ASSERT_EQ(files.size(), 1u) << ::testing::PrintToString(files);
  EXPECT_EQ(fs::path(files[0]).filename().string(), *results[0]);
  EXPECT_EQ(store.read(*results[0]).value(), bytes);
}

}  // namespace
}  // namespace kindred::media
