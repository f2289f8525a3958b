"""Perceptual hashes of an upright master: 64-bit gradient dHash and DCT pHash, on libvips.

Both start from the same grey picture: alpha flattened on white, libvips' "b-w" luminance,
then box-averaged down (libvips' resize shrinks by whole-pixel averages before its last
kernel step, so every source pixel counts and JPEG noise averages out).

- dHash: 9x8 grey; bit = "this pixel is darker than its right neighbour", 8 per row.
- pHash: 32x32 grey; 2-D DCT-II, separable (each row against a precomputed cosine table, then
  the columns of that result), pure Python: only the low frequencies are ever computed. The 64
  lowest AC frequencies in zigzag order (diagonals v+u = 1..9 whole, then 10 terms of the 10th;
  the DC term left out: it is the mean brightness, which a brightness change moves) are
  compared with their median. Not the top-left 8x8 square: without DC it has 63 terms, and its
  far corner (7, 7) is a higher, noisier frequency than the (0, 9) it would leave out.

The first coefficient or pixel is the most significant bit. docs/decisions/duplicates.md says
which hash ingest uses and why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from chalicelib.adapters.imaging.vips_runtime import pyvips_module
from chalicelib.ports import Master

DHASH_SIZE = (9, 8)  # width, height
PHASH_SIDE = 32
PHASH_BITS = 64
WHITE = [255, 255, 255]


@dataclass(frozen=True)
class PerceptualHashes:
    """Both 64-bit hashes of one picture, as unsigned ints."""

    dhash: int
    phash: int


def zigzag_ac(count: int) -> tuple[tuple[int, int], ...]:
    """The first `count` (row, column) frequencies in zigzag order after the DC term."""
    order: list[tuple[int, int]] = []
    diagonal = 1
    while len(order) < count:
        cells = [(v, diagonal - v) for v in range(diagonal + 1)]
        order.extend(cells if diagonal % 2 else cells[::-1])
        diagonal += 1
    return tuple(order[:count])


_FREQUENCIES = zigzag_ac(PHASH_BITS)
_MAX_FREQUENCY = 1 + max(max(v, u) for v, u in _FREQUENCIES)
# _COSINES[u][x] = cos(pi * (2x + 1) * u / 2N): the DCT-II basis, sampled once per process.
_COSINES = tuple(
    tuple(math.cos(math.pi * (2 * x + 1) * u / (2 * PHASH_SIDE)) for x in range(PHASH_SIDE))
    for u in range(_MAX_FREQUENCY)
)


def hex64(value: int) -> str:
    """A 64-bit hash as 16 lowercase hex characters."""
    return f"{value:016x}"


def of_master(master: Master) -> PerceptualHashes:
    """Both hashes of a master: its in-memory pixels, or its stored TIFF."""
    image = master.pixels
    if image is None:
        image = pyvips_module().Image.tiffload_buffer(master.data, fail_on="error")
    return of_image(image)


def of_image(image: Any) -> PerceptualHashes:
    """Both hashes of an upright pyvips image (any bands, 8-bit)."""
    grey = _grey(image)
    return PerceptualHashes(dhash=dhash_of(grey), phash=phash_of(grey))


def dhash_of(grey: Any) -> int:
    """Gradient hash of a one-band grey image: 9x8, neighbours compared along each row."""
    width, height = DHASH_SIZE
    pixels = _sample(grey, width, height)
    bits = (
        pixels[y * width + x] < pixels[y * width + x + 1]
        for y in range(height)
        for x in range(width - 1)
    )
    return _pack(bits)


def phash_of(grey: Any) -> int:
    """DCT hash of a one-band grey image: 32x32, low AC frequencies against their median."""
    pixels = _sample(grey, PHASH_SIDE, PHASH_SIDE)
    coefficients = dct_low(pixels, PHASH_SIDE)
    terms = [coefficients[v][u] for v, u in _FREQUENCIES]
    middle = median(terms)
    return _pack(term > middle for term in terms)


def dct_low(pixels: bytes | list[float], side: int) -> list[list[float]]:
    """The unnormalised 2-D DCT-II of a side x side picture, frequencies below the ones the
    hash reads only: result[v][u], v vertical, u horizontal."""
    span = range(side)
    low = range(_MAX_FREQUENCY)
    rows = [
        [sum(pixels[y * side + x] * _COSINES[u][x] for x in span) for u in low] for y in span
    ]
    return [[sum(rows[y][u] * _COSINES[v][y] for y in span) for u in low] for v in low]


def _grey(image: Any) -> Any:
    if image.hasalpha():
        image = image.flatten(background=WHITE[: image.bands - 1] or [255])
    if image.bands >= 3:
        image = image.colourspace("b-w")
    return image.extract_band(0) if image.bands > 1 else image


def _sample(grey: Any, width: int, height: int) -> bytes:
    """The grey image squashed to exactly width x height (aspect not kept), 8-bit."""
    small = grey.resize(width / grey.width, vscale=height / grey.height, kernel="linear")
    return bytes(small.cast("uchar").write_to_memory())


def _pack(bits: Any) -> int:
    value = 0
    for bit in bits:
        value = value << 1 | int(bit)
    return value


def duplicate_hash(master: Master) -> int:
    """The hash near-duplicates are judged by: pHash (docs/decisions/duplicates.md)."""
    return of_master(master).phash


def crop_phashes(master: Master, boxes: Sequence[tuple[float, float, float, float]]
                 ) -> list[int]:
    """The pHash of each inner crop of a master, in `boxes` order; a box is (left, top,
    right, bottom) as fractions of the master's width and height. The grey picture is made
    once; each crop is cut from it."""
    image = master.pixels
    if image is None:
        image = pyvips_module().Image.tiffload_buffer(master.data, fail_on="error")
    return crop_phashes_of(_grey(image), boxes)


def crop_phashes_of(grey: Any, boxes: Sequence[tuple[float, float, float, float]]
                    ) -> list[int]:
    """`crop_phashes` of a one-band grey image."""
    return [phash_of(_cut(grey, box)) for box in boxes]


def _cut(grey: Any, box: tuple[float, float, float, float]) -> Any:
    left, top, right, bottom = box
    x0, y0 = round(grey.width * left), round(grey.height * top)
    x1, y1 = round(grey.width * right), round(grey.height * bottom)
    return grey.crop(x0, y0, max(1, x1 - x0), max(1, y1 - y0))
