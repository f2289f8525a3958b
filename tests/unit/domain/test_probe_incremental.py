"""Probing a prefix: NeedMoreData asks for a sensible amount, then the full answer comes."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest

from chalicelib.domain.errors import NeedMoreData, Rejected
from chalicelib.domain.probe import MAX_HEADER_BYTES, Header, probe
from tests.images import binary
from tests.images import factory as f

RANGED_GET = 64 * 1024  # what ingest reads first


def probe_in_rounds(data: bytes, first: int, doubling: bool = False) -> tuple[Header, list[int]]:
    """Probe the way ingest does: a prefix, then what NeedMoreData asks for (or double)."""
    have, asked = first, list[int]()
    for _ in range(100):
        try:
            return probe(data[:have], complete=have >= len(data)), asked
        except NeedMoreData as more:
            assert more.at_least > have, "every request must make progress"
            asked.append(more.at_least)
            have = max(more.at_least, 2 * have if doubling else 0)
    raise AssertionError(f"no answer after 100 rounds: {asked}")


def test_given_a_60k_exif_when_probing_1k_then_asks_for_the_segment_and_then_succeeds() -> None:
    data = f.jpeg_with_large_exif(orientation=6, padding=60 * 1024)

    # WHEN only the first KiB is there THEN the probe asks for at least the whole EXIF segment
    with pytest.raises(NeedMoreData) as caught:
        probe(data[:1024], complete=False)
    assert caught.value.at_least > 60 * 1024

    # WHEN given the whole file THEN orientation and size are known
    assert probe(data, complete=True) == Header("jpeg", 64, 48, 6, 1)


VALID: dict[str, Callable[[], bytes]] = {
    "photo jpeg": lambda: f.photo(640, 480),
    "photo png": lambda: f.photo(120, 90, "png"),
    "photo webp": lambda: f.photo(120, 90, "webp"),
    "lossless webp": f.webp_lossless,
    "rgba webp": f.rgba_webp,
    "60 KiB EXIF": f.jpeg_with_large_exif,
    "200 KB of APP9": f.jpeg_with_large_header,
    "1 MB ICC in 16 APP2 chunks": lambda: f.cmyk_jpeg(tagged=True),
    "100 KB of extraneous bytes": lambda: f.jpeg_with_extraneous_bytes(100_000),
    "metadata": f.jpeg_with_metadata,
    "webp EXIF after the image data": lambda: f.oriented_webp(6),
    "png eXIf": lambda: f.oriented_png(7),
    "apng": f.apng,
    "animated webp": f.animated_webp,
}


@pytest.mark.parametrize("make", VALID.values(), ids=VALID.keys())
@pytest.mark.parametrize("first", [32, 200, RANGED_GET])
@pytest.mark.parametrize("doubling", [False, True], ids=["exact", "doubling"])
def test_given_a_prefix_when_following_requests_then_same_header_as_the_whole_file(
    make: Callable[[], bytes], first: int, doubling: bool
) -> None:
    data = make()

    header, _ = probe_in_rounds(data, first, doubling)

    assert header == probe(data, complete=True)


def test_given_200k_of_app_segments_when_probing_64k_then_asks_beyond_64k() -> None:
    data = f.jpeg_with_large_header(total=200_000)

    header, asked = probe_in_rounds(data, RANGED_GET)

    assert asked and asked[0] > RANGED_GET
    assert (header.width, header.height) == (64, 48)


def test_given_headers_beyond_the_cap_when_incomplete_then_corrupt_not_more_data() -> None:
    # GIVEN a JPEG with more than MAX_HEADER_BYTES of APP segments before its SOF
    data = f.jpeg_with_large_header(total=MAX_HEADER_BYTES + 500_000)

    with pytest.raises(Rejected) as caught:
        probe_in_rounds(data, RANGED_GET, doubling=True)

    assert caught.value.reason == "corrupt_image"


def test_given_a_png_chunk_declaring_100mb_before_idat_when_incomplete_then_corrupt() -> None:
    huge_text_chunk = struct.pack(">I", 100_000_000) + b"iTXt" + b"x" * 100
    data = binary.insert_png_chunks(f.rgba_png(), [huge_text_chunk])

    with pytest.raises(Rejected) as caught:
        probe(data[:RANGED_GET], complete=False)

    assert caught.value.reason == "corrupt_image"


def test_given_webp_exif_beyond_the_cap_then_upright_rather_than_rejected() -> None:
    # GIVEN an extended WebP whose first chunks run past MAX_HEADER_BYTES before any EXIF
    start = f.webp_exif_flag_without_chunk()
    riff_size = struct.pack("<I", 2 * MAX_HEADER_BYTES)
    far_chunk = b"XMP " + struct.pack("<I", MAX_HEADER_BYTES)
    data = start[:4] + riff_size + start[8:] + far_chunk

    header = probe(data, complete=False)

    assert (header.width, header.height, header.orientation) == (64, 48, 1)


def test_given_svg_behind_a_long_comment_when_incomplete_then_asks_then_names_svg() -> None:
    data = b"<!--" + b" " * 100_000 + b"-->" + f.svg_with_script()

    with pytest.raises(NeedMoreData):
        probe(data[:RANGED_GET], complete=False)
    with pytest.raises(Rejected) as caught:
        probe_in_rounds(data, RANGED_GET)

    assert caught.value.reason == "unsupported_format"


@pytest.mark.parametrize("make", [f.html, f.pdf, f.zip_file, f.elf, f.text], ids=str)
def test_given_a_prefix_of_a_non_image_when_incomplete_then_rejected_without_more(
    make: Callable[[], bytes],
) -> None:
    with pytest.raises(Rejected) as caught:
        probe(make()[:40], complete=False)

    assert caught.value.reason == "not_an_image"
