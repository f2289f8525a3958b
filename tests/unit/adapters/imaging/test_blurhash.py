"""BlurHash encoding: structure, a hand-computed vector, and a round trip through a decoder.

The decoder lives here, not in chalicelib: only browsers decode in production.
"""

from __future__ import annotations

import math

import pytest

from chalicelib.adapters.imaging.blurhash import BASE83, base83, encode, linear_to_srgb
from chalicelib.adapters.imaging.palette import srgb_to_linear

Rgb = tuple[int, int, int]
ZERO_AC = base83(9 * 19 * 19 + 9 * 19 + 9, 2)  # every channel at level 9, the zero level


def decode_base83(text: str) -> int:
    value = 0
    for char in text:
        value = value * 83 + BASE83.index(char)
    return value


def decode(blurhash: str, width: int, height: int) -> list[Rgb]:
    """Pixels (row-major) of a BlurHash rendered at width x height, sampling pixel centres."""
    nx, components = decode_components(blurhash)
    pixels: list[Rgb] = []
    for y in range(height):
        for x in range(width):
            linear = [0.0, 0.0, 0.0]
            for k, component in enumerate(components):
                fx = math.cos(math.pi * (k % nx) * (x + 0.5) / width)
                fy = math.cos(math.pi * (k // nx) * (y + 0.5) / height)
                for c in range(3):
                    linear[c] += component[c] * fx * fy
            r, g, b = (linear_to_srgb(value) for value in linear)
            pixels.append((r, g, b))
    return pixels


def decode_components(blurhash: str) -> tuple[int, list[tuple[float, ...]]]:
    """The x component count and every component in linear light, DC first."""
    size_flag = decode_base83(blurhash[0])
    nx, ny = size_flag % 9 + 1, size_flag // 9 + 1
    maximum = (decode_base83(blurhash[1]) + 1) / 166
    dc = decode_base83(blurhash[2:6])
    components = [tuple(srgb_to_linear(dc >> shift & 255) for shift in (16, 8, 0))]
    for k in range(1, nx * ny):
        value = decode_base83(blurhash[4 + 2 * k : 6 + 2 * k])
        levels = (value // 361, value // 19 % 19, value % 19)
        components.append(tuple(math.copysign(((q - 9) / 9) ** 2, q - 9) * maximum for q in levels))
    return nx, components


def gradient(width: int, height: int) -> list[Rgb]:
    """Dark on the left to light on the right, red at the top to blue at the bottom."""
    return [
        (
            round(255 * x / (width - 1) * (1 - y / (height - 1))),
            round(120 * x / (width - 1)),
            round(255 * x / (width - 1) * y / (height - 1)),
        )
        for y in range(height)
        for x in range(width)
    ]


def test_given_a_hand_computed_two_pixel_image_then_the_hash_matches() -> None:
    # GIVEN grey 100 beside black, 2x1 components. By hand, from the algorithm's definition:
    #   linear(100) = 0.12744; DC = 0.06372 -> sRGB 71 -> 0x474747 -> base83 "8E6$"
    #   AC = 2 * 0.12744 * cos(pi/4) / 2 = 0.09011; max = floor(0.09011*166 - 0.5) = 14 -> "E"
    #   AC / ((14+1)/166) = 0.9972; floor(sqrt(0.9972)*9 + 9.5) = 18 per channel
    #   18*361 + 18*19 + 18 = 6858 -> "~q"; size flag (2-1) + (1-1)*9 = 1 -> "1"
    assert encode(2, 1, [(100, 100, 100), (0, 0, 0)], 2, 1) == "1E8E6$~q"


@pytest.mark.parametrize("nx, ny", [(1, 1), (4, 3), (3, 4), (9, 9), (5, 1)])
def test_given_component_counts_then_the_length_and_first_digit_encode_them(
    nx: int, ny: int
) -> None:
    blurhash = encode(8, 6, gradient(8, 6), nx, ny)

    assert len(blurhash) == 4 + 2 * nx * ny
    assert decode_base83(blurhash[0]) == (nx - 1) + (ny - 1) * 9
    assert set(blurhash) <= set(BASE83)


def test_given_a_uniform_image_then_the_average_is_exact_and_every_ac_is_zero() -> None:
    # GIVEN a flat 32x24 teal
    blurhash = encode(32, 24, [(10, 200, 170)] * (32 * 24))

    # THEN the DC is the colour itself and no AC component carries any gradient
    assert blurhash[2:6] == base83(10 << 16 | 200 << 8 | 170, 4)
    assert blurhash[6:] == ZERO_AC * 11


@pytest.mark.parametrize("width, height", [(1, 1), (64, 1), (1, 40), (2, 2)])
def test_given_fewer_pixels_than_components_then_no_aliased_gradient_appears(
    width: int, height: int
) -> None:
    # GIVEN a flat picture too small to hold 4x3 cosines (a strip shrunk to 64x1, a dot)
    blurhash = encode(width, height, [(200, 30, 40)] * (width * height))

    # THEN the cosines it cannot measure are zero rather than aliases of the flat colour
    assert blurhash[6:] == ZERO_AC * 11


def test_given_a_picture_when_decoded_then_its_average_and_layout_survive() -> None:
    # GIVEN a 32x24 two-way gradient
    width, height = 32, 24
    pixels = gradient(width, height)

    decoded = decode(encode(width, height, pixels), width, height)

    # THEN the average colour comes back (the DC is the linear mean)...
    for c in range(3):
        want = sum(srgb_to_linear(p[c]) for p in pixels) / len(pixels)
        got = sum(srgb_to_linear(p[c]) for p in decoded) / len(decoded)
        assert abs(got - want) < 0.01
    # ...and the layout: light right, dark left, red top-right, blue bottom-right
    left, right = decoded[12 * width + 1], decoded[12 * width + width - 2]
    assert sum(right) > sum(left) + 200
    top_right, bottom_right = decoded[width - 2], decoded[(height - 1) * width - 2]
    assert top_right[0] > top_right[2] + 100
    assert bottom_right[2] > bottom_right[0] + 100


def test_base83_writes_fixed_width_big_endian_digits() -> None:
    assert base83(0, 1) == "0"
    assert base83(82, 1) == "~"
    assert base83(83, 2) == "10"
    assert base83(83**4 - 1, 4) == "~~~~"


@pytest.mark.parametrize(
    "width, height, count, nx, ny",
    [(2, 2, 3, 4, 3), (0, 1, 0, 4, 3), (2, 2, 4, 0, 3), (2, 2, 4, 4, 10)],
    ids=["too few pixels", "empty", "no x components", "ten y components"],
)
def test_given_bad_arguments_then_it_refuses(
    width: int, height: int, count: int, nx: int, ny: int
) -> None:
    with pytest.raises(ValueError):
        encode(width, height, [(0, 0, 0)] * count, nx, ny)
