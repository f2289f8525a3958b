"""The libvips pixel engine behind the ImageProcessor port.

Ingest decodes the original once into a master (upright, sRGB 8-bit, alpha kept, shrunk on
load to the planned size, no metadata) stored as an uncompressed TIFF; each render loads that
master, resizes it and encodes one rendition with no metadata. Why uncompressed TIFF (8.4 MB,
about 5 ms to write and 3 ms to read at 2048x1365, vs LZW 5.2 MB / 92 ms / 28 ms):
docs/decisions/master-format.md. The reader accepts any TIFF compression, so the writer's
`master_compression` can change without migrating stored masters.

Choices: grey becomes 3-band sRGB (one master shape for every renderer; WebP stores grey as
RGB anyway); animated WebP/APNG give their first frame (libvips' default page); JPEG
renditions of transparent images are flattened on white; PNG renditions are lossless, so
`quality` only applies to WebP and JPEG. The budget is enforced with libvips' eval signal
and `set_kill`: checked once per computed tile, so one tile's work can overshoot it.

pyvips is imported lazily: the API Lambda imports chalicelib without the imaging layer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from chalicelib.domain import blurhash, palette
from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.renditions import Size, display_size, fit_width
from chalicelib.ports import Encoded, Master

T = TypeVar("T")

# Loader allow-list, checked on the header (anything else never reaches a decoder here),
# with how strict each decoder is. "truncated" rejects cut-off and broken files yet accepts
# quirky valid JPEGs (junk before markers, bad EXIF), which "warning" would refuse. For PNG,
# "warning" also refuses a CRC error in a critical chunk (IHDR, IDAT) as browsers do, while
# a bad CRC in an ancillary chunk still passes.
FAIL_ON = {
    "jpegload_buffer": "truncated",
    "pngload_buffer": "warning",
    "webpload_buffer": "truncated",
}
JPEG_BACKGROUND = [255, 255, 255]
# summarize(): pixels sampled for the dominant colour, and for the BlurHash (which is pure
# Python, so kept small: about 0.4 ms at 32x32).
COLOUR_SAMPLE_SIDE = 64
BLURHASH_SAMPLE_SIDE = 32
# libjpeg only warns when the scan data ends before the picture does (a header that lies
# about its size); fail_on="truncated" would let that through as a flat grey image.
SHORT_DATA_WARNINGS = ("premature end",)


@lru_cache(maxsize=1)
def _vips() -> Any:
    """Import and harden pyvips once per process."""
    import pyvips

    pyvips.block_untrusted_set(True)
    # One image per invocation: the operation cache would only pin 50 MB inputs in memory.
    pyvips.cache_set_max(0)
    return pyvips


class _Budget:
    """A wall-clock deadline that kills a libvips computation through its eval signal."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._deadline = clock() + seconds
        self.expired = False

    def check(self) -> None:
        """Raise ProcessingTimeout if the deadline has already passed."""
        if self._clock() >= self._deadline:
            raise ProcessingTimeout("processing budget spent before pixel work")

    def run(self, image: Any, sink: Callable[[Any], T]) -> T:
        """Compute `sink(image)`, killing it once the deadline passes."""
        self.check()
        image.set_progress(True)
        image.signal_connect("eval", self._on_eval)
        try:
            return sink(image)
        except _vips().Error as exc:
            if self.expired:
                raise ProcessingTimeout("processing budget exceeded") from exc
            raise

    def _on_eval(self, image: Any, _progress: Any) -> None:
        # Fired once per computed tile, so the overshoot is at most one tile's work.
        if not self.expired and self._clock() >= self._deadline:
            self.expired = True
            image.set_kill(True)


