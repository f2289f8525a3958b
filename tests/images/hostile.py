"""Broken JPEG/PNG/WebP files, decompression bombs, hostile structures and animations."""

from __future__ import annotations

import struct
import zlib
from functools import cache

import pyvips
from PIL import Image

from tests.images import binary
from tests.images.pictures import photo, photo_image, pillow_animation, webp_lossless


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first `keep` fraction of `data`."""
    return data[: int(len(data) * keep)]


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG whose correct IHDR declares a huge RGB image, with a tiny IDAT of one zero row."""
    idat = zlib.compress(b"\x00" * (1 + 3 * min(width, 4096)), 9)
    return binary.png_file(binary.ihdr(width, height), idat)


def jpeg_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A small real JPEG whose SOF is patched to declare width x height."""
    jpeg = bytearray(photo(16, 16, "jpeg", 80))
    sof = next(pos for pos, marker in binary.jpeg_segment_offsets(bytes(jpeg)) if marker == 0xC0)
    struct.pack_into(">HH", jpeg, sof + 5, height, width)
    return bytes(jpeg)


@cache
def strip_png(width: int = 1, height: int = 100_000) -> bytes:
    """A valid, decodable grey PNG of width x height (a 1 x 100,000 strip by default)."""
    return binary.grey_png(width, height)


def png_bad_ihdr_crc() -> bytes:
    """A valid small PNG with one bit of the IHDR CRC flipped."""
    png = bytearray(binary.grey_png(8, 8))
    png[32] ^= 0x01
    return bytes(png)


def png_bad_idat() -> bytes:
    """A correct signature and IHDR, then an IDAT (with a right CRC) that is not zlib data."""
    return binary.png_file(binary.ihdr(8, 8, colour=0), b"this is not a zlib stream at all")


def png_with_ihdr(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG with any IHDR fields (zero sizes, bad depth/colour pairs) and a tiny IDAT."""
    return binary.png_file(binary.ihdr(width, height, depth, colour), zlib.compress(b"\x00" * 4))


def png_without_ihdr() -> bytes:
    """A PNG signature followed directly by IDAT."""
    return binary.PNG_SIGNATURE + binary.png_chunk(b"IDAT", zlib.compress(b"\x00" * 4))


def jpeg_without_sof() -> bytes:
    """A JPEG with its SOF segment cut out: tables, then straight to the scan."""
    jpeg = photo(16, 16, "jpeg", 80)
    offsets = binary.jpeg_segment_offsets(jpeg)
    sof = next(i for i, (_, marker) in enumerate(offsets) if marker == 0xC0)
    return jpeg[: offsets[sof][0]] + jpeg[offsets[sof + 1][0] :]


def jpeg_with_segment_length(length: int) -> bytes:
    """A JPEG whose first segment (after SOI) declares `length` (0 and 1 are invalid)."""
    jpeg = bytearray(photo(16, 16, "jpeg", 80))
    struct.pack_into(">H", jpeg, 4, length)
    return bytes(jpeg)


def jpeg_with_many_segments(count: int = 20_000) -> bytes:
    """A small JPEG with `count` empty COM segments (libvips decodes it; the probe says no)."""
    return binary.insert_after_soi(photo(16, 16, "jpeg", 80), b"\xff\xfe\x00\x02" * count)


def png_with_many_chunks(count: int = 20_000) -> bytes:
    """A small PNG with `count` empty private chunks before IDAT (decodable; probe says no)."""
    return binary.insert_png_chunks(binary.grey_png(8, 8), [binary.png_chunk(b"prVt", b"")] * count)


def png_damaged_signature() -> bytes:
    """An RGBA PNG whose signature lost its last byte to a text-mode transfer."""
    return b"\x89PNG\r\n\x1a\x00" + binary.grey_png(8, 8)[8:]


def webp_with_first_chunk(kind: bytes) -> bytes:
    """A lossy WebP whose first chunk is renamed to `kind` (only VP8, VP8L, VP8X are valid)."""
    webp = photo(16, 16, "webp", 80)
    return webp[:12] + kind + webp[16:]


def webp_vp8_interframe() -> bytes:
    """A lossy WebP whose VP8 frame tag says "not a key frame"."""
    webp = bytearray(photo(16, 16, "webp", 80))
    webp[20] |= 0x01
    return bytes(webp)


def webp_vp8l_bad_signature() -> bytes:
    """A lossless WebP whose VP8L signature byte is not 0x2F."""
    webp = bytearray(webp_lossless())
    webp[20] = 0x2E
    return bytes(webp)


def webp_with_chunk_size(size: int) -> bytes:
    """A lossy WebP whose first chunk declares `size` bytes (past the RIFF end is corrupt)."""
    webp = bytearray(photo(16, 16, "webp", 80))
    struct.pack_into("<I", webp, 16, size)
    return bytes(webp)


@cache
def apng(frames: int = 3) -> bytes:
    """An animated PNG (acTL before IDAT) with `frames` frames."""
    pictures = [Image.new("RGB", (32, 24), (60 * i, 0, 0)) for i in range(frames)]
    return pillow_animation(pictures, "PNG")


@cache
def animated_webp(frames: int = 3) -> bytes:
    """An animated WebP (VP8X animation flag, ANIM, ANMF) with `frames` frames."""
    strip = photo_image(32, 24 * frames).copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", 24)
    return bytes(strip.webpsave_buffer(Q=80, keep="none"))
