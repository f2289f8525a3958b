"""WebP: the RIFF container and its first chunk (VP8, VP8L or VP8X), plus EXIF for VP8X."""

from __future__ import annotations

import struct
from collections.abc import Callable

from chalicelib.domain.formats import exif
from chalicelib.domain.formats.common import MAX_HEADER_BYTES, MAX_PARTS, Header, corrupt, require

_FIRST_CHUNK = 12
_FIRST_BODY = 20
_VP8_START_CODE = b"\x9d\x01\x2a"
_VP8L_SIGNATURE = 0x2F
_ANIMATION_FLAG = 0x02
_EXIF_FLAG = 0x08


def is_webp(data: bytes) -> bool:
    """RIFF container with the WEBP form type."""
    return data.startswith(b"RIFF") and data[8:12] == b"WEBP"


def parse(data: bytes, complete: bool) -> Header:
    """Dimensions from the first chunk; frames and orientation from VP8X."""
    require(data, complete, _FIRST_BODY, "first chunk header")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    riff_end = 8 + riff_size
    if riff_end < _FIRST_BODY or (complete and riff_end > len(data)):
        raise corrupt(f"RIFF size {riff_size} for a {len(data)}-byte file")
    kind, size = struct.unpack_from("<4sI", data, _FIRST_CHUNK)
    if _FIRST_BODY + size > riff_end:
        raise corrupt(f"{kind!r} chunk runs past the RIFF end")
    reader = _READERS.get(kind)
    if reader is None:
        raise corrupt(f"first chunk is {kind!r}")
    return reader(data, complete, size, riff_end)


def _lossy(data: bytes, complete: bool, size: int, riff_end: int) -> Header:
    """Simple lossy: a VP8 key frame header with 14-bit dimensions."""
    _check_body(data, complete, size, 10, "VP8")
    frame_tag, start_code = data[_FIRST_BODY], data[_FIRST_BODY + 3 : _FIRST_BODY + 6]
    if frame_tag & 1 or start_code != _VP8_START_CODE:
        raise corrupt("VP8 data does not start with a key frame")
    width, height = struct.unpack_from("<HH", data, _FIRST_BODY + 6)
    return _still(width & 0x3FFF, height & 0x3FFF)


def _lossless(data: bytes, complete: bool, size: int, riff_end: int) -> Header:
    """Simple lossless: VP8L signature byte, then 14-bit width-1 and height-1."""
    _check_body(data, complete, size, 5, "VP8L")
    (bits,) = struct.unpack_from("<I", data, _FIRST_BODY + 1)
    if data[_FIRST_BODY] != _VP8L_SIGNATURE or bits >> 29:
        raise corrupt("bad VP8L signature or version")
    return _still((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)


def _extended(data: bytes, complete: bool, size: int, riff_end: int) -> Header:
    """Extended: 24-bit canvas size, the animation flag and an EXIF chunk if flagged."""
    _check_body(data, complete, size, 10, "VP8X")
    flags = data[_FIRST_BODY]
    width = int.from_bytes(data[_FIRST_BODY + 4 : _FIRST_BODY + 7], "little") + 1
    height = int.from_bytes(data[_FIRST_BODY + 7 : _FIRST_BODY + 10], "little") + 1
    # Counting frames means reading every ANMF chunk; "at least 2" is all the policy needs.
    frames = 2 if flags & _ANIMATION_FLAG else 1
    orientation = 1
    if flags & _EXIF_FLAG:
        orientation = _exif_orientation(data, complete, _FIRST_BODY + size + (size & 1), riff_end)
    return Header("webp", width, height, orientation, frames)


def _exif_orientation(data: bytes, complete: bool, pos: int, riff_end: int) -> int:
    """Walk the chunks after VP8X to the EXIF chunk, which may follow the image data.

    Gives up with 1 (the decoder still applies the real value) rather than reject a file
    libwebp accepts when the chunk is missing, too far away, or behind too many chunks.
    """
    for _ in range(MAX_PARTS):
        if pos + 8 > min(riff_end, MAX_HEADER_BYTES):
            return 1
        require(data, complete, pos + 8, "chunk header")
        kind, size = struct.unpack_from("<4sI", data, pos)
        end = pos + 8 + size
        if end > riff_end:
            raise corrupt(f"{kind!r} chunk runs past the RIFF end")
        if kind == b"EXIF":
            if end > MAX_HEADER_BYTES:
                return 1
            require(data, complete, end, "EXIF chunk")
            return exif.orientation(data[pos + 8 : end])
        pos = end + (size & 1)
    return 1


def _check_body(data: bytes, complete: bool, size: int, needed: int, name: str) -> None:
    """The first chunk must be at least `needed` bytes, and those bytes must be here."""
    if size < needed:
        raise corrupt(f"{name} chunk of {size} bytes")
    require(data, complete, _FIRST_BODY + needed, f"{name} header")


def _still(width: int, height: int) -> Header:
    """A single-frame image without EXIF (simple WebP carries no metadata)."""
    if width == 0 or height == 0:
        raise corrupt(f"VP8 frame of {width}x{height}")
    return Header("webp", width, height, 1, 1)


_READERS: dict[bytes, Callable[[bytes, bool, int, int], Header]] = {
    b"VP8 ": _lossy,
    b"VP8L": _lossless,
    b"VP8X": _extended,
}
