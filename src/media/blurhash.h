#pragma once

#include <cstdint>
#include <string>

namespace kindred::media {

// The BlurHash of an 8-bit RGB image, computed as woltapp/blurhash's C reference encoder
// (`C/encode.c`) does: sRGB -> linear, a cosine basis per component, quantised DC and AC terms,
// base83 text. Arithmetic is in double where the reference uses float, so a value on a
// quantisation boundary may round differently; real images agree.
// `rgb` points at `height` rows of `width` pixels, 3 bytes each (R, G, B), rows `stride` bytes apart.
// REQUIRES: width, height >= 1; stride >= 3 * width; 1 <= x_components, y_components <= 9.
// Returns "" when a requirement is not met; otherwise 6 + 2 * (x * y - 1) characters.
std::string blurhash_encode(const uint8_t* rgb, int width, int height, int stride,
                            int x_components, int y_components);

}  // namespace kindred::media
