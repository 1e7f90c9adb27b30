#include "media/image.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <sched.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vips/vips8>

#include "media/test_images.h"
#include "support/temp_dir.h"

namespace kindred::media {
namespace {

using namespace test_images;
using vips::VImage;

TEST(Process, InitMediaLeavesOneVipsWorkerPerPipeline) {
  ASSERT_TRUE(init_media("media_tests").is_ok());
  EXPECT_EQ(vips_concurrency_get(), 1);
}

// The processing threads must yield to request threads: SCHED_IDLE and nice 19, on the calling
// thread and on every libvips worker (checked on a fresh thread so the test runner keeps its own).
TEST(Priority, LowersThisThreadAndLibvipsWorkersToIdle) {
  ASSERT_TRUE(init_media("media_tests").is_ok());
  std::thread([] {
    ASSERT_TRUE(lower_this_thread_priority(CpuPriority{19, true}));
    EXPECT_EQ(sched_getscheduler(0), SCHED_IDLE);
    EXPECT_EQ(getpriority(PRIO_PROCESS, 0), 19);
    // Lowering again (every job does) is harmless.
    EXPECT_TRUE(lower_this_thread_priority(CpuPriority{19, true}));
  }).join();
  // Make libvips start its workers from this (normal priority) thread, then lower them.
  ASSERT_TRUE(process(encode_as(gradient(640, 480), ".jpg")).has_value());
  lower_libvips_worker_priority(CpuPriority{19, true});
  int workers = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || name != "libvips worker") continue;
    ++workers;
    const auto tid = static_cast<pid_t>(std::stol(entry.path().filename().string()));
    EXPECT_EQ(sched_getscheduler(tid), SCHED_IDLE) << "worker " << tid;
    EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(tid)), 19) << "worker " << tid;
  }
  EXPECT_GT(workers, 0);
}

TEST(Probe, ReadsTypeAndSize) {
  VImage image = gradient(120, 80);
  struct Case {
    const char* suffix;
    const char* mime;
  };
  for (Case c : {Case{".jpg", "image/jpeg"}, Case{".png", "image/png"}, Case{".webp", "image/webp"},
                 Case{".gif", "image/gif"}}) {
    SCOPED_TRACE(c.suffix);
    std::string bytes;
    try {
      bytes = encode_as(image, c.suffix);
    } catch (const vips::VError& e) {
      ADD_FAILURE() << "libvips cannot write " << c.suffix << ": " << e.what();
      continue;
    }
    Result<ImageInfo> info = probe(bytes);
    ASSERT_TRUE(info.has_value()) << info.status().to_string();
    EXPECT_EQ(info->mime_type, c.mime);
    EXPECT_EQ(info->width, 120);
    EXPECT_EQ(info->height, 80);
  }
}

TEST(Probe, RefusesEmptyAndNonImages) {
  Result<ImageInfo> empty = probe("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code(), StatusCode::kInvalidArgument);

  // Text uploaded as "photo.jpg": the name is never consulted.
  Result<ImageInfo> text = probe("this is not a photo, just text in a file named photo.jpg\n");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.error().message(), "File type not supported");

  // Supported by libvips, but not by us.
  Result<ImageInfo> tiff = probe(encode_as(gradient(16, 16), ".tif"));
  ASSERT_FALSE(tiff.has_value());
  EXPECT_EQ(tiff.error().message(), "File type not supported");

  // The right magic with garbage behind it.
  Result<ImageInfo> fake = probe(std::string("\xFF\xD8\xFF\xE0 garbage garbage garbage", 28));
  ASSERT_FALSE(fake.has_value());
  EXPECT_EQ(fake.error().code(), StatusCode::kInvalidArgument);
}

TEST(Probe, RefusesOversizedUpload) {
  ImageLimits limits;
  limits.max_bytes = 100;
  Result<ImageInfo> info = probe(encode_as(gradient(64, 64), ".png"), limits);
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code(), StatusCode::kInvalidArgument);
}

TEST(Probe, RefusesImageBombByHeaderWithoutDecoding) {
  std::string bomb = png_header_only(50000, 50000);
  ASSERT_LT(bomb.size(), 100u);
  auto start = std::chrono::steady_clock::now();
  Result<ImageInfo> info = probe(bomb);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(info.error().message(), "Image is too large (50000 x 50000)");
  EXPECT_LT(elapsed, std::chrono::seconds(1));

  Result<ProcessedImage> processed = process(bomb);
  ASSERT_FALSE(processed.has_value());
  EXPECT_EQ(processed.error().message(), "Image is too large (50000 x 50000)");

  // Within each side's limit, but too many pixels in all.
  Result<ImageInfo> wide = probe(png_header_only(16000, 16000));
  ASSERT_FALSE(wide.has_value());
  EXPECT_EQ(wide.error().message(), "Image is too large (16000 x 16000)");
}

TEST(Process, TruncatedJpegIsInvalidArgument) {
  std::string jpeg = encode_as(gradient(256, 256), ".jpg");
  std::string half = jpeg.substr(0, jpeg.size() / 2);
  Result<ProcessedImage> out = process(half);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out.error().message(), "Could not process image");
}

TEST(Process, TruncatedPngIsInvalidArgument) {
  std::string png = encode_as(gradient(256, 256), ".png");
  Result<ProcessedImage> out = process(png.substr(0, png.size() / 2));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), StatusCode::kInvalidArgument);
}

