#pragma once

// Internal to src/media/: the libvips helpers shared by image.cpp, profile_image.cpp and
// synth.cpp. Not part of media's API; nothing outside src/media/ may include it (it pulls in
// libvips, and the helpers below throw vips::VError).

#include <exception>
#include <string_view>
#include <vips/vips8>

#include "core/status.h"
#include "media/image.h"

namespace kindred::media::internal {

inline constexpr int kJpegQuality = 85;

// init_media(nullptr): processing functions call it in case main did not.
Status ensure_init();

// Opens `bytes` lazily (header only until pixels are asked for), refusing any loader other than
// the one for the sniffed `type`. Throws VError. `bytes` must outlive the image: libvips does not
// copy the buffer.
vips::VImage open_image(std::string_view bytes, ImageType type, VipsAccess access);

// Decodes `bytes` (GIF: first frame) into memory, upright (EXIF orientation applied, which also
// drops the tag), as 8-bit sRGB with alpha if the source had one. Truncation and corruption throw
// VError here, not later. REQUIRES: probe(bytes) succeeded with type `type`, which bounds the
// decoded size. The result does not reference `bytes`.
vips::VImage decode_upright_srgb(std::string_view bytes, ImageType type);

// Shrinks (never enlarges) so the longest side is at most `side`. Throws VError.
vips::VImage fit_within(const vips::VImage& image, int side);

// Shrinks (never enlarges) and crops around the centre to `width` x `height`. A source too small
// for that is not enlarged: it is cropped to the largest region of the same aspect ratio.
// REQUIRES: width > 0, height > 0. Throws VError.
vips::VImage cover_crop(const vips::VImage& image, int width, int height);

// PNG when `as_png` (callers pass it for sources with alpha), else JPEG at kJpegQuality; either
// way with no metadata. Throws VError.
EncodedImage encode(const vips::VImage& image, bool as_png);

// Runs `body` (returning Result<T> or Status) and turns any exception from libvips, which must not
// cross the media/ boundary, into `on_error`.
template <class F>
auto catch_vips(const Status& on_error, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const vips::VError&) {
    vips_error_clear();
    return on_error;
  } catch (const std::exception&) {
    return on_error;
  }
}

}  // namespace kindred::media::internal
