#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace kindred::media {

// Bounds on what an upload may be and what processing produces.
struct ImageLimits {
  size_t max_bytes = 16 << 20;      // encoded upload size
  int max_pixels_side = 16384;      // either side of the decoded image
  int64_t max_pixels = 40'000'000;  // width * height of the decoded image
  int original_side = 2048;         // longest side of the stored "original"
  int preview_side = 640;           // longest side of the preview
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
//
// Concurrency: it sets libvips to one worker thread per pipeline (vips_concurrency_set(1)), so
// one call to process() (or process_avatar(), synthesize_image()...) keeps about one core busy,
// whatever the machine. Parallelism is the caller's: N threads calling process() use about N
// cores, so the server bounds image work by the size of the pool it runs uploads on. The
// VIPS_CONCURRENCY environment variable is overridden.
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

// Profile pictures: the avatar (square) and the header (a 3:1 banner).
//
// Both probe like process() and fail the same way (probe's InvalidArgument errors, "Could not
// process image" for a truncated or corrupt file), decode the first frame, apply the EXIF
// orientation, convert to 8-bit sRGB, crop around the centre to the target aspect ratio, shrink
// to the target size and encode with no metadata at all: JPEG (quality 85), or PNG when the source
// has an alpha channel. Neither enlarges: a source smaller than the target is cropped to the
// target's aspect ratio at its own scale (a 300 x 200 avatar upload gives 200 x 200).
//
// The crop is the centre, not libvips' "attention" (which looks for edges, skin tones and
// saturation): people frame their face in the middle, clients preview an upload centred (CSS
// object-fit: cover) and Mastodon crops avatars around the centre too, so what the user saw is
// what they get, and the same photo always crops the same way. Attention can jump to a bright
// background or a patterned shirt, and costs extra passes over the pixels.
//
// Thread-safe; never throws. See init_media() for how many cores one call uses.

// A square avatar, `side` x `side` (or smaller, never enlarged). REQUIRES: side > 0.
Result<EncodedImage> process_avatar(std::string_view bytes, const ImageLimits& limits = {},
                                    int side = 400);

// A header banner of `width` x `height` (3:1 by default; or smaller, never enlarged).
// REQUIRES: width > 0, height > 0.
Result<EncodedImage> process_header(std::string_view bytes, const ImageLimits& limits = {},
                                    int width = 1500, int height = 500);

// How far below request threads image work runs: `nice` (0..19) and, when `idle`, Linux's
// SCHED_IDLE class, which runs a thread only on CPU time no normal thread wants (it still gets a
// small share under full load, so uploads slow down but never stop).
struct CpuPriority {
  int nice = 19;
  bool idle = true;
};

// Applies `priority` to the calling thread. Returns false when the kernel refused (the thread
// keeps whatever it had).
bool lower_this_thread_priority(const CpuPriority& priority);

// Applies `priority` to libvips' own worker threads (named "libvips worker"; libvips starts them
// from whichever thread first needs one, often at normal priority), so that image work never
// competes with request threads on equal terms. Reads /proc/self/task (Linux); does nothing where
// that is missing. Thread-safe; cheap enough to call before every job.
void lower_libvips_worker_priority(const CpuPriority& priority);

}  // namespace kindred::media
