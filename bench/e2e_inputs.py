"""The end-to-end benchmark's photos: a reproducible mix of sizes, each with a unique title word.

Sizes are camera-like: 2, 6, 12 and 24 MP, with 12 MP (the target's size) two photos in five,
in two aspects (4:3 and 3:2); every other photo is portrait, so that up to 70 photos no two
share their bytes. Pixels come from the local stack's real sample photos, cropped and
upscaled with Lanczos3 (bench/render_inputs.make_photo).
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.render_inputs import SAMPLES, make_photo

# One cycle of five photos: 12 MP twice (two aspects), then 2, 6 and 24 MP once each.
CYCLE: tuple[tuple[str, int, int], ...] = (
    ("12 MP", 4000, 3000),
    ("2 MP", 1732, 1155),
    ("12 MP", 4240, 2832),
    ("6 MP", 3000, 2000),
    ("24 MP", 6000, 4000),
)
TARGET_CLASS = "12 MP"
CLASS_ORDER = ("2 MP", "6 MP", "12 MP", "24 MP")


@dataclass(frozen=True)
class PhotoSpec:
    """What one benchmark photo is made of, before any pixel is made."""

    index: int
    size_class: str
    width: int
    height: int
    source: str

    @property
    def label(self) -> str:
        """A short human name: size, orientation and sample, e.g. `12 MP 4000x3000 cat`."""
        return f"{self.size_class} {self.width}x{self.height} {Path(self.source).stem}"


@dataclass(frozen=True)
class Photo:
    """One benchmark photo: its spec and its JPEG bytes."""

    spec: PhotoSpec
    data: bytes


def sample_names(folder: Path = SAMPLES) -> list[str]:
    """The sample photos' file names, sorted (the order photos cycle through them)."""
    return sorted(path.name for path in folder.glob("*.jpg"))


def plan(count: int, sources: Sequence[str]) -> list[PhotoSpec]:
    """`count` photo specs cycling through sizes, orientations and `sources`."""
    if not sources:
        raise ValueError("no sample photos to make benchmark inputs from")
    specs = []
    for index in range(count):
        size_class, width, height = CYCLE[index % len(CYCLE)]
        if index % 2:
            width, height = height, width
        specs.append(PhotoSpec(index, size_class, width, height, sources[index % len(sources)]))
    return specs


def make(specs: Sequence[PhotoSpec], folder: Path = SAMPLES) -> list[Photo]:
    """The JPEG bytes of every spec (q90, 4:2:0, no metadata)."""
    return [Photo(spec, make_photo(folder / spec.source, spec.width, spec.height))
            for spec in specs]


def letters(number: int, width: int = 3) -> str:
    """`number` written in base 26 with a-z, zero-padded to `width` (search sees one word)."""
    if number < 0:
        raise ValueError("only non-negative numbers have a word")
    digits: list[str] = []
    while number or len(digits) < width:
        number, digit = divmod(number, 26)
        digits.append(string.ascii_lowercase[digit])
    return "".join(reversed(digits))


def title_word(phase: str, index: int) -> str:
    """A word no other photo of the run has: `qx`, the phase's letters, the index in letters."""
    if not phase.isalpha() or not phase.islower():
        raise ValueError(f"phase must be lowercase letters, not {phase!r}")
    return f"qx{phase}{letters(index)}"
