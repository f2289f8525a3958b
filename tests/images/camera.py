"""Photos with a full camera EXIF block: the facts ingest keeps, and what it must never keep
(GPS position, body and lens serial numbers, the owner's and artist's names)."""

from __future__ import annotations

from functools import cache

from tests.images import binary
from tests.images.binary import ASCII, RATIONAL, SHORT, UNDEFINED, TiffEntry
from tests.images.pictures import fresh_photo

# Unique strings no stored fact, API answer, index document or rendition may contain.
BODY_SERIAL = b"BODY-SN-31337-CAM"
LENS_SERIAL = b"LENS-SN-27182-CAM"
OWNER_NAME = b"OWNER-NAME-JANE-ROE"
ARTIST_NAME = b"ARTIST-NAME-JOHN-DOE"
GPS_AREA = b"GPS-AREA-SECRET-PLACE"
PRIVATE_MARKERS = (BODY_SERIAL, LENS_SERIAL, OWNER_NAME, ARTIST_NAME, GPS_AREA)

# The facts the default block yields once normalised (what the API answers).
EXPECTED = {
    "make": "Canon",
    "model": "Canon EOS 5D Mark IV",
    "lens": "EF24-70mm f/2.8L II USM",
    "focal_mm": 50.0,
    "f_number": 2.8,
    "exposure": "1/200",
    "exposure_s": 0.005,
    "iso": 400,
    "taken_at": "2024-05-12T14:30:05",
}


def _z(text: bytes) -> bytes:
    return text + b"\x00"


def camera_tiff(
    make: bytes = b"Canon", model: bytes = b"Canon EOS 5D Mark IV",
    lens: bytes = b"EF24-70mm f/2.8L II USM", extra_exif: tuple[TiffEntry, ...] = (),
    big_endian: bool = False,
) -> bytes:
    """IFD0 (make, model, artist), the Exif IFD (exposure, aperture, ISO, date, focal length,
    lens, serials, owner) and a GPS IFD (a position and a named place)."""
    ifd0 = [
        (0x010F, ASCII, _z(make)),
        (0x0110, ASCII, _z(model)),
        (0x013B, ASCII, _z(ARTIST_NAME)),
        (binary.ORIENTATION_TAG, SHORT, [1]),
    ]
    exif = [
        (0x829A, RATIONAL, [1, 200]),  # ExposureTime
        (0x829D, RATIONAL, [28, 10]),  # FNumber
        (0x8827, SHORT, [400]),  # ISOSpeedRatings
        (0x9003, ASCII, b"2024:05:12 14:30:05\x00"),  # DateTimeOriginal
        (0x920A, RATIONAL, [50, 1]),  # FocalLength
        (0xA430, ASCII, _z(OWNER_NAME)),  # CameraOwnerName
        (0xA431, ASCII, _z(BODY_SERIAL)),  # BodySerialNumber
        (0xA434, ASCII, _z(lens)),  # LensModel
        (0xA435, ASCII, _z(LENS_SERIAL)),  # LensSerialNumber
        *extra_exif,
    ]
    gps = [
        (0x0001, ASCII, b"N\x00"),
        (0x0002, RATIONAL, [52, 1, 22, 1, 3054, 100]),
        (0x0003, ASCII, b"E\x00"),
        (0x0004, RATIONAL, [4, 1, 53, 1, 4068, 100]),
        (0x001C, UNDEFINED, b"ASCII\x00\x00\x00" + GPS_AREA),  # GPSAreaInformation
    ]
    return binary.tiff_block(ifd0, gps, big_endian=big_endian, exif=exif)


def with_exif(jpeg: bytes, tiff: bytes) -> bytes:
    """`jpeg` carrying `tiff` in an APP1 Exif segment right after SOI."""
    return binary.insert_after_soi(jpeg, binary.exif_app1(tiff))


def camera_jpeg(width: int = 320, height: int = 240, **fields: bytes) -> bytes:
    """A fresh (never a duplicate) JPEG with the full camera block; `fields` override make,
    model or lens."""
    return with_exif(fresh_photo(width, height), camera_tiff(**fields))


@cache
def camera_jpeg_cached() -> bytes:
    """One shared camera JPEG for tests that never upload it twice."""
    return camera_jpeg()
