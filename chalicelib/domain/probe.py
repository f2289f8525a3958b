"""Decide from the first bytes of an upload what it is, before any decoder runs."""

from __future__ import annotations

from chalicelib.domain.errors import NeedMoreData, Rejected
from chalicelib.domain.formats import jpeg, png, sniff, webp
from chalicelib.domain.formats.common import MAX_HEADER_BYTES, Header

__all__ = ["MAX_HEADER_BYTES", "Header", "check_limits", "probe"]

# Every signature we tell apart fits in this many bytes.
_SNIFF_BYTES = 32


def probe(data: bytes, complete: bool) -> Header:
    """Format, stored size, orientation and frame count, read from magic bytes and headers.

    `complete` says whether `data` is the whole file. Raises Rejected for anything that is
    not a well-formed JPEG, PNG or WebP header, and NeedMoreData when a prefix is too short:
    fetch at least `at_least` bytes (or double what you have, whichever is more) and retry.
    """
    if not complete and len(data) < _SNIFF_BYTES:
        raise NeedMoreData(_SNIFF_BYTES)
    if data.startswith(jpeg.SIGNATURE):
        return jpeg.parse(data, complete)
    if data.startswith(png.SIGNATURE[:4]):
        return png.parse(data, complete)
    if webp.is_webp(data):
        return webp.parse(data, complete)
    sniff.reject(data, complete)


def check_limits(header: Header, max_pixels: int, max_side: int) -> None:
    """Reject animations and images over the pixel or side limits."""
    if header.width > max_side or header.height > max_side:
        raise Rejected(
            "too_many_pixels", f"{header.width}x{header.height} exceeds {max_side} px a side"
        )
    if header.width * header.height > max_pixels:
        raise Rejected(
            "too_many_pixels", f"{header.width}x{header.height} exceeds {max_pixels} pixels"
        )
    if header.frames > 1:
        raise Rejected("animated_not_supported", f"{header.format} with {header.frames} frames")
