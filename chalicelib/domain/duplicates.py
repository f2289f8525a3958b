"""Near-duplicate maths on 64-bit perceptual hashes: distance, band keys, the policy.

Candidates are found by multi-index hashing (Norouzi, Punjani and Fleet, 2012): the hash is cut
into n equal bands, each stored as an exact-match key ("b<i>:<hex>"). A lookup asks for each band
of the new hash and, with a probe radius r, for every value of that band within r bits of it.
Two hashes at most n(r + 1) - 1 bits apart must have some band that differs in at most r bits
(if every band differed in r + 1 or more, they would be n(r + 1) apart), so the lookup finds
every image within that distance, and the exact Hamming distance then decides.

Why 4 bands of 16 bits probed at radius 1 (the default): 68 keys per lookup (4 x (1 + 16)),
whatever the catalogue's size, reaching 7 bits; and a 16-bit key matches 1 random image in
65,536, so the candidates read are about N / 1,000 at N images. The same reach without
probing needs 8 bands of 8 bits, whose keys match 1 image in 256 (measured: 4 % of a catalogue
per lookup). Radius 2 would be 548 keys per lookup: not offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HASH_BITS = 64
BAND_COUNTS = (4, 8, 16)
HASH_MASK = (1 << HASH_BITS) - 1


PROBE_RADII = (0, 1)


@dataclass(frozen=True)
class DuplicatePolicy:
    """How close two perceptual hashes must be to call the pictures the same, how many bands
    the hash is indexed by, how far a lookup probes around each band, and whether ingest
    judges uploads at all (DUPLICATE_MAX_DISTANCE, DUPLICATE_BANDS, DUPLICATE_PROBE_RADIUS,
    DUPLICATE_CHECK)."""

    # docs/decisions/duplicates.md: measured on a labelled set of real photos.
    max_distance: int = 7
    bands: int = 4
    probe_radius: int = 1
    # DUPLICATE_CHECK=off: uploads are still hashed and indexed, never judged (a trusted
    # bulk import; the integration suite's repeated test pictures).
    check: bool = True
    # DUPLICATE_CROPS, DUPLICATE_CROP_DISTANCE, DUPLICATE_CROP_LOOKUP: inner crops hashed and
    # indexed beside the full picture (crop_box names); how close a full hash and a crop hash
    # of the other picture must be; whether a lookup probes the upload's crops too ("all":
    # also finds the photo a stored crop was cut from, 68 keys per crop more) or its full hash
    # only ("full": finds a crop of a stored photo, 68 keys). docs/decisions/duplicates.md.
    crops: tuple[str, ...] = ("c94", "c88", "l95", "r95")
    crop_distance: int = 7
    lookup_crops: bool = False

    def __post_init__(self) -> None:
        if self.bands not in BAND_COUNTS:
            raise ValueError(f"bands must be one of {BAND_COUNTS}, not {self.bands}")
        if self.probe_radius not in PROBE_RADII:
            raise ValueError(f"probe radius must be one of {PROBE_RADII}, not {self.probe_radius}")
        if not 0 <= self.max_distance <= self.reach:
            raise ValueError(
                f"max_distance {self.max_distance} is beyond what {self.bands} bands probed at "
                f"radius {self.probe_radius} find (at most {self.reach})"
            )
        if not 0 <= self.crop_distance <= self.reach:
            raise ValueError(f"crop distance {self.crop_distance} is beyond the reach "
                             f"{self.reach} of the band index")
        for name in self.crops:
            crop_box(name)

    @property
    def reach(self) -> int:
        """The largest distance a lookup is sure to find."""
        return reach(self.bands, self.probe_radius)


def reach(count: int, radius: int) -> int:
    """The largest distance `count` bands probed at `radius` are sure to find."""
    return count * (radius + 1) - 1


def bands_for(max_distance: int, radius: int = 1) -> int:
    """The fewest bands (4, 8 or 16: the widest keys) that still find every pair within
    `max_distance` when probed at `radius`."""
    for count in BAND_COUNTS:
        if max_distance <= reach(count, radius):
            return count
    raise ValueError(f"no band count finds pairs {max_distance} bits apart at radius {radius}")


def policy(max_distance: int, bands: int = 0, probe_radius: int = 1,
           crops: tuple[str, ...] = DuplicatePolicy.crops, crop_distance: int | None = None,
           lookup_crops: bool = False) -> DuplicatePolicy:
    """A validated policy; `bands` 0 means the fewest that cover `max_distance`; the crop
    distance defaults to `max_distance`."""
    return DuplicatePolicy(max_distance, bands or bands_for(max_distance, probe_radius),
                           probe_radius, crops=crops,
                           crop_distance=max_distance if crop_distance is None else crop_distance,
                           lookup_crops=lookup_crops)


def crop_match(upload: int, upload_crops: Mapping[str, int], stored_variant: str,
               stored: int, policy: DuplicatePolicy) -> int | None:
    """The distance by which an upload (its full hash and its crops' hashes) matches one
    band-index entry (`stored_variant` "" for a full hash, else a crop's name), or None.
    Full against full counts within `max_distance`; a full hash against a crop of the other
    picture, either way, within `crop_distance`. Crop against crop does not count."""
    if stored_variant:
        found = [hamming(upload, stored)]
    else:
        full = hamming(upload, stored)
        if full <= policy.max_distance:
            return full
        found = [hamming(value, stored) for value in upload_crops.values()]
    near = [distance for distance in found if distance <= policy.crop_distance]
    return min(near) if near else None


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


def probe_keys(value: int, count: int, radius: int) -> list[str]:
    """The keys a lookup asks for: each band's own key and, at radius 1, the key of every
    value one bit away in that band."""
    width = HASH_BITS // count
    keys = bands(value, count)
    if radius == 0:
        return keys
    neighbours = [bands(value ^ (1 << (HASH_BITS - width * (index + 1) + bit)), count)[index]
                  for index in range(count) for bit in range(width)]
    return keys + neighbours


def shares_band(a: int, b: int, count: int, radius: int = 0) -> bool:
    """Whether a lookup for `a` meets `b` in the band index."""
    return not set(probe_keys(a, count, radius)).isdisjoint(bands(b, count))


def parse_hex(text: str) -> int:
    """A hash written as 16 hex characters back to its int."""
    if len(text) != HASH_BITS // 4:
        raise ValueError(f"a 64-bit hash is 16 hex characters, not {len(text)}")
    return int(text, 16)


def as_hex(value: int) -> str:
    """A hash as the 16 lowercase hex characters it is stored as."""
    return f"{value & HASH_MASK:016x}"


def nearest(target: int, candidates: Iterable[tuple[str, int]], threshold: int
            ) -> list[tuple[int, str]]:
    """(distance, id) of the candidates within `threshold`, nearest first, then by id."""
    found = ((hamming(target, value), key) for key, value in candidates)
    return sorted(pair for pair in found if pair[0] <= threshold)


# Inner crops hashed beside the full picture so a cropped copy still meets its original
# (docs/decisions/duplicates.md, "Crops"): "c94" keeps the central 94% of each side, "l95"
# the left 95% of the width (cut from the right edge), "r95" the right 95%, "t95" and "b95"
# the top and bottom 95% of the height.
CROP_SIDES = "clrtb"


def crop_box(name: str) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) as fractions of the picture for a crop variant's name."""
    side, digits = name[:1], name[1:]
    if side not in CROP_SIDES or not digits.isdigit() or not 50 <= int(digits) < 100:
        raise ValueError(f"a crop is c|l|r|t|b and a percentage 50-99 (c94, l95), not {name!r}")
    keep = int(digits) / 100
    cut = 1 - keep
    return {
        "c": (cut / 2, cut / 2, 1 - cut / 2, 1 - cut / 2),
        "l": (0.0, 0.0, keep, 1.0),
        "r": (cut, 0.0, 1.0, 1.0),
        "t": (0.0, 0.0, 1.0, keep),
        "b": (0.0, cut, 1.0, 1.0),
    }[side]
