// media::ZipWriter and the readers: what is written is read back byte for byte, by name.
#include "media/zip.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/temp_dir.h"

namespace kindred::media {
namespace {

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

TEST(Zip, WritesMembersThatReadBackExactly) {
  testing::TempDir dir;
  std::string binary;
  for (int i = 0; i < 100'000; ++i) binary += static_cast<char>(i * 7919 % 256);
  write(dir.sub("a.json"), "{\"a\":1}");
  write(dir.sub("b.bin"), binary);
  auto z = ZipWriter::create(dir.sub("out.zip"));
  ASSERT_TRUE(z.has_value()) << z.error().to_string();
  ASSERT_TRUE((*z)->add_file("outbox.json", dir.sub("a.json"), true).is_ok());
  ASSERT_TRUE((*z)->add_file("media_attachments/files/b.bin", dir.sub("b.bin"), false).is_ok());
  EXPECT_EQ((*z)->add_file("outbox.json", dir.sub("a.json"), true).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE((*z)->close().is_ok());

  auto names = zip_member_names(dir.sub("out.zip"));
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(*names, (std::vector<std::string>{"outbox.json", "media_attachments/files/b.bin"}));
  EXPECT_EQ(*read_zip_member(dir.sub("out.zip"), "outbox.json", 1 << 20), "{\"a\":1}");
  EXPECT_EQ(*read_zip_member(dir.sub("out.zip"), "media_attachments/files/b.bin", 1 << 20), binary);
  EXPECT_EQ(read_zip_member(dir.sub("out.zip"), "media_attachments/files/b.bin", 10).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(read_zip_member(dir.sub("out.zip"), "missing", 10).error().is_not_found());
}

TEST(Zip, AMissingSourceFailsTheArchiveAndNonZipsAreRefused) {
  testing::TempDir dir;
  auto z = ZipWriter::create(dir.sub("out.zip"));
  ASSERT_TRUE(z.has_value());
  Status added = (*z)->add_file("x", dir.sub("nothing-here"), true);
  if (added.is_ok()) {
    EXPECT_FALSE((*z)->close().is_ok());
  }
  EXPECT_FALSE(std::filesystem::exists(dir.sub("out.zip")));
  write(dir.sub("plain.txt"), "not a zip");
  EXPECT_EQ(zip_member_names(dir.sub("plain.txt")).error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(zip_member_names(dir.sub("absent.zip")).error().is_not_found());
}

}  // namespace
}  // namespace kindred::media
