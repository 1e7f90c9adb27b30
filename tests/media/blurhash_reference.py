#!/usr/bin/env python3
"""A line-by-line port of woltapp/blurhash C/encode.c (and C/common.h), used to compute the
expected hashes pasted into blurhash_test.cpp. Independent of the C++ code under test.
Run: python3 tests/media/blurhash_reference.py"""
import math

CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def encode_int(value, length):
    out, divisor = "", 83 ** (length - 1)
    for _ in range(length):
        out += CHARS[(value // divisor) % 83]
        divisor //= 83
    return out


def srgb_to_linear(value):
    v = value / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def linear_to_srgb(value):
    v = max(0.0, min(1.0, value))
    if v <= 0.0031308:
        return int(v * 12.92 * 255 + 0.5)
    return int((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5)


def sign_pow(value, exp):
    return math.copysign(abs(value) ** exp, value)


def multiply_basis_function(xc, yc, width, height, rgb, bytes_per_row):
    r = g = b = 0.0
    normalisation = 1 if (xc == 0 and yc == 0) else 2
    for y in range(height):
        for x in range(width):
            basis = math.cos(math.pi * xc * x / width) * math.cos(math.pi * yc * y / height)
            r += basis * srgb_to_linear(rgb[3 * x + 0 + y * bytes_per_row])
            g += basis * srgb_to_linear(rgb[3 * x + 1 + y * bytes_per_row])
            b += basis * srgb_to_linear(rgb[3 * x + 2 + y * bytes_per_row])
    scale = normalisation / (width * height)
    return [r * scale, g * scale, b * scale]


def encode_dc(r, g, b):
    return (linear_to_srgb(r) << 16) + (linear_to_srgb(g) << 8) + linear_to_srgb(b)


def encode_ac(r, g, b, maximum):
    q = lambda v: int(max(0, min(18, math.floor(sign_pow(v / maximum, 0.5) * 9 + 9.5))))
    return q(r) * 19 * 19 + q(g) * 19 + q(b)


def blurhash_for_pixels(xcomp, ycomp, width, height, rgb, bytes_per_row):
    factors = [multiply_basis_function(x, y, width, height, rgb, bytes_per_row)
               for y in range(ycomp) for x in range(xcomp)]
    dc, ac = factors[0], factors[1:]
    out = encode_int((xcomp - 1) + (ycomp - 1) * 9, 1)
    if ac:
        actual = max(abs(v) for f in ac for v in f)
        quantised = int(max(0, min(82, math.floor(actual * 166 - 0.5))))
        maximum = (quantised + 1) / 166
        out += encode_int(quantised, 1)
    else:
        maximum = 1
        out += encode_int(0, 1)
    out += encode_int(encode_dc(*dc), 4)
    for f in ac:
        out += encode_int(encode_ac(f[0], f[1], f[2], maximum), 2)
    return out


def pattern(width, height):
    """The deterministic test image; blurhash_test.cpp builds the same bytes."""
    rgb = []
    for y in range(height):
        for x in range(width):
            rgb += [(x * 37 + y * 11) % 256, (x * x * 5 + y * 29) % 256, (255 - x * 23 - y * 17) % 256]
    return rgb


if __name__ == "__main__":
    print("pattern 32x24 4x3:", blurhash_for_pixels(4, 3, 32, 24, pattern(32, 24), 32 * 3))
    print("pattern 8x6 9x9:", blurhash_for_pixels(9, 9, 8, 6, pattern(8, 6), 8 * 3))
    print("pattern 8x6 1x1:", blurhash_for_pixels(1, 1, 8, 6, pattern(8, 6), 8 * 3))
    print("uniform 16x16 (200,100,50) 4x3:", blurhash_for_pixels(4, 3, 16, 16, [200, 100, 50] * 256, 48))
