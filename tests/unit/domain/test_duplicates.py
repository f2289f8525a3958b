"""Near-duplicate maths: Hamming distance, band keys (multi-index hashing) and the policy."""

from __future__ import annotations

import random

import pytest

from chalicelib.domain.duplicates import (
    DuplicatePolicy,
    bands,
    bands_for,
    hamming,
    is_near,
    nearest,
    parse_hex,
    policy,
    probe_keys,
    shares_band,
)

ALL_ONES = (1 << 64) - 1


def flip(value: int, bits: list[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [(0, 0, 0), (0, 1, 1), (0, ALL_ONES, 64), (0b1010, 0b0101, 4), (1 << 63, 0, 1)],
)
def test_hamming_counts_the_differing_bits(a: int, b: int, distance: int) -> None:
    assert hamming(a, b) == distance
    assert hamming(b, a) == distance


def test_is_near_includes_the_threshold_itself() -> None:
    assert is_near(0, 0b111, 3)
    assert not is_near(0, 0b1111, 3)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (4, ["b0:0123", "b1:4567", "b2:89ab", "b3:cdef"]),
        (8, ["b0:01", "b1:23", "b2:45", "b3:67", "b4:89", "b5:ab", "b6:cd", "b7:ef"]),
    ],
)
def test_bands_cut_the_hash_most_significant_first(count: int, expected: list[str]) -> None:
    assert bands(0x0123456789ABCDEF, count) == expected


def test_sixteen_bands_are_one_hex_digit_each_and_keep_leading_zeros() -> None:
    keys = bands(0x00000000000000F1, 16)
    assert keys[0] == "b0:0" and keys[14] == "b14:f" and keys[15] == "b15:1"
    assert len(keys) == 16


@pytest.mark.parametrize("count", [0, 3, 5, 7, 65])
def test_bands_refuse_a_count_that_does_not_divide_64_bits(count: int) -> None:
    with pytest.raises(ValueError):
        bands(1, count)


@pytest.mark.parametrize("count", [4, 8, 16])
def test_pigeonhole_every_pair_closer_than_the_band_count_shares_a_band(count: int) -> None:
    # GIVEN random hashes and copies with fewer than `count` bits flipped anywhere
    rng = random.Random(count)
    for _ in range(500):
        value = rng.getrandbits(64)
        other = flip(value, rng.sample(range(64), rng.randrange(count)))
        # THEN the band index finds them: at least one band is equal
        assert shares_band(value, other, count)


@pytest.mark.parametrize("count", [4, 8, 16])
def test_count_flipped_bits_one_per_band_share_no_band(count: int) -> None:
    # The bound is tight: one flipped bit in every band leaves no band equal.
    width = 64 // count
    value = random.Random(7).getrandbits(64)
    other = flip(value, [band * width for band in range(count)])
    assert hamming(value, other) == count
    assert not shares_band(value, other, count)


@pytest.mark.parametrize("count", [4, 8, 16])
def test_probing_at_radius_one_finds_every_pair_within_twice_the_band_count_minus_one(
    count: int,
) -> None:
    # GIVEN random hashes and copies with up to 2 * count - 1 bits flipped anywhere
    rng = random.Random(100 + count)
    for _ in range(500):
        value = rng.getrandbits(64)
        other = flip(value, rng.sample(range(64), rng.randrange(2 * count)))
        # THEN a lookup probing each band's 1-bit neighbours meets it
        assert shares_band(value, other, count, radius=1)


@pytest.mark.parametrize("count", [4, 8, 16])
def test_two_flipped_bits_in_every_band_escape_a_radius_one_probe(count: int) -> None:
    # The bound is tight: 2 bits in each band (2 * count in all) leave no band within 1 bit.
    width = 64 // count
    value = random.Random(9).getrandbits(64)
    other = flip(value, [band * width + bit for band in range(count) for bit in (0, 1)])
    assert hamming(value, other) == 2 * count
    assert not shares_band(value, other, count, radius=1)


def test_a_probe_asks_for_each_band_and_its_one_bit_neighbours_only() -> None:
    value = random.Random(3).getrandbits(64)
    keys = probe_keys(value, 4, 1)
    assert len(keys) == len(set(keys)) == 4 * (1 + 16)  # the same at 10 images or 10 million
    assert keys[:4] == bands(value, 4)
    assert probe_keys(value, 4, 0) == bands(value, 4)
    for key in keys[4:]:
        index, digits = key[1:].split(":")
        own = bands(value, 4)[int(index)].split(":")[1]
        assert (int(digits, 16) ^ int(own, 16)).bit_count() == 1


@pytest.mark.parametrize(("distance", "radius", "expected"), [
    (0, 1, 4), (7, 1, 4), (8, 1, 8), (15, 1, 8), (16, 1, 16), (31, 1, 16),
    (3, 0, 4), (4, 0, 8), (7, 0, 8), (8, 0, 16), (15, 0, 16),
])
def test_the_fewest_bands_that_cover_the_threshold(distance: int, radius: int,
                                                   expected: int) -> None:
    assert bands_for(distance, radius) == expected
    assert policy(distance, probe_radius=radius).bands == expected


def test_a_policy_refuses_too_few_bands_or_an_unknown_radius() -> None:
    with pytest.raises(ValueError):
        DuplicatePolicy(max_distance=8, bands=4, probe_radius=1)
    with pytest.raises(ValueError):
        DuplicatePolicy(max_distance=4, bands=4, probe_radius=0)
    with pytest.raises(ValueError):
        policy(32)
    with pytest.raises(ValueError):
        DuplicatePolicy(max_distance=2, bands=5)
    with pytest.raises(ValueError):
        DuplicatePolicy(max_distance=2, bands=4, probe_radius=2)


def test_the_default_policy_is_the_widest_bands_probed_at_radius_one() -> None:
    default = DuplicatePolicy()
    assert (default.bands, default.probe_radius) == (4, 1)
    assert default.max_distance <= default.reach == 7
    assert default.bands == bands_for(default.max_distance, default.probe_radius)


def test_parse_hex_reads_16_hex_characters_back() -> None:
    assert parse_hex("0123456789abcdef") == 0x0123456789ABCDEF
    with pytest.raises(ValueError):
        parse_hex("abc")


def test_nearest_keeps_candidates_within_the_threshold_nearest_first() -> None:
    target = 0
    candidates = [("far", 0xFF), ("one", 0b1), ("three", 0b111), ("also-one", 0b10)]
    assert nearest(target, candidates, 3) == [(1, "also-one"), (1, "one"), (3, "three")]
