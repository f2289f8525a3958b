"""Near-duplicate maths on 64-bit perceptual hashes: distance, band keys, the policy.

Candidates are found by multi-index hashing (Norouzi, Punjani and Fleet, 2012): the hash is cut
into n equal bands, each stored as an exact-match key ("b<i>:<hex>"). Two hashes that differ in
fewer than n bits cannot differ in every band (each differing band needs at least one bit), so
they share at least one key: a lookup by the n keys of a new image finds every image within
distance n - 1, whatever the catalogue's size, and the exact Hamming distance then decides.

The trade-off in n: more bands allow a larger threshold, but each image stores n index items and
shorter bands collide more often by chance (a 4-bit band matches 1 random image in 16), so a
lookup reads more candidates to discard. 64 bits cut into 4, 8 or 16 bands (16, 8 or 4 bits
each) cover thresholds up to 3, 7 or 15.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HASH_BITS = 64
BAND_COUNTS = (4, 8, 16)
HASH_MASK = (1 << HASH_BITS) - 1


@dataclass(frozen=True)
class DuplicatePolicy:
    """How close two perceptual hashes must be to call the pictures the same, and how many
    bands the hash is indexed by (DUPLICATE_MAX_DISTANCE, DUPLICATE_BANDS)."""

    # docs/decisions/duplicates.md: measured on a labelled set of real photos.
    max_distance: int = 7
    bands: int = 8

    def __post_init__(self) -> None:
        if self.bands not in BAND_COUNTS:
            raise ValueError(f"bands must be one of {BAND_COUNTS}, not {self.bands}")
        if not 0 <= self.max_distance < self.bands:
            raise ValueError(
                f"max_distance {self.max_distance} needs more than that many bands "
                f"(at most {self.bands - 1} with {self.bands})"
            )


def bands_for(max_distance: int) -> int:
    """The fewest bands (4, 8 or 16) that still find every pair within `max_distance`."""
    for count in BAND_COUNTS:
        if max_distance < count:
            return count
    raise ValueError(f"no band count finds pairs {max_distance} bits apart")


def policy(max_distance: int, bands: int = 0) -> DuplicatePolicy:
    """A validated policy; `bands` 0 means the fewest that cover `max_distance`."""
    return DuplicatePolicy(max_distance, bands or bands_for(max_distance))


def hamming(a: int, b: int) -> int:
    """How many of the 64 bits differ."""
    return ((a ^ b) & HASH_MASK).bit_count()


def is_near(a: int, b: int, threshold: int) -> bool:
    """Whether two hashes are at most `threshold` bits apart."""
    return hamming(a, b) <= threshold


def bands(value: int, count: int) -> list[str]:
    """The hash cut into `count` equal bands, most significant first, as keys "b<i>:<hex>"."""
    if count <= 0 or HASH_BITS % count:
        raise ValueError(f"64 bits do not cut into {count} equal bands")
    width = HASH_BITS // count
    digits = -(-width // 4)
    mask = (1 << width) - 1
    return [
        f"b{index}:{(value >> (HASH_BITS - width * (index + 1))) & mask:0{digits}x}"
        for index in range(count)
    ]


def shares_band(a: int, b: int, count: int) -> bool:
    """Whether the two hashes meet in the band index (one equal band)."""
    return not set(bands(a, count)).isdisjoint(bands(b, count))


def parse_hex(text: str) -> int:
    """A hash written as 16 hex characters back to its int."""
    if len(text) != HASH_BITS // 4:
        raise ValueError(f"a 64-bit hash is 16 hex characters, not {len(text)}")
    return int(text, 16)


def nearest(target: int, candidates: Iterable[tuple[str, int]], threshold: int
            ) -> list[tuple[int, str]]:
    """(distance, id) of the candidates within `threshold`, nearest first, then by id."""
    found = ((hamming(target, value), key) for key, value in candidates)
    return sorted(pair for pair in found if pair[0] <= threshold)