class VipsProcessor:
    """ImageProcessor on libvips: shrink-on-load masters, freshly encoded renditions."""

    def __init__(
        self,
        max_pixels: int = 100_000_000,
        max_side: int = 30_000,
        master_compression: str = "none",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_pixels = max_pixels
        self._max_side = max_side
        self._master_compression = master_compression
        self._clock = clock

    def make_master(self, data: bytes, width: int, budget_seconds: float) -> Master:
        """Decode once: upright, sRGB 8-bit, shrunk to `width`, metadata dropped."""
        budget = _Budget(budget_seconds, self._clock)
        upright, has_icc, fail_on = self._inspect(data)
        target = fit_width(upright, width)
        # Tagged images (P3, Adobe RGB, CMYK) go to sRGB; untagged CMYK goes through
        # libvips' built-in CMYK profile anyway, and untagged RGB is taken as sRGB
        # (asking for sRGB output there costs a no-op transform: +80 ms on 24 MP).
        profile = {"output_profile": "srgb"} if has_icc else {}
        tiff, size = self._decode_strictly(data, target, fail_on, profile, budget)
        return Master(tiff, size.width, size.height)

    def _decode_strictly(
        self, data: bytes, target: Size, fail_on: str, profile: dict[str, str], budget: _Budget
    ) -> tuple[bytes, Size]:
        """JPEG: try with every libjpeg warning fatal; scan data that ends early is corrupt,
        any other warning (extraneous bytes, odd markers) gets a tolerant second decode."""
        if fail_on != "truncated":
            return self._decode(data, target, fail_on, profile, budget)
        try:
            return self._decode(data, target, "warning", profile, budget)
        except Rejected as strict:
            if any(sign in strict.detail.lower() for sign in SHORT_DATA_WARNINGS):
                raise
        return self._decode(data, target, fail_on, profile, budget)

    def _decode(
        self, data: bytes, target: Size, fail_on: str, profile: dict[str, str], budget: _Budget
    ) -> tuple[bytes, Size]:
        """Shrink-on-load decode, then the master encode."""
        pv = _vips()
        try:
            image = pv.Image.thumbnail_buffer(
                data,
                target.width,
                height=target.height,
                size="force",  # the planned, aspect-kept size; never larger than the source
                # thumbnail's own fail_on keyword does not reach the loader (libvips 8.18):
                # only the option string makes a truncated file fail.
                option_string=f"fail_on={fail_on}",
                **profile,
            )
            image = _to_srgb8(image)
            size = Size(image.width, image.height)
            tiff = budget.run(image, self._encode_master)
        except pv.Error as exc:
            raise Rejected("corrupt_image", _summary(exc)) from exc
        return tiff, size

    def render(
        self, master: bytes, width: int, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        """Resize the master to `width` (never up) and encode freshly, no metadata."""
        budget = _Budget(budget_seconds, self._clock)
        image = _vips().Image.tiffload_buffer(master, access="sequential", fail_on="error")
        target = fit_width(Size(image.width, image.height), width)
        resized = _resize(image, target)
        data = budget.run(resized, lambda im: _encode(im, fmt, quality))
        return Encoded(data, target.width, target.height, fmt)

    def summarize(self, master: bytes) -> tuple[str, str, str]:
        """(palette colour name, "#rrggbb" dominant colour, BlurHash) of a master."""
        image = _vips().Image.tiffload_buffer(master, fail_on="error")
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

    def _inspect(self, data: bytes) -> tuple[Size, bool, str]:
        """Upright size, whether an ICC profile is embedded, and how strict to decode."""
        header = _open_header(data)
        loader = header.get("vips-loader")
        if loader not in FAIL_ON:
            raise Rejected("unsupported_format", str(loader))
        width, height = header.width, header.height
        if width * height > self._max_pixels or max(width, height) > self._max_side:
            raise Rejected("too_many_pixels", f"{width}x{height}")
        orientation = header.get("orientation") if header.get_typeof("orientation") else 1
        has_icc = bool(header.get_typeof("icc-profile-data"))
        return display_size(width, height, orientation), has_icc, FAIL_ON[loader]

    def _encode_master(self, image: Any) -> bytes:
        return bytes(image.tiffsave_buffer(compression=self._master_compression, keep="none"))


def _open_header(data: bytes) -> Any:
    """Parse the header only (no pixels); unknown bytes are not an image."""
    pv = _vips()
    try:
        return pv.Image.new_from_buffer(data, "", access="sequential", fail_on="truncated")
    except pv.Error as exc:
        # pyvips says exactly this when no (trusted) loader recognises the bytes.
        unknown = exc.message == "unable to load from buffer"
        raise Rejected("not_an_image" if unknown else "corrupt_image", _summary(exc)) from exc


def _to_srgb8(image: Any) -> Any:
    """Grey, 16-bit and palette images become 8-bit sRGB, alpha kept as a 4th band."""
    image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    return image


def _resize(image: Any, target: Size) -> Any:
    """Exact planned size; alpha resized premultiplied in float, so edges don't darken."""
    if (target.width, target.height) == (image.width, image.height):
        return image
    hscale = target.width / image.width
    vscale = target.height / image.height
    if not image.hasalpha():
        return image.resize(hscale, vscale=vscale)
    smooth = image.premultiply().resize(hscale, vscale=vscale).unpremultiply()
    # cast truncates; round first so semi-transparent colours don't drift down a level.
    return smooth.rint().cast("uchar")


def _encode(image: Any, fmt: str, quality: int) -> bytes:
    """Encode freshly with no metadata: libvips keeps EXIF/XMP/IPTC unless told not to."""
    if fmt == "webp":
        return bytes(image.webpsave_buffer(Q=quality, keep="none"))
    if fmt == "jpeg":
        if image.hasalpha():
            image = image.flatten(background=JPEG_BACKGROUND)
        return bytes(
            image.jpegsave_buffer(Q=quality, keep="none", optimize_coding=True, interlace=True)
        )
    if fmt == "png":
        # PNG is lossless: quality has no meaning here.
        return bytes(image.pngsave_buffer(compression=6, keep="none"))
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


def _summary(exc: Exception) -> str:
    """The libvips error on one short line, for the rejection detail."""
    return " | ".join(line.strip() for line in str(exc).splitlines() if line.strip())[:300]
