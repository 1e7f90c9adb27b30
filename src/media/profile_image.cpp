// process_avatar() and process_header(), declared in image.h.
#include <vips/vips8>

#include "media/image.h"
#include "media/vips_internal.h"

namespace kindred::media {
namespace {

Result<EncodedImage> crop_and_encode(std::string_view bytes, const ImageLimits& limits, int width,
                                     int height) {
  KINDRED_ASSIGN_OR_RETURN(ImageInfo info, probe(bytes, limits));
  return internal::catch_vips(
      Status::invalid_argument("Could not process image"), [&]() -> Result<EncodedImage> {
        vips::VImage image = internal::decode_upright_srgb(bytes, info.type);
        const bool alpha = image.has_alpha();
        return internal::encode(internal::cover_crop(image, width, height), alpha);
      });
}

}  // namespace

Result<EncodedImage> process_avatar(std::string_view bytes, const ImageLimits& limits, int side) {
  if (side <= 0) return Status::internal("process_avatar: side must be positive");
  return crop_and_encode(bytes, limits, side, side);
}

Result<EncodedImage> process_header(std::string_view bytes, const ImageLimits& limits, int width,
                                    int height) {
  if (width <= 0 || height <= 0) return Status::internal("process_header: size must be positive");
  return crop_and_encode(bytes, limits, width, height);
}

}  // namespace kindred::media
