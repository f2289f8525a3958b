"""EXIF orientation from a TIFF block. Damage of any kind means "upright", never a rejection."""

from __future__ import annotations

import struct

_EXIF_PREFIX = b"Exif\x00\x00"
_BYTE_ORDERS = {b"II": "<", b"MM": ">"}
_TIFF_MAGIC = 42
_ORIENTATION_TAG = 0x0112
_SHORT = 3
_ENTRY_SIZE = 12


def orientation(tiff: bytes) -> int:
    """IFD0's orientation tag (1..8); missing, invalid or unreadable gives 1."""
    if tiff.startswith(_EXIF_PREFIX):
        # Some PNG and WebP writers keep the JPEG APP1 prefix inside eXIf / EXIF chunks.
        tiff = tiff[len(_EXIF_PREFIX) :]
    order = _BYTE_ORDERS.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return 1
    magic, ifd = struct.unpack_from(order + "HI", tiff, 2)
    if magic != _TIFF_MAGIC or ifd < 8 or ifd + 2 > len(tiff):
        return 1
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    # Only IFD0 is read and the walk is bounded by the block, so bad links cannot loop.
    last_start = min(ifd + 2 + count * _ENTRY_SIZE, len(tiff) - _ENTRY_SIZE + 1)
    for entry in range(ifd + 2, last_start, _ENTRY_SIZE):
        tag, kind, n, value = struct.unpack_from(order + "HHIH", tiff, entry)
        if tag == _ORIENTATION_TAG:
            return value if kind == _SHORT and n >= 1 and 1 <= value <= 8 else 1
    return 1
