"""The libvips pixel engine behind the ImageProcessor port.

Ingest decodes the original once into a master (upright, sRGB 8-bit, alpha kept, shrunk on
load to the planned size, no metadata: vips_master.py) stored as an uncompressed TIFF; each
render loads that master, resizes it and encodes one rendition with no metadata. Why
uncompressed TIFF (8.4 MB, about 5 ms to write and 3 ms to read at 2048x1365, vs LZW 5.2 MB /
92 ms / 28 ms): docs/decisions/master-format.md. The reader accepts any TIFF compression, so
`MASTER_COMPRESSION` can change without migrating stored masters.

Choices: grey becomes 3-band sRGB (one master shape for every renderer; WebP stores grey as
RGB anyway); animated WebP/APNG give their first frame (libvips' default page); JPEG
renditions of transparent images are flattened on white and are baseline, not progressive
(measured on 6000x4000 photos cut to 200-2048 px: progressive saved at most 1.1% of the bytes,
cost 6% more at 200 px, and nearly doubles the encode time); PNG renditions are lossless, so
`quality` only applies to WebP and JPEG. The budget kills libvips from a watchdog timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from chalicelib.adapters.imaging import blurhash, palette
from chalicelib.adapters.imaging.vips_master import decode_master, read_header
from chalicelib.adapters.imaging.vips_runtime import Budget, pyvips_module
from chalicelib.domain.renditions import ENCODER_SETTINGS, RenditionSpec, Size, fit_width
from chalicelib.ports import Encoded, Master

JPEG_BACKGROUND = [255, 255, 255]
# Masters are written uncompressed (docs/decisions/master-format.md); any TIFF reads back.
MASTER_COMPRESSION = "none"
# summarize(): pixels sampled for the dominant colour, and for the BlurHash (which is pure
# Python, so kept small: about 0.4 ms at 32x32).
COLOUR_SAMPLE_SIDE = 64
BLURHASH_SAMPLE_SIDE = 32


class VipsProcessor:
    """ImageProcessor on libvips: shrink-on-load masters, freshly encoded renditions."""

    def __init__(
        self,
        max_pixels: int = 100_000_000,
        max_side: int = 30_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_pixels = max_pixels
        self._max_side = max_side
        self._clock = clock

    def make_master(
        self, data: bytes, fmt: str, width: int, budget_seconds: float, store: bool = True
    ) -> Master:
        """Decode once with `fmt`'s loader: upright, sRGB 8-bit, shrunk to `width`, metadata
        dropped; kept in memory, and encoded for storage when `store`."""
        budget = Budget(budget_seconds, self._clock)
        header = read_header(data, fmt, self._max_pixels, self._max_side)
        target = fit_width(header.upright, width)
        pixels = decode_master(data, header, target, budget)
        stored = self._encode_master(pixels) if store else b""
        return Master(stored, pixels.width, pixels.height, pixels)

    def render(
        self, master: bytes, width: int, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        """Resize the master to `width` (never up) and encode freshly, no metadata."""
        budget = Budget(budget_seconds, self._clock)
        image = pyvips_module().Image.tiffload_buffer(master, access="sequential", fail_on="error")
        target = fit_width(Size(image.width, image.height), width)
        resized = _resize(image, target)
        data = budget.run(resized, lambda im: _encode(im, fmt, quality))
        return Encoded(data, target.width, target.height, fmt)

    def render_full(
        self, original: bytes, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        """The original at its full size, upright, sRGB 8-bit, as a JPEG with no metadata."""
        budget = Budget(budget_seconds, self._clock)
        header = read_header(original, fmt, self._max_pixels, self._max_side)
        pixels = decode_master(original, header, header.upright, budget)
        data = budget.run(pixels, lambda im: _encode_full(im, quality))
        return Encoded(data, pixels.width, pixels.height, "jpeg")

    def render_many(
        self, master: Master, specs: Sequence[RenditionSpec], budget_seconds: float
    ) -> list[Encoded]:
        """A cascade from the master: largest first, each cut from the one before it, every
        size planned from the master's (so rounding never drifts); `specs` order kept."""
        budget = Budget(budget_seconds, self._clock)
        image = _pixels(master)
        made: dict[str, Encoded] = {}
        for spec in sorted(specs, key=lambda s: -s.width):
            target = fit_width(Size(master.width, master.height), spec.width)
            resized = _resize(image, target)
            # A size equal to the one before (a small photo's largest) is already in memory.
            image = resized if resized is image else budget.materialize(resized)
            data = budget.run(image, partial(_encode, fmt=spec.format, quality=spec.quality))
            made[spec.name] = Encoded(data, target.width, target.height, spec.format)
        return [made[spec.name] for spec in specs]

    def summarize(self, master: Master) -> tuple[str, str, str]:
        """(palette colour name, "#rrggbb" dominant colour, BlurHash) of a master."""
        image = _pixels(master)
        if image.bands < 3:
            image = image.colourspace("srgb")
        if image.hasalpha():
            image = image.flatten(background=JPEG_BACKGROUND)
        # Box-filtered shrinks average every pixel in; the 32 px one is cut from the 64 px
        # one, so the big master is read once.
        colour_sample = _shrink_to(image, COLOUR_SAMPLE_SIDE).copy_memory()
        hash_sample = _shrink_to(colour_sample, BLURHASH_SAMPLE_SIDE)
        rgb = palette.dominant(_rgb_pixels(colour_sample))
        hash_pixels = _rgb_pixels(hash_sample)
        placeholder = blurhash.encode(hash_sample.width, hash_sample.height, hash_pixels)
        return palette.name_for(*rgb), palette.hex_of(*rgb), placeholder

    def duplicate_hash(self, master: Master) -> int:
        """The perceptual hash near-duplicates are judged by (pHash of the master)."""
        from chalicelib.adapters.imaging.perceptual import duplicate_hash

        return duplicate_hash(master)

    def crop_hashes(self, master: Master, boxes: Sequence[tuple[float, float, float, float]]
                    ) -> list[int]:
        """The pHash of each inner crop of the master (crop-tolerant duplicate keys)."""
        from chalicelib.adapters.imaging.perceptual import crop_phashes

        return crop_phashes(master, boxes)

    def camera_tags(self, data: bytes, fmt: str) -> dict[str, str]:
        """The allow-listed EXIF tags' raw values (vips_exif.py); {} when none is readable."""
        from chalicelib.adapters.imaging.vips_exif import camera_tags

        return camera_tags(data, fmt)

    def _encode_master(self, image: Any) -> bytes:
        return bytes(image.tiffsave_buffer(compression=MASTER_COMPRESSION, keep="none"))


