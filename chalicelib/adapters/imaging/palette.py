"""Name an image's dominant colour with one of twelve words people search by.

Colours are judged in OKLab (Björn Ottosson, 2020): its lightness L runs 0..1, chroma C is the
distance from grey and hue h an angle whose steps look even to the eye, so fixed thresholds
behave the same in every part of the wheel. The rules, in order:

- L < 0.16: black (too dark to show a colour).
- Near-neutral (C < 0.04, or C < 0.06 at the extremes, L < 0.30 or L >= 0.93, where a tint
  is hard to see: night navy is black, cream white): black below L 0.30, white from L 0.90,
  gray between.
- Otherwise the hue sector decides, with lightness splitting it where words do: reds that are
  light (L > 0.55 at crimson-to-magenta hues, L > 0.80 at coral hues) are pink; warm hues
  that are dark or dull (orange hues below L 0.60, or below L 0.80 with C < 0.08; dim reds
  below L 0.50 with C < 0.10; yellows below L 0.65 at hues under 100) are brown; the same
  dark yellows from hue 100 (olive) are green.

Hue sectors (degrees): pink/red 340-20, red 20-40, orange 40-80, yellow 80-120, green 120-175,
turquoise 175-220, blue 220-290, violet 290-340. Sky blue (226) is blue; teal (195) turquoise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

PALETTE = (
    "red", "orange", "yellow", "green", "turquoise", "blue",
    "violet", "pink", "brown", "black", "gray", "white",
)  # fmt: skip

_HUE_SECTORS = (  # (upper bound in degrees, name); hues of 340-20 are judged apart
    (40.0, "red"), (80.0, "orange"), (120.0, "yellow"), (175.0, "green"),
    (220.0, "turquoise"), (290.0, "blue"), (340.0, "violet"),
)  # fmt: skip
# How much more a vivid pixel counts than a neutral one when picking the dominant colour.
MAX_CHROMA_BONUS = 1.0
BONUS_FULL_AT_CHROMA = 0.2


def srgb_to_linear(channel: int) -> float:
    """An 8-bit sRGB channel as linear light in 0..1 (the sRGB transfer curve)."""
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


_LINEAR = tuple(srgb_to_linear(c) for c in range(256))


def oklab_lch(r: int, g: int, b: int) -> tuple[float, float, float]:
    """Lightness (0..1), chroma and hue (degrees) of an sRGB colour in OKLab."""
    lr, lg, lb = _LINEAR[r], _LINEAR[g], _LINEAR[b]
    long_ = math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb)
    medium = math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb)
    short = math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb)
    lightness = 0.2104542553 * long_ + 0.7936177850 * medium - 0.0040720468 * short
    a = 1.9779984951 * long_ - 2.4285922050 * medium + 0.4505937099 * short
    b_ = 0.0259040371 * long_ + 0.7827717662 * medium - 0.8086757660 * short
    return lightness, math.hypot(a, b_), math.degrees(math.atan2(b_, a)) % 360


def name_for(r: int, g: int, b: int) -> str:
    """The palette word for an sRGB colour (rules in the module docstring)."""
    return _describe(r, g, b)[0]


def _describe(r: int, g: int, b: int) -> tuple[str, float]:
    """The palette word and the OKLab chroma (0 for the neutral words)."""
    lightness, chroma, hue = oklab_lch(r, g, b)
    if lightness < 0.16:
        return "black", 0.0
    if chroma < 0.04 or (chroma < 0.06 and not 0.30 <= lightness < 0.93):
        return _neutral(lightness), 0.0
    return _chromatic(lightness, chroma, hue), chroma


def _neutral(lightness: float) -> str:
    if lightness < 0.30:
        return "black"
    return "white" if lightness >= 0.90 else "gray"


def _chromatic(lightness: float, chroma: float, hue: float) -> str:
    if hue < 20 or hue >= 340:
        return "pink" if lightness > 0.55 else "red"
    sector = next(name for bound, name in _HUE_SECTORS if hue < bound)
    if sector == "red":
        if lightness > 0.80:
            return "pink"
        return "brown" if lightness < 0.50 and chroma < 0.10 else "red"
    if sector == "orange" and (lightness < 0.60 or (lightness < 0.80 and chroma < 0.08)):
        return "brown"
    if sector == "yellow" and lightness < 0.65:
        # Dark mustard and bronze read as brown, dark lemon as olive green.
        return "brown" if hue < 100 else "green"
    return sector


def hex_of(r: int, g: int, b: int) -> str:
    """CSS hex notation, lower case: #rrggbb."""
    return f"#{r:02x}{g:02x}{b:02x}"


def dominant(pixels: Sequence[tuple[int, int, int]]) -> tuple[int, int, int]:
    """The dominant colour of a small image (e.g. 64x64 samples), as an sRGB triple.

    Pixels fall into 4-bit-per-channel buckets; each bucket is named by its mean colour and
    the names compete on their pixel counts, a vivid bucket's pixels counting up to twice
    (1 + min(1, C / 0.2)): a pure red flower beats a flat grey wall once it covers half the
    wall's area (a third of the picture), a pastel needs nearly as much area as the grey.
    The answer is the mean of the winning name's pixels, or, if that mean would read as
    another name, the mean of its most populated bucket.
    """
    if not pixels:
        raise ValueError("no pixels")
    buckets = _buckets(pixels)
    scores: dict[str, float] = {}
    members: dict[str, list[list[int]]] = {}
    for total in buckets.values():
        name, chroma = _describe(*_mean([total]))
        weight = 1.0 + MAX_CHROMA_BONUS * min(1.0, chroma / BONUS_FULL_AT_CHROMA)
        scores[name] = scores.get(name, 0.0) + total[3] * weight
        members.setdefault(name, []).append(total)
    winner = max(scores, key=lambda name: (scores[name], name))
    overall = _mean(members[winner])
    if name_for(*overall) == winner:
        return overall
    return _mean([max(members[winner], key=lambda total: total[3])])


def _buckets(pixels: Sequence[tuple[int, int, int]]) -> dict[int, list[int]]:
    """Sums of r, g, b and the pixel count per 4-bit-per-channel bucket."""
    buckets: dict[int, list[int]] = {}
    for r, g, b in pixels:
        key = (r >> 4) << 8 | (g >> 4) << 4 | b >> 4
        total = buckets.get(key)
        if total is None:
            buckets[key] = [r, g, b, 1]
        else:
            total[0] += r
            total[1] += g
            total[2] += b
            total[3] += 1
    return buckets


def _mean(totals: Sequence[list[int]]) -> tuple[int, int, int]:
    """The mean colour of buckets given as [sum_r, sum_g, sum_b, count]."""
    count = sum(total[3] for total in totals)
    r, g, b = (round(sum(total[i] for total in totals) / count) for i in range(3))
    return r, g, b
