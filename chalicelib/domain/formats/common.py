"""What every header parser shares: the result type and the "enough bytes?" rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from chalicelib.domain.errors import NeedMoreData, Rejected

# Headers (EXIF, ICC, XMP, PNG text chunks) past this offset are not worth fetching.
MAX_HEADER_BYTES = 8 * 1024 * 1024
# Ask for this much beyond the bytes needed now: segments and chunks come in runs, and one
# fetch per 70-byte table would be silly.
READ_AHEAD = 16 * 1024
# Real files have tens of segments or chunks before the pixels; this bounds hostile ones
# (8 MiB of 4-byte JPEG segments would otherwise cost a second of Python).
MAX_PARTS = 10_000


@dataclass(frozen=True)
class Header:
    """What the first bytes of an image say about it."""

    format: str  # "jpeg" | "png" | "webp"
    width: int  # as stored, before EXIF orientation
    height: int
    orientation: int  # EXIF 1..8; anything else reads as 1
    frames: int  # 1 for stills; at least 2 for animations


def corrupt(detail: str) -> Rejected:
    """The rejection for a right signature with a broken header."""
    return Rejected("corrupt_image", detail)


def require(data: bytes, complete: bool, end: int, what: str) -> None:
    """Return if data[:end] is present; otherwise ask for more or call the file corrupt."""
    if end <= len(data):
        return
    if end > MAX_HEADER_BYTES:
        raise corrupt(f"{what} ends past {MAX_HEADER_BYTES} bytes")
    if complete:
        raise corrupt(f"file ends inside {what}")
    raise NeedMoreData(min(end + READ_AHEAD, MAX_HEADER_BYTES))


def ran_out(data: bytes, complete: bool, what: str) -> NoReturn:
    """Raise for a scan that reached the end of the buffer without finding `what`."""
    if complete or len(data) >= MAX_HEADER_BYTES:
        raise corrupt(f"no {what} in the first {len(data)} bytes")
    raise NeedMoreData(min(len(data) + READ_AHEAD, MAX_HEADER_BYTES))
