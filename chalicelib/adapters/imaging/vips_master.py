"""Ingest's one decode: an original becomes an upright, sRGB, 8-bit master of the planned size.

JPEG is decoded with libjpeg's shrink-on-load (1/2, 1/4 or 1/8 straight from the DCT data),
the largest that still leaves the planned size, then resized once with Lanczos3, converted to
sRGB and turned upright on the small image. That is sharp's way; libvips' thumbnail_buffer
keeps more pixels before its last resize and cost 1.6x the CPU for a 24 MP photo (58 against
36 ms): bench/results/ has the numbers, PSNR included. PNG and WebP (alpha, palettes, 16-bit)
still go through thumbnail_buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.imaging.vips_runtime import Budget, error_summary, pyvips_module
from chalicelib.domain.errors import Rejected
from chalicelib.domain.renditions import Size, display_size

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
# The loader for each format the stdlib probe recognised: the bytes are decoded by exactly the
# loader the probe chose, never by libvips sniffing the buffer for one it likes.
LOADERS = {"jpeg": "jpegload_buffer", "png": "pngload_buffer", "webp": "webpload_buffer"}
JPEG_SHRINKS = (8, 4, 2)
# libjpeg only warns when the scan data ends before the picture does (a header that lies
# about its size); fail_on="truncated" would let that through as a flat grey image.
SHORT_DATA_WARNINGS = ("premature end",)


@dataclass(frozen=True)
class Header:
    """What the decoder's header says, read before any pixel."""

    stored: Size
    orientation: int
    has_icc: bool
    loader: str

    @property
    def upright(self) -> Size:
        """The size as displayed (EXIF orientations 5-8 are stored transposed)."""
        return display_size(self.stored.width, self.stored.height, self.orientation)

    @property
    def transposed(self) -> bool:
        """Whether turning upright swaps width and height."""
        return self.upright != self.stored


def read_header(data: bytes, fmt: str, max_pixels: int, max_side: int) -> Header:
    """Parse the header only, with the loader for `fmt`; refuse other formats and oversized
    pictures."""
    loader = LOADERS.get(fmt)
    if loader is None:
        raise Rejected("unsupported_format", fmt)
    header = _open_header(data, loader)
    width, height = header.width, header.height
    if width * height > max_pixels or max(width, height) > max_side:
        raise Rejected("too_many_pixels", f"{width}x{height}")
    orientation = header.get("orientation") if header.get_typeof("orientation") else 1
    has_icc = bool(header.get_typeof("icc-profile-data"))
    return Header(Size(width, height), int(orientation), has_icc, loader)


def decode_master(data: bytes, header: Header, target: Size, budget: Budget) -> Any:
    """The master, computed into memory. JPEG: every libjpeg warning fatal first; scan data
    that ends early is corrupt, any other warning (extraneous bytes, odd markers) gets a
    tolerant second decode."""
    fail_on = FAIL_ON[header.loader]
    if fail_on != "truncated":
        return _decode(data, header, target, fail_on, budget)
    try:
        return _decode(data, header, target, "warning", budget)
    except Rejected as strict:
        if any(sign in strict.detail.lower() for sign in SHORT_DATA_WARNINGS):
            raise
    return _decode(data, header, target, fail_on, budget)


def to_srgb8(image: Any) -> Any:
    """Grey, 16-bit, CMYK and palette images become 8-bit sRGB, alpha kept as a 4th band."""
    image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    return image


def _decode(data: bytes, header: Header, target: Size, fail_on: str, budget: Budget) -> Any:
    pv = pyvips_module()
    try:
        if header.loader == "jpegload_buffer":
            image = _jpeg_upright(data, header, target, fail_on, budget)
        else:
            image = _thumbnail(data, header, target, fail_on)
        return budget.materialize(image)
    except pv.Error as exc:
        raise Rejected("corrupt_image", error_summary(exc)) from exc


def _jpeg_upright(data: bytes, header: Header, target: Size, fail_on: str, budget: Budget
                  ) -> Any:
    """Shrink-on-load, one resize to the stored-orientation target, sRGB, then upright."""
    stored_target = Size(target.height, target.width) if header.transposed else target
    shrink = jpeg_shrink(header.stored, stored_target)
    image = pyvips_module().Image.jpegload_buffer(
        data, shrink=shrink, fail_on=fail_on, access="sequential"
    )
    if (image.width, image.height) != (stored_target.width, stored_target.height):
        image = image.resize(stored_target.width / image.width,
                             vscale=stored_target.height / image.height)
    if header.has_icc:
        # Tagged images (P3, Adobe RGB, CMYK) go to sRGB; untagged CMYK goes through
        # libvips' built-in CMYK profile in to_srgb8, untagged RGB is taken as sRGB.
        image = image.icc_transform("srgb", embedded=True, intent="relative")
    image = to_srgb8(image)
    if header.orientation == 1:
        return image
    # Turning needs the whole (small) picture; computing it here stays inside the budget.
    # The computed copy has no metadata, so it is told its orientation again.
    whole = budget.materialize(image).copy()
    whole.set_type(pyvips_module().GValue.gint_type, "orientation", header.orientation)
    return whole.autorot()


def jpeg_shrink(stored: Size, target: Size) -> int:
    """The largest DCT shrink that leaves at least `target` on both sides (1 if none)."""
    for shrink in JPEG_SHRINKS:
        if stored.width // shrink >= target.width and stored.height // shrink >= target.height:
            return shrink
    return 1


def _thumbnail(data: bytes, header: Header, target: Size, fail_on: str) -> Any:
    """PNG and WebP: their own loader (WebP scaled on load), then libvips' thumbnail of the
    decoded image (alpha, palettes, 16-bit and the turn upright)."""
    load = getattr(pyvips_module().Image, header.loader)
    options: dict[str, Any] = {"fail_on": fail_on, "access": "sequential"}
    if header.loader == "webpload_buffer" and target.width < header.upright.width:
        options["scale"] = target.width / header.upright.width
    profile = {"export_profile": "srgb"} if header.has_icc else {}
    image = load(data, **options).thumbnail_image(
        target.width,
        height=target.height,
        size="force",  # the planned, aspect-kept size; never larger than the source
        **profile,
    )
    return to_srgb8(image)


def _open_header(data: bytes, loader: str) -> Any:
    """Parse the header only (no pixels); bytes the loader cannot read are not an image."""
    pv = pyvips_module()
    try:
        return getattr(pv.Image, loader)(data, access="sequential", fail_on="truncated")
    except pv.Error as exc:
        # pyvips says exactly this when no (trusted) loader recognises the bytes.
        unknown = exc.message == "unable to load from buffer"
        raise Rejected("not_an_image" if unknown else "corrupt_image", error_summary(exc)) from exc
