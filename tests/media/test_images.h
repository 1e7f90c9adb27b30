#pragma once

// Helpers shared by the media tests: images are made here with libvips; nothing binary is
// committed. Header-only, because each tests/<area>/ builds its *_test.cpp files alone.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vips/vips8>

#include "media/image.h"

namespace kindred::media::test_images {

// Red rises left to right (0 to 255), green top to bottom, blue along the diagonal.
inline vips::VImage gradient(int width, int height, bool alpha = false) {
  using vips::VImage;
  EXPECT_TRUE(init_media("media_tests").is_ok());
  VImage xy = VImage::xyz(width, height);
  VImage r = xy[0] * (255.0 / width);
  VImage g = xy[1] * (255.0 / height);
  VImage b = (xy[0] + xy[1]) * (127.0 / (width + height)) + 64;
  VImage rgb = r.bandjoin(g).bandjoin(b);
  if (alpha) rgb = rgb.bandjoin(200);
  rgb = rgb.cast(VIPS_FORMAT_UCHAR)
            .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  return rgb;
}

inline std::string encode_as(const vips::VImage& image, const char* suffix) {
  void* buf = nullptr;
  size_t size = 0;
  image.write_to_buffer(suffix, &buf, &size);
  std::string out(static_cast<const char*>(buf), size);
  g_free(buf);
  return out;
}

// REQUIRES: `bytes` outlives the image (libvips does not copy the buffer).
inline vips::VImage decode(const std::string& bytes) {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
}

inline bool has_field(const vips::VImage& image, const char* name) {
  return vips_image_get_typeof(image.get_image(), name) != 0;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// stdout of a shell command, or "" if it could not run.
inline std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  pclose(pipe);
  return out;
}

inline bool have_exiftool() { return std::system("exiftool -ver >/dev/null 2>&1") == 0; }

inline uint32_t crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

inline void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  std::string body(type);
  body.append(data);
  out.append(body);
  put_u32(out, crc32(body));
}

// A PNG whose IHDR declares width x height RGB pixels, followed by a few bytes of IDAT.
inline std::string png_header_only(uint32_t width, uint32_t height) {
  std::string png("\x89PNG\r\n\x1A\n", 8);
  std::string ihdr;
  put_u32(ihdr, width);
  put_u32(ihdr, height);
  ihdr.append(std::string("\x08\x02\x00\x00\x00", 5));  // 8-bit RGB, deflate, no interlace
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", std::string("\x78\x9C\x63\x00\x00\x00\x01\x00\x01", 9));
  put_chunk(png, "IEND", "");
  return png;
}

}  // namespace kindred::media::test_images