TEST(Process, ShrinksToOriginalAndPreviewSides) {
  Result<ProcessedImage> out = process(encode_as(gradient(3000, 1000), ".png"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->original.mime_type, "image/jpeg");
  EXPECT_EQ(out->original.width, 2048);
  EXPECT_NEAR(out->original.height, 683, 1);
  EXPECT_EQ(out->preview.width, 640);
  EXPECT_NEAR(out->preview.height, 213, 1);
  VImage original = decode(out->original.bytes);
  EXPECT_EQ(original.width(), out->original.width);
  EXPECT_EQ(original.height(), out->original.height);
  EXPECT_EQ(out->blurhash.size(), 28u);
  EXPECT_EQ(out->blurhash[0], 'L');
}

TEST(Process, NeverEnlarges) {
  Result<ProcessedImage> out = process(encode_as(gradient(100, 50), ".jpg"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->original.width, 100);
  EXPECT_EQ(out->original.height, 50);
  EXPECT_EQ(out->preview.width, 100);
}

TEST(Process, WebpBecomesJpeg) {
  Result<ProcessedImage> out = process(encode_as(gradient(200, 100), ".webp"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->original.mime_type, "image/jpeg");
  EXPECT_EQ(out->preview.mime_type, "image/jpeg");
  EXPECT_EQ(out->original.bytes.substr(0, 3), std::string("\xFF\xD8\xFF", 3));
}

TEST(Process, PngWithAlphaStaysPng) {
  Result<ProcessedImage> out = process(encode_as(gradient(200, 100, /*alpha=*/true), ".png"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->original.mime_type, "image/png");
  EXPECT_EQ(out->preview.mime_type, "image/png");
  VImage original = decode(out->original.bytes);
  EXPECT_EQ(original.bands(), 4);
  EXPECT_EQ(out->blurhash.size(), 28u);
}

TEST(Process, GifUsesFirstFrameOnly) {
  // Two 60x40 frames stacked vertically, told apart by colour.
  VImage first = gradient(60, 40);
  VImage second = VImage::black(60, 40, VImage::option()->set("bands", 3)).cast(VIPS_FORMAT_UCHAR);
  VImage pages = first.join(second, VIPS_DIRECTION_VERTICAL).copy();
  pages.set("page-height", 40);
  std::string gif;
  try {
    gif = encode_as(pages, ".gif");
  } catch (const vips::VError& e) {
    GTEST_SKIP() << "libvips cannot write GIF: " << e.what();
  }
  ASSERT_EQ(decode(gif).get_int("n-pages"), 2);
  Result<ProcessedImage> out = process(gif);
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->original.width, 60);
  EXPECT_EQ(out->original.height, 40);
  // The first frame is a gradient, not black.
  EXPECT_GT(decode(out->original.bytes).avg(), 20.0);
}

TEST(Process, AppliesOrientationAndStripsAllMetadata) {
  if (!have_exiftool()) GTEST_SKIP() << "exiftool is not installed";
  kindred::testing::TempDir dir;
  const std::string in_path = dir.sub("in.jpg");
  // Stored 300 wide, 200 high; EXIF orientation 6 says "rotate 90 degrees clockwise to view".
  write_file(in_path, encode_as(gradient(300, 200), ".jpg"));
  ASSERT_EQ(
      std::system(("exiftool -q -overwrite_original -Orientation#=6 -GPSLatitude=51.5 "
                   "-GPSLatitudeRef=N -GPSLongitude=0.12 -GPSLongitudeRef=W -XMP:Creator=Someone "
                   "'" +
                   in_path + "'")
                      .c_str()),
      0);
  const std::string tagged = read_file(in_path);
  const std::string before = run("exiftool -a -G1 -s '" + in_path + "'");
  ASSERT_NE(before.find("[GPS]"), std::string::npos) << before;
  ASSERT_NE(before.find("Orientation"), std::string::npos) << before;

  Result<ImageInfo> info = probe(tagged);
  ASSERT_TRUE(info.has_value()) << info.status().to_string();
  EXPECT_EQ(info->width, 300);
  EXPECT_EQ(info->height, 200);

  Result<ProcessedImage> out = process(tagged);
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->original.width, 200);
  EXPECT_EQ(out->original.height, 300);
  EXPECT_EQ(out->preview.width, 200);
  EXPECT_EQ(out->preview.height, 300);
  // Rotated clockwise: the stored left edge (red 0) is now the top, the right edge the bottom.
  VImage rotated = decode(out->original.bytes);
  EXPECT_LT(rotated.getpoint(100, 2)[0], 40.0);
  EXPECT_GT(rotated.getpoint(100, 297)[0], 200.0);

  for (const EncodedImage* image : {&out->original, &out->preview}) {
    VImage decoded = decode(image->bytes);
    EXPECT_EQ(decoded.width(), 200);
    EXPECT_EQ(decoded.height(), 300);
    for (const char* field : {"exif-data", "xmp-data", "iptc-data", "icc-profile-data"}) {
      EXPECT_FALSE(has_field(decoded, field)) << field;
    }
    const std::string out_path = dir.sub("out.jpg");
    write_file(out_path, image->bytes);
    const std::string after = run("exiftool -a -G1 -s '" + out_path + "'");
    for (const char* group : {"[IFD0]", "[ExifIFD]", "[GPS]", "[XMP", "[IPTC]", "[ICC", "[IFD1]"}) {
      EXPECT_EQ(after.find(group), std::string::npos) << group << " in:\n" << after;
    }
    EXPECT_EQ(after.find("Orientation"), std::string::npos) << after;
  }
}

}  // namespace
}  // namespace kindred::media
