#include "media/synth.h"

#include <algorithm>
#include <vector>
#include <vips/vips8>

#include "media/vips_internal.h"

namespace kindred::media {
namespace {

using vips::VImage;

// splitmix64: tiny, and its output is fixed by its definition, unlike std:: distributions.
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [lo, hi]. REQUIRES: lo <= hi.
  int between(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t state_;
};

// A diagonal gradient from `from` (top left) to `to` (bottom right), in memory so it can be drawn
// on.
VImage gradient(const SynthSpec& spec) {
  VImage xy = VImage::xyz(spec.width, spec.height);
  // t = 0 at the top-left pixel, 1 at the bottom-right one.
  VImage t =
      xy[0] * (0.5 / std::max(1, spec.width - 1)) + xy[1] * (0.5 / std::max(1, spec.height - 1));
  auto d = [](uint8_t a, uint8_t b) { return static_cast<double>(b) - static_cast<double>(a); };
  // A one-band image times three-element vectors gives three bands.
  VImage rgb =
      t.linear({d(spec.from.r, spec.to.r), d(spec.from.g, spec.to.g), d(spec.from.b, spec.to.b)},
               {static_cast<double>(spec.from.r), static_cast<double>(spec.from.g),
                static_cast<double>(spec.from.b)});
  return rgb.cast(VIPS_FORMAT_UCHAR)
      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB))
      .copy_memory();
}

void draw_shapes(const VImage& image, uint64_t seed) {
  SplitMix rng(seed);
  const int w = image.width();
  const int h = image.height();
  const int small = std::min(w, h);
  const int shapes = rng.between(3, 6);
  for (int i = 0; i < shapes; ++i) {
    const bool circle = rng.next() % 2 == 0;
    std::vector<double> ink = {static_cast<double>(rng.between(0, 255)),
                               static_cast<double>(rng.between(0, 255)),
                               static_cast<double>(rng.between(0, 255))};
    const int x = rng.between(0, w - 1);
    const int y = rng.between(0, h - 1);
    auto fill = VImage::option()->set("fill", true);
    if (circle) {
      image.draw_circle(ink, x, y, std::max(1, small * rng.between(5, 25) / 100), fill);
    } else {
      image.draw_rect(ink, x, y, std::max(1, w * rng.between(10, 40) / 100),
                      std::max(1, h * rng.between(10, 40) / 100), fill);
    }
  }
}

}  // namespace

Result<std::string> synthesize_image(const SynthSpec& spec) {
  if (spec.width < 1 || spec.width > kMaxSynthSide || spec.height < 1 ||
      spec.height > kMaxSynthSide) {
    return Status::invalid_argument("synthesize_image: side out of range");
  }
  if (spec.format != "jpg" && spec.format != "png") {
    return Status::invalid_argument("synthesize_image: format must be jpg or png");
  }
  KINDRED_RETURN_IF_ERROR(internal::ensure_init());
  return internal::catch_vips(Status::internal("synthesize_image: libvips failed"),
                              [&]() -> Result<std::string> {
                                VImage image = gradient(spec);
                                draw_shapes(image, spec.seed);
                                return internal::encode(image, spec.format == "png").bytes;
                              });
}

}  // namespace kindred::media
