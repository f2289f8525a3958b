"""Valid-but-unusual JPEGs, metadata carriers and polyglots: all decode, none may be rejected."""

from __future__ import annotations

import struct
from functools import cache

from PIL import ImageCms

from tests.images import binary, foreign
from tests.images.binary import ASCII, LONG, RATIONAL, SHORT, UNDEFINED
from tests.images.pictures import photo

# Unique strings a rendition must never contain.
GPS_MARKER = b"SECRET-GPS-MARKER"
EXIF_MARKER = b"SECRET-EXIF-ARTIST"
XMP_MARKER = b"SECRET-XMP-CREATOR"
IPTC_MARKER = b"SECRET-IPTC-CAPTION"
# The camera's serial number (EXIF BodySerialNumber): it identifies the photographer's body.
SERIAL_MARKER = b"SERIAL-SN-4711-0815"
METADATA_MARKERS = (GPS_MARKER, EXIF_MARKER, XMP_MARKER, IPTC_MARKER, SERIAL_MARKER)
_DQT = 0xDB
_BAD_EXIF_KINDS = ("offset", "loop", "count", "garbage", "truncated")


def _small_jpeg() -> bytes:
    """The base most quirky files are made from (no APP segments at all)."""
    return photo(64, 48, "jpeg", 90)


@cache
def jpeg_with_extraneous_bytes(count: int = 12) -> bytes:
    """`count` garbage bytes (never 0xFF) between the tables and the SOF; libjpeg carries on."""
    garbage = bytes((7 * i + 1) % 255 for i in range(count))
    return binary.insert_before(_small_jpeg(), 0xC0, garbage)


@cache
def jpeg_with_fill_bytes() -> bytes:
    """Runs of 0xFF fill bytes before the SOF and DQT markers (allowed by the standard)."""
    with_sof_fill = binary.insert_before(_small_jpeg(), 0xC0, b"\xff" * 3)
    return binary.insert_before(with_sof_fill, _DQT, b"\xff" * 5)


@cache
def jpeg_with_odd_app_markers() -> bytes:
    """APP15, a COM, a second APP0 and a non-ICC APP2 before the tables."""
    segments = [
        binary.jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        binary.jpeg_segment(0xEF, b"vendor private data"),
        binary.jpeg_segment(0xFE, b"a comment"),
        binary.jpeg_segment(0xE0, b"JFXX\x00\x13not really a thumbnail"),
        binary.jpeg_segment(0xE2, b"not an ICC profile"),
    ]
    return binary.insert_before(_small_jpeg(), _DQT, b"".join(segments))


def _bad_tiff(kind: str) -> bytes:
    """Broken EXIF TIFF blocks; 'loop' is broken in its links but has orientation 6."""
    if kind == "offset":  # IFD0 far past the block
        return b"II*\x00" + struct.pack("<I", 1_000_000) + bytes(20)
    if kind == "loop":  # the EXIF sub-IFD and the next-IFD link both point back to IFD0
        exif_link = struct.pack("<HHII", 0x8769, LONG, 1, 8)
        entries = exif_link + struct.pack("<HHIHH", binary.ORIENTATION_TAG, SHORT, 1, 6, 0)
        return b"II*\x00" + struct.pack("<IH", 8, 2) + entries + struct.pack("<I", 8)
    if kind == "count":  # 65535 entries announced, two present
        return b"MM\x00*" + struct.pack(">IH", 8, 65535) + bytes(30)
    if kind == "garbage":
        return bytes(range(256)) * 2
    if kind == "truncated":  # ends inside the orientation entry
        return binary.orientation_exif(6)[:15]
    raise ValueError(f"kind must be one of {_BAD_EXIF_KINDS}")


@cache
def jpeg_with_bad_exif(kind: str = "offset") -> bytes:
    """APP1 Exif with broken offsets: kind is offset, loop, count, garbage or truncated."""
    return binary.insert_after_soi(_small_jpeg(), binary.exif_app1(_bad_tiff(kind)))


