#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kindred::media {

// Bounds on what an upload may be and what processing produces.
struct ImageLimits {
  size_t max_bytes = 16 << 20;       // encoded upload size
  int max_pixels_side = 16384;       // either side of the decoded image
  int64_t max_pixels = 40'000'000;   // width * height of the decoded image
  int original_side = 2048;          // longest side of the stored "original"
  int preview_side = 640;            // longest side of the preview
};

enum class ImageType { kJpeg, kPng, kWebp, kGif };

// What the header says, before any pixel is decoded.
struct ImageInfo {
  ImageType type = ImageType::kJpeg;
  std::string mime_type;  // "image/jpeg", "image/png", "image/webp", "image/gif"
  int width = 0;          // as stored, before EXIF orientation
  int height = 0;
};

struct EncodedImage {
  std::string bytes;
  std::string mime_type;  // "image/jpeg" or "image/png"
  int width = 0;
  int height = 0;
};

struct ProcessedImage {
  EncodedImage original;  // longest side <= ImageLimits::original_side
  EncodedImage preview;   // longest side <= ImageLimits::preview_side
  std::string blurhash;   // of the preview, 4 x 3 components
};

// Starts libvips once per process; later calls return the first call's outcome. Call it from
// main with argv[0]; processing functions call it themselves (with a null argv0) if main did not.
// Thread-safe.
Status init_media(const char* argv0);

// Sniffs the real type from the magic bytes (JPEG, PNG, WebP, GIF; never the file name) and
// reads the dimensions from the header without decoding pixels. InvalidArgument, with a message
// safe to show the uploader, for: empty input, more than limits.max_bytes, another type ("File type
// not supported"), an unreadable header, and a side over limits.max_pixels_side or more than
// limits.max_pixels pixels ("Image is too large (W x H)").
Result<ImageInfo> probe(std::string_view bytes, const ImageLimits& limits = {});

// Probes, then decodes (GIF: first frame only), applies the EXIF orientation, converts to 8-bit
// sRGB, and encodes an original and a preview with no metadata at all (EXIF, GPS, XMP, IPTC, ICC
// are dropped). Both are JPEG (quality 85), or PNG when the source has an alpha channel; neither
// is enlarged. A truncated or corrupt image is InvalidArgument "Could not process image"; probe's
// errors pass through. Thread-safe; never throws.
Result<ProcessedImage> process(std::string_view bytes, const ImageLimits& limits = {});

}  // namespace kindred::media
