#include "media/synth.h"

#include <gtest/gtest.h>

#include <string>
#include <vips/vips8>

#include "media/image.h"
#include "media/test_images.h"

namespace kindred::media {
namespace {

using test_images::decode;
using vips::VImage;

TEST(Synth, DecodesToRequestedSize) {
  for (const char* format : {"jpg", "png"}) {
    SCOPED_TRACE(format);
    SynthSpec spec;
    spec.width = 321;
    spec.height = 123;
    spec.format = format;
    Result<std::string> bytes = synthesize_image(spec);
    ASSERT_TRUE(bytes.has_value()) << bytes.status().to_string();
    Result<ImageInfo> info = probe(*bytes);
    ASSERT_TRUE(info.has_value()) << info.status().to_string();
    EXPECT_EQ(info->mime_type, std::string(format) == "jpg" ? "image/jpeg" : "image/png");
    VImage decoded = decode(*bytes);
    EXPECT_EQ(decoded.width(), 321);
    EXPECT_EQ(decoded.height(), 123);
    EXPECT_EQ(decoded.bands(), 3);
    // Good enough to upload.
    Result<ProcessedImage> processed = process(*bytes);
    EXPECT_TRUE(processed.has_value()) << processed.status().to_string();
  }
}

TEST(Synth, SameSpecGivesSameBytes) {
  SynthSpec spec;
  spec.seed = 42;
  Result<std::string> a = synthesize_image(spec);
  Result<std::string> b = synthesize_image(spec);
  ASSERT_TRUE(a.has_value()) << a.status().to_string();
  ASSERT_TRUE(b.has_value()) << b.status().to_string();
  EXPECT_EQ(*a, *b);
}

TEST(Synth, DifferentSeedsDiffer) {
  SynthSpec spec;
  spec.format = "png";
  spec.seed = 1;
  Result<std::string> a = synthesize_image(spec);
  spec.seed = 2;
  Result<std::string> b = synthesize_image(spec);
  ASSERT_TRUE(a.has_value()) << a.status().to_string();
  ASSERT_TRUE(b.has_value()) << b.status().to_string();
  EXPECT_NE(*a, *b);
  // Not just the bytes: the pixels.
  EXPECT_GT((decode(*a) - decode(*b)).abs().avg(), 1.0);
}

TEST(Synth, RefusesBadSpec) {
  SynthSpec zero;
  zero.width = 0;
  SynthSpec huge;
  huge.height = kMaxSynthSide + 1;
  SynthSpec gif;
  gif.format = "gif";
  for (const SynthSpec& spec : {zero, huge, gif}) {
    Result<std::string> out = synthesize_image(spec);
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace kindred::media
