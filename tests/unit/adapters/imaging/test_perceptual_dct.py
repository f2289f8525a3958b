"""The pure-Python half of the perceptual hashes: the DCT-II and which frequencies are read."""

from __future__ import annotations

import math
import random

import pytest

from chalicelib.adapters.imaging.perceptual import PHASH_BITS, dct_low, hex64, zigzag_ac


def naive_dct(pixels: list[float], side: int, v: int, u: int) -> float:
    """The textbook 2-D DCT-II coefficient (unnormalised), one double sum."""
    return sum(
        pixels[y * side + x]
        * math.cos(math.pi * (2 * x + 1) * u / (2 * side))
        * math.cos(math.pi * (2 * y + 1) * v / (2 * side))
        for y in range(side)
        for x in range(side)
    )


def test_the_separable_dct_equals_the_double_sum() -> None:
    # dct_low's cosine table is sampled for the hash's 32 px side: compare on that side.
    side = 32
    rng = random.Random(3)
    pixels = [float(rng.randrange(256)) for _ in range(side * side)]
    got = dct_low(pixels, side)
    for v, u in [(0, 0), (0, 1), (1, 0), (3, 5), (7, 2), (10, 0)]:
        assert got[v][u] == pytest.approx(naive_dct(pixels, side, v, u), abs=1e-6)


def test_a_flat_picture_has_only_a_dc_term() -> None:
    got = dct_low([100.0] * 32 * 32, 32)
    assert got[0][0] == pytest.approx(100 * 32 * 32)
    assert all(abs(c) < 1e-6 for row in got for c in row[1:])


def test_the_hash_reads_the_64_lowest_ac_frequencies_without_dc() -> None:
    order = zigzag_ac(PHASH_BITS)
    assert len(set(order)) == 64
    assert (0, 0) not in order
    assert order[:3] == ((0, 1), (1, 0), (2, 0))
    # whole diagonals v + u = 1..9 (54 terms), then 10 of the 11 on diagonal 10
    diagonals = [v + u for v, u in order]
    assert diagonals == sorted(diagonals)
    assert [diagonals.count(d) for d in range(1, 11)] == [*range(2, 11), 10]


def test_hex64_is_always_16_characters() -> None:
    assert hex64(0) == "0" * 16
    assert hex64((1 << 64) - 1) == "f" * 16
