"""The rendition profile as data, and the pure geometry that plans each rendition."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FORMATS = ("webp", "jpeg", "png")


@dataclass(frozen=True)
class RenditionSpec:
    """One named output: target width (never upscaled), format and quality."""

    name: str
    width: int
    format: str = "webp"
    quality: int = 82

    @property
    def extension(self) -> str:
        """File extension for this format."""
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def content_type(self) -> str:
        """MIME type of the encoded file."""
        return f"image/{self.format}"


# The download at full size: the original's own width, upright, sRGB, 8-bit, a JPEG with no
# metadata (quality chosen by measurement: docs/decisions/full-download-jpeg.md). It is never
# public (kept beside the originals) and is cut by its own render invocation from the original.
FULL_QUALITY = 92
FULL = RenditionSpec("full", 0, "jpeg", FULL_QUALITY)


@dataclass(frozen=True)
class Size:
    """A width and a height in pixels."""

    width: int
    height: int


def parse_profile(items: Iterable[Mapping[str, Any]]) -> tuple[RenditionSpec, ...]:
    """Turn profile configuration into specs, refusing anything malformed."""
    specs = tuple(
        RenditionSpec(
            name=str(item["name"]),
            width=int(item["width"]),
            format=str(item.get("format", "webp")),
            quality=int(item.get("quality", 82)),
        )
        for item in items
    )
    names = [s.name for s in specs]
    if not specs or len(set(names)) != len(names):
        raise ValueError("rendition profile needs unique, non-empty names")
    for spec in specs:
        if spec.format not in FORMATS or spec.width < 1 or not 1 <= spec.quality <= 100:
            raise ValueError(f"bad rendition spec: {spec}")
    return specs


def fit_width(source: Size, width: int) -> Size:
    """Scale to `width` keeping the aspect ratio; never upscale; never below 1 px."""
    if width >= source.width:
        return source
    height = max(1, round(source.height * width / source.width))
    return Size(width, height)


def master_width(specs: Iterable[RenditionSpec], source: Size) -> int:
    """Width of the normalised master every rendition is cut from."""
    return min(source.width, max(spec.width for spec in specs))


# Renditions up to this many pixels are cut by ingest itself, in one cascade from the master
# it holds in memory; bigger ones go to parallel render invocations. A render invocation costs
# a queue message, a Lambda request and a GET of the whole master (8.4 MB at 2048 px) on top
# of its encode, while the inline ones (1080, 400 and 200 px WebP: about 60 ms) finish before
# the 2048 px render they run beside (about 155 ms), so the image is ready no later.
INLINE_MAX_PIXELS = 1_000_000


def split_inline(
    specs: Iterable[RenditionSpec], master: Size
) -> tuple[tuple[RenditionSpec, ...], tuple[RenditionSpec, ...]]:
    """(cut by ingest, fanned out to render invocations), by each rendition's planned size."""
    inline: list[RenditionSpec] = []
    fanned: list[RenditionSpec] = []
    for spec in specs:
        planned = fit_width(master, spec.width)
        small = planned.width * planned.height <= INLINE_MAX_PIXELS
        (inline if small else fanned).append(spec)
    return tuple(inline), tuple(fanned)


def display_size(stored_width: int, stored_height: int, orientation: int) -> Size:
    """Size as displayed: EXIF orientations 5-8 are stored transposed."""
    if orientation in (5, 6, 7, 8):
        return Size(stored_height, stored_width)
    return Size(stored_width, stored_height)


def orientation_name(size: Size) -> str:
    """landscape, portrait or square."""
    if size.width == size.height:
        return "square"
    return "landscape" if size.width > size.height else "portrait"


# What the pixel engine passes to libvips beyond each spec's width, format and quality (the
# imaging adapter saves and resizes with exactly these): part of a profile's version, so a
# change of encoder settings is a new version too.
ENCODER_SETTINGS: Mapping[str, Mapping[str, Any]] = {
    "webp": {"keep": "none"},
    "jpeg": {"keep": "none", "optimize_coding": True},
    "png": {"keep": "none", "compression": 6},
    "resize": {"kernel": "lanczos3"},
}
VERSION_DIGITS = 10
# Images rendered before profiles had versions record none: an older version than any.
LEGACY_VERSION = ""


@lru_cache(maxsize=8)
def profile_version(specs: tuple[RenditionSpec, ...]) -> str:
    """A short, stable hash of the profile's content: names, widths, formats, qualities and
    encoder settings, in canonical JSON (the order of the profile does not matter)."""
    canonical = json.dumps(
        {
            "renditions": sorted(
                ({"name": s.name, "width": s.width, "format": s.format, "quality": s.quality}
                 for s in specs),
                key=lambda item: str(item["name"]),
            ),
            "encoder": {fmt: dict(opts) for fmt, opts in ENCODER_SETTINGS.items()},
        },
        sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:VERSION_DIGITS]


def rendition_key(image_id: str, spec: RenditionSpec, version: str = LEGACY_VERSION) -> str:
    """Deterministic key of one rendition in the renditions bucket: under the profile version
    it was cut with (a new version never reuses a key the CDN caches as immutable); images
    from before versions keep their unversioned keys."""
    if version:
        return f"{image_id}/{version}/{spec.name}.{spec.extension}"
    return f"{image_id}/{spec.name}.{spec.extension}"


def image_id_of_rendition_key(key: str) -> str:
    """The image a public rendition key belongs to, versioned or not."""
    return key.split("/", 1)[0]
