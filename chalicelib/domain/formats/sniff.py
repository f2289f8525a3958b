"""Name what is not JPEG, PNG or WebP: another image format, or not an image at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn

from chalicelib.domain.errors import NeedMoreData, Rejected
from chalicelib.domain.formats.common import MAX_HEADER_BYTES, MAX_PARTS, READ_AHEAD

_PREFIXES = {
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"II+\x00": "BigTIFF",
    b"MM\x00+": "BigTIFF",
    b"II\xbc": "JPEG XR",
    b"%!PS": "PostScript/EPS",
    b"\xc5\xd0\xd3\xc6": "EPS (DOS binary header)",
    b"\x00\x00\x00\x0cjP  \r\n\x87\n": "JPEG 2000",
    b"\xff\x4f\xff\x51": "JPEG 2000 codestream",
    b"\x00\x00\x00\x0cJXL \r\n\x87\n": "JPEG XL",
    b"\xff\x0a": "JPEG XL codestream",
    b"qoif": "QOI",
    b"v/1\x01": "OpenEXR",
    b"DDS ": "DDS",
    b"farbfeld": "farbfeld",
    b"#?RADIANCE": "Radiance HDR",
    b"#?RGBE": "Radiance HDR",
}
_BMP_INFO_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}
_HEIF_BRANDS = {
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
    b"mif1", b"mif2", b"msf1", b"miaf", b"avif", b"avis", b"avio", b"jpeg", b"crx ",
}  # fmt: skip
_NETPBM = re.compile(rb"P[1-7]\s+[#0-9]")
_NON_BLANK = re.compile(rb"\S")
_PCX_VERSIONS = {b"\x00", b"\x02", b"\x03", b"\x04", b"\x05"}
_PCX_RLE_DEPTHS = {b"\x01\x01", b"\x01\x02", b"\x01\x04", b"\x01\x08"}
_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")
_PROLOGUE_ENDS = ((b"<?", b"?>"), (b"<!--", b"-->"))


def reject(data: bytes, complete: bool) -> NoReturn:
    """Raise `unsupported_format` naming the format, or `not_an_image`."""
    name = _image_format(data) or ("SVG" if _is_svg(data, complete) else None)
    if name:
        raise Rejected("unsupported_format", name)
    raise Rejected("not_an_image", "no image signature")


def _image_format(data: bytes) -> str | None:
    """The name of a binary image format recognised by its signature."""
    for prefix, name in _PREFIXES.items():
        if data.startswith(prefix):
            return name
    for name, test in _STRUCTURED:
        if test(data):
            return name
    return None


def _is_bmp(data: bytes) -> bool:
    return data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_INFO_SIZES


def _is_ico(data: bytes) -> bool:
    # Reserved 0, type 1 (icon) or 2 (cursor), at least one entry, whose reserved byte is 0.
    icon_or_cursor = data[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00")
    return icon_or_cursor and data[4:6] != b"\x00\x00" and data[9:10] == b"\x00"


def _is_psd(data: bytes) -> bool:
    return data[:4] == b"8BPS" and data[4:6] in (b"\x00\x01", b"\x00\x02")


def _is_pcx(data: bytes) -> bool:
    # Manufacturer 10, a known version, RLE encoding, a plausible bit depth.
    return data[:1] == b"\x0a" and data[1:2] in _PCX_VERSIONS and data[2:4] in _PCX_RLE_DEPTHS


def _is_heif(data: bytes) -> bool:
    """An ISO-BMFF `ftyp` box whose major or compatible brands name HEIF or AVIF."""
    if data[4:8] != b"ftyp":
        return False
    box_end = min(int.from_bytes(data[:4], "big"), len(data))
    brands = [data[8:12]] + [data[i : i + 4] for i in range(16, box_end - 3, 4)]
    return any(brand in _HEIF_BRANDS for brand in brands)


def _is_netpbm(data: bytes) -> bool:
    return _NETPBM.match(data) is not None


_STRUCTURED: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("BMP", _is_bmp),
    ("ICO/CUR", _is_ico),
    ("PSD", _is_psd),
    ("PCX", _is_pcx),
    ("HEIF/AVIF", _is_heif),
    ("Netpbm", _is_netpbm),
)


def _is_svg(data: bytes, complete: bool) -> bool:
    """Text whose root element, after BOM, blanks, XML declaration, comments, DOCTYPE, is svg."""
    text = _as_utf8(data)
    pos = 0
    for _ in range(MAX_PARTS):
        blank_end = _NON_BLANK.search(text, pos)
        pos = blank_end.start() if blank_end else len(text)
        end = _prologue_end(text, pos)
        if end is None:
            return False if complete else _more(data)
        if end == pos:
            if len(text) - pos < 6 and not complete:
                _more(data)
            return _SVG_ROOT.match(text, pos) is not None
        pos = end
    return False


def _prologue_end(text: bytes, pos: int) -> int | None:
    """Where the prologue construct at `pos` ends: `pos` if there is none, None if cut off."""
    for opener, closer in _PROLOGUE_ENDS:
        if text.startswith(opener, pos):
            end = text.find(closer, pos)
            return None if end < 0 else end + len(closer)
    if text[pos : pos + 9].upper() != b"<!DOCTYPE":
        return pos
    bracket, angle = text.find(b"[", pos), text.find(b">", pos)
    if 0 <= bracket < angle:
        # An internal subset may hold '>' characters; the DOCTYPE ends after its ']'.
        close = text.find(b"]", bracket)
        angle = text.find(b">", close) if close >= 0 else -1
    return None if angle < 0 else angle + 1


def _as_utf8(data: bytes) -> bytes:
    """The text as UTF-8 bytes without a BOM; UTF-16 text is converted first."""
    window = data[:MAX_HEADER_BYTES]
    if window[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return window.decode("utf-16", errors="replace").encode("utf-8")
    return window.removeprefix(b"\xef\xbb\xbf")


def _more(data: bytes) -> NoReturn:
    """Ask for more text, unless we already have as much as we would ever read."""
    if len(data) >= MAX_HEADER_BYTES:
        raise Rejected("not_an_image", "no image signature")
    raise NeedMoreData(min(len(data) + READ_AHEAD, MAX_HEADER_BYTES))
