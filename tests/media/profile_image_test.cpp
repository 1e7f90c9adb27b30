#include <gtest/gtest.h>

#include <string>
#include <vips/vips8>

#include "media/image.h"
#include "media/test_images.h"
#include "support/temp_dir.h"

namespace kindred::media {
namespace {

using namespace test_images;
using vips::VImage;

// A JPEG stored `width` x `height` whose EXIF orientation is `orientation`, written by libvips.
std::string jpeg_with_orientation(int width, int height, int orientation) {
  VImage image = gradient(width, height).copy();
  image.set("orientation", orientation);
  return encode_as(image, ".jpg");
}

TEST(Avatar, OutputIsSquareOfRequestedSide) {
  Result<EncodedImage> out = process_avatar(encode_as(gradient(1200, 800), ".jpg"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->mime_type, "image/jpeg");
  EXPECT_EQ(out->width, 400);
  EXPECT_EQ(out->height, 400);
  VImage decoded = decode(out->bytes);
  EXPECT_EQ(decoded.width(), 400);
  EXPECT_EQ(decoded.height(), 400);

  Result<EncodedImage> small = process_avatar(encode_as(gradient(1200, 800), ".jpg"), {}, 96);
  ASSERT_TRUE(small.has_value()) << small.status().to_string();
  EXPECT_EQ(small->width, 96);
  EXPECT_EQ(small->height, 96);
}

TEST(Avatar, SmallerSourceGivesSmallerSquareNotEnlarged) {
  Result<EncodedImage> out = process_avatar(encode_as(gradient(300, 200), ".png"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->width, 200);
  EXPECT_EQ(out->height, 200);
}

TEST(Avatar, CropsAroundTheCentre) {
  // Red runs 0..255 left to right over 900 pixels; the centre square is x 300..600.
  Result<EncodedImage> out = process_avatar(encode_as(gradient(900, 300), ".png"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  ASSERT_EQ(out->width, 300);
  VImage decoded = decode(out->bytes);
  EXPECT_NEAR(decoded.getpoint(2, 150)[0], 85.0, 6.0);
  EXPECT_NEAR(decoded.getpoint(150, 150)[0], 127.0, 6.0);
  EXPECT_NEAR(decoded.getpoint(297, 150)[0], 170.0, 6.0);
}

TEST(Avatar, AppliesOrientation) {
  // Stored 600 wide, 300 high; orientation 6 says "rotate 90 degrees clockwise to view", so the
  // stored left edge (red 0) becomes the top: down the square, red rises from ~64 to ~191.
  // Unrotated, the centre column would be ~127 from top to bottom.
  const std::string tagged = jpeg_with_orientation(600, 300, 6);
  ASSERT_EQ(decode(tagged).get_int("orientation"), 6);
  Result<EncodedImage> out = process_avatar(tagged);
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  ASSERT_EQ(out->width, 300);
  ASSERT_EQ(out->height, 300);
  VImage decoded = decode(out->bytes);
  EXPECT_LT(decoded.getpoint(150, 3)[0], 90.0);
  EXPECT_GT(decoded.getpoint(150, 296)[0], 165.0);
  EXPECT_FALSE(has_field(decoded, "exif-data"));
}

TEST(Avatar, StripsGpsAndAllMetadata) {
  if (!have_exiftool()) GTEST_SKIP() << "exiftool is not installed";
  kindred::testing::TempDir dir;
  const std::string in_path = dir.sub("in.jpg");
  write_file(in_path, encode_as(gradient(800, 600), ".jpg"));
  ASSERT_EQ(std::system(("exiftool -q -overwrite_original -GPSLatitude=51.5 -GPSLatitudeRef=N "
                         "-GPSLongitude=0.12 -GPSLongitudeRef=W -XMP:Creator=Someone '" +
                         in_path + "'")
                            .c_str()),
            0);
  ASSERT_NE(run("exiftool -a -G1 -s '" + in_path + "'").find("[GPS]"), std::string::npos);
  const std::string tagged = read_file(in_path);

  Result<EncodedImage> avatar = process_avatar(tagged);
  Result<EncodedImage> header = process_header(tagged);
  for (const Result<EncodedImage>* out : {&avatar, &header}) {
    ASSERT_TRUE(out->has_value()) << out->status().to_string();
    VImage decoded = decode((*out)->bytes);
    for (const char* field : {"exif-data", "xmp-data", "iptc-data", "icc-profile-data"}) {
      EXPECT_FALSE(has_field(decoded, field)) << field;
    }
    const std::string out_path = dir.sub("out.jpg");
    write_file(out_path, (*out)->bytes);
    const std::string after = run("exiftool -a -G1 -s '" + out_path + "'");
    for (const char* group : {"[IFD0]", "[ExifIFD]", "[GPS]", "[XMP", "[IPTC]", "[ICC"}) {
      EXPECT_EQ(after.find(group), std::string::npos) << group << " in:\n" << after;
    }
  }
}

TEST(Avatar, PngWithAlphaStaysPng) {
  Result<EncodedImage> out = process_avatar(encode_as(gradient(500, 500, /*alpha=*/true), ".png"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->mime_type, "image/png");
  EXPECT_EQ(decode(out->bytes).bands(), 4);
}

TEST(Avatar, BadInputFailsAsProcessDoes) {
  const std::string jpeg = encode_as(gradient(256, 256), ".jpg");
  ImageLimits tiny;
  tiny.max_bytes = 100;
  struct Case {
    const char* what;
    std::string bytes;
    ImageLimits limits;
  };
  for (const Case& c : {
           Case{"empty", "", {}},
           Case{"text", "this is not a photo, just text in a file named photo.jpg\n", {}},
           Case{"truncated jpeg", jpeg.substr(0, jpeg.size() / 2), {}},
           Case{"bomb", png_header_only(50000, 50000), {}},
           Case{"over max_bytes", jpeg, tiny},
       }) {
    SCOPED_TRACE(c.what);
    Result<ProcessedImage> expected = process(c.bytes, c.limits);
    ASSERT_FALSE(expected.has_value());
    EXPECT_EQ(expected.error().code(), StatusCode::kInvalidArgument);
    for (const Result<EncodedImage>& out :
         {process_avatar(c.bytes, c.limits), process_header(c.bytes, c.limits)}) {
      ASSERT_FALSE(out.has_value());
      EXPECT_EQ(out.error().code(), expected.error().code());
      EXPECT_EQ(out.error().message(), expected.error().message());
    }
  }
}

TEST(Header, CropsToThreeToOne) {
  Result<EncodedImage> out = process_header(encode_as(gradient(3000, 2000), ".jpg"));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->width, 1500);
  EXPECT_EQ(out->height, 500);
  VImage decoded = decode(out->bytes);
  EXPECT_EQ(decoded.width(), 1500);
  EXPECT_EQ(decoded.height(), 500);
}

TEST(Header, SmallerSourceKeepsThreeToOneNotEnlarged) {
  Result<EncodedImage> square = process_header(encode_as(gradient(600, 600), ".jpg"));
  ASSERT_TRUE(square.has_value()) << square.status().to_string();
  EXPECT_EQ(square->width, 600);
  EXPECT_EQ(square->height, 200);

  // Wider than 3:1 and shorter than the target: the sides are cut, the height kept.
  Result<EncodedImage> wide = process_header(encode_as(gradient(2000, 400), ".jpg"));
  ASSERT_TRUE(wide.has_value()) << wide.status().to_string();
  EXPECT_EQ(wide->width, 1200);
  EXPECT_EQ(wide->height, 400);
}

TEST(Header, AppliesOrientation) {
  // Stored 400 x 1200, viewed 1200 x 400 after orientation 6: already 3:1, so nothing is cut.
  Result<EncodedImage> out = process_header(jpeg_with_orientation(400, 1200, 6));
  ASSERT_TRUE(out.has_value()) << out.status().to_string();
  EXPECT_EQ(out->width, 1200);
  EXPECT_EQ(out->height, 400);
}

}  // namespace
}  // namespace kindred::media
