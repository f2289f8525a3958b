"""PNG: a CRC-checked IHDR, then the chunks before the first IDAT (acTL, eXIf)."""

from __future__ import annotations

import struct
import zlib

from chalicelib.domain.formats import exif
from chalicelib.domain.formats.common import MAX_PARTS, Header, corrupt, require

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IHDR_END = 33  # signature 8 + length 4 + type 4 + fields 13 + CRC 4
_MAX_INT = 2**31 - 1  # the PNG limit for lengths and dimensions
_BIT_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def parse(data: bytes, complete: bool) -> Header:
    """Dimensions from IHDR; frames from acTL and orientation from eXIf before IDAT."""
    require(data, complete, _IHDR_END, "IHDR")
    if not data.startswith(SIGNATURE):
        raise corrupt("damaged PNG signature")
    length, kind = struct.unpack_from(">I4s", data, 8)
    if kind != b"IHDR" or length != 13:
        raise corrupt("first chunk is not a 13-byte IHDR")
    (crc,) = struct.unpack_from(">I", data, 29)
    if zlib.crc32(data[12:29]) != crc:
        raise corrupt("IHDR CRC mismatch")
    width, height = _check_ihdr(data[16:29])
    frames, orientation = _before_idat(data, complete)
    return Header("png", width, height, orientation, frames)


def _check_ihdr(fields: bytes) -> tuple[int, int]:
    """Width and height, after the checks libpng makes on the other IHDR fields."""
    width, height, depth, colour, compression, filters, interlace = struct.unpack(
        ">IIBBBBB", fields
    )
    if not (0 < width <= _MAX_INT and 0 < height <= _MAX_INT):
        raise corrupt(f"IHDR declares {width}x{height}")
    if depth not in _BIT_DEPTHS.get(colour, ()):
        raise corrupt(f"bit depth {depth} with colour type {colour}")
    if compression != 0 or filters != 0 or interlace > 1:
        raise corrupt("unknown compression, filter or interlace method")
    return width, height


def _before_idat(data: bytes, complete: bool) -> tuple[int, int]:
    """Frame count (acTL) and EXIF orientation (eXIf) from the chunks before IDAT."""
    pos, frames, orientation = _IHDR_END, 1, 1
    for _ in range(MAX_PARTS):
        require(data, complete, pos + 8, "chunk header")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > _MAX_INT:
            raise corrupt(f"chunk length {length}")
        if kind == b"IDAT":
            return frames, orientation
        if kind == b"IEND":
            raise corrupt("IEND before any IDAT")
        end = pos + 12 + length
        if kind in (b"acTL", b"eXIf"):
            require(data, complete, end, kind.decode("latin-1"))
            body = data[pos + 8 : end - 4]
            if kind == b"eXIf":
                orientation = exif.orientation(body)
            elif len(body) >= 4:
                # APNG: one frame is a still image; zero is invalid, read as a still too.
                frames = max(1, struct.unpack_from(">I", body)[0])
        pos = end
    raise corrupt(f"more than {MAX_PARTS} chunks before IDAT")
