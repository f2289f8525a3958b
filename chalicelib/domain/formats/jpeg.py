"""JPEG: walk the marker segments from SOI to SOS the way libjpeg does."""

from __future__ import annotations

import re
import struct

from chalicelib.domain.formats import exif
from chalicelib.domain.formats.common import (
    MAX_HEADER_BYTES,
    MAX_PARTS,
    Header,
    corrupt,
    ran_out,
    require,
)

SIGNATURE = b"\xff\xd8\xff"
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # not DHT, JPG, DAC
_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}  # RSTn and TEM carry no length
_SOI, _EOI, _SOS, _APP1 = 0xD8, 0xD9, 0xDA, 0xE1
_EXIF_PREFIX = b"Exif\x00\x00"
_MARKER = re.compile(rb"\xff[^\x00\xff]")


def parse(data: bytes, complete: bool) -> Header:
    """Dimensions from the SOF segment and orientation from the first EXIF APP1."""
    pos, size = 2, None
    orientation: int | None = None
    for _ in range(MAX_PARTS):
        pos, marker = _next_marker(data, complete, pos)
        if marker in _STANDALONE:
            continue
        if marker == _SOS and size is not None:
            return Header("jpeg", size[0], size[1], orientation or 1, 1)
        if marker in (_SOI, _EOI, _SOS):
            raise corrupt(f"marker {marker:#04x} where a frame header and a scan belong")
        end = _segment_end(data, complete, pos, marker)
        if marker in _SOF:
            if size is not None:
                raise corrupt("a second SOF")
            require(data, complete, end, "SOF segment")
            size = _dimensions(data[pos + 2 : end])
        elif marker == _APP1 and orientation is None and _is_exif(data, complete, pos + 2, end):
            require(data, complete, end, "EXIF segment")
            orientation = exif.orientation(data[pos + 8 : end])
        pos = end
    raise corrupt(f"more than {MAX_PARTS} segments before the scan")


def _next_marker(data: bytes, complete: bool, pos: int) -> tuple[int, int]:
    """Offset after the next marker and its code, skipping garbage and fill bytes."""
    require(data, complete, pos + 2, "next marker")
    # Like libjpeg: skip extraneous bytes, runs of 0xFF fill bytes and stuffed FF 00 pairs.
    found = _MARKER.search(data, pos, MAX_HEADER_BYTES)
    if found is None:
        ran_out(data, complete, "next marker")
    return found.end(), data[found.start() + 1]


def _segment_end(data: bytes, complete: bool, pos: int, marker: int) -> int:
    """Where the segment whose length field is at `pos` ends."""
    require(data, complete, pos + 2, "segment length")
    (length,) = struct.unpack_from(">H", data, pos)
    if length < 2:
        raise corrupt(f"segment {marker:#04x} has length {length}")
    return pos + length


def _is_exif(data: bytes, complete: bool, body: int, end: int) -> bool:
    """Whether the APP1 body starting at `body` is EXIF (XMP also lives in APP1)."""
    require(data, complete, min(end, body + len(_EXIF_PREFIX)), "APP1 segment")
    return data.startswith(_EXIF_PREFIX, body) and body + len(_EXIF_PREFIX) <= end


def _dimensions(sof: bytes) -> tuple[int, int]:
    """Width and height from an SOF body, checked the way libjpeg checks it."""
    if len(sof) < 6:
        raise corrupt("SOF segment too short")
    _precision, height, width, components = struct.unpack_from(">BHHB", sof)
    if len(sof) != 6 + 3 * components:
        raise corrupt("SOF length does not match its component count")
    if width == 0 or height == 0 or components == 0:
        raise corrupt(f"SOF declares {width}x{height} with {components} components")
    return width, height
