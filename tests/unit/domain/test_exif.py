"""EXIF orientation from a TIFF block: both byte orders, and no damage ever raises."""

from __future__ import annotations

import struct

import pytest

from chalicelib.domain.formats.exif import orientation
from tests.images import binary


@pytest.mark.parametrize("big_endian", [False, True], ids=["II", "MM"])
@pytest.mark.parametrize("value", range(1, 9))
def test_given_a_valid_tag_in_either_byte_order_then_its_value(
    value: int, big_endian: bool
) -> None:
    assert orientation(binary.orientation_exif(value, big_endian)) == value


@pytest.mark.parametrize("value", [0, 9, 255, 65535])
def test_given_an_out_of_range_tag_then_upright(value: int) -> None:
    assert orientation(binary.orientation_exif(value)) == 1


def test_given_the_tag_among_others_then_it_is_found() -> None:
    tiff = binary.tiff_block(
        [
            (0x010F, binary.ASCII, b"Maker\x00"),
            (0x0110, binary.ASCII, b"A long model name\x00"),
            (binary.ORIENTATION_TAG, binary.SHORT, [8]),
            (0x0131, binary.ASCII, b"Software\x00"),
        ],
        big_endian=True,
    )

    assert orientation(tiff) == 8


def test_given_the_tag_with_a_wrong_type_then_upright() -> None:
    tiff = binary.tiff_block([(binary.ORIENTATION_TAG, binary.LONG, [6])])

    assert orientation(tiff) == 1


def test_given_no_orientation_tag_then_upright() -> None:
    assert orientation(binary.tiff_block([(0x010F, binary.ASCII, b"Maker\x00")])) == 1


def test_given_a_jpeg_style_exif_prefix_then_it_is_skipped() -> None:
    assert orientation(b"Exif\x00\x00" + binary.orientation_exif(5)) == 5


@pytest.mark.parametrize(
    "tiff",
    [
        b"",
        b"II",
        b"XX*\x00\x08\x00\x00\x00",  # unknown byte order
        b"II+\x00\x08\x00\x00\x00",  # BigTIFF magic, not EXIF
        b"II*\x00" + struct.pack("<I", 4) + bytes(16),  # IFD inside the header
        b"II*\x00" + struct.pack("<I", 0xFFFFFFFF),  # IFD far away
        b"II*\x00" + struct.pack("<IH", 8, 65535),  # count with no entries
        binary.orientation_exif(6)[:-6],  # entry cut short
    ],
    ids=["empty", "two bytes", "byte order", "bigtiff", "ifd in header", "ifd far", "count", "cut"],
)
def test_given_broken_tiff_then_upright_and_no_exception(tiff: bytes) -> None:
    assert orientation(tiff) == 1
