"""What every header parser shares: the result type and the "enough bytes?" rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from chalicelib.domain.errors import NeedMoreData, Rejected

# Headers (EXIF, ICC, XMP, PNG text chunks) past this offset are not worth fetching.
MAX_HEADER_BYTES = 8 * 1024 * 1024
# How much more to ask for when the next needed offset is unknown (a scan ran off the end).
READ_STEP = 64 * 1024


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
    raise NeedMoreData(end)


def ran_out(data: bytes, complete: bool, what: str) -> NoReturn:
    """Raise for a scan that reached the end of the buffer without finding `what`."""
    if complete or len(data) >= MAX_HEADER_BYTES:
        raise corrupt(f"no {what} in the first {len(data)} bytes")
    raise NeedMoreData(min(len(data) + READ_STEP, MAX_HEADER_BYTES))
