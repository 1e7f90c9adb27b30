#include "media/image.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

#include <vips/vips8>

#include "media/blurhash.h"

namespace kindred::media {
namespace {

using vips::VError;
using vips::VImage;

constexpr int kJpegQuality = 85;
constexpr int kBlurhashX = 4;
constexpr int kBlurhashY = 3;

std::once_flag g_init_once;
Status g_init_status;

Status ensure_init() { return init_media(nullptr); }

bool starts_with(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

// The type from the magic bytes alone, or false.
bool sniff(std::string_view bytes, ImageType* type) {
  using namespace std::string_view_literals;
  if (starts_with(bytes, "\xFF\xD8\xFF"sv)) {
    *type = ImageType::kJpeg;
  } else if (starts_with(bytes, "\x89PNG\r\n\x1A\n"sv)) {
    *type = ImageType::kPng;
  } else if (starts_with(bytes, "GIF87a"sv) || starts_with(bytes, "GIF89a"sv)) {
    *type = ImageType::kGif;
  } else if (bytes.size() >= 12 && starts_with(bytes, "RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv) {
    *type = ImageType::kWebp;
  } else {
    return false;
  }
  return true;
}

std::string_view mime_of(ImageType type) {
  switch (type) {
    case ImageType::kJpeg: return "image/jpeg";
    case ImageType::kPng: return "image/png";
    case ImageType::kWebp: return "image/webp";
    case ImageType::kGif: return "image/gif";
  }
  return "application/octet-stream";
}

// The libvips loader nickname prefix each sniffed type must be read by.
std::string_view loader_of(ImageType type) {
  switch (type) {
    case ImageType::kJpeg: return "jpegload";
    case ImageType::kPng: return "pngload";
    case ImageType::kWebp: return "webpload";
    case ImageType::kGif: return "gifload";
  }
  return "";
}

// Opens `bytes` lazily (header only until pixels are asked for). Throws VError. `bytes` must
// outlive the image: libvips does not copy the buffer.
VImage open_image(std::string_view bytes, ImageType type, VipsAccess access) {
  VImage image = VImage::new_from_buffer(
      bytes.data(), bytes.size(), "",
      VImage::option()->set("access", access)->set("fail_on", VIPS_FAIL_ON_ERROR));
  const char* loader = nullptr;
  if (vips_image_get_string(image.get_image(), "vips-loader", &loader) != 0 ||
      loader == nullptr || !std::string_view(loader).starts_with(loader_of(type))) {
    vips_error_clear();
    throw VError("loader does not match the sniffed type");
  }
  return image;
}

Status check_dimensions(int width, int height, const ImageLimits& limits) {
  if (width <= 0 || height <= 0 || width > limits.max_pixels_side ||
      height > limits.max_pixels_side ||
      static_cast<int64_t>(width) * static_cast<int64_t>(height) > limits.max_pixels) {
    return Status::invalid_argument("Image is too large (" + std::to_string(width) + " x " +
                                    std::to_string(height) + ")");
  }
  return Status::ok();
}

// Shrinks (never enlarges) so the longest side is at most `side`.
VImage fit_within(const VImage& image, int side) {
  const int longest = std::max(image.width(), image.height());
  if (longest <= side) return image;
  return image.resize(static_cast<double>(side) / longest);
}

EncodedImage encode(const VImage& image, bool alpha) {
  EncodedImage out;
  void* buf = nullptr;
  size_t size = 0;
  if (alpha) {
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

std::string blurhash_of(const VImage& image) {
  VImage rgb = image.bands() > 3 ? image.extract_band(0, VImage::option()->set("n", 3)) : image;
  size_t size = 0;
  void* mem = rgb.write_to_memory(&size);
  const auto need = static_cast<size_t>(rgb.width()) * static_cast<size_t>(rgb.height()) * 3;
  std::string hash;
  if (size >= need) {
    hash = blurhash_encode(static_cast<const uint8_t*>(mem), rgb.width(), rgb.height(),
                           rgb.width() * 3, kBlurhashX, kBlurhashY);
  }
  g_free(mem);
  return hash;
}

}  // namespace

Status init_media(const char* argv0) {
  std::call_once(g_init_once, [argv0] {
    if (VIPS_INIT(argv0 != nullptr ? argv0 : "kindred") != 0) {
      std::string msg = vips_error_buffer();
      vips_error_clear();
      g_init_status = Status::internal("libvips init failed: " + msg);
      return;
    }
    // Only the loaders we sniff for should ever run, and the operation cache keys on buffer
    // addresses that callers reuse: turn both off.
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);
  });
  return g_init_status;
}

Result<ImageInfo> probe(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return Status::invalid_argument("File is empty");
  if (bytes.size() > limits.max_bytes) return Status::invalid_argument("File is too large");
  ImageInfo info;
  if (!sniff(bytes, &info.type)) return Status::invalid_argument("File type not supported");
  info.mime_type = std::string(mime_of(info.type));
  KINDRED_RETURN_IF_ERROR(ensure_init());
  try {
    VImage image = open_image(bytes, info.type, VIPS_ACCESS_SEQUENTIAL);
    info.width = image.width();
    info.height = image.height();
  } catch (const VError&) {
    vips_error_clear();
    return Status::invalid_argument("Could not read image");
  } catch (const std::exception&) {
    return Status::invalid_argument("Could not read image");
  }
  KINDRED_RETURN_IF_ERROR(check_dimensions(info.width, info.height, limits));
  return info;
}

Result<ProcessedImage> process(std::string_view bytes, const ImageLimits& limits) {
  KINDRED_ASSIGN_OR_RETURN(ImageInfo info, probe(bytes, limits));
  try {
    // Random access: autorot needs it, and probe has bounded the decoded size.
    VImage image = open_image(bytes, info.type, VIPS_ACCESS_RANDOM);
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
    const bool alpha = image.has_alpha();
    // Decode once into memory, inside the try, so truncation and corruption surface here.
    image = image.copy_memory();

    ProcessedImage out;
    out.original = encode(fit_within(image, limits.original_side), alpha);
    VImage preview = fit_within(image, limits.preview_side).copy_memory();
    out.preview = encode(preview, alpha);
    out.blurhash = blurhash_of(preview);
    if (out.blurhash.empty()) return Status::internal("blurhash failed");
    return out;
  } catch (const VError&) {
    vips_error_clear();
    return Status::invalid_argument("Could not process image");
  } catch (const std::exception&) {
    return Status::invalid_argument("Could not process image");
  }
}

}  // namespace kindred::media
