#include "media/blurhash.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <string_view>
#include <vector>

namespace kindred::media {
namespace {

constexpr std::string_view kBase83 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

void encode_base83(int value, int length, std::string& out) {
  int divisor = 1;
  for (int i = 0; i < length - 1; ++i) divisor *= 83;
  for (int i = 0; i < length; ++i) {
    out.push_back(kBase83[static_cast<size_t>((value / divisor) % 83)]);
    divisor /= 83;
  }
}

double srgb_to_linear(int value) {
  double v = value / 255.0;
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

int linear_to_srgb(double value) {
  double v = std::clamp(value, 0.0, 1.0);
  if (v <= 0.0031308) return static_cast<int>(v * 12.92 * 255 + 0.5);
  return static_cast<int>((1.055 * std::pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

double sign_pow(double value, double exp) {
  return std::copysign(std::pow(std::fabs(value), exp), value);
}

int quantise_ac(double value, double maximum) {
  return static_cast<int>(
      std::clamp(std::floor(sign_pow(value / maximum, 0.5) * 9 + 9.5), 0.0, 18.0));
}

}  // namespace

std::string blurhash_encode(const uint8_t* rgb, int width, int height, int stride,
                            int x_components, int y_components) {
  if (rgb == nullptr || width < 1 || height < 1 || stride < 3 * width || x_components < 1 ||
      x_components > 9 || y_components < 1 || y_components > 9) {
    return "";
  }
  // Linearise once; precompute each component's cosine per column and per row.
  std::vector<double> linear(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = rgb + static_cast<ptrdiff_t>(y) * stride;
    for (int x = 0; x < width * 3; ++x) {
      linear[static_cast<size_t>(y) * static_cast<size_t>(width) * 3 + static_cast<size_t>(x)] =
          srgb_to_linear(row[x]);
    }
  }
  auto cos_table = [](int components, int n) {
    std::vector<double> t(static_cast<size_t>(components) * static_cast<size_t>(n));
    for (int c = 0; c < components; ++c) {
      for (int i = 0; i < n; ++i) {
        t[static_cast<size_t>(c) * static_cast<size_t>(n) + static_cast<size_t>(i)] =
            std::cos(std::numbers::pi * c * i / n);
      }
    }
    return t;
  };
  const std::vector<double> cos_x = cos_table(x_components, width);
  const std::vector<double> cos_y = cos_table(y_components, height);

  // factors[(j * x_components + i) * 3 + channel], row-major as in the reference.
  std::vector<double> factors(static_cast<size_t>(x_components * y_components) * 3, 0.0);
  for (int j = 0; j < y_components; ++j) {
    for (int i = 0; i < x_components; ++i) {
      double r = 0, g = 0, b = 0;
      for (int y = 0; y < height; ++y) {
        const double cy = cos_y[static_cast<size_t>(j) * static_cast<size_t>(height) +
                                static_cast<size_t>(y)];
        const double* px = &linear[static_cast<size_t>(y) * static_cast<size_t>(width) * 3];
        for (int x = 0; x < width; ++x) {
          const double basis =
              cos_x[static_cast<size_t>(i) * static_cast<size_t>(width) + static_cast<size_t>(x)] *
              cy;
          r += basis * px[3 * x + 0];
          g += basis * px[3 * x + 1];
          b += basis * px[3 * x + 2];
        }
      }
      const double normalisation = (i == 0 && j == 0) ? 1 : 2;
      const double scale = normalisation / (static_cast<double>(width) * height);
      const size_t k = static_cast<size_t>(j * x_components + i) * 3;
      factors[k + 0] = r * scale;
      factors[k + 1] = g * scale;
      factors[k + 2] = b * scale;
    }
  }

  std::string out;
  const int ac_count = x_components * y_components - 1;
  encode_base83((x_components - 1) + (y_components - 1) * 9, 1, out);
  double maximum = 1;
  if (ac_count > 0) {
    double actual_maximum = 0;
    for (size_t k = 3; k < factors.size(); ++k) {
      actual_maximum = std::max(std::fabs(factors[k]), actual_maximum);
    }
    const int quantised_maximum =
        static_cast<int>(std::clamp(std::floor(actual_maximum * 166 - 0.5), 0.0, 82.0));
    maximum = (quantised_maximum + 1) / 166.0;
    encode_base83(quantised_maximum, 1, out);
  } else {
    encode_base83(0, 1, out);
  }
  const int dc = (linear_to_srgb(factors[0]) << 16) + (linear_to_srgb(factors[1]) << 8) +
                 linear_to_srgb(factors[2]);
  encode_base83(dc, 4, out);
  for (int a = 1; a <= ac_count; ++a) {
    const size_t k = static_cast<size_t>(a) * 3;
    encode_base83(quantise_ac(factors[k], maximum) * 19 * 19 +
                      quantise_ac(factors[k + 1], maximum) * 19 +
                      quantise_ac(factors[k + 2], maximum),
                  2, out);
  }
  return out;
}

}  // namespace kindred::media
