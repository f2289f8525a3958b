"""BlurHash encoder (Wolt's published algorithm, github.com/woltapp/blurhash Algorithm.md).

The hash is a few cosine components of the picture in linear light, written in base 83: one
digit for the component counts, one for the largest AC magnitude, four for the average colour
(exact sRGB) and two per AC component (each channel quantised to 19 levels on a square-root
curve). Browsers decode it into a blurred placeholder while the real rendition loads.

Pure Python, so the caller passes a small image (about 32 px on the long side). The transform
is separable: each row is first reduced against the horizontal cosines, then the row sums
against the vertical ones, which costs width x height x x_components multiply-adds instead of
that times y_components too.

One deliberate difference from the reference encoders: cosines are sampled at pixel centres,
`pi * (x + 0.5) / width`, not at `pi * x / width`. At the left edge the reference basis is
lopsided (its odd cosines sum to 1, not 0, over a row), so a flat 32 px picture gets AC terms
of 1/16 of its colour: a visible false gradient. With centres a flat picture has zero AC, as
a cosine transform should; on large inputs the two agree. Likewise a side of n pixels only
measures n cosines, so components past that are written as zero, not as aliases (a 64x1
strip would otherwise get a false vertical gradient). The string format is unchanged, so
every BlurHash decoder reads these hashes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from chalicelib.adapters.imaging.palette import srgb_to_linear

BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
_LINEAR = tuple(srgb_to_linear(c) for c in range(256))

Triple = tuple[float, float, float]


def encode(
    width: int,
    height: int,
    pixels: Sequence[tuple[int, int, int]],
    x_components: int = 4,
    y_components: int = 3,
) -> str:
    """The BlurHash of an sRGB image given row-major, `4 + 2 * x * y` characters long."""
    if not (1 <= x_components <= 9 and 1 <= y_components <= 9):
        raise ValueError("BlurHash takes 1 to 9 components on each axis")
    if width < 1 or height < 1 or len(pixels) != width * height:
        raise ValueError(f"expected {width}x{height} pixels, got {len(pixels)}")
    factors = _factors(width, height, pixels, x_components, y_components)
    dc, ac = factors[0], factors[1:]
    header = base83((x_components - 1) + (y_components - 1) * 9, 1)
    if not ac:
        return header + base83(0, 1) + base83(_encode_dc(dc), 4)
    largest = max(abs(channel) for factor in ac for channel in factor)
    quantised_max = max(0, min(82, math.floor(largest * 166 - 0.5)))
    maximum = (quantised_max + 1) / 166
    body = "".join(base83(_encode_ac(factor, maximum), 2) for factor in ac)
    return header + base83(quantised_max, 1) + base83(_encode_dc(dc), 4) + body


def _factors(
    width: int, height: int, pixels: Sequence[tuple[int, int, int]], nx: int, ny: int
) -> list[Triple]:
    """Component (i, j) in the order the hash stores them: i fastest, j slowest."""
    cos_x = [[math.cos(math.pi * i * (x + 0.5) / width) for x in range(width)] for i in range(nx)]
    cos_y = [[math.cos(math.pi * j * (y + 0.5) / height) for y in range(height)] for j in range(ny)]
    rows = [_row_sums(pixels[y * width : (y + 1) * width], cos_x) for y in range(height)]
    factors: list[Triple] = []
    for j in range(ny):
        for i in range(nx):
            # The DC term is the plain mean; AC terms carry the usual factor of 2. A picture
            # n px across holds only n cosines: higher ones would just alias lower ones.
            measurable = i < width and j < height
            scale = (1 if i == j == 0 else 2) / (width * height) if measurable else 0.0
            r, g, b = (
                sum(weight * row[i][c] for weight, row in zip(cos_y[j], rows, strict=True))
                for c in range(3)
            )
            factors.append((r * scale, g * scale, b * scale))
    return factors


def _row_sums(row: Sequence[tuple[int, int, int]], cos_x: list[list[float]]) -> list[Triple]:
    """For each horizontal component, the row's linear colour weighted by its cosine."""
    linear = [(_LINEAR[r], _LINEAR[g], _LINEAR[b]) for r, g, b in row]
    sums: list[Triple] = []
    for weights in cos_x:
        sr = sg = sb = 0.0
        for weight, (lr, lg, lb) in zip(weights, linear, strict=True):
            sr += weight * lr
            sg += weight * lg
            sb += weight * lb
        sums.append((sr, sg, sb))
    return sums


def _encode_dc(value: Triple) -> int:
    r, g, b = (linear_to_srgb(channel) for channel in value)
    return (r << 16) + (g << 8) + b


def _encode_ac(value: Triple, maximum: float) -> int:
    r, g, b = (
        max(0, min(18, math.floor(_sign_pow(channel / maximum, 0.5) * 9 + 9.5)))
        for channel in value
    )
    return r * 19 * 19 + g * 19 + b


def _sign_pow(value: float, exponent: float) -> float:
    return math.copysign(abs(value) ** exponent, value)


def linear_to_srgb(value: float) -> int:
    """Linear light (clamped to 0..1) as an 8-bit sRGB channel, rounded."""
    v = max(0.0, min(1.0, value))
    encoded = v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
    return int(encoded * 255 + 0.5)


def base83(value: int, length: int) -> str:
    """`value` as exactly `length` base-83 digits, most significant first."""
    digits = []
    for _ in range(length):
        value, digit = divmod(value, 83)
        digits.append(BASE83[digit])
    return "".join(reversed(digits))
