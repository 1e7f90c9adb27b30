#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace kindred::media {

// Synthetic photos for demo data and tests, drawn by libvips: no binary files in the tree.

struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
};

inline constexpr int kMaxSynthSide = 8192;

struct SynthSpec {
  int width = 640;             // 1 to kMaxSynthSide
  int height = 480;            // 1 to kMaxSynthSide
  Rgb from{40, 90, 160};       // the diagonal gradient's top-left colour
  Rgb to{240, 200, 120};       // its bottom-right colour
  uint64_t seed = 0;           // picks 3 to 6 filled circles and rectangles: places, sizes, colours
  std::string format = "jpg";  // "jpg" (quality 85) or "png"; the BlobStore extension too
};

// An encoded image of exactly spec.width x spec.height, 8-bit sRGB, no alpha, no metadata. The
// same spec gives the same bytes (with the same libvips build); the shapes come from a generator
// of our own, not std:: distributions, so no standard library changes them. InvalidArgument for a
// side outside 1..kMaxSynthSide or another format; Internal if libvips fails. Thread-safe; never
// throws.
Result<std::string> synthesize_image(const SynthSpec& spec);

}  // namespace kindred::media