def _pixels(master: Master) -> Any:
    """The master's pixels: the in-memory copy when this process made it, else its TIFF."""
    if master.pixels is not None:
        return master.pixels
    return pyvips_module().Image.tiffload_buffer(master.data, fail_on="error").copy_memory()


def _resize(image: Any, target: Size) -> Any:
    """Exact planned size; alpha resized premultiplied in float, so edges don't darken."""
    if (target.width, target.height) == (image.width, image.height):
        return image
    hscale = target.width / image.width
    vscale = target.height / image.height
    if not image.hasalpha():
        return image.resize(hscale, vscale=vscale, **ENCODER_SETTINGS["resize"])
    smooth = image.premultiply().resize(
        hscale, vscale=vscale, **ENCODER_SETTINGS["resize"]
    ).unpremultiply()
    # cast truncates; round first so semi-transparent colours don't drift down a level.
    return smooth.rint().cast("uchar")


def _encode(image: Any, fmt: str, quality: int) -> bytes:
    """Encode freshly with no metadata: libvips keeps EXIF/XMP/IPTC unless told not to."""
    if fmt == "webp":
        return bytes(image.webpsave_buffer(Q=quality, **ENCODER_SETTINGS["webp"]))
    if fmt == "jpeg":
        if image.hasalpha():
            image = image.flatten(background=JPEG_BACKGROUND)
        return bytes(image.jpegsave_buffer(Q=quality, **ENCODER_SETTINGS["jpeg"]))
    if fmt == "png":
        # PNG is lossless: quality has no meaning here.
        return bytes(image.pngsave_buffer(**ENCODER_SETTINGS["png"]))
    raise ValueError(f"unsupported rendition format: {fmt}")


def _shrink_to(image: Any, side: int) -> Any:
    """At most `side` px on the long side (never enlarged), 8-bit with 3 bands."""
    scale = side / max(image.width, image.height)
    if scale < 1:
        image = image.resize(scale, kernel="linear")
    return image.cast("uchar")


def _rgb_pixels(image: Any) -> list[tuple[int, int, int]]:
    """Row-major (r, g, b) triples of a 3-band 8-bit image."""
    data = bytes(image.write_to_memory())
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def _encode_full(image: Any, quality: int) -> bytes:
    """The full-size download: baseline JPEG, full chroma (4:4:4 set, not left to libvips'
    quality threshold), optimised Huffman tables, no metadata at all
    (docs/decisions/full-download-jpeg.md)."""
    if image.hasalpha():
        image = image.flatten(background=JPEG_BACKGROUND)
    return bytes(image.jpegsave_buffer(
        Q=quality, keep="none", optimize_coding=True, subsample_mode="off"
    ))
