"""Hand-written byte builders: PNG chunks, JPEG segments, TIFF/EXIF blocks, RIFF chunks."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# TIFF field types used here, with their sizes in bytes.
ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 2, 3, 4, 5, 7
_TYPE_SIZES = {ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1}
ORIENTATION_TAG = 0x0112
GPS_IFD_TAG = 0x8825
EXIF_IFD_TAG = 0x8769

# ASCII and UNDEFINED values are bytes; numbers are ints, a RATIONAL being two of them.
TiffEntry = tuple[int, int, bytes | Sequence[int]]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with a correct CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def ihdr(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """An IHDR chunk (colour 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA)."""
    return png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))


def png_file(header: bytes, idat: bytes, before_idat: Iterable[bytes] = ()) -> bytes:
    """Signature, IHDR chunk, extra chunks, one IDAT of `idat` and IEND."""
    extras = b"".join(before_idat)
    return PNG_SIGNATURE + header + extras + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def grey_png(width: int, height: int, shade: int = 128) -> bytes:
    """A valid flat 8-bit grey PNG written byte by byte (filter 0 on every row)."""
    rows = (b"\x00" + bytes([shade]) * width) * height
    return png_file(ihdr(width, height, colour=0), zlib.compress(rows, 9))


def insert_png_chunks(png: bytes, chunks: Iterable[bytes]) -> bytes:
    """Put chunks right after IHDR (so before IDAT) in an existing PNG."""
    return png[:33] + b"".join(chunks) + png[33:]


def jpeg_segment(marker: int, body: bytes) -> bytes:
    """One marker segment: FF, marker, big-endian length, body."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg_segment_offsets(jpeg: bytes) -> list[tuple[int, int]]:
    """(offset, marker) of every segment from SOI up to SOS in a well-formed JPEG."""
    found, pos = [(0, 0xD8)], 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF:
        marker = jpeg[pos + 1]
        found.append((pos, marker))
        if marker == 0xDA:
            break
        pos += 2 + struct.unpack_from(">H", jpeg, pos + 2)[0]
    return found


def insert_before(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """Insert raw bytes before the first segment with `marker` (e.g. 0xDB for DQT)."""
    offset = next(pos for pos, found in jpeg_segment_offsets(jpeg) if found == marker)
    return jpeg[:offset] + payload + jpeg[offset:]


def insert_after_soi(jpeg: bytes, payload: bytes) -> bytes:
    """Insert raw bytes (usually whole segments) right after the SOI marker."""
    return jpeg[:2] + payload + jpeg[2:]


def _pack_value(order: str, kind: int, value: bytes | Sequence[int]) -> bytes:
    if isinstance(value, bytes):
        return value
    code = "H" if kind == SHORT else "I"
    return struct.pack(order + code * len(value), *value)


def tiff_ifd(entries: Iterable[TiffEntry], offset: int, order: str, next_ifd: int = 0) -> bytes:
    """An IFD placed at `offset`, followed by its out-of-line values."""
    entries = sorted(entries)
    data_at = offset + 2 + 12 * len(entries) + 4
    head, tail = [struct.pack(order + "H", len(entries))], b""
    for tag, kind, value in entries:
        packed = _pack_value(order, kind, value)
        count = len(packed) // _TYPE_SIZES[kind]
        if len(packed) <= 4:
            inline = packed.ljust(4, b"\x00")
        else:
            inline = struct.pack(order + "I", data_at + len(tail))
            tail += packed + b"\x00" * (len(packed) % 2)
        head.append(struct.pack(order + "HHI", tag, kind, count) + inline)
    head.append(struct.pack(order + "I", next_ifd))
    return b"".join(head) + tail


def tiff_block(
    ifd0: Iterable[TiffEntry], gps: Iterable[TiffEntry] = (), big_endian: bool = False,
    exif: Iterable[TiffEntry] = (),
) -> bytes:
    """A TIFF header with IFD0 and, when given, an Exif sub-IFD linked from tag 0x8769 and a
    GPS IFD linked from tag 0x8825 (in that order after IFD0)."""
    order, mark = (">", b"MM\x00*") if big_endian else ("<", b"II*\x00")
    ifd0, subs = list(ifd0), [(EXIF_IFD_TAG, list(exif)), (GPS_IFD_TAG, list(gps))]
    subs = [(tag, entries) for tag, entries in subs if entries]
    # The links' values are the sub-IFD offsets, known once IFD0's size is known.
    links = [(tag, LONG, [0]) for tag, _ in subs]
    at = 8 + len(tiff_ifd([*ifd0, *links], 8, order))
    blocks = []
    for tag, entries in subs:
        ifd0.append((tag, LONG, [at]))
        blocks.append(tiff_ifd(entries, at, order))
        at += len(blocks[-1])
    return mark + struct.pack(order + "I", 8) + tiff_ifd(ifd0, 8, order) + b"".join(blocks)


def exif_app1(tiff: bytes) -> bytes:
    """A JPEG APP1 segment carrying an EXIF TIFF block."""
    return jpeg_segment(0xE1, b"Exif\x00\x00" + tiff)


def orientation_exif(orientation: int, big_endian: bool = False) -> bytes:
    """A TIFF block whose IFD0 holds only the orientation tag."""
    return tiff_block([(ORIENTATION_TAG, SHORT, [orientation])], big_endian=big_endian)


def riff_chunk(kind: bytes, body: bytes) -> bytes:
    """One RIFF chunk, padded to an even length."""
    return kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) % 2)


def webp_file(chunks: Iterable[bytes]) -> bytes:
    """A RIFF WEBP container around already-built chunks."""
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def vp8x_chunk(width: int, height: int, flags: int) -> bytes:
    """The VP8X chunk: flags, then canvas width-1 and height-1 as 24-bit integers."""
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return riff_chunk(b"VP8X", bytes([flags, 0, 0, 0]) + size)


def webp_chunks(webp: bytes) -> list[tuple[bytes, bytes]]:
    """(kind, body) of each top-level chunk of a WebP file."""
    chunks, pos = [], 12
    while pos + 8 <= len(webp):
        kind, size = webp[pos : pos + 4], struct.unpack_from("<I", webp, pos + 4)[0]
        chunks.append((kind, webp[pos + 8 : pos + 8 + size]))
        pos += 8 + size + size % 2
    return chunks
