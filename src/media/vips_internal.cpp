#include "media/vips_internal.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kindred::media::internal {
namespace {

using vips::VError;
using vips::VImage;

// The libvips loader nickname prefix each sniffed type must be read by.
std::string_view loader_of(ImageType type) {
  switch (type) {
    case ImageType::kJpeg:
      return "jpegload";
    case ImageType::kPng:
      return "pngload";
    case ImageType::kWebp:
      return "webpload";
    case ImageType::kGif:
      return "gifload";
  }
  return "";
}

}  // namespace

Status ensure_init() { return init_media(nullptr); }

VImage open_image(std::string_view bytes, ImageType type, VipsAccess access) {
  VImage image = VImage::new_from_buffer(
      bytes.data(), bytes.size(), "",
      VImage::option()->set("access", access)->set("fail_on", VIPS_FAIL_ON_ERROR));
  const char* loader = nullptr;
  if (vips_image_get_string(image.get_image(), "vips-loader", &loader) != 0 || loader == nullptr ||
      !std::string_view(loader).starts_with(loader_of(type))) {
    vips_error_clear();
    throw VError("loader does not match the sniffed type");
  }
  return image;
}

VImage decode_upright_srgb(std::string_view bytes, ImageType type) {
  // Random access: autorot needs it, and probe has bounded the decoded size.
  VImage image = open_image(bytes, type, VIPS_ACCESS_RANDOM);
  image = image.autorot();
  if (vips_image_get_typeof(image.get_image(), VIPS_META_ICC_NAME) != 0) {
    try {
      image = image.icc_transform("srgb", VImage::option()->set("embedded", true));
    } catch (const VError&) {
      vips_error_clear();  // a broken profile: fall back to the plain conversion below
    }
  }
  image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);
  // Decode once into memory, so truncation and corruption surface here.
  return image.copy_memory();
}

VImage fit_within(const VImage& image, int side) {
  const int longest = std::max(image.width(), image.height());
  if (longest <= side) return image;
  return image.resize(static_cast<double>(side) / longest);
}

VImage cover_crop(const VImage& image, int width, int height) {
  // The largest region of the target aspect ratio, in 64 bits so a product cannot overflow.
  const int64_t w = image.width();
  const int64_t h = image.height();
  int crop_w = image.width();
  int crop_h = image.height();
  if (w * height > h * width) {
    crop_w =
        std::max<int>(1, static_cast<int>(std::lround(static_cast<double>(h) * width / height)));
  } else {
    crop_h =
        std::max<int>(1, static_cast<int>(std::lround(static_cast<double>(w) * height / width)));
  }
  // Centre, not "attention": see process_avatar() in image.h.
  VImage cropped = image.smartcrop(crop_w, crop_h,
                                   VImage::option()->set("interesting", VIPS_INTERESTING_CENTRE));
  if (crop_w <= width && crop_h <= height) return cropped;  // never enlarge
  // Both scales, so the output is exactly width x height despite rounding in the crop.
  return cropped.resize(static_cast<double>(width) / crop_w,
                        VImage::option()->set("vscale", static_cast<double>(height) / crop_h));
}

EncodedImage encode(const VImage& image, bool as_png) {
  EncodedImage out;
  void* buf = nullptr;
  size_t size = 0;
  if (as_png) {
    image.write_to_buffer(".png", &buf, &size,
                          VImage::option()->set("strip", true)->set("compression", 6));
    out.mime_type = "image/png";
  } else {
    image.write_to_buffer(
        ".jpg", &buf, &size,
        VImage::option()->set("strip", true)->set("Q", kJpegQuality)->set("optimize_coding", true));
    out.mime_type = "image/jpeg";
  }
  out.bytes.assign(static_cast<const char*>(buf), size);
  g_free(buf);
  out.width = image.width();
  out.height = image.height();
  return out;
}

}  // namespace kindred::media::internal
