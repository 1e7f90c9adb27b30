#include "media/blurhash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace kindred::media {
namespace {

// The same deterministic image as pattern() in blurhash_reference.py.
std::vector<uint8_t> pattern(int width, int height) {
  std::vector<uint8_t> rgb;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      rgb.push_back(static_cast<uint8_t>((x * 37 + y * 11) % 256));
      rgb.push_back(static_cast<uint8_t>((x * x * 5 + y * 29) % 256));
      rgb.push_back(static_cast<uint8_t>(((255 - x * 23 - y * 17) % 256 + 256) % 256));
    }
  }
  return rgb;
}

// Expected values come from tests/media/blurhash_reference.py, a port of woltapp/blurhash
// C/encode.c written independently of blurhash.cpp; rerun it if the pattern changes.
TEST(Blurhash, MatchesReferenceFor4x3) {
  std::vector<uint8_t> rgb = pattern(32, 24);
  EXPECT_EQ(blurhash_encode(rgb.data(), 32, 24, 32 * 3, 4, 3), "L3HVC*^-n9^A?dI_FxD]3LmJ1ZvV");
}

TEST(Blurhash, MatchesReferenceFor9x9AndFor1x1) {
  std::vector<uint8_t> rgb = pattern(8, 6);
  EXPECT_EQ(blurhash_encode(rgb.data(), 8, 6, 8 * 3, 9, 9),
            "|wGR[0I$5b-pN#XBr|T1r|xMM.bvxaN3s;jdNfwhR;j1o_V{jIb[aOj]bax]jLSOjJoyWFjJo{Vyj2RpoxnmSN"
            "sCahS|rc%MWHS#nma~buj0bbjcT0i*oebui~fRa}kBaO%MWHS#nma~buj0bbjcj2RpoxnmSNsCahS|rc");
  EXPECT_EQ(blurhash_encode(rgb.data(), 8, 6, 8 * 3, 1, 1), "00GR[0");
}

TEST(Blurhash, UniformColour) {
  std::vector<uint8_t> rgb;
  for (int i = 0; i < 16 * 16; ++i) rgb.insert(rgb.end(), {200, 100, 50});
  const std::string hash = blurhash_encode(rgb.data(), 16, 16, 16 * 3, 4, 3);
  EXPECT_EQ(hash, "LBM|T9}XfQ}X}XoLfQoLfQfQfQfQ");
  // Size flag for 4 x 3 is (4 - 1) + (3 - 1) * 9 = 21 = 'L'; the DC term carries the colour.
  ASSERT_EQ(hash.size(), 6u + 2u * (4u * 3u - 1u));
  EXPECT_EQ(hash[0], 'L');
}

TEST(Blurhash, HonoursStride) {
  std::vector<uint8_t> tight = pattern(32, 24);
  std::vector<uint8_t> padded;
  for (int y = 0; y < 24; ++y) {
    padded.insert(padded.end(), tight.begin() + y * 96, tight.begin() + (y + 1) * 96);
    padded.insert(padded.end(), 5, 0xAB);
  }
  EXPECT_EQ(blurhash_encode(padded.data(), 32, 24, 101, 4, 3), "L3HVC*^-n9^A?dI_FxD]3LmJ1ZvV");
}

TEST(Blurhash, RejectsBadArguments) {
  std::vector<uint8_t> rgb = pattern(4, 4);
  EXPECT_EQ(blurhash_encode(rgb.data(), 4, 4, 12, 0, 3), "");
  EXPECT_EQ(blurhash_encode(rgb.data(), 4, 4, 12, 4, 10), "");
  EXPECT_EQ(blurhash_encode(rgb.data(), 0, 4, 12, 4, 3), "");
  EXPECT_EQ(blurhash_encode(rgb.data(), 4, 4, 11, 4, 3), "");
  EXPECT_EQ(blurhash_encode(nullptr, 4, 4, 12, 4, 3), "");
}

}  // namespace
}  // namespace kindred::media
