"""The labelled set for the near-duplicate measurement: real photos, their edits, and look-alikes.

Every variant is encoded to bytes and goes through ingest's own path (probe, make_master at the
profile's master width, then the hash of that master), exactly as an upload would.

- Positives (the same picture): each photo against each EDITS variant of it.
- Negatives: every pair of different photos; "the same scene, another shot", approximated by
  crops of one photo framed SCENE_CROP of each side, shifted by 15% and 30% of the side (an
  overlapping but different framing); and each photo against its mirror image (a mirrored copy
  is another picture for the hash: see docs/decisions/duplicates.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyvips

EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
JPEG_Q = 90  # how an edited copy is saved unless the edit is the encoding itself
RENDITION_WIDTH = 2048
SCENE_CROP = 0.7
SCENE_SHIFTS = {"shift 15% right": (0.15, 0.0), "shift 30% right": (0.30, 0.0),
                "shift 15% down-right": (0.15, 0.15)}
# Scene crops need enough pixels left that the crops are photos in their own right.
SCENE_MIN_SIDE = 1000


@dataclass(frozen=True)
class Variant:
    """One encoded picture: which photo it came from and how."""

    photo: str
    kind: str
    data: bytes


def photos(folders: list[Path]) -> list[Path]:
    """Every photo file in the folders (not recursive), sorted by name."""
    found = [p for folder in folders for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS]
    return sorted(found, key=lambda p: p.name)


def upright(path: Path) -> Any:
    """The photo decoded upright, sRGB, 8-bit, no alpha."""
    image = pyvips.Image.new_from_file(str(path)).autorot()
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    return image.colourspace("srgb").cast("uchar")


def _jpeg(image: Any, quality: int = JPEG_Q) -> bytes:
    return bytes(image.jpegsave_buffer(Q=quality, keep="none"))


def _crop(image: Any, fraction: float) -> Any:
    """`fraction` of the width and of the height cut off every border."""
    dx, dy = round(image.width * fraction), round(image.height * fraction)
    return image.crop(dx, dy, image.width - 2 * dx, image.height - 2 * dy)


def _resized(image: Any, scale: float) -> Any:
    return image.resize(scale)


def _rendition(image: Any) -> bytes:
    scale = min(1.0, RENDITION_WIDTH / image.width)
    return bytes(_resized(image, scale).webpsave_buffer(Q=82, keep="none"))


EDITS: dict[str, Callable[[Any], bytes]] = {
    "resize 50%": lambda im: _jpeg(_resized(im, 0.5)),
    "resize 25%": lambda im: _jpeg(_resized(im, 0.25)),
    "jpeg q75": lambda im: _jpeg(im, 75),
    "jpeg q50": lambda im: _jpeg(im, 50),
    "crop 2% each border": lambda im: _jpeg(_crop(im, 0.02)),
    "crop 4% each border": lambda im: _jpeg(_crop(im, 0.04)),
    "crop 6% each border": lambda im: _jpeg(_crop(im, 0.06)),
    "png": lambda im: bytes(im.pngsave_buffer(keep="none")),
    "webp q80": lambda im: bytes(im.webpsave_buffer(Q=80, keep="none")),
    "brighter +8%": lambda im: _jpeg((im * 1.08).cast("uchar")),
    "darker -8%": lambda im: _jpeg((im * 0.92).cast("uchar")),
    "2048 px webp rendition": _rendition,
}


def original(path: Path) -> Variant:
    """The photo as uploaded (its own bytes)."""
    return Variant(path.name, "original", path.read_bytes())


def edits(path: Path, image: Any) -> Iterator[Variant]:
    """The same picture after each edit."""
    for kind, edit in EDITS.items():
        yield Variant(path.name, kind, edit(image))


def mirrored(path: Path, image: Any) -> Variant:
    """The photo flipped left to right."""
    return Variant(path.name, "mirrored", _jpeg(image.fliphor()))


def scene_crops(path: Path, image: Any) -> list[Variant]:
    """The anchor crop (top-left) first, then one crop per SCENE_SHIFTS; none for small photos."""
    if min(image.width, image.height) < SCENE_MIN_SIDE:
        return []
    width, height = round(image.width * SCENE_CROP), round(image.height * SCENE_CROP)
    made = [Variant(path.name, "scene anchor", _jpeg(image.crop(0, 0, width, height)))]
    for kind, (fx, fy) in SCENE_SHIFTS.items():
        left, top = round(image.width * fx), round(image.height * fy)
        made.append(Variant(path.name, kind, _jpeg(image.crop(left, top, width, height))))
    return made
