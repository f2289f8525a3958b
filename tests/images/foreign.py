"""Other image formats (unsupported, however declared) and files that are no image at all."""

from __future__ import annotations

import io
import struct
import zipfile
from functools import cache

from PIL import Image

from tests.images import binary
from tests.images.binary import LONG, SHORT
from tests.images.pictures import RED, pillow_animation, pillow_encode, solid


@cache
def gif() -> bytes:
    """A still GIF."""
    return pillow_encode(Image.new("P", (32, 24), 1), "GIF")


@cache
def animated_gif(frames: int = 3) -> bytes:
    """An animated GIF."""
    pictures = [Image.new("L", (32, 24), 40 * i) for i in range(frames)]
    return pillow_animation(pictures, "GIF")


@cache
def bmp() -> bytes:
    """A Windows BMP (BITMAPINFOHEADER)."""
    return pillow_encode(Image.new("RGB", (32, 24), RED), "BMP")


def tiff(big_endian: bool = False) -> bytes:
    """A 4x4 grey uncompressed baseline TIFF, little-endian (II) or big-endian (MM)."""
    pixel_offset = 8 + 2 + 9 * 12 + 4  # header, then one IFD of 9 inline entries
    ifd0 = [
        (256, SHORT, [4]), (257, SHORT, [4]), (258, SHORT, [8]), (259, SHORT, [1]),
        (262, SHORT, [1]), (273, LONG, [pixel_offset]), (277, SHORT, [1]),
        (278, SHORT, [4]), (279, LONG, [16]),
    ]  # fmt: skip
    return binary.tiff_block(ifd0, big_endian=big_endian) + bytes(range(0, 256, 16))


@cache
def ico() -> bytes:
    """A Windows icon."""
    return pillow_encode(Image.new("RGBA", (32, 32), (*RED, 255)), "ICO", sizes=[(32, 32)])


def psd_header() -> bytes:
    """A minimal complete Photoshop file: 4x4 RGB, 8 bits, raw planar data."""
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 4, 4, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)  # colour mode data, resources, layers
    return header + sections + struct.pack(">H", 0) + bytes(3 * 4 * 4)


def eps() -> bytes:
    """A text Encapsulated PostScript file."""
    return (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
        b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
    )


def eps_binary() -> bytes:
    """EPS with the binary DOS header (C5 D0 D3 C6) in front of the PostScript."""
    postscript = eps()
    header = b"\xc5\xd0\xd3\xc6" + struct.pack("<IIIIIIH", 30, len(postscript), 0, 0, 0, 0, 0xFFFF)
    return header + postscript


_SVG_BODY = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10" fill="red"/></svg>'
)


def svg_with_script() -> bytes:
    """A bare SVG document with a script element."""
    return _SVG_BODY


def svg_with_prologue() -> bytes:
    """The same SVG after a UTF-8 BOM, XML declaration, comment and DOCTYPE with a subset."""
    prologue = (
        b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- <svg> in a comment -->\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        b' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [ <!ENTITY e "a > b"> ]>\n'
    )
    return prologue + _SVG_BODY


def svg_with_leading_blanks() -> bytes:
    """The SVG after blank lines and a comment (no XML declaration, so blanks may lead)."""
    return b" \n\t\r\n<!-- drawn by hand -->\n" + _SVG_BODY


def svg_utf16() -> bytes:
    """The SVG encoded as UTF-16 with a BOM."""
    return svg_with_prologue()[3:].decode("utf-8").encode("utf-16")


def html() -> bytes:
    """An HTML page with a script."""
    return b"<!DOCTYPE html>\n<html><head><script>alert(1)</script></head><body></body></html>\n"


def javascript() -> bytes:
    """A JavaScript file."""
    return b"// not an image\nfetch('/api/images').then(r => r.json()).then(console.log);\n"


def json_text() -> bytes:
    """A JSON document."""
    return b'{"type": "image/jpeg", "width": 640, "height": 480}\n'


def text() -> bytes:
    """Plain text."""
    return b"Just some plain text, saved with an image extension.\n" * 4


@cache
def zip_file() -> bytes:
    """A ZIP archive with one file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an image")
    return out.getvalue()


def pdf() -> bytes:
    """A tiny PDF document."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def elf() -> bytes:
    """An ELF-64 executable header for x86-64."""
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    return ident + struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x400078, 64, 0, 0, 64, 56, 1, 0, 0, 0)


def exe() -> bytes:
    """A DOS/PE executable start: MZ header pointing at a PE signature."""
    dos = b"MZ" + bytes(58) + struct.pack("<I", 64)
    return dos + b"PE\x00\x00" + struct.pack("<HH", 0x8664, 0) + bytes(16)


def _ftyp(major: bytes, compatible: tuple[bytes, ...]) -> bytes:
    """An ISO-BMFF ftyp box."""
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body


def heic_header() -> bytes:
    """The start of a HEIC file: ftyp heic (mif1, heic), then an empty meta box."""
    return _ftyp(b"heic", (b"mif1", b"heic")) + struct.pack(">I", 12) + b"meta" + bytes(4)


@cache
def avif_header() -> bytes:
    """A complete small AVIF made by libvips (AV1 in HEIF, ftyp avif)."""
    return bytes(solid(16, 16, RED).heifsave_buffer(compression="av1", keep="none"))


def mp4_header() -> bytes:
    """The start of an MP4 video: ftyp isom, which is not an image."""
    return _ftyp(b"isom", (b"isom", b"iso2", b"mp41")) + struct.pack(">I", 8) + b"free"


def jpeg2000_header() -> bytes:
    """The JP2 signature box and ftyp box that start a JPEG 2000 file."""
    return b"\x00\x00\x00\x0cjP  \r\n\x87\n" + _ftyp(b"jp2 ", (b"jp2 ",))


def jpegxl_header() -> bytes:
    """The start of a bare JPEG XL codestream."""
    return b"\xff\x0a\xfa\x7f\x01\x90\x08" + bytes(25)