@cache
def jpeg_with_large_exif(orientation: int = 6, padding: int = 60 * 1024) -> bytes:
    """A JPEG whose EXIF APP1 is about `padding` bytes, orientation tag included."""
    ifd0 = [
        (binary.ORIENTATION_TAG, SHORT, [orientation]),
        (0x010E, ASCII, b"x" * padding + b"\x00"),  # ImageDescription as ballast
    ]
    return binary.insert_after_soi(_small_jpeg(), binary.exif_app1(binary.tiff_block(ifd0)))


@cache
def jpeg_with_large_header(total: int = 200_000) -> bytes:
    """Private APP9 segments totalling about `total` bytes before the tables and frame header."""
    chunk = binary.jpeg_segment(0xE9, b"ballast\x00" + bytes(60_000))
    return binary.insert_after_soi(_small_jpeg(), chunk * max(1, total // len(chunk)))


def _gps_exif() -> bytes:
    """EXIF with camera details, an artist marker and a GPS IFD holding a position."""
    ifd0 = [
        (0x010F, ASCII, b"TestCam\x00"),
        (0x0110, ASCII, b"Model 1\x00"),
        (0x013B, ASCII, EXIF_MARKER + b"\x00"),
        (binary.ORIENTATION_TAG, SHORT, [1]),
        (0xA431, ASCII, SERIAL_MARKER + b"\x00"),  # BodySerialNumber
    ]
    gps = [
        (0x0001, ASCII, b"N\x00"),
        (0x0002, RATIONAL, [52, 1, 22, 1, 3054, 100]),
        (0x0003, ASCII, b"E\x00"),
        (0x0004, RATIONAL, [4, 1, 53, 1, 4068, 100]),
        (0x001C, UNDEFINED, b"ASCII\x00\x00\x00" + GPS_MARKER),  # GPSAreaInformation
    ]
    return binary.exif_app1(binary.tiff_block(ifd0, gps))


def _xmp() -> bytes:
    """An XMP APP1 segment naming a creator and a location."""
    packet = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        b' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
        b' xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,22.5N"'
        b' exif:GPSAreaInformation="' + GPS_MARKER + b'">'
        b"<dc:creator><rdf:Seq><rdf:li>" + XMP_MARKER + b"</rdf:li></rdf:Seq></dc:creator>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    return binary.jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def _iptc() -> bytes:
    """A Photoshop APP13 segment with an 8BIM IPTC-NAA resource holding a caption."""
    dataset = struct.pack(">BBBH", 0x1C, 2, 0, 2) + b"\x00\x04"  # record version
    dataset += struct.pack(">BBBH", 0x1C, 2, 120, len(IPTC_MARKER)) + IPTC_MARKER  # caption
    dataset += b"\x00" * (len(dataset) % 2)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(dataset))
    return binary.jpeg_segment(0xED, b"Photoshop 3.0\x00" + resource + dataset)


def _icc() -> bytes:
    """An APP2 ICC_PROFILE segment holding a small sRGB profile (one chunk of one)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return binary.jpeg_segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + profile)


@cache
def jpeg_with_metadata() -> bytes:
    """JPEG with EXIF (GPS position), XMP, IPTC and an ICC profile; see METADATA_MARKERS."""
    segments = _gps_exif() + _xmp() + _icc() + _iptc()
    return binary.insert_after_soi(photo(160, 120, "jpeg", 90), segments)


@cache
def webp_exif_flag_without_chunk() -> bytes:
    """Extended WebP whose VP8X sets the EXIF flag but carries no EXIF chunk."""
    kind, body = binary.webp_chunks(photo(64, 48, "webp", 90))[0]
    return binary.webp_file([binary.vp8x_chunk(64, 48, flags=0x08), binary.riff_chunk(kind, body)])


@cache
def jpeg_zip_polyglot() -> bytes:
    """A valid JPEG with a ZIP archive appended (readable as either)."""
    return photo(64, 48, "jpeg", 90) + foreign.zip_file()


@cache
def jpeg_html_polyglot() -> bytes:
    """A valid JPEG with an HTML page and script appended."""
    return photo(64, 48, "jpeg", 90) + b"<html><script>alert(1)</script></html>"
